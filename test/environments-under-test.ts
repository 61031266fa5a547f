import { ENVIRONMENTS, EnvironmentConfig, selectEnvironments } from "../environments";

/**
 * The environments the stack tests synthesize: every registered environment (environments/registry.ts)
 * plus the sandbox "alice", validated as the app validates them. Tests read sizes and identities
 * from here, never restate them, so a configuration change needs only reviewed snapshots.
 */
export const ENVIRONMENTS_UNDER_TEST: readonly EnvironmentConfig[] = selectEnvironments({
  INFRA_SANDBOX: "alice",
});

/** Their names: each registered environment, then `sandbox-alice`. */
export const ENVIRONMENT_NAMES_UNDER_TEST = ENVIRONMENTS_UNDER_TEST.map((e) => e.name);

/** The validated configuration of one environment under test. */
export function configOf(name: string): EnvironmentConfig {
  const found = ENVIRONMENTS_UNDER_TEST.find((e) => e.name === name);
  if (!found) throw new Error(`no environment ${JSON.stringify(name)} under test`);
  return found;
}

/** A long-lived environment name that is not registered (for "unknown environment" cases). */
export function unregisteredEnvironmentName(): string {
  for (let n = 0; ; n += 1) {
    const name = `unknown${n === 0 ? "" : n}`;
    if (!Object.hasOwn(ENVIRONMENTS, name)) return name;
  }
}
