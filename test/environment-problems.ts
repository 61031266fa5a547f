import {
  ENVIRONMENTS,
  EnvironmentConfig,
  EnvironmentInput,
  environmentProblems,
  loadEnvironment,
  sandboxEnvironment,
} from "../environments";
import { withChanges } from "./helpers";

/** The shipped environments and the sandbox "alice", loaded (validated, defaults applied) as the app loads them. */
export const LOADED: Readonly<Record<"dev" | "stage" | "prod" | "sandbox", EnvironmentConfig>> = {
  dev: loadEnvironment(ENVIRONMENTS.dev),
  stage: loadEnvironment(ENVIRONMENTS.stage),
  prod: loadEnvironment(ENVIRONMENTS.prod),
  sandbox: loadEnvironment(sandboxEnvironment("alice")),
};

/** The problems the schema reports for `source` (dev unless given) with `changes` (dotted paths, see withChanges). */
export function problemsOf(
  changes: Record<string, unknown>,
  source: EnvironmentInput = ENVIRONMENTS.dev,
): string[] {
  return environmentProblems(withChanges(source, changes), String(source.name));
}

/** The single problem reported for `source` (dev unless given) with `changes`; fails the test unless there is one. */
export function problemOf(
  changes: Record<string, unknown>,
  source: EnvironmentInput = ENVIRONMENTS.dev,
): string {
  const problems = problemsOf(changes, source);
  expect(problems).toHaveLength(1);
  return problems[0];
}
