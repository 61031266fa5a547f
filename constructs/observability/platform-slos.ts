import { PropValidator } from "../core/validation";
import { PlatformMetric } from "./platform-metrics";
import { CounterSelection, ServiceLevelObjective, counterSli, sloFieldProblems } from "./slo";

/** Objectives of the platform's own components (an environment may lower them, e.g. in dev). */
export interface PlatformSloObjectives {
  /** Window of every platform SLO, in days. */
  readonly windowDays: number;
  /** CoreDNS: share of DNS responses that are not SERVFAIL, in percent. */
  readonly coreDnsPercent: number;
  /** Loki's write path: share of push and OTLP requests answered without a 5xx, in percent. */
  readonly lokiWritePercent: number;
  /** Tempo's write path: share of received spans its receivers accept, in percent. */
  readonly tempoWritePercent: number;
  /** The cluster's Application Load Balancers: share of requests without a target or ELB 5xx, in percent. */
  readonly loadBalancerPercent: number;
}

/** The objectives of {@link PlatformSloObjectives} (every key but the window). */
export const PLATFORM_SLO_PERCENT_KEYS = [
  "coreDnsPercent",
  "lokiWritePercent",
  "tempoWritePercent",
  "loadBalancerPercent",
] as const satisfies readonly (keyof PlatformSloObjectives)[];

/** The platform's objectives unless an environment sets its own. */
export const DEFAULT_PLATFORM_SLO_OBJECTIVES: PlatformSloObjectives = {
  windowDays: 30,
  coreDnsPercent: 99.9,
  lokiWritePercent: 99.5,
  tempoWritePercent: 99.5,
  loadBalancerPercent: 99.9,
};

/** Names of the platform SLOs (rule names, the `slo` label, alarm names). */
export const PLATFORM_SLO_NAMES = {
  coreDns: "coredns-responses",
  lokiWrite: "loki-write",
  tempoWrite: "tempo-write",
  loadBalancer: "alb-requests",
} as const;

/** Loki's write routes: the push API (protobuf/JSON, and its legacy path) and OTLP logs. */
export const LOKI_WRITE_ROUTES = "api_prom_push|loki_api_v1_push|otlp_v1_logs";

/** Which platform SLOs apply: each only when its component runs. */
export interface PlatformSloComponents {
  /** CoreDNS (always in EKS; needs Prometheus to scrape it). */
  readonly coreDns: boolean;
  /** Loki. */
  readonly lokiWrite: boolean;
  /** Tempo. */
  readonly tempoWrite: boolean;
}

const counter = (metric: PlatformMetric, matchers?: CounterSelection["matchers"]): CounterSelection => ({
  metric,
  ...(matchers ? { matchers } : {}),
});

/**
 * The Prometheus SLOs of the platform's components that run (the ALB SLO is a CloudWatch one,
 * {@link LoadBalancerSloAlarms}): CoreDNS responses (SERVFAIL is bad), Loki's write path (5xx on the
 * push and OTLP routes) and Tempo's write path (spans refused by its receivers), each selected by
 * the job or namespace kube-prometheus-stack and the charts' ServiceMonitors give them.
 */
export function platformServiceLevelObjectives(
  objectives: PlatformSloObjectives,
  components: PlatformSloComponents,
  namespace: string,
): ServiceLevelObjective[] {
  const common = { windowDays: objectives.windowDays, labels: { team: "platform" } };
  const slos: ServiceLevelObjective[] = [];
  if (components.coreDns) {
    slos.push({
      ...common,
      name: PLATFORM_SLO_NAMES.coreDns,
      objectivePercent: objectives.coreDnsPercent,
      ...counterSli({
        selector: { job: "coredns" },
        errors: [counter("coredns_dns_responses_total", { rcode: "SERVFAIL" })],
        total: [counter("coredns_dns_responses_total")],
      }),
    });
  }
  if (components.lokiWrite) {
    const routes = { route: { regex: LOKI_WRITE_ROUTES } };
    slos.push({
      ...common,
      name: PLATFORM_SLO_NAMES.lokiWrite,
      objectivePercent: objectives.lokiWritePercent,
      ...counterSli({
        selector: { namespace },
        errors: [
          counter("loki_request_duration_seconds_count", { ...routes, status_code: { regex: "5.." } }),
        ],
        total: [counter("loki_request_duration_seconds_count", routes)],
      }),
    });
  }
  if (components.tempoWrite) {
    slos.push({
      ...common,
      name: PLATFORM_SLO_NAMES.tempoWrite,
      objectivePercent: objectives.tempoWritePercent,
      ...counterSli({
        selector: { namespace },
        errors: [counter("tempo_receiver_refused_spans")],
        total: [counter("tempo_receiver_accepted_spans"), counter("tempo_receiver_refused_spans")],
      }),
    });
  }
  return slos;
}

/** Checks platform objectives as the SLOs will: percentages from 50 to below 100, a window of 1–90 days. */
export function validatePlatformSloObjectives(
  v: PropValidator,
  prop: string,
  objectives: PlatformSloObjectives,
): void {
  const probe = { name: "probe", errorsQuery: "[$window]", totalQuery: "[$window]" };
  for (const key of PLATFORM_SLO_PERCENT_KEYS) {
    for (const p of sloFieldProblems({ ...probe, objectivePercent: objectives[key] })) {
      v.fail(`${prop}.${key}`, p.value, p.allowed);
    }
  }
  for (const p of sloFieldProblems({ ...probe, objectivePercent: 99, windowDays: objectives.windowDays })) {
    v.fail(`${prop}.windowDays`, p.value, p.allowed);
  }
}
