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

  /** Records a problem unless `value` is a token or satisfies `isValid`. Returns whether it passed. */
  check<T>(prop: string, value: T, isValid: (value: T) => boolean, allowed: string): boolean {
    if (isUnresolved(value) || isValid(value)) return true;
    this.fail(prop, value, allowed);
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
