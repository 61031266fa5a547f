import { z } from "zod";
import { describe, didYouMean, splitSuggestion, typeMixUp } from "../constructs/core/validation";
import { overlaps, parseCidr } from "../constructs/network/cidr";
import { ENVIRONMENTS } from "./registry";
import { sandboxCidrCollisions, sandboxEnvironment } from "./sandbox";
import { EnvironmentConfig, EnvironmentInput, SANDBOX_NAME_PATTERN, environmentSchema } from "./schema";
import { SANDBOX_PREFIX, isSandboxEnvironmentName, sandboxNameOf } from "./naming";

export * from "./schema";
export { SANDBOX_CIDR_POOL, sandboxCidr, sandboxCidrCollisions, sandboxEnvironment } from "./sandbox";
export { ENVIRONMENTS } from "./registry";

/** A registered long-lived environment's name. */
export type EnvironmentName = keyof typeof ENVIRONMENTS;

/** The long-lived environments' names, in promotion order (environments/registry.ts). */
export const ENVIRONMENT_NAMES = Object.keys(ENVIRONMENTS) as readonly EnvironmentName[];

/** The rule for sandbox names, as users read it. */
export const SANDBOX_NAME_RULE = `1–12 lowercase letters or digits (${SANDBOX_NAME_PATTERN}), e.g. "alice"`;

/**
 * Why `name` cannot be a sandbox's own name (the `<name>` of `sandbox-<name>`), or undefined when it
 * can. The names of long-lived environments are refused, so `sandbox-dev` never stands beside `dev`.
 */
export function sandboxNameProblem(
  name: string,
  defined: Readonly<Record<string, EnvironmentInput>> = ENVIRONMENTS,
): string | undefined {
  if (Object.hasOwn(defined, name)) {
    return `${describe(name)} is a long-lived environment, not a sandbox name; sandbox names are ${SANDBOX_NAME_RULE} other than ${Object.keys(defined).join(", ")}`;
  }
  const own = sandboxNameOf(name);
  if (own !== undefined) {
    return `give the sandbox's own name without the "${SANDBOX_PREFIX}" prefix (e.g. ${describe(own)}); names are ${SANDBOX_NAME_RULE}`;
  }
  if (!SANDBOX_NAME_PATTERN.test(name)) {
    return `${describe(name)} is not a valid sandbox name; use ${SANDBOX_NAME_RULE}`;
  }
  return undefined;
}

/** Invalid configuration or selection; the message lists every problem, one per line. */
export class ConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "ConfigurationError";
  }
}

/** The problems of one environment's values, each naming the environment, field, value and what is allowed. */
export function environmentProblems(input: unknown, label: string): string[] {
  const result = environmentSchema.safeParse(input, { reportInput: true });
  if (result.success) return [];
  return result.error.issues.map((issue) => formatIssue(label, issue));
}

function formatIssue(label: string, issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.join(".") : "(environment)";
  if (issue.code === "unrecognized_keys") {
    const suggestions = issue.keys.map((key) => didYouMean(key, knownFields(issue.path))).join("");
    return `Environment '${label}': '${field}' is not a known field, got unknown field(s) ${issue.keys.join(", ")}${suggestions}`;
  }
  // A record key that failed its own check: the key's message, not zod's "Invalid key in record".
  const message =
    issue.code === "invalid_key" ? issue.issues.map((inner) => inner.message).join("; ") : issue.message;
  if (issue.code === "custom" && issue.input === undefined && message.startsWith("is required")) {
    return `Environment '${label}': '${field}' ${message}`;
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    const allowed = message.startsWith("Invalid input")
      ? `a ${issue.expected}`
      : message.replace(/^must be /, "");
    return `Environment '${label}': '${field}' is required (${allowed})`;
  }
  const raw = message.startsWith("Invalid input")
    ? `must be a ${"expected" in issue ? issue.expected : "valid value"}`
    : message;
  const allowedValues = allowedValuesOf(issue);
  const expectedString =
    issue.code === "invalid_type" && issue.expected === "string" ? [String(issue.input)] : [];
  const mixUp = typeMixUp(issue.input, [...allowedValues, ...expectedString]);
  const suggestion =
    mixUp === "" && issue.code === "invalid_value" ? didYouMean(issue.input, allowedValues.map(String)) : "";
  const [allowed, hint] = splitSuggestion(raw);
  return `Environment '${label}': '${field}' ${allowed}, got ${describe(issue.input)}${mixUp}${suggestion}${hint}`;
}

/** The literal values an issue allows (an enum, a literal, or a union of literals such as `2 | 3`). */
function allowedValuesOf(issue: z.core.$ZodIssue): (string | number)[] {
  if (issue.code === "invalid_value") return issue.values.map((v) => v as string | number);
  if (issue.code === "invalid_union") return issue.errors.flat().flatMap((inner) => allowedValuesOf(inner));
  return [];
}

/** The field names the schema knows at a path (for "did you mean" on an unknown field). */
function knownFields(at: readonly PropertyKey[]): string[] {
  let schema: z.ZodType | undefined = environmentSchema;
  for (const key of at) {
    const inner = unwrap(schema);
    if (inner instanceof z.ZodObject) schema = (inner.shape as Record<string, z.ZodType>)[String(key)];
    else if (inner instanceof z.ZodRecord) schema = inner.valueType as z.ZodType;
    else return [];
  }
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  if (schema instanceof z.ZodOptional) return unwrap(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodPipe) return unwrap(schema.in as z.ZodType);
  return schema;
}

/** Validates one environment; throws a {@link ConfigurationError} listing every problem. */
export function loadEnvironment(input: EnvironmentInput, label: string = input.name): EnvironmentConfig {
  const problems = environmentProblems(input, label);
  if (problems.length > 0) throw new ConfigurationError(problems);
  return environmentSchema.parse(input);
}

/** The variables that select what the app builds. */
export interface EnvironmentSelection {
  /** Comma-separated environment names. @default - every registered environment (environments/registry.ts) */
  readonly INFRA_ENVS?: string;
  /** Comma-separated sandbox names; each adds `sandbox-<name>`. @default - no sandbox */
  readonly INFRA_SANDBOX?: string;
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * The validated environments named by `INFRA_ENVS` (comma-separated; default: every registered
 * environment, in promotion order) plus a sandbox per
 * name in `INFRA_SANDBOX`. Unknown names, invalid sandbox names and invalid values are all
 * reported together in one {@link ConfigurationError}; nothing ever falls back to a default.
 */
export function selectEnvironments(
  selection: EnvironmentSelection,
  defined: Readonly<Record<string, EnvironmentInput>> = ENVIRONMENTS,
): EnvironmentConfig[] {
  const problems: string[] = [];
  const inputs: EnvironmentInput[] = [];

  const names = selection.INFRA_ENVS === undefined ? Object.keys(defined) : splitList(selection.INFRA_ENVS);
  for (const name of new Set(names)) {
    const input = defined[name];
    if (input) {
      inputs.push(input);
    } else {
      const hint = isSandboxEnvironmentName(name) ? "; select sandboxes with INFRA_SANDBOX=<name>" : "";
      problems.push(
        `INFRA_ENVS: unknown environment ${describe(name)}; known: ${Object.keys(defined).join(", ")}${hint}`,
      );
    }
  }
  const sandboxes: string[] = [];
  for (const sandbox of new Set(splitList(selection.INFRA_SANDBOX ?? ""))) {
    const problem = sandboxNameProblem(sandbox, defined);
    if (problem === undefined) sandboxes.push(sandbox);
    else problems.push(`INFRA_SANDBOX: ${problem}`);
  }
  inputs.push(...sandboxes.map((sandbox) => sandboxEnvironment(sandbox, defined)));
  problems.push(...sandboxCidrCollisions(sandboxes, defined));
  if (inputs.length === 0 && problems.length === 0) {
    problems.push("INFRA_ENVS: no environment selected; name at least one or set INFRA_SANDBOX");
  }

  for (const input of inputs) problems.push(...environmentProblems(input, String(input.name)));
  problems.push(...registryProblems(defined), ...stackIdProblems(inputs));
  if (problems.length > 0) throw new ConfigurationError(problems);
  return inputs.map((input) => environmentSchema.parse(input));
}

/**
 * What must hold across the registered environments: each is registered under its own name, no two
 * share a state bucket or a hosted zone across accounts (a copied environment file that kept its
 * source's values), and no two networks overlap.
 */
export function registryProblems(defined: Readonly<Record<string, EnvironmentInput>>): string[] {
  const problems: string[] = [];
  const environments = Object.entries(defined).map(([key, input]) => {
    if (input.name !== key) {
      problems.push(
        `Environment '${key}': 'name' must equal its key in environments/registry.ts (${describe(key)}), got ${describe(input.name)}`,
      );
    }
    return input;
  });
  environments.forEach((a, i) => {
    for (const b of environments.slice(i + 1)) {
      if (a.state?.bucket !== undefined && a.state.bucket === b.state?.bucket) {
        problems.push(
          `Environment '${b.name}': 'state.bucket' must not be the state bucket of environment '${a.name}', got ${describe(b.state.bucket)}`,
        );
      }
      const zoneA = a.platform?.domain?.hostedZoneId;
      if (zoneA !== undefined && zoneA === b.platform?.domain?.hostedZoneId && a.accountId !== b.accountId) {
        problems.push(
          `Environment '${b.name}': 'platform.domain.hostedZoneId' is the hosted zone of environment '${a.name}' in account ${a.accountId}, not of this environment's account ${b.accountId}, got ${describe(zoneA)}`,
        );
      }
    }
  });
  return [...problems, ...overlappingNetworks(environments)];
}

/** Every long-lived environment, validated (what the account baselines are built from). */
export function longLivedEnvironments(
  defined: Readonly<Record<string, EnvironmentInput>> = ENVIRONMENTS,
): EnvironmentConfig[] {
  return selectEnvironments({ INFRA_ENVS: Object.keys(defined).join(",") }, defined);
}

/** Long-lived environments must not share address space, so they can be connected later. */
function overlappingNetworks(environments: readonly EnvironmentInput[]): string[] {
  const problems: string[] = [];
  environments.forEach((a, i) => {
    for (const b of environments.slice(i + 1)) {
      const blockA = parseCidr(a.network.cidr);
      const blockB = parseCidr(b.network.cidr);
      if (blockA && blockB && overlaps(blockA, blockB)) {
        problems.push(
          `Environment '${b.name}': 'network.cidr' must not overlap environment '${a.name}' (${a.network.cidr}), got ${describe(b.network.cidr)}`,
        );
      }
    }
  });
  return problems;
}

/** The stack ids an environment synthesizes (README, Stacks): a contract for CLI globs and state keys. */
function stackIdsOf(name: string): string[] {
  return [`${name}-network`, `${name}-cluster`, `${name}-data`, `${name}-platform`, `bootstrap-${name}`];
}

/** Two selected environments must never synthesize the same stack (one would overwrite the other's state). */
export function stackIdProblems(inputs: readonly EnvironmentInput[]): string[] {
  const owners = new Map<string, string>();
  const problems = new Set<string>();
  for (const input of inputs) {
    for (const id of stackIdsOf(String(input.name))) {
      const owner = owners.get(id);
      if (owner !== undefined) {
        problems.add(
          `Environment '${input.name}': 'name' must be unique among the selected environments: ${describe(input.name)} would synthesize the stacks of another selected environment (${id}, ...)`,
        );
      } else {
        owners.set(id, String(input.name));
      }
    }
  }
  return [...problems];
}
