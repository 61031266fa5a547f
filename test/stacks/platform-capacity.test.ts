import { Testing } from "cdktf";
import { ENVIRONMENTS, loadEnvironment, sandboxEnvironment } from "../../environments";
import { ENVIRONMENTS_UNDER_TEST, ENVIRONMENT_NAMES_UNDER_TEST, configOf } from "../environments-under-test";
import { releaseCapacityProblems } from "../../constructs/helm/release-capacity";
import { buildApp, buildEnvironment } from "../../stacks/environment-app";
import { expectErrorContaining, withChanges } from "../helpers";

const build = (input: Parameters<typeof loadEnvironment>[0]) =>
  buildEnvironment(Testing.app(), loadEnvironment(input));

/** Stage as it shipped before the capacity check: two nodes, three Loki writers, the chunks cache at the chart's default. */
const stageBefore = withChanges(ENVIRONMENTS.stage, {
  "cluster.nodeGroups": {
    general: {
      ...ENVIRONMENTS.stage.cluster.nodeGroups.general,
      instanceTypes: ["m7i.large", "m6i.large"],
      minSize: 2,
      maxSize: 4,
      desiredSize: 2,
    },
  },
  "platform.sizing.lokiWrite": { replicas: 3, cpuMillis: 100, memoryMiB: 512 },
  "platform.sizing.lokiChunksCacheMiB": 8192,
});

describe("platform releases fit the baseline node groups (checked at synth)", () => {
  it("passes for every registered environment and a sandbox", () => {
    const built = buildApp(Testing.app(), ENVIRONMENTS_UNDER_TEST);
    expect([...built.keys()]).toEqual(ENVIRONMENT_NAMES_UNDER_TEST);
    for (const [name, { platform }] of built) {
      const config = configOf(name);
      const groups = Object.entries(config.cluster.nodeGroups).map(([group, g]) => ({
        name: group,
        instanceTypes: g.instanceTypes,
        nodes: g.desiredSize,
      }));
      expect([name, releaseCapacityProblems(platform, groups)]).toEqual([name, []]);
    }
  });

  it("fails synthesis on today's stage Loki settings, naming what is needed and what is there", () => {
    expectErrorContaining(
      () => build(stageBefore),
      "Environment 'stage': the platform releases do not fit the cluster's baseline nodes",
      "release 'loki' component 'write' cannot be scheduled: needs 3 pod(s) × 100m CPU / 512 MiB, at most one per node (hard pod anti-affinity); it needs 3 nodes",
      // The chunks cache at the chart's default: round(8192 × 1.2) MiB, more than an m7i.large allocates.
      "release 'loki' component 'chunksCache' cannot be scheduled: needs 1 pod(s) × 500m CPU / 9830 MiB",
      "the baseline node groups offer 2 node(s): 'general': 2 × m7i.large|m6i.large (1930m CPU / 6903 MiB / 29 pods allocatable each)",
    );
  });

  it("fails on the writers alone when the cache fits", () => {
    let message = "";
    try {
      build(withChanges(stageBefore, { "platform.sizing.lokiChunksCacheMiB": 1024 }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("component 'write' cannot be scheduled");
    expect(message).not.toContain("chunksCache");
  });

  it("fails when a one-node sandbox runs two Karpenter controllers (hard anti-affinity by chart default)", () => {
    expectErrorContaining(
      () =>
        build(
          withChanges(sandboxEnvironment("alice"), {
            "platform.sizing.karpenter": { replicas: 2, cpuMillis: 250, memoryMiB: 512 },
          }),
        ),
      "Environment 'sandbox-alice'",
      "release 'karpenter' component 'controller' cannot be scheduled",
      "it needs 2 nodes",
    );
  });

  it("fails when requests exceed what is left, naming the release", () => {
    expectErrorContaining(
      () =>
        build(
          withChanges(ENVIRONMENTS.dev, {
            "platform.sizing.prometheus": { cpuMillis: 1900, memoryMiB: 2048 },
          }),
        ),
      "Environment 'dev'",
      "release 'kube-prometheus-stack' component 'prometheus' cannot be scheduled: needs 1 pod(s) × 1900m CPU / 2048 MiB",
      "find no node with room left",
    );
  });

  it("fails on an instance type the catalog does not know (at load, before the capacity check)", () => {
    expectErrorContaining(
      () =>
        build(
          withChanges(ENVIRONMENTS.dev, {
            "cluster.nodeGroups": {
              general: {
                ...ENVIRONMENTS.dev.cluster.nodeGroups.general,
                instanceTypes: ["t3.large", "t3.small"],
              },
            },
          }),
        ),
      "Environment 'dev': 'cluster.nodeGroups.general.instanceTypes.1' must be EC2 instance types of the catalog (constructs/eks/instance-capacity.ts",
    );
  });
});
