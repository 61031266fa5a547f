import { EksCluster, EksClusterProps } from "../../constructs/eks/eks-cluster";
import { EncryptionKey } from "../../constructs/kms/encryption-key";
import { Network, NetworkProps } from "../../constructs/network/network";
import { ObjectStorage, ObjectStorageProps } from "../../constructs/object-storage/object-storage";
import { waivePolicy } from "../../constructs/policy/policy-pack";
import { PostgresDatabase, PostgresDatabaseProps } from "../../constructs/postgres/postgres-database";
import { ENVIRONMENTS, EnvironmentInput, selectEnvironments } from "../../environments";
import { unregisteredEnvironmentName } from "../environments-under-test";
import { testStack, withChanges } from "../helpers";

/**
 * Every user-facing input, fed a bad value: each must be refused before anything reaches Terraform,
 * with a message naming the field and the value.
 */

/** The dev environment with one field (dotted path) replaced, selected as the app selects it. */
function devWith(field: string, value: unknown): () => unknown {
  const dev = withChanges(ENVIRONMENTS.dev, { [field]: value });
  return () => selectEnvironments({ INFRA_ENVS: "dev" }, { ...ENVIRONMENTS, dev });
}

const networkProps: NetworkProps = { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] };
const network = (props: Partial<NetworkProps>) => () =>
  new Network(testStack(), "Network", { ...networkProps, ...props });
const bucket = (props: ObjectStorageProps) => () => new ObjectStorage(testStack(), "Bucket", props);
const postgres = (props: Partial<PostgresDatabaseProps>) => () => {
  const stack = testStack();
  new PostgresDatabase(stack, "Db", { network: new Network(stack, "Network", networkProps), ...props });
};
const eks = (props: Partial<EksClusterProps>) => () => {
  const stack = testStack();
  new EksCluster(stack, "Cluster", {
    network: new Network(stack, "Network", networkProps),
    nodeGroups: { general: { instanceTypes: ["m7i.large"], minSize: 1, maxSize: 2 } },
    ...props,
  });
};

const INVALID_INPUTS: [string, () => unknown, string, string][] = [
  // environment selection
  [
    "INFRA_ENVS names an unknown environment",
    () => selectEnvironments({ INFRA_ENVS: unregisteredEnvironmentName() }),
    "INFRA_ENVS",
    `"${unregisteredEnvironmentName()}"`,
  ],
  [
    "INFRA_ENVS selects nothing",
    () => selectEnvironments({ INFRA_ENVS: "," }),
    "INFRA_ENVS",
    "no environment selected",
  ],
  [
    "INFRA_SANDBOX has upper case",
    () => selectEnvironments({ INFRA_SANDBOX: "Bad_Name" }),
    "INFRA_SANDBOX",
    '"Bad_Name"',
  ],
  [
    "INFRA_SANDBOX is too long",
    () => selectEnvironments({ INFRA_SANDBOX: "abcdefghijklm" }),
    "INFRA_SANDBOX",
    '"abcdefghijklm"',
  ],
  // environment fields
  ["account id too short", devWith("accountId", "1234"), "'accountId'", '"1234"'],
  ["region misspelt", devWith("region", "eu-west"), "'region'", '"eu-west"'],
  ["state bucket with capitals", devWith("state.bucket", "State"), "'state.bucket'", '"State"'],
  ["VPC CIDR too large", devWith("network.cidr", "10.0.0.0/12"), "'network.cidr'", '"10.0.0.0/12"'],
  ["VPC CIDR overlapping stage", devWith("network.cidr", "10.20.0.0/16"), "'network.cidr'", '"10.20.0.0/16"'],
  ["one AZ", devWith("network.azCount", 1), "'network.azCount'", "got 1"],
  ["NAT mode unknown", devWith("network.natGateways", "shared"), "'network.natGateways'", '"shared"'],
  [
    "flow-log retention not a CloudWatch period",
    devWith("network.flowLogRetentionDays", 45),
    "'network.flowLogRetentionDays'",
    "got 45",
  ],
  [
    "force_destroy outside a sandbox",
    devWith("protection.forceDestroy", true),
    "'protection.forceDestroy'",
    "got true",
  ],
  ["compliance profile unknown", devWith("compliance", "strict"), "'compliance'", '"strict"'],
  ["tag value too long", devWith("tags.owner", "o".repeat(257)), "'tags.owner'", "ooo"],
  [
    "Postgres version not in the catalog",
    devWith("data.postgres.majorVersion", 15),
    "'data.postgres.majorVersion'",
    "got 15",
  ],
  [
    "RDS instance class malformed",
    devWith("data.postgres.instanceClass", "t4g.micro"),
    "'data.postgres.instanceClass'",
    '"t4g.micro"',
  ],
  [
    "backup retention above 35 days",
    devWith("data.postgres.backupRetentionDays", 40),
    "'data.postgres.backupRetentionDays'",
    "got 40",
  ],
  ["EKS version unsupported", devWith("cluster.version", "1.29"), "'cluster.version'", '"1.29"'],
  [
    "EKS endpoint open to the world",
    devWith("cluster.publicAccessCidrs", ["0.0.0.0/0"]),
    "'cluster.publicAccessCidrs'",
    "0.0.0.0/0",
  ],
  [
    "node group min above max",
    devWith("cluster.nodeGroups.general.minSize", 5),
    "'cluster.nodeGroups.general.minSize'",
    "got 5",
  ],
  // construct props
  ["Network CIDR with host bits", network({ cidr: "10.0.0.1/16" }), "'cidr'", '"10.0.0.1/16"'],
  [
    "Network tier sizes that do not fit",
    network({ privateSubnetPrefixLength: 17 }),
    "'subnetPrefixLengths'",
    '"private":17',
  ],
  ["bucket name with underscore", bucket({ bucketName: "my_bucket" }), "'bucketName'", '"my_bucket"'],
  [
    "bucket forceDestroy with preventDestroy",
    bucket({ forceDestroy: true, preventDestroy: true }),
    "'forceDestroy'",
    "true",
  ],
  [
    "Postgres storage above its autoscaling cap",
    postgres({ allocatedStorageGiB: 500, maxAllocatedStorageGiB: 100 }),
    "'maxAllocatedStorageGiB'",
    "100",
  ],
  ["Postgres instance class malformed", postgres({ instanceClass: "large" }), "'instanceClass'", '"large"'],
  ["EKS version unsupported (construct)", eks({ version: "1.20" }), "'version'", '"1.20"'],
  [
    "EKS public endpoint from anywhere",
    eks({ endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }),
    "'publicAccessCidrs'",
    "0.0.0.0/0",
  ],
  [
    "KMS deletion window of 1 day",
    () => new EncryptionKey(testStack(), "Key", { description: "k", deletionWindowDays: 1 }),
    "'deletionWindowDays'",
    "got 1",
  ],
  [
    "policy waiver without a reason",
    () => waivePolicy(new ObjectStorage(testStack(), "B").bucket, "S3-004", "no"),
    "'reason'",
    '"no"',
  ],
];

describe("invalid inputs", () => {
  it("cover at least 25 cases", () => expect(INVALID_INPUTS.length).toBeGreaterThanOrEqual(25));

  it.each(INVALID_INPUTS)(
    "%s: refused with a message naming the field and the value",
    (_case, input, field, value) => {
      let message = "";
      try {
        input();
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
      }
      expect(message).toContain(field);
      expect(message).toContain(value);
      expect(message).toMatch(/must|cannot|unknown|not a valid|no environment/);
    },
  );

  it("reports several problems of one input together", () => {
    const copy = { ...structuredClone(ENVIRONMENTS.prod), accountId: "1", region: "x" } as EnvironmentInput;
    let problems = 0;
    try {
      selectEnvironments(
        { INFRA_ENVS: `prod,${unregisteredEnvironmentName()}`, INFRA_SANDBOX: "Bad" },
        { ...ENVIRONMENTS, prod: copy },
      );
    } catch (error) {
      problems = (error as Error).message.split("\n").length;
    }
    expect(problems).toBe(4);
  });
});
