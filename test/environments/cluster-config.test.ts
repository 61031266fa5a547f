import {
  ENVIRONMENTS,
  EnvironmentInput,
  environmentProblems,
  loadEnvironment,
  sandboxEnvironment,
} from "../../environments";
import { INSTANCE_TYPES } from "../../constructs/eks/instance-capacity";
import { instanceArchitecture } from "../../constructs/eks/eks-node-group";
import { withChanges } from "../helpers";

/** A copy of dev with some fields replaced (deep paths as "a.b"). */
const devWith = (changes: Record<string, unknown>): EnvironmentInput =>
  withChanges(ENVIRONMENTS.dev, changes);

/** The single problem reported for dev with `changes`. */
function problem(changes: Record<string, unknown>): string {
  const problems = environmentProblems(devWith(changes), "dev");
  expect(problems).toHaveLength(1);
  return problems[0];
}

describe("cluster configuration of the shipped environments", () => {
  const dev = loadEnvironment(ENVIRONMENTS.dev).cluster;
  const stage = loadEnvironment(ENVIRONMENTS.stage).cluster;
  const prod = loadEnvironment(ENVIRONMENTS.prod).cluster;
  const sandbox = loadEnvironment(sandboxEnvironment("alice")).cluster;

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
  it("rejects an unsupported Kubernetes version", () => {
    expect(problem({ "cluster.version": "1.29" })).toBe(
      "Environment 'dev': 'cluster.version' must be '1.33', '1.34' or '1.35' (EKS standard support, the versions catalog), got \"1.29\"",
    );
  });

  it("rejects a public endpoint without an allow-list", () => {
    expect(problem({ "cluster.publicAccessCidrs": [] })).toBe(
      "Environment 'dev': 'cluster.publicAccessCidrs' must list the IPv4 blocks allowed to reach a public endpoint (EKS would open it to 0.0.0.0/0), got []",
    );
  });

  it("rejects an endpoint open to 0.0.0.0/0", () => {
    expect(problem({ "cluster.publicAccessCidrs": ["0.0.0.0/0"] })).toBe(
      "Environment 'dev': 'cluster.publicAccessCidrs' must not contain 0.0.0.0/0 (an API endpoint open to the internet), got [\"0.0.0.0/0\"]",
    );
  });

  it("rejects an allow-list for a private endpoint", () => {
    const privateRunner = { "ci.apiAccess": "vpcRunner", "ci.runnerEgressCidrs": [] };
    expect(problem({ ...privateRunner, "cluster.endpointPublicAccess": false })).toBe(
      "Environment 'dev': 'cluster.publicAccessCidrs' must be empty unless endpointPublicAccess is true, got [\"203.0.113.0/24\"]",
    );
  });

  it("rejects a malformed allow-list block", () => {
    expect(problem({ "cluster.publicAccessCidrs": ["203.0.113.0/33"] })).toBe(
      "Environment 'dev': 'cluster.publicAccessCidrs.0' must be an IPv4 block with no host bits set (e.g. 203.0.113.0/24), got \"203.0.113.0/33\"",
    );
  });

  it("rejects an environment without an admin role", () => {
    expect(problem({ "cluster.adminRoleArns": [] })).toBe(
      "Environment 'dev': 'cluster.adminRoleArns' must name at least one cluster admin role (nobody else can administer the cluster), got []",
    );
  });

  it("rejects an admin role of another account (EKS access entries take the cluster account's principals)", () => {
    expect(problem({ "cluster.adminRoleArns": ["arn:aws:iam::999999999999:role/platform-admin"] })).toBe(
      `Environment 'dev': 'cluster.adminRoleArns.0' must be a role of the environment's own account (${ENVIRONMENTS.dev.accountId}), not of account 999999999999, got "arn:aws:iam::999999999999:role/platform-admin"`,
    );
  });

  it("rejects a bad admin role ARN", () => {
    expect(problem({ "cluster.adminRoleArns": ["platform-admin"] })).toBe(
      "Environment 'dev': 'cluster.adminRoleArns.0' must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>), got \"platform-admin\"",
    );
  });

  it("rejects a log retention CloudWatch does not offer", () => {
    expect(problem({ "cluster.logRetentionDays": 45 })).toMatch(
      /^Environment 'dev': 'cluster\.logRetentionDays' must be one of CloudWatch's retention periods .*, got 45$/,
    );
  });

  it("rejects an environment without node groups", () => {
    expect(problem({ "cluster.nodeGroups": {} })).toBe(
      "Environment 'dev': 'cluster.nodeGroups' must define at least one node group, got {}",
    );
  });

  it("rejects an invalid node group name", () => {
    const general = ENVIRONMENTS.dev.cluster.nodeGroups.general;
    expect(problem({ "cluster.nodeGroups": { General: general } })).toBe(
      "Environment 'dev': 'cluster.nodeGroups.General' must be 1–20 lowercase letters, digits or '-', got \"General\"",
    );
  });

  it("rejects minSize above maxSize", () => {
    expect(
      problem({
        "cluster.nodeGroups.general.minSize": 3,
        "cluster.nodeGroups.general.maxSize": 2,
        "cluster.nodeGroups.general.desiredSize": 2,
      }),
    ).toMatch(
      /^Environment 'dev': 'cluster\.nodeGroups\.general\.minSize' must not exceed maxSize \(2\), got 3$/,
    );
  });

  it("rejects a desired size outside min..max", () => {
    const { minSize, maxSize } = ENVIRONMENTS.dev.cluster.nodeGroups.general;
    expect(problem({ "cluster.nodeGroups.general.desiredSize": maxSize + 1 })).toBe(
      `Environment 'dev': 'cluster.nodeGroups.general.desiredSize' must be a whole number within minSize..maxSize (${minSize}..${maxSize}), got ${maxSize + 1}`,
    );
  });

  it("rejects an instance type that is not in the catalog", () => {
    expect(problem({ "cluster.nodeGroups.general.instanceTypes": ["t3.large", "t3.huge"] })).toBe(
      `Environment 'dev': 'cluster.nodeGroups.general.instanceTypes.1' must be EC2 instance types of the catalog (constructs/eks/instance-capacity.ts: ${Object.keys(INSTANCE_TYPES).length} types with their architecture, CPU, memory and ENI limits), got "t3.huge"`,
    );
  });

  it("suggests the nearest catalog type for a typo", () => {
    expect(problem({ "cluster.nodeGroups.general.instanceTypes": ["t3.larg"] })).toMatch(
      /'cluster\.nodeGroups\.general\.instanceTypes\.0' must be EC2 instance types of the catalog .*, got "t3\.larg"; did you mean "t3\.large"\?$/,
    );
  });

  it("every catalog type's architecture picks the node group's AMI type", () => {
    for (const [type, spec] of Object.entries(INSTANCE_TYPES))
      expect(instanceArchitecture(type)).toBe(spec.architecture);
  });

  it("rejects an empty instance type list", () => {
    expect(problem({ "cluster.nodeGroups.general.instanceTypes": [] })).toBe(
      "Environment 'dev': 'cluster.nodeGroups.general.instanceTypes' must list at least one EC2 instance type, got []",
    );
  });

  it("rejects an unknown capacity type", () => {
    expect(problem({ "cluster.nodeGroups.general.capacityType": "SPOT" })).toBe(
      "Environment 'dev': 'cluster.nodeGroups.general.capacityType' must be 'onDemand' or 'spot', got \"SPOT\"; did you mean \"spot\"?",
    );
  });

  it("rejects a root volume below the AMI's size", () => {
    expect(problem({ "cluster.nodeGroups.general.diskSizeGiB": 10 })).toBe(
      "Environment 'dev': 'cluster.nodeGroups.general.diskSizeGiB' must be a whole number of GiB from 20 to 16384, got 10",
    );
  });

  it("rejects an unknown taint effect", () => {
    expect(
      problem({ "cluster.nodeGroups.general.taints": [{ key: "dedicated", effect: "NO_SCHEDULE" }] }),
    ).toBe(
      "Environment 'dev': 'cluster.nodeGroups.general.taints.0.effect' must be 'NoSchedule', 'NoExecute' or 'PreferNoSchedule', got \"NO_SCHEDULE\"; did you mean \"NoSchedule\"?",
    );
  });

  it("rejects an invalid label value", () => {
    expect(problem({ "cluster.nodeGroups.general.labels": { workload: "general purpose" } })).toBe(
      "Environment 'dev': 'cluster.nodeGroups.general.labels.workload' must be a Kubernetes label value (≤ 63 of letters, digits, '-', '_', '.'), got \"general purpose\"",
    );
  });

  it("rejects unknown cluster fields", () => {
    expect(problem({ "cluster.endpointPublic": true })).toBe(
      "Environment 'dev': 'cluster' is not a known field, got unknown field(s) endpointPublic; did you mean \"endpointPublicAccess\"?",
    );
  });
});
