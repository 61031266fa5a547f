import { base } from "./base";
import { dev } from "./dev";
import { EnvironmentInput } from "./schema";

/**
 * The sandbox profile: a throw-away copy of dev for one person or experiment, in the dev account
 * and dev state bucket (under its own keys), at the lowest cost and easy to tear down.
 */
export function sandboxEnvironment(sandboxName: string): EnvironmentInput {
  return {
    ...base,
    name: `sandbox-${sandboxName}`,
    sandbox: true,
    accountId: dev.accountId,
    state: dev.state,
    network: { ...base.network, cidr: "10.99.0.0/16", natGateways: "single", flowLogRetentionDays: 7 },
    protection: { deletionProtection: false, preventDestroy: false, forceDestroy: true },
    tags: { ...base.tags, sandbox: sandboxName },
  };
}
