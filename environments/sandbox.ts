import { Ipv4Block, blockSize, formatCidr, overlaps, parseCidr } from "../constructs/network/cidr";
import { base } from "./base";
import { defineEnvironment } from "./define";
import { dev } from "./dev";
import { ENVIRONMENTS } from "./registry";
import { EnvironmentInput } from "./schema";
import { sandboxEnvironmentName } from "./naming";

/**
 * The address space sandboxes draw their networks from: 64 /16 blocks (10.64.0.0 – 10.127.255.255),
 * apart from the long-lived environments' own ranges (10.10, 10.20, 10.30 today).
 */
export const SANDBOX_CIDR_POOL = "10.64.0.0/10";

/** The prefix length of every sandbox network. */
export const SANDBOX_PREFIX_LENGTH = 16;

/** The sandbox profile's account: sandboxes live beside dev. */
const SANDBOX_ACCOUNT_ID = dev.accountId;

/** FNV-1a: a small, stable string hash (the same name always picks the same block, on every machine). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * A sandbox's network: the /16 of {@link SANDBOX_CIDR_POOL} that its name hashes to, or the next one
 * (wrapping around) that overlaps no long-lived environment of the sandbox account. Deterministic:
 * it depends only on the name and the registered environments. Two sandboxes may hash to the same
 * block; `selectEnvironments` reports that when both are selected (see {@link sandboxCidrCollisions}).
 */
export function sandboxCidr(
  sandboxName: string,
  defined: Readonly<Record<string, EnvironmentInput>> = ENVIRONMENTS,
): string {
  const pool = parseCidr(SANDBOX_CIDR_POOL) as Ipv4Block;
  const count = blockSize(pool.prefix) / blockSize(SANDBOX_PREFIX_LENGTH);
  const taken = Object.values(defined)
    .filter((env) => env.accountId === SANDBOX_ACCOUNT_ID && !env.sandbox)
    .map((env) => parseCidr(env.network.cidr))
    .filter((block): block is Ipv4Block => block !== undefined);
  const start = fnv1a(sandboxName) % count;
  for (let step = 0; step < count; step++) {
    const block = {
      base: pool.base + ((start + step) % count) * blockSize(SANDBOX_PREFIX_LENGTH),
      prefix: SANDBOX_PREFIX_LENGTH,
    };
    if (!taken.some((t) => overlaps(t, block))) return formatCidr(block);
  }
  throw new Error(
    `Sandbox '${sandboxName}': 'network.cidr' has no free /${SANDBOX_PREFIX_LENGTH} in the sandbox pool ${SANDBOX_CIDR_POOL}: every block overlaps a long-lived environment of account ${SANDBOX_ACCOUNT_ID}`,
  );
}

/**
 * Problems for sandboxes selected together whose networks overlap (they share the sandbox account),
 * each with a name that would get a free block.
 */
export function sandboxCidrCollisions(
  sandboxNames: readonly string[],
  defined: Readonly<Record<string, EnvironmentInput>> = ENVIRONMENTS,
): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const used = new Set(sandboxNames.map((name) => sandboxCidr(name, defined)));
  for (const name of sandboxNames) {
    const cidr = sandboxCidr(name, defined);
    const first = seen.get(cidr);
    if (first === undefined) {
      seen.set(cidr, name);
      continue;
    }
    const alternative = [1, 2, 3, 4, 5, 6, 7, 8, 9]
      .map((n) => `${name.slice(0, 11)}${n}`)
      .find((candidate) => !used.has(sandboxCidr(candidate, defined)));
    problems.push(
      `Environment '${sandboxEnvironmentName(name)}': 'network.cidr' must not overlap ${sandboxEnvironmentName(first)}, selected with it in the same account (both get ${cidr} from the sandbox pool ${SANDBOX_CIDR_POOL}), got ${JSON.stringify(cidr)}; ` +
        `rename the sandbox${alternative === undefined ? "" : `, e.g. INFRA_SANDBOX=${alternative} gets ${sandboxCidr(alternative, defined)}`}`,
    );
  }
  return problems;
}

/**
 * The sandbox profile: a throw-away copy of dev for one person or experiment, in the dev account
 * and dev state bucket (under its own keys), at the lowest cost and easy to tear down.
 */
export function sandboxEnvironment(
  sandboxName: string,
  defined: Readonly<Record<string, EnvironmentInput>> = ENVIRONMENTS,
): EnvironmentInput {
  return defineEnvironment(base, {
    name: sandboxEnvironmentName(sandboxName),
    sandbox: true,
    accountId: SANDBOX_ACCOUNT_ID,
    state: dev.state,
    network: {
      cidr: sandboxCidr(sandboxName, defined),
      natGateways: "single",
      flowLogRetentionDays: 7,
    },
    compliance: "sandbox",
    protection: { deletionProtection: false, preventDestroy: false, forceDestroy: true },
    // Dev's network path (public endpoint, dev's allow-list and runner) and dev's roles: a sandbox needs
    // no runner of its own.
    cluster: {
      endpointPublicAccess: dev.cluster.endpointPublicAccess,
      publicAccessCidrs: dev.cluster.publicAccessCidrs,
      logRetentionDays: 7,
      karpenter: {
        capacityTypes: ["spot", "on-demand"],
        cpuLimit: 8,
        memoryLimitGiB: 32,
      },
      nodeGroups: { general: { ...dev.cluster.nodeGroups.general, minSize: 1, maxSize: 2, desiredSize: 1 } },
    },
    data: {
      postgres: {
        instanceClass: "db.t4g.micro",
        maxAllocatedStorageGiB: 30,
        multiAz: false,
        backupRetentionDays: 1,
        skipFinalSnapshot: true,
        logRetentionDays: 3,
        connectionsAlarmThreshold: 60,
      },
      // Unversioned, so no noncurrent-version expiration either.
      buckets: { versioned: false, noncurrentVersionExpirationDays: undefined, logExpirationDays: 7 },
    },
    // No domain (no DNS or certificates), no tracing, short retention, nobody paged.
    platform: {
      components: { tracing: false },
      prometheusRetentionDays: 3,
      prometheusStorageGiB: 10,
      lokiRetentionDays: 7,
      // One baseline node: one Karpenter and one metrics-server replica, a smaller Prometheus.
      sizing: {
        karpenter: { replicas: 1, cpuMillis: 250, memoryMiB: 512 },
        metricsServerReplicas: 1,
        prometheus: { cpuMillis: 200, memoryMiB: 768 },
      },
      alarmEmails: [],
    },
    ci: { ...dev.ci, hostsSandboxes: false },
    tags: { sandbox: sandboxName },
  });
}
