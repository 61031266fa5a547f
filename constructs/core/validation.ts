import { Token } from "cdktf";
import { Construct } from "constructs";

/** One problem with a construct prop: which prop, what it was given, and what is allowed. */
export interface PropProblem {
  readonly prop: string;
  readonly value: unknown;
  readonly allowed: string;
}

/** Thrown when a construct receives props it cannot build; the message lists every problem. */
export class ConstructValidationError extends Error {
  constructor(
    readonly constructName: string,
    readonly path: string,
    readonly problems: readonly PropProblem[],
  ) {
    super(
      problems
        .map((p) => {
          const [allowed, hint] = splitSuggestion(p.allowed);
          return `${constructName} '${path}': '${p.prop}' ${allowed}, got ${describe(p.value)}${hint}`;
        })
        .join("\n"),
    );
    this.name = "ConstructValidationError";
  }
}

/** A default resource name from a construct id: lowercased, anything but [a-z0-9-] turned into '-'. */
export function nameFromId(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9-]/g, "-");
}

/** Renders a value for an error message: strings quoted, everything else as JSON. */
export function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  return JSON.stringify(value);
}

/** True when a value (or any string inside it) is an unresolved cdktf token that cannot be checked now. */
export function isUnresolved(value: unknown): boolean {
  if (typeof value === "string" || typeof value === "number") return Token.isUnresolved(value);
  if (Array.isArray(value)) return Token.isUnresolved(value) || value.some(isUnresolved);
  return false;
}

/**
 * A rule a value must satisfy and what it allows, worded to follow the prop or field name
 * ("must be …"). Defined once by the construct that owns the rule and used both by its
 * {@link PropValidator} and by the environment schema, so both accept the same values and say so in
 * the same words.
 */
export interface Rule<T> {
  /** What is allowed, e.g. "must be a whole number of GiB from 20 to 65536". */
  readonly allowed: string;
  /** True when the value satisfies the rule. */
  readonly test: (value: T) => boolean;
  /** A hint for a value that fails, e.g. "; did you mean \"x\"?" (see {@link didYouMean}). */
  readonly hint?: (value: unknown) => string;
}

/** A rule from a predicate and the words for what it allows. */
export function rule<T>(
  allowed: string,
  test: (value: T) => boolean,
  hint?: (value: unknown) => string,
): Rule<T> {
  return { allowed, test, hint };
}

/** What a rule allows, followed by its hint for `value` (if any). */
export function allowedFor<T>(r: Rule<T>, value: unknown): string {
  return r.allowed + (r.hint?.(value) ?? "");
}

/** The same rule with a note appended to what it allows, e.g. "(gp3)". */
export function noted<T>(r: Rule<T>, note: string): Rule<T> {
  return { ...r, allowed: `${r.allowed} ${note}` };
}

/** A rule that also accepts `undefined` (an optional prop left out). */
export function optional<T>(r: Rule<T>): Rule<T | undefined> {
  return { ...r, test: (value) => value === undefined || r.test(value) };
}

/**
 * Whole numbers from `min` to `max` (inclusive; no upper bound when `max` is undefined), of `unit`
 * when given: "must be a whole number of days from 0 to 35", "must be a whole number of days ≥ 1".
 */
export function wholeNumber(min: number, max?: number, unit?: string): Rule<number> {
  const of = unit === undefined ? "" : ` of ${unit}`;
  const range = max === undefined ? ` ≥ ${min}` : ` from ${min} to ${max}`;
  return rule(
    `must be a whole number${of}${range}`,
    (n) => Number.isInteger(n) && n >= min && (max === undefined || n <= max),
  );
}

/** Strings matching `pattern`, described as users read them: matching(/^sg-…$/, "a security group id (sg-...)"). */
export function matching(pattern: RegExp, description: string): Rule<string> {
  return rule(`must be ${description}`, (value) => typeof value === "string" && pattern.test(value));
}

/** Quotes a value of an enum for messages: strings in single quotes, numbers as they are. */
function quoted(value: string | number): string {
  return typeof value === "number" ? String(value) : `'${value}'`;
}

/** "'a', 'b' or 'c'": the values of an enum, as messages list them. */
export function listOf(values: readonly (string | number)[]): string {
  const all = values.map(quoted);
  return all.length <= 1 ? all.join("") : `${all.slice(0, -1).join(", ")} or ${all[all.length - 1]}`;
}

/**
 * One of `values`: "must be 'none', 'single' or 'perAz'" (plus `note`, e.g. "seconds"), with a
 * "did you mean" hint for a near miss.
 */
export function oneOf<const V extends string | number>(
  values: readonly V[],
  note?: string,
): Rule<unknown> & { readonly values: readonly V[] } {
  return {
    values,
    allowed: `must be ${listOf(values)}${note === undefined ? "" : ` ${note}`}`,
    test: (value) => (values as readonly unknown[]).includes(value),
    hint: (value) => didYouMean(value, values.map(String)),
  };
}

/** A list whose every element satisfies `r` (at least `min` of them): "must be IAM role ARNs". */
export function listEach<T>(r: Rule<T>, allowed: string, min = 0): Rule<readonly T[]> {
  return rule(
    allowed,
    (list) => Array.isArray(list) && list.length >= min && list.every((item) => r.test(item)),
  );
}

/**
 * A DNS label of at most `maxLength` characters (lowercase letters, digits and '-', starting and
 * ending with a letter or digit): names that end up in AWS resource names and DNS.
 */
export function dnsLabel(maxLength: number): Rule<string> {
  const pattern = new RegExp(`^[a-z0-9]([a-z0-9-]{0,${maxLength - 2}}[a-z0-9])?$`);
  return matching(pattern, `1–${maxLength} lowercase letters, digits or '-' (not at either end)`);
}

/**
 * Collects the problems of one construct's props so that they are reported together, in one error
 * that names the construct path, the prop, the value and what is allowed.
 *
 * ```ts
 * const v = new PropValidator("Network", this);
 * v.check("azCount", props.azCount, (n) => n >= 2 && n <= 3, "must be 2 or 3");
 * v.throwIfInvalid();
 * ```
 */
export class PropValidator {
  private readonly problems: PropProblem[] = [];

  constructor(
    private readonly constructName: string,
    private readonly scope: Construct,
  ) {}

  /**
   * Records a problem unless `value` is a token or satisfies the rule (or `isValid`, worded by
   * `allowed`). Returns whether it passed.
   */
  check<T>(prop: string, value: T, rule: Rule<T>): boolean;
  check<T>(prop: string, value: T, isValid: (value: T) => boolean, allowed: string): boolean;
  check<T>(prop: string, value: T, test: Rule<T> | ((value: T) => boolean), allowed?: string): boolean {
    const r = typeof test === "function" ? rule(allowed ?? "", test) : test;
    if (isUnresolved(value) || r.test(value)) return true;
    this.fail(prop, value, allowedFor(r, value));
    return false;
  }

  /** Records a problem found by the caller's own logic. */
  fail(prop: string, value: unknown, allowed: string): void {
    this.problems.push({ prop, value, allowed });
  }

  /** Throws one error listing every recorded problem; does nothing when there are none. */
  throwIfInvalid(): void {
    if (this.problems.length > 0) {
      throw new ConstructValidationError(this.constructName, this.scope.node.path, this.problems);
    }
  }
}

/** The edit distance between two strings (insertions, deletions, substitutions and swaps of neighbours). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

/**
 * The allowed value nearest to `value` (case-insensitive edit distance), when it is close enough to
 * be a plausible typo: at most a third of the longer string's length. Undefined otherwise.
 */
export function nearestValue(value: unknown, allowed: readonly string[]): string | undefined {
  if (typeof value !== "string" || value.length < 3) return undefined;
  const given = String(value).toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(given, candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  if (best === undefined) return undefined;
  return best.distance <= Math.max(1, Math.floor(Math.max(given.length, best.candidate.length) / 3))
    ? best.candidate
    : undefined;
}

/**
 * "; did you mean "x"?" for the allowed value nearest to `value` (see {@link nearestValue}), or an
 * empty string: appended to a validation message so that every catalog check suggests the same way.
 */
export function didYouMean(value: unknown, allowed: readonly string[]): string {
  const nearest = nearestValue(value, allowed);
  return nearest === undefined || nearest === value ? "" : `; did you mean ${JSON.stringify(nearest)}?`;
}

/**
 * What to write instead when a value has the wrong JSON type but the right text: `1.35` for the
 * string "1.35", or "20" for the number 20. Empty when the mix-up is not that simple.
 */
export function typeMixUp(value: unknown, allowed: readonly (string | number)[]): string {
  if (typeof value === "number" && allowed.includes(String(value))) {
    return ` (a number); write ${JSON.stringify(String(value))}`;
  }
  if (typeof value === "string" && allowed.includes(Number(value)) && value.trim() !== "") {
    return ` (a string); write ${Number(value)}`;
  }
  return "";
}

/**
 * Splits a message built with {@link didYouMean} into what is allowed and the suggestion, so that
 * the suggestion can follow the value: `'x' must be ..., got "y"; did you mean "z"?`.
 */
export function splitSuggestion(message: string): [string, string] {
  const at = message.lastIndexOf("; did you mean ");
  return at >= 0 && message.endsWith("?") ? [message.slice(0, at), message.slice(at)] : [message, ""];
}
