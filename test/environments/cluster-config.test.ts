import { ENVIRONMENTS, loadEnvironment } from "../../environments";
import { INSTANCE_TYPES } from "../../constructs/eks/instance-capacity";
import { instanceArchitecture } from "../../constructs/eks/eks-node-group";
import { LOADED, problemOf } from "../environment-problems";

describe("cluster configuration of the shipped environments", () => {
  const [dev, stage, prod, sandbox] = [LOADED.dev, LOADED.stage, LOADED.prod, LOADED.sandbox].map(
    (e) => e.cluster,
  );

  it("runs the catalog's default Kubernetes version everywhere", () => {
    for (const cluster of [dev, stage, prod, sandbox]) expect(cluster.version).toBe("1.35");
  });

  it("names an admin role in each environment's own account", () => {
    for (const name of ["dev", "stage", "prod"] as const) {
      const { accountId, cluster } = loadEnvironment(ENVIRONMENTS[name]);
      expect(cluster.adminRoleArns.length).toBeGreaterThan(0);
      for (const arn of cluster.adminRoleArns)
        expect(arn).toMatch(new RegExp(`^arn:aws:iam::${accountId}:role/`));
    }
    expect(sandbox.adminRoleArns).toEqual(dev.adminRoleArns);
  });

  it("keeps the endpoint private except for dev's allow-list, which sandboxes follow", () => {
    expect(dev.endpointPublicAccess).toBe(true);
    expect(dev.publicAccessCidrs.length).toBeGreaterThan(0);
    expect([sandbox.endpointPublicAccess, sandbox.publicAccessCidrs]).toEqual([true, dev.publicAccessCidrs]);
    for (const cluster of [stage, prod]) {
      expect([cluster.endpointPublicAccess, cluster.publicAccessCidrs]).toEqual([false, []]);
    }
  });

  it("sizes dev and sandboxes small on spot and prod large on-demand, one node per AZ at least", () => {
    expect(dev.nodeGroups.general.capacityType).toBe("spot");
    expect(sandbox.nodeGroups.general.capacityType).toBe("spot");
    expect(sandbox.nodeGroups.general.maxSize).toBeLessThanOrEqual(dev.nodeGroups.general.maxSize);
    expect(prod.nodeGroups.general.capacityType).toBe("onDemand");
    expect(prod.nodeGroups.general.maxSize).toBeGreaterThan(prod.nodeGroups.general.minSize);
    expect(prod.nodeGroups.general.minSize).toBeGreaterThanOrEqual(
      loadEnvironment(ENVIRONMENTS.prod).network.azCount,
    );
  });

  it("keeps control-plane logs shortest in sandboxes and longest in prod", () => {
    const days = [sandbox, dev, stage, prod].map((c) => c.logRetentionDays);
    expect(days).toEqual([...days].sort((a, b) => a - b));
  });
});

describe("cluster configuration validation", () => {
  const general = ENVIRONMENTS.dev.cluster.nodeGroups.general;
  it.each<[string, Record<string, unknown>, string | RegExp]>([
    [
      "an unsupported Kubernetes version",
      { "cluster.version": "1.29" },
      "Environment 'dev': 'cluster.version' must be '1.33', '1.34' or '1.35' (EKS standard support, the versions catalog), got \"1.29\"",
    ],
    [
      "a public endpoint without an allow-list",
      { "cluster.publicAccessCidrs": [] },
      "Environment 'dev': 'cluster.publicAccessCidrs' must list the IPv4 blocks allowed to reach a public endpoint (EKS would open it to 0.0.0.0/0), got []",
    ],
    [
      "an endpoint open to 0.0.0.0/0",
      { "cluster.publicAccessCidrs": ["0.0.0.0/0"] },
      "Environment 'dev': 'cluster.publicAccessCidrs' must not contain 0.0.0.0/0 (an API endpoint open to the internet), got [\"0.0.0.0/0\"]",
    ],
    [
      "an environment without an admin role",
      { "cluster.adminRoleArns": [] },
      "Environment 'dev': 'cluster.adminRoleArns' must name at least one cluster admin role (nobody else can administer the cluster), got []",
    ],
    [
      "an admin role of another account (EKS access entries take the cluster account's principals)",
      { "cluster.adminRoleArns": ["arn:aws:iam::999999999999:role/platform-admin"] },
      `Environment 'dev': 'cluster.adminRoleArns.0' must be a role of the environment's own account (${ENVIRONMENTS.dev.accountId}), not of account 999999999999, got "arn:aws:iam::999999999999:role/platform-admin"`,
    ],
    [
      "a bad admin role ARN",
      { "cluster.adminRoleArns": ["platform-admin"] },
      "Environment 'dev': 'cluster.adminRoleArns.0' must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>), got \"platform-admin\"",
    ],
    [
      "a log retention CloudWatch does not offer",
      { "cluster.logRetentionDays": 45 },
      /^Environment 'dev': 'cluster\.logRetentionDays' must be one of CloudWatch's retention periods .*, got 45$/,
    ],
    [
      "an environment without node groups",
      { "cluster.nodeGroups": {} },
      "Environment 'dev': 'cluster.nodeGroups' must define at least one node group, got {}",
    ],
    [
      "minSize above maxSize",
      {
        "cluster.nodeGroups.general.minSize": 3,
        "cluster.nodeGroups.general.maxSize": 2,
        "cluster.nodeGroups.general.desiredSize": 2,
      },
      /^Environment 'dev': 'cluster\.nodeGroups\.general\.minSize' must not exceed maxSize \(2\), got 3$/,
    ],
    [
      "an instance type that is not in the catalog",
      { "cluster.nodeGroups.general.instanceTypes": ["t3.large", "t3.huge"] },
      `Environment 'dev': 'cluster.nodeGroups.general.instanceTypes.1' must be EC2 instance types of the catalog (constructs/eks/instance-capacity.ts: ${Object.keys(INSTANCE_TYPES).length} types with their architecture, CPU, memory and ENI limits), got "t3.huge"`,
    ],
    [
      "suggests the nearest catalog type for a typo",
      { "cluster.nodeGroups.general.instanceTypes": ["t3.larg"] },
      /'cluster\.nodeGroups\.general\.instanceTypes\.0' must be EC2 instance types of the catalog .*, got "t3\.larg"; did you mean "t3\.large"\?$/,
    ],
    [
      "an empty instance type list",
      { "cluster.nodeGroups.general.instanceTypes": [] },
      "Environment 'dev': 'cluster.nodeGroups.general.instanceTypes' must list at least one EC2 instance type, got []",
    ],
    [
      "an unknown capacity type",
      { "cluster.nodeGroups.general.capacityType": "SPOT" },
      "Environment 'dev': 'cluster.nodeGroups.general.capacityType' must be 'onDemand' or 'spot', got \"SPOT\"; did you mean \"spot\"?",
    ],
    [
      "a root volume below the AMI's size",
      { "cluster.nodeGroups.general.diskSizeGiB": 10 },
      "Environment 'dev': 'cluster.nodeGroups.general.diskSizeGiB' must be a whole number of GiB from 20 to 16384, got 10",
    ],
    [
      "an unknown taint effect",
      { "cluster.nodeGroups.general.taints": [{ key: "dedicated", effect: "NO_SCHEDULE" }] },
      "Environment 'dev': 'cluster.nodeGroups.general.taints.0.effect' must be 'NoSchedule', 'NoExecute' or 'PreferNoSchedule', got \"NO_SCHEDULE\"; did you mean \"NoSchedule\"?",
    ],
    [
      "an invalid label value",
      { "cluster.nodeGroups.general.labels": { workload: "general purpose" } },
      "Environment 'dev': 'cluster.nodeGroups.general.labels.workload' must be a Kubernetes label value (≤ 63 of letters, digits, '-', '_', '.'), got \"general purpose\"",
    ],
    [
      "unknown cluster fields",
      { "cluster.endpointPublic": true },
      "Environment 'dev': 'cluster' is not a known field, got unknown field(s) endpointPublic; did you mean \"endpointPublicAccess\"?",
    ],
    [
      "an invalid node group name",
      { "cluster.nodeGroups": { General: general } },
      "Environment 'dev': 'cluster.nodeGroups.General' must be 1–20 lowercase letters, digits or '-', got \"General\"",
    ],
    [
      "a desired size outside min..max",
      { "cluster.nodeGroups.general.desiredSize": general.maxSize + 1 },
      `Environment 'dev': 'cluster.nodeGroups.general.desiredSize' must be a whole number within minSize..maxSize (${general.minSize}..${general.maxSize}), got ${general.maxSize + 1}`,
    ],
  ])("rejects %s", (_rule, changes, expected) => {
    const found = problemOf(changes);
    if (typeof expected === "string") expect(found).toBe(expected);
    else expect(found).toMatch(expected);
  });

  it("every catalog type's architecture picks the node group's AMI type", () => {
    for (const [type, spec] of Object.entries(INSTANCE_TYPES))
      expect(instanceArchitecture(type)).toBe(spec.architecture);
  });
});
