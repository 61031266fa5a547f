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
        .map((p) => `${constructName} '${path}': '${p.prop}' ${p.allowed}, got ${describe(p.value)}`)
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
