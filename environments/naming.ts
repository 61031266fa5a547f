/**
 * How environments are named: long-lived environments by their own name, sandboxes as
 * `sandbox-<name>`. Everything that builds, recognises or splits a sandbox's environment name uses
 * these, so the rule lives in one place.
 */

/** A sandbox's own name: lowercase letters and digits, 1–12 characters. */
export const SANDBOX_NAME_PATTERN = /^[a-z0-9]{1,12}$/;

/** The prefix of every sandbox environment's name. */
export const SANDBOX_PREFIX = "sandbox-";

/** A sandbox environment's name: `sandbox-<name>`. */
export const SANDBOX_ENVIRONMENT_PATTERN = new RegExp(
  `^${SANDBOX_PREFIX}${SANDBOX_NAME_PATTERN.source.slice(1, -1)}$`,
);

/** The environment name of the sandbox `name`. */
export function sandboxEnvironmentName(name: string): string {
  return `${SANDBOX_PREFIX}${name}`;
}

/** True when an environment name is a sandbox's (`sandbox-…`), well-formed or not. */
export function isSandboxEnvironmentName(environment: string): boolean {
  return environment.startsWith(SANDBOX_PREFIX);
}

/** The sandbox's own name in `sandbox-<name>`, or undefined for any other environment name. */
export function sandboxNameOf(environment: string): string | undefined {
  return isSandboxEnvironmentName(environment) ? environment.slice(SANDBOX_PREFIX.length) : undefined;
}
