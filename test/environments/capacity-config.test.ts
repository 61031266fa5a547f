import { problemsOf } from "../environment-problems";
import { ENVIRONMENTS_UNDER_TEST } from "../environments-under-test";

describe("node autoscaling and sizing configuration", () => {
  it("gives every environment a Karpenter node pool and release sizing", () => {
    for (const env of ENVIRONMENTS_UNDER_TEST) {
      expect(env.cluster.karpenter.cpuLimit).toBeGreaterThan(0);
      expect(env.platform.sizing.karpenter.replicas).toBeGreaterThanOrEqual(1);
    }
  });

  it.each([
    [
      "cluster.karpenter.instanceCategories",
      ["C5"],
      "must be an instance category such as 'c', 'm', 'r'",
      '"C5"',
    ],
    [
      "cluster.karpenter.instanceFamilies",
      [],
      "must list at least one instance family, or be left out",
      "[]",
    ],
    [
      "cluster.karpenter.minInstanceGeneration",
      0,
      "must be a whole number of generations from 1 to 9",
      "got 0",
    ],
    ["cluster.karpenter.architectures", ["x86"], "must be 'amd64' or 'arm64'", '"x86"'],
    ["cluster.karpenter.capacityTypes", [], "must list at least one capacity type", "[]"],
    ["cluster.karpenter.capacityTypes", ["reserved"], "must be 'on-demand' or 'spot'", '"reserved"'],
    ["cluster.karpenter.cpuLimit", 0, "must be a whole number of vCPUs from 1 to 10000", "got 0"],
    ["cluster.karpenter.memoryLimitGiB", 1.5, "must be a whole number of GiB from 1 to 100000", "got 1.5"],
    [
      "cluster.karpenter.consolidationPolicy",
      "Always",
      "must be 'WhenEmpty' or 'WhenEmptyOrUnderutilized'",
      '"Always"',
    ],
    [
      "cluster.karpenter.consolidateAfterSeconds",
      -1,
      "must be a whole number of seconds from 0 to 86400",
      "got -1",
    ],
    ["cluster.karpenter.expireAfterHours", 0, "must be a whole number of hours from 1 to 8760", "got 0"],
    ["cluster.karpenter.amiFamily", "AL2", "must be 'AL2023' or 'Bottlerocket'", '"AL2"'],
    [
      "cluster.karpenter.amiVersion",
      "2025-11",
      "must be 'latest' or an AMI release such as 'v20251120'",
      '"2025-11"',
    ],
    ["cluster.karpenter.diskSizeGiB", 10, "must be a whole number of GiB from 20 to 16384", "got 10"],
    ["platform.sizing.lokiWrite.replicas", 0, "must be a whole number of replicas from 1 to 50", "got 0"],
    ["platform.sizing.prometheus.memoryMiB", 8, "must be a whole number of MiB from 16 to 262144", "got 8"],
    ["platform.sizing.grafana.cpuMillis", 0, "must be a whole number of millicores from 1 to 64000", "got 0"],
    ["platform.sizing.metricsServerReplicas", 6, "must be a whole number of replicas from 1 to 5", "got 6"],
    ["platform.sizing.lokiChunksCacheMiB", 32, "must be a whole number of MiB from 64 to 65536", "got 32"],
  ])(
    "rejects %s = %p, naming the environment, field, value and what is allowed",
    (field, value, allowed, got) => {
      const problems = problemsOf({ [field]: value });
      expect(problems).toHaveLength(1);
      for (const fragment of ["Environment 'dev'", `'${field}`, allowed, got])
        expect(problems[0]).toContain(fragment);
    },
  );
});
