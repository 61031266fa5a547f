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
    compliance: "sandbox",
    protection: { deletionProtection: false, preventDestroy: false, forceDestroy: true },
    // Dev's network path (public endpoint, dev's allow-list and runner) and dev's roles: a sandbox needs
    // no runner of its own.
    cluster: {
      ...base.cluster,
      endpointPublicAccess: dev.cluster.endpointPublicAccess,
      publicAccessCidrs: dev.cluster.publicAccessCidrs,
      adminRoleArns: dev.cluster.adminRoleArns,
      logRetentionDays: 7,
      nodeGroups: { general: { ...dev.cluster.nodeGroups.general, minSize: 1, maxSize: 2, desiredSize: 1 } },
    },
    data: {
      postgres: {
        ...base.data.postgres,
        instanceClass: "db.t4g.micro",
        maxAllocatedStorageGiB: 30,
        multiAz: false,
        backupRetentionDays: 1,
        skipFinalSnapshot: true,
        logRetentionDays: 3,
        connectionsAlarmThreshold: 60,
      },
      buckets: { ...base.data.buckets, versioned: false, logExpirationDays: 7 },
    },
    // No domain (no DNS or certificates), no tracing, short retention, nobody paged.
    platform: {
      ...base.platform,
      components: { ...base.platform.components, tracing: false },
      prometheusRetentionDays: 3,
      prometheusStorageGiB: 10,
      lokiRetentionDays: 7,
      alarmEmails: [],
    },
    ci: { ...dev.ci, hostsSandboxes: false },
    tags: { ...base.tags, sandbox: sandboxName },
  };
}
