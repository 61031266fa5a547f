import { z } from "zod";
import { describe } from "../constructs/core/validation";
import { overlaps, parseCidr } from "../constructs/network/cidr";
import { dev } from "./dev";
import { prod } from "./prod";
import { sandboxEnvironment } from "./sandbox";
import {
  EnvironmentConfig,
  EnvironmentInput,
  SANDBOX_NAME_PATTERN,
  STANDARD_ENVIRONMENTS,
  StandardEnvironmentName,
  environmentSchema,
} from "./schema";
import { stage } from "./stage";

export * from "./schema";
export { sandboxEnvironment } from "./sandbox";

/** The long-lived environments, by name. */
export const ENVIRONMENTS: Readonly<Record<StandardEnvironmentName, EnvironmentInput>> = { dev, stage, prod };

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
  const got =
    issue.code === "unrecognized_keys" ? `unknown field(s) ${issue.keys.join(", ")}` : describe(issue.input);
  const allowed = issue.code === "unrecognized_keys" ? "is not a known field" : issue.message;
  return `Environment '${label}': '${field}' ${allowed}, got ${got}`;
}

/** Validates one environment; throws a {@link ConfigurationError} listing every problem. */
export function loadEnvironment(input: EnvironmentInput, label: string = input.name): EnvironmentConfig {
  const problems = environmentProblems(input, label);
  if (problems.length > 0) throw new ConfigurationError(problems);
  return environmentSchema.parse(input);
}

/** The variables that select what the app builds. */
export interface EnvironmentSelection {
  /** Comma-separated environment names. @default "dev,stage,prod" */
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
 * The validated environments named by `INFRA_ENVS` (default: dev, stage, prod) plus a sandbox per
 * name in `INFRA_SANDBOX`. Unknown names, invalid sandbox names and invalid values are all
 * reported together in one {@link ConfigurationError}; nothing ever falls back to a default.
 */
export function selectEnvironments(
  selection: EnvironmentSelection,
  defined: Readonly<Record<string, EnvironmentInput>> = ENVIRONMENTS,
): EnvironmentConfig[] {
  const problems: string[] = [];
  const inputs: EnvironmentInput[] = [];

  const names =
    selection.INFRA_ENVS === undefined ? [...STANDARD_ENVIRONMENTS] : splitList(selection.INFRA_ENVS);
  for (const name of new Set(names)) {
    const input = defined[name];
    if (input) {
      inputs.push(input);
    } else {
      const hint = name.startsWith("sandbox-") ? "; select sandboxes with INFRA_SANDBOX=<name>" : "";
      problems.push(
        `INFRA_ENVS: unknown environment ${describe(name)}; known: ${Object.keys(defined).join(", ")}${hint}`,
      );
    }
  }
  for (const sandbox of new Set(splitList(selection.INFRA_SANDBOX ?? ""))) {
    if (SANDBOX_NAME_PATTERN.test(sandbox)) {
      inputs.push(sandboxEnvironment(sandbox));
    } else {
      problems.push(
        `INFRA_SANDBOX: ${describe(sandbox)} is not a valid sandbox name; use 1–12 lowercase letters or digits (e.g. "alice")`,
      );
    }
  }
  if (inputs.length === 0 && problems.length === 0) {
    problems.push("INFRA_ENVS: no environment selected; name at least one or set INFRA_SANDBOX");
  }

  for (const input of inputs) problems.push(...environmentProblems(input, String(input.name)));
  problems.push(...overlappingNetworks(Object.values(defined)));
  if (problems.length > 0) throw new ConfigurationError(problems);
  return inputs.map((input) => environmentSchema.parse(input));
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
