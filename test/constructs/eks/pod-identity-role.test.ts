import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, TerraformStack, Testing, Token } from "cdktf";
import { policyDocument } from "../../../constructs/core/iam";
import { EksCluster } from "../../../constructs/eks/eks-cluster";
import { PodIdentityRole, PodIdentityRoleProps } from "../../../constructs/eks/pod-identity-role";
import { Network } from "../../../constructs/network/network";
import {
  TerraformJson,
  expectErrorContaining,
  onlyResource,
  resourcesOf,
  synthApp,
  testStack,
} from "../../helpers";

const readLogs = policyDocument({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::logs/*" });
const base: PodIdentityRoleProps = {
  cluster: { clusterName: "test" },
  namespace: "loki",
  serviceAccount: "loki",
  policies: { "read-logs": readLogs },
};

function build(props: Partial<PodIdentityRoleProps> = {}) {
  const stack = testStack();
  new PodIdentityRole(stack, "Role", { ...base, ...props });
  return stack;
}
const synth = (props: Partial<PodIdentityRoleProps> = {}): TerraformJson =>
  JSON.parse(Testing.synth(build(props)));

describe("PodIdentityRole", () => {
  const json = synth({ managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"] });
  const role = onlyResource(json, "aws_iam_role");
  const trust = JSON.parse(role.assume_role_policy);

  it("is trusted by EKS Pod Identity to assume the role and tag the session", () => {
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "pods.eks.amazonaws.com" },
      Action: ["sts:AssumeRole", "sts:TagSession"],
    });
  });

  it("is limited to this account's cluster, namespace and service account", () => {
    expect(trust.Statement[0].Condition.StringEquals).toEqual({
      "aws:SourceAccount": expect.stringMatching(/^\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}$/),
      "aws:RequestTag/eks-cluster-name": "test",
      "aws:RequestTag/kubernetes-namespace": "loki",
      "aws:RequestTag/kubernetes-service-account": "loki",
    });
  });

  it("associates the role with the service account", () => {
    expect(onlyResource(json, "aws_eks_pod_identity_association")).toEqual({
      cluster_name: "test",
      namespace: "loki",
      service_account: "loki",
      role_arn: expect.stringMatching(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/),
    });
  });

  it("grants its inline and managed policies", () => {
    const inline = onlyResource(json, "aws_iam_role_policy");
    expect(inline.name).toBe("read-logs");
    expect(JSON.parse(inline.policy)).toEqual(readLogs);
    expect(onlyResource(json, "aws_iam_role_policy_attachment").policy_arn).toBe(
      "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    );
  });

  it("has a readable generated name by default and the given name otherwise", () => {
    expect(role.name_prefix).toBe("loki-");
    expect(onlyResource(synth({ roleName: "dev-loki" }), "aws_iam_role").name).toBe("dev-loki");
  });

  it("leaves the association to its owner when asked", () => {
    expect(resourcesOf(synth({ createAssociation: false }), "aws_eks_pod_identity_association")).toEqual({});
  });

  it("works from another stack than the cluster's, through a cross-stack reference", () => {
    const stacks = synthApp((app) => {
      const clusterStack = new TerraformStack(app, "cluster");
      new AwsProvider(clusterStack, "Aws", { region: "eu-west-1" });
      const network = new Network(clusterStack, "Network", {
        name: "test",
        cidr: "10.0.0.0/16",
        availabilityZones: ["eu-west-1a", "eu-west-1b"],
      });
      const cluster = new EksCluster(clusterStack, "Cluster", {
        name: "test",
        network,
        adminRoleArns: ["arn:aws:iam::111111111111:role/admin"],
        nodeGroups: { general: { instanceTypes: ["m7i.large"], minSize: 1, maxSize: 2 } },
      });
      const platformStack = new TerraformStack(app, "platform");
      new AwsProvider(platformStack, "Aws", { region: "eu-west-1" });
      new PodIdentityRole(platformStack, "ExternalDns", {
        cluster,
        namespace: "external-dns",
        serviceAccount: "external-dns",
        policies: {
          route53: policyDocument({ Effect: "Allow", Action: "route53:ListHostedZones", Resource: "*" }),
        },
      });
    });
    const platform = stacks.platform;
    expect(Object.keys(platform.data?.terraform_remote_state ?? {})).toHaveLength(1);
    expect(onlyResource(platform, "aws_eks_pod_identity_association").cluster_name).toMatch(
      /^\$\{data\.terraform_remote_state\.[\w-]+\.outputs\.[\w-]+\}$/,
    );
    expect(resourcesOf(stacks.cluster, "aws_iam_role")).not.toEqual({});
    expect(resourcesOf(platform, "aws_eks_cluster")).toEqual({});
  });
});

describe("PodIdentityRole validation", () => {
  const path = "PodIdentityRole 'test/Role'";

  it.each<[string, Partial<PodIdentityRoleProps>, string[]]>([
    ["an invalid namespace", { namespace: "Loki" }, ["'namespace'", '"Loki"', "namespace name"]],
    [
      "an invalid service account",
      { serviceAccount: "loki_sa" },
      ["'serviceAccount'", '"loki_sa"', "service account name"],
    ],
    ["a role without any policy", { policies: {} }, ["'policies'", "{}", "at least one policy"]],
    [
      "a malformed managed policy ARN",
      { managedPolicyArns: ["AmazonS3ReadOnlyAccess"] },
      ["'managedPolicyArns'", '["AmazonS3ReadOnlyAccess"]', "IAM managed policy ARNs"],
    ],
    [
      "an invalid inline policy name",
      { policies: { "read logs": readLogs } },
      ["'policies.read logs'", '"read logs"', "1–128"],
    ],
    ["an invalid role name", { roleName: "r".repeat(65) }, ["'roleName'", `"${"r".repeat(65)}"`, "1–64"]],
  ])("rejects %s, naming the construct path, the field and the value", (_case, props, fragments) => {
    expectErrorContaining(() => build(props), path, ...fragments);
  });
});

describe("PodIdentityRole managed policies keyed by meaning", () => {
  const reference = () => Token.asString(Fn.lower("arn:aws:iam::111111111111:policy/reports"));

  it("keys attachments by the policy's name, or by the name given with a reference", () => {
    const json = synth({
      managedPolicyArns: {
        reports: reference(),
        "s3-read": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
      },
    });
    const names = Object.keys(resourcesOf(json, "aws_iam_role_policy_attachment"));
    expect(names).toEqual([
      expect.stringMatching(/^Role_Attachment-reports_/),
      expect.stringMatching(/^Role_Attachment-s3-read_/),
    ]);
    const listed = synth({ managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"] });
    expect(Object.keys(resourcesOf(listed, "aws_iam_role_policy_attachment"))).toEqual([
      expect.stringMatching(/^Role_Attachment-AmazonS3ReadOnlyAccess_/),
    ]);
  });

  it.each<[string, PodIdentityRoleProps["managedPolicyArns"], string, string]>([
    [
      "a reference in a list",
      [reference()],
      '["<Terraform reference>"]',
      "must be known at synth (each keys a Terraform address)",
    ],
    [
      "a key that is no construct id",
      { "s3 read": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" },
      '["s3 read"]',
      "keys must be 1–64 letters, digits, '-', '_' or '.'",
    ],
  ])("rejects %s", (_case, managedPolicyArns, got, allowed) => {
    expectErrorContaining(() => build({ managedPolicyArns }), "'managedPolicyArns'", allowed, got);
  });
});
