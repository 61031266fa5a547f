/**
 * Service level objectives as code: an objective over a window, its SLI as two PromQL rates
 * (errors and total), rendered as the multi-window, multi-burn-rate alerts of the Google SRE
 * workbook ("Alerting on SLOs", recommended parameters): page on 2 % of the error budget spent in
 * 1 h or 5 % in 6 h, open a ticket on 10 % in 3 d, each confirmed by a short window of a twelfth of
 * the long one so that an alert stops soon after the burn does. The result is the `spec` of a
 * Prometheus Operator `PrometheusRule`: recording rules for the error ratio per window, and alerts.
 */

import { matching, rule, wholeNumber } from "../core/validation";

/** One service level objective. */
export interface ServiceLevelObjective {
  /** Name of the SLO, used in rule and alert names: lowercase letters, digits and '-'. */
  readonly name: string;
  /** The objective as a percentage of good events, e.g. 99.9. */
  readonly objectivePercent: number;
  /** The SLO's window in days. @default 30 */
  readonly windowDays?: number;
  /** PromQL for the rate of bad events over `$window` (written `[$window]`), e.g. 5xx responses. */
  readonly errorsQuery: string;
  /** PromQL for the rate of all events over `$window`. */
  readonly totalQuery: string;
  /** Labels every alert carries (team, service). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** One alerting tier of the workbook: the share of the budget spent within the long window. */
export interface BurnRateTier {
  readonly severity: "page" | "ticket";
  /** Share of the error budget spent within `longWindow` that alerts. */
  readonly budgetSpent: number;
  readonly longWindow: string;
  readonly shortWindow: string;
}

/** The workbook's recommended tiers (for a 30-day SLO: burn rates 14.4, 6 and 1). */
export const BURN_RATE_TIERS: readonly BurnRateTier[] = [
  { severity: "page", budgetSpent: 0.02, longWindow: "1h", shortWindow: "5m" },
  { severity: "page", budgetSpent: 0.05, longWindow: "6h", shortWindow: "30m" },
  { severity: "ticket", budgetSpent: 0.1, longWindow: "3d", shortWindow: "6h" },
];

const HOURS: Record<string, number> = { m: 1 / 60, h: 1, d: 24 };

/** A Prometheus duration such as "5m", "6h" or "3d" in hours. */
export function durationHours(duration: string): number {
  const match = /^(\d+)([mhd])$/.exec(duration);
  if (!match) throw new Error(`not a duration of minutes, hours or days: ${JSON.stringify(duration)}`);
  return Number(match[1]) * HOURS[match[2]];
}

/** The burn rate at which `tier` alerts for an SLO over `windowDays`: budget share × window / long window. */
export function burnRate(tier: BurnRateTier, windowDays: number): number {
  return Number(((tier.budgetSpent * windowDays * 24) / durationHours(tier.longWindow)).toFixed(4));
}

/** A Prometheus rule (recording or alerting). */
export interface PrometheusRuleEntry {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The `spec` of a `PrometheusRule`. */
export interface PrometheusRuleSpec {
  readonly groups: readonly { readonly name: string; readonly rules: readonly PrometheusRuleEntry[] }[];
}

/** One problem of an SLO definition: the field, its value and what is allowed. */
export interface SloFieldProblem {
  readonly field: keyof ServiceLevelObjective;
  readonly value: unknown;
  readonly allowed: string;
  /** Said after the value, e.g. what the value looks like it was meant to be. */
  readonly hint?: string;
}

/** The rules of an SLO's fields, also used by the environment schema for the platform's objectives. */
export const SLO_RULES = {
  name: matching(/^[a-z][a-z0-9-]{0,62}$/, "1–63 lowercase letters, digits or '-', starting with a letter"),
  /** An objective below half the events is no objective (one below 1 is a fraction meant as a percentage). */
  objectivePercent: rule<number>(
    "must be a percentage from 50 to below 100 (e.g. 99.9)",
    (p) => typeof p === "number" && p >= 50 && p < 100,
  ),
  windowDays: wholeNumber(1, 90, "days"),
} as const;

/** What is wrong with an SLO definition, field by field (empty when valid). */
export function sloFieldProblems(slo: ServiceLevelObjective): SloFieldProblem[] {
  const problems: SloFieldProblem[] = [];
  if (!SLO_RULES.name.test(slo.name)) {
    problems.push({ field: "name", value: slo.name, allowed: SLO_RULES.name.allowed });
  }
  if (!SLO_RULES.objectivePercent.test(slo.objectivePercent)) {
    problems.push({
      field: "objectivePercent",
      value: slo.objectivePercent,
      allowed: SLO_RULES.objectivePercent.allowed,
      ...(slo.objectivePercent > 0 && slo.objectivePercent < 1
        ? { hint: " (a fraction; write it as a percentage)" }
        : {}),
    });
  }
  const days = slo.windowDays ?? 30;
  if (!SLO_RULES.windowDays.test(days)) {
    problems.push({ field: "windowDays", value: days, allowed: SLO_RULES.windowDays.allowed });
  }
  for (const field of ["errorsQuery", "totalQuery"] as const) {
    if (!slo[field].includes("[$window]")) {
      problems.push({ field, value: slo[field], allowed: "must take its range as [$window]" });
    }
  }
  return problems;
}

/** What is wrong with an SLO definition, one message per problem (empty when valid). */
export function sloProblems(slo: ServiceLevelObjective): string[] {
  return sloFieldProblems(slo).map(
    (p) =>
      `SLO ${JSON.stringify(slo.name)}: '${p.field}' ${p.allowed}, got ${typeof p.value === "number" ? p.value : JSON.stringify(p.value)}${p.hint ?? ""}`,
  );
}

/**
 * The recording rules and multi-window, multi-burn-rate alerts of an SLO. Throws one error listing
 * every problem of the definition.
 */
export function sloRules(slo: ServiceLevelObjective): PrometheusRuleSpec {
  const problems = sloProblems(slo);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  const days = slo.windowDays ?? 30;
  const budget = Number((1 - slo.objectivePercent / 100).toPrecision(6));
  const metric = (window: string) => `slo:error_ratio:rate${window}`;
  // Single-quoted PromQL strings (see seriesSelector).
  const selector = `{slo='${slo.name}'}`;
  const windows = [...new Set(BURN_RATE_TIERS.flatMap((t) => [t.longWindow, t.shortWindow]))];
  const recording: PrometheusRuleEntry[] = windows.map((window) => ({
    record: metric(window),
    expr: `(${slo.errorsQuery.replaceAll("$window", window)}) / (${slo.totalQuery.replaceAll("$window", window)})`,
    labels: { slo: slo.name },
  }));
  const alerts: PrometheusRuleEntry[] = BURN_RATE_TIERS.map((tier) => {
    const rate = burnRate(tier, days);
    const threshold = `${rate} * ${budget}`;
    return {
      alert: `SLOBurnRate${tier.severity === "page" ? "Page" : "Ticket"}${tier.longWindow}`,
      expr:
        `${metric(tier.longWindow)}${selector} > (${threshold})` +
        ` and ${metric(tier.shortWindow)}${selector} > (${threshold})`,
      labels: { ...slo.labels, slo: slo.name, severity: tier.severity },
      annotations: {
        summary: `${slo.name}: error budget burning ${rate}× too fast`,
        description:
          `${slo.name} (${slo.objectivePercent} % over ${days} d) spends ${tier.budgetSpent * 100} % of its error budget ` +
          `in ${tier.longWindow} at this rate (confirmed over ${tier.shortWindow}).`,
      },
    };
  });
  // What dashboards read: the objective, the budget and the error ratio over the whole SLO window
  // (the mean of the 5-minute ratio, cheap to evaluate), all labelled with the SLO.
  const budgetRules: PrometheusRuleEntry[] = [
    {
      record: "slo:objective:ratio",
      expr: `vector(${Number((slo.objectivePercent / 100).toPrecision(6))})`,
      labels: { slo: slo.name },
    },
    { record: "slo:error_budget:ratio", expr: `vector(${budget})`, labels: { slo: slo.name } },
    {
      record: "slo:error_ratio:window",
      expr: `avg_over_time(${metric("5m")}${selector}[${days}d])`,
      labels: { slo: slo.name, window: `${days}d` },
    },
  ];
  return {
    groups: [
      { name: `slo-${slo.name}-recording`, rules: recording },
      { name: `slo-${slo.name}-alerts`, rules: alerts },
      { name: `slo-${slo.name}-budget`, rules: budgetRules },
    ],
  };
}

/** The recording rules every SLO writes (what the SLO dashboard reads; a test checks them against sloRules). */
export const SLO_RECORDED_METRICS = [
  "slo:error_ratio:rate1h",
  "slo:error_ratio:rate5m",
  "slo:error_ratio:rate6h",
  "slo:error_ratio:rate30m",
  "slo:error_ratio:rate3d",
  "slo:objective:ratio",
  "slo:error_budget:ratio",
  "slo:error_ratio:window",
] as const;

/** A label matcher: an exact value, or a regular expression (`=~`). */
export type LabelMatch = string | { readonly regex: string };

/** One counter of an SLI and the labels that pick its series. */
export interface CounterSelection {
  /** The counter's name, e.g. `coredns_dns_responses_total`. */
  readonly metric: string;
  /** Label matchers besides the service selector, e.g. `{ rcode: "SERVFAIL" }`. @default - none */
  readonly matchers?: Readonly<Record<string, LabelMatch>>;
}

/** An SLI as ratios of counters: bad events over all events of the selected service. */
export interface CounterSli {
  /** The service selector: label matchers every counter of the SLI is filtered by (job, namespace). */
  readonly selector: Readonly<Record<string, LabelMatch>>;
  /** Counters of bad events, summed (e.g. 5xx responses). */
  readonly errors: readonly CounterSelection[];
  /** Counters of all events, summed (e.g. every response, or accepted plus refused). */
  readonly total: readonly CounterSelection[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A PromQL string literal in single quotes (PromQL accepts single, double or back quotes, with Go's
 * escapes). Single quotes keep double quotes, and so backslashes, out of the JSON the rules and
 * dashboards are carried in: cdktf's HCL renderer (`npm run synth:hcl`) mangles backslashes.
 */
function promString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** A PromQL series selector: `name{label='value',other=~'regex'}`. */
export function seriesSelector(metric: string, matchers: Readonly<Record<string, LabelMatch>> = {}): string {
  if (!METRIC_NAME.test(metric)) throw new Error(`not a Prometheus metric name: ${JSON.stringify(metric)}`);
  const parts = Object.entries(matchers).map(([label, match]) => {
    if (!LABEL_NAME.test(label)) throw new Error(`not a Prometheus label name: ${JSON.stringify(label)}`);
    return typeof match === "string"
      ? `${label}=${promString(match)}`
      : `${label}=~${promString(match.regex)}`;
  });
  return `${metric}{${parts.join(",")}}`;
}

/**
 * The `errorsQuery` and `totalQuery` of an SLO from counters: the sum of each counter's rate over
 * `$window`, filtered by the service selector and the counter's own matchers.
 */
export function counterSli(sli: CounterSli): Pick<ServiceLevelObjective, "errorsQuery" | "totalQuery"> {
  if (sli.errors.length === 0 || sli.total.length === 0) {
    throw new Error("a counter SLI needs at least one error counter and one total counter");
  }
  const sum = (counters: readonly CounterSelection[]) =>
    counters
      .map((c) => `sum(rate(${seriesSelector(c.metric, { ...sli.selector, ...c.matchers })}[$window]))`)
      .join(" + ");
  return { errorsQuery: sum(sli.errors), totalQuery: sum(sli.total) };
}
