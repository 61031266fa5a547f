import { Fn, TerraformOutput, Testing, Token } from "cdktf";
import {
  EKS_CONTROL_PLANE_LOG_TYPES,
  EksCluster,
  EksClusterProps,
} from "../../../constructs/eks/eks-cluster";
import { PodIdentityRole } from "../../../constructs/eks/pod-identity-role";
import { EncryptionKey } from "../../../constructs/kms/encryption-key";
import { Network } from "../../../constructs/network/network";
import { EKS_ADDON_VERSIONS, EKS_CORE_ADDONS } from "../../../constructs/versions";
import {
  TerraformJson,
  expectErrorContaining,
  findResource,
  findResources,
  findResourcesUnder,
  onlyResource,
  refTo,
  resourcesOf,
  testStack,
} from "../../helpers";

const ADMIN = "arn:aws:iam::111111111111:role/platform-admin";
const GENERAL = { instanceTypes: ["m7i.large"], minSize: 2, maxSize: 4 };

/** Builds a cluster (on a fresh network) in a test stack; returns the cluster and the stack. */
function build(props: Partial<EksClusterProps> = {}) {
  const stack = testStack();
  const network = new Network(stack, "Network", {
    name: "test",
    cidr: "10.0.0.0/16",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
  });
  const cluster = new EksCluster(stack, "Cluster", {
    name: "test",
    network,
    adminRoleArns: [ADMIN],
    nodeGroups: { general: GENERAL },
    ...props,
  });
  return { stack, cluster };
}

function synth(props: Partial<EksClusterProps> = {}): TerraformJson {
  return JSON.parse(Testing.synth(build(props).stack));
}

describe("EksCluster defaults", () => {
  const json = synth();
  const cluster = onlyResource(json, "aws_eks_cluster");

  it("names the cluster after its construct id, lowercased, when no name is given", () => {
    expect(onlyResource(synth({ name: undefined }), "aws_eks_cluster").name).toBe("cluster");
  });

  it("runs the default Kubernetes version on standard support", () => {
    expect(cluster.version).toBe("1.35");
    expect(cluster.upgrade_policy).toEqual({ support_type: "STANDARD" });
  });

  it("keeps the API endpoint private", () => {
    expect(cluster.vpc_config.endpoint_private_access).toBe(true);
    expect(cluster.vpc_config.endpoint_public_access).toBe(false);
    expect(cluster.vpc_config).not.toHaveProperty("public_access_cidrs");
    expect(cluster.vpc_config.subnet_ids).toHaveLength(2);
    expect(cluster.vpc_config.subnet_ids.join()).toContain("aws_subnet.Network_Subnet-private");
  });

  it("uses API authentication with no implicit creator admin", () => {
    expect(cluster.access_config).toEqual({
      authentication_mode: "API",
      bootstrap_cluster_creator_admin_permissions: false,
    });
  });

  it("grants cluster admin to the admin role through an access entry", () => {
    const entry = onlyResource(json, "aws_eks_access_entry");
    expect(entry).toMatchObject({ principal_arn: ADMIN, type: "STANDARD" });
    const association = onlyResource(json, "aws_eks_access_policy_association");
    expect(association.policy_arn).toMatch(/:eks::aws:cluster-access-policy\/AmazonEKSClusterAdminPolicy$/);
    expect(association.access_scope).toEqual({ type: "cluster" });
    expect(association.principal_arn).toContain("aws_eks_access_entry.");
  });

  it("encrypts secrets with a rotating KMS key", () => {
    expect(cluster.encryption_config.resources).toEqual(["secrets"]);
    expect(cluster.encryption_config.provider.key_arn).toContain("aws_kms_key.");
    expect(findResource(json, "aws_kms_key", "Cluster/Key").body.enable_key_rotation).toBe(true);
    const encryptionPolicy = JSON.parse(
      findResource(json, "aws_iam_role_policy", "Cluster/ClusterRoleEncryption").body.policy,
    );
    expect(encryptionPolicy.Statement[0].Action).toEqual(
      expect.arrayContaining(["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]),
    );
  });

  it("sends all five control-plane log types to an encrypted group with retention, created first", () => {
    expect(cluster.enabled_cluster_log_types).toEqual([
      "api",
      "audit",
      "authenticator",
      "controllerManager",
      "scheduler",
    ]);
    expect(cluster.enabled_cluster_log_types).toEqual([...EKS_CONTROL_PLANE_LOG_TYPES]);
    const logGroup = findResource(json, "aws_cloudwatch_log_group", "Cluster/LogGroup").body;
    expect(logGroup).toMatchObject({ name: "/aws/eks/test/cluster", retention_in_days: 90 });
    expect(logGroup.kms_key_id).toContain("aws_kms_key.");
    expect(cluster.depends_on).toContain(
      findResource(json, "aws_cloudwatch_log_group", "Cluster/LogGroup").address,
    );
    const keyPolicy = JSON.parse(findResource(json, "aws_kms_key", "Cluster/Key").body.policy);
    const logsGrant = keyPolicy.Statement.find((s: any) => String(s.Principal?.Service).startsWith("logs."));
    expect(logsGrant.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toContain(
      "log-group:/aws/eks/test/cluster",
    );
  });

  it("is deletion-protected and installs no self-managed add-ons", () => {
    expect(cluster.deletion_protection).toBe(true);
    expect(cluster.bootstrap_self_managed_addons).toBe(false);
  });

  it("has a control-plane security group reachable from the nodes on 443", () => {
    const controlPlaneSg = findResource(
      json,
      "aws_security_group",
      "Cluster/ControlPlaneSecurityGroup",
    ).address;
    const nodeSg = findResource(json, "aws_security_group", "Cluster/NodeSecurityGroup").address;
    expect(cluster.vpc_config.security_group_ids).toEqual([`\${${controlPlaneSg}.id}`]);
    expect(
      findResource(json, "aws_vpc_security_group_ingress_rule", "Cluster/ControlPlaneFromNodesHttps").body,
    ).toMatchObject({
      security_group_id: `\${${controlPlaneSg}.id}`,
      referenced_security_group_id: `\${${nodeSg}.id}`,
      ip_protocol: "tcp",
      from_port: 443,
      to_port: 443,
    });
  });

  it("has a node security group open to other nodes and the control plane only", () => {
    const nodeSg = refTo(findResource(json, "aws_security_group", "Cluster/NodeSecurityGroup"), "id");
    const controlPlaneSg = refTo(
      findResource(json, "aws_security_group", "Cluster/ControlPlaneSecurityGroup"),
      "id",
    );
    const ingress = Object.values(resourcesOf(json, "aws_vpc_security_group_ingress_rule")).filter(
      (rule) => rule.security_group_id === nodeSg,
    );
    expect(ingress.map((rule) => rule.referenced_security_group_id).sort()).toEqual(
      [controlPlaneSg, controlPlaneSg, nodeSg].sort(),
    );
    for (const rule of ingress) expect(rule).not.toHaveProperty("cidr_ipv4");
    expect(
      findResource(json, "aws_security_group", "Cluster/NodeSecurityGroup").body.tags,
    ).not.toHaveProperty("kubernetes.io/cluster/test");
  });

  it("gives the control plane a role with the cluster policy and the nodes only the policies they need", () => {
    const attachments = Object.values(resourcesOf(json, "aws_iam_role_policy_attachment"));
    const nodeRole = refTo(findResource(json, "aws_iam_role", "Cluster/NodeRole"), "name");
    const nodePolicies = attachments
      .filter((a) => a.role === nodeRole)
      .map((a) => a.policy_arn.split("/").pop())
      .sort();
    expect(nodePolicies).toEqual([
      "AmazonEC2ContainerRegistryPullOnly",
      "AmazonEKSWorkerNodePolicy",
      "AmazonEKS_CNI_Policy",
    ]);
    const clusterRole = refTo(findResource(json, "aws_iam_role", "Cluster/ClusterRole"), "name");
    expect(
      attachments.filter((a) => a.role === clusterRole).map((a) => a.policy_arn.split("/").pop()),
    ).toEqual(["AmazonEKSClusterPolicy"]);
    const nodeTrust = JSON.parse(
      findResource(json, "aws_iam_role", "Cluster/NodeRole").body.assume_role_policy,
    );
    expect(nodeTrust.Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });

  it("creates an OIDC provider for IRSA from the cluster's issuer", () => {
    const provider = onlyResource(json, "aws_iam_openid_connect_provider");
    expect(provider.client_id_list).toEqual(["sts.amazonaws.com"]);
    expect(provider.url).toMatch(/aws_eks_cluster\.[\w-]+\.identity\[0\]\.oidc\[0\]\.issuer/);
  });

  it("installs every core add-on at its pinned version, overwriting conflicts", () => {
    const addons = Object.values(resourcesOf(json, "aws_eks_addon"));
    expect(addons.map((a) => a.addon_name).sort()).toEqual([...EKS_CORE_ADDONS].sort());
    for (const addon of addons) {
      expect(addon.addon_version).toBe(
        EKS_ADDON_VERSIONS["1.35"][addon.addon_name as keyof (typeof EKS_ADDON_VERSIONS)["1.35"]],
      );
      expect(addon.resolve_conflicts_on_create).toBe("OVERWRITE");
      expect(addon.resolve_conflicts_on_update).toBe("OVERWRITE");
    }
  });

  it("installs the networking add-ons before the nodes and CoreDNS and the EBS CSI driver after them", () => {
    const nodeGroup = onlyResource(json, "aws_eks_node_group");
    for (const name of ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]) {
      expect(nodeGroup.depends_on).toContain(
        findResource(json, "aws_eks_addon", `Cluster/Addon-${name}`).address,
      );
    }
    const nodeGroupAddress = findResource(
      json,
      "aws_eks_node_group",
      "Cluster/NodeGroup-general/NodeGroup",
    ).address;
    for (const name of ["coredns", "aws-ebs-csi-driver"]) {
      expect(findResource(json, "aws_eks_addon", `Cluster/Addon-${name}`).body.depends_on).toEqual([
        nodeGroupAddress,
      ]);
    }
  });

  it("gives the EBS CSI driver a Pod Identity role through the add-on", () => {
    const addon = findResource(json, "aws_eks_addon", "Cluster/Addon-aws-ebs-csi-driver").body;
    const role = findResource(json, "aws_iam_role", "Cluster/EbsCsiDriverRole").address;
    expect(addon.pod_identity_association).toEqual([
      { role_arn: `\${${role}.arn}`, service_account: "ebs-csi-controller-sa" },
    ]);
    const trust = JSON.parse(
      findResource(json, "aws_iam_role", "Cluster/EbsCsiDriverRole").body.assume_role_policy,
    );
    expect(trust.Statement[0].Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    expect(trust.Statement[0].Action).toEqual(["sts:AssumeRole", "sts:TagSession"]);
    expect(trust.Statement[0].Condition.StringEquals).toMatchObject({
      "aws:RequestTag/kubernetes-namespace": "kube-system",
      "aws:RequestTag/kubernetes-service-account": "ebs-csi-controller-sa",
    });
    expect(
      findResource(
        json,
        "aws_iam_role_policy_attachment",
        "Cluster/EbsCsiDriverRole/Attachment-AmazonEBSCSIDriverPolicy",
      ).body.policy_arn,
    ).toMatch(/:iam::aws:policy\/service-role\/AmazonEBSCSIDriverPolicy$/);
    // The add-on owns the association: no separate one that would conflict with it.
    expect(resourcesOf(json, "aws_eks_pod_identity_association")).toEqual({});
  });

  it("exposes the platform stack's inputs as properties", () => {
    const { stack, cluster: built } = build();
    const properties = {
      clusterName: built.clusterName,
      clusterEndpoint: built.clusterEndpoint,
      clusterCertificateAuthorityData: built.clusterCertificateAuthorityData,
      oidcIssuerUrl: built.oidcIssuerUrl,
      oidcProviderArn: built.oidcProviderArn,
      clusterSecurityGroupId: built.clusterSecurityGroupId,
      nodeSecurityGroupId: built.nodeSecurityGroupId,
      nodeRoleArn: built.nodeRoleArn,
    };
    for (const [id, value] of Object.entries(properties)) new TerraformOutput(stack, id, { value });
    const outputs = (JSON.parse(Testing.synth(stack)) as TerraformJson).output ?? {};
    const valueOf = (id: string) => outputs[id].value as string;
    expect(valueOf("clusterName")).toMatch(/^\$\{aws_eks_cluster\.[\w-]+\.name\}$/);
    expect(valueOf("clusterEndpoint")).toMatch(/^\$\{aws_eks_cluster\.[\w-]+\.endpoint\}$/);
    expect(valueOf("clusterCertificateAuthorityData")).toMatch(/\.certificate_authority\[0\]\.data\}$/);
    expect(valueOf("oidcIssuerUrl")).toMatch(/\.identity\[0\]\.oidc\[0\]\.issuer\}$/);
    expect(valueOf("oidcProviderArn")).toMatch(/^\$\{aws_iam_openid_connect_provider\.[\w-]+\.arn\}$/);
    expect(valueOf("clusterSecurityGroupId")).toMatch(/\.vpc_config\[0\]\.cluster_security_group_id\}$/);
    expect(valueOf("nodeSecurityGroupId")).toMatch(
      /^\$\{aws_security_group\.Cluster_NodeSecurityGroup_\w+\.id\}$/,
    );
    expect(valueOf("nodeRoleArn")).toMatch(/^\$\{aws_iam_role\.Cluster_NodeRole_\w+\.arn\}$/);
  });
});

describe("EksCluster options", () => {
  const json = synth({
    version: "1.33",
    endpointPublicAccess: true,
    publicAccessCidrs: ["203.0.113.0/24"],
    accessEntries: [
      {
        principalArn: "arn:aws:iam::111111111111:role/team-a",
        access: "edit",
        namespaces: ["team-a", "team-a-*"],
      },
      { principalArn: "arn:aws:iam::111111111111:role/auditor", access: "view" },
    ],
    nodeSecurityGroupIds: ["sg-0123456789abcdef0"],
    logRetentionDays: 30,
    deletionProtection: false,
    addonVersions: { coredns: "v1.13.9-eksbuild.1" },
    addonConfiguration: { coredns: { replicaCount: 3 } },
  });
  const cluster = onlyResource(json, "aws_eks_cluster");

  it("opens a public endpoint to the allow-list only", () => {
    expect(cluster.vpc_config).toMatchObject({
      endpoint_private_access: true,
      endpoint_public_access: true,
      public_access_cidrs: ["203.0.113.0/24"],
    });
  });

  it("scopes edit to namespaces and view to the cluster", () => {
    const team = findResource(
      json,
      "aws_eks_access_policy_association",
      "Cluster/AccessPolicy-111111111111-team-a",
    ).body;
    expect(team.policy_arn).toMatch(/AmazonEKSEditPolicy$/);
    expect(team.access_scope).toEqual({ type: "namespace", namespaces: ["team-a", "team-a-*"] });
    const auditor = findResource(
      json,
      "aws_eks_access_policy_association",
      "Cluster/AccessPolicy-111111111111-auditor",
    ).body;
    expect(auditor.policy_arn).toMatch(/AmazonEKSViewPolicy$/);
    expect(auditor.access_scope).toEqual({ type: "cluster" });
    expect(findResources(json, "aws_eks_access_entry")).toHaveLength(3);
  });

  it("admits API clients' security groups on 443 at the control plane, by name", () => {
    const clients = synth({ apiClientSecurityGroups: { "ci-runners": "sg-0fedcba9876543210" } });
    const rule = findResource(
      clients,
      "aws_vpc_security_group_ingress_rule",
      "Cluster/ControlPlaneFrom-ci-runners",
    ).body;
    expect(rule).toMatchObject({
      ip_protocol: "tcp",
      from_port: 443,
      to_port: 443,
      referenced_security_group_id: "sg-0fedcba9876543210",
      description: "ci-runners to the Kubernetes API",
    });
    expect(rule.security_group_id).toMatch(/aws_security_group\.Cluster_ControlPlaneSecurityGroup/);
  });

  it("grants admin view (everything readable, Secrets included) cluster-wide", () => {
    const viewer = "arn:aws:iam::111111111111:role/terraform-plan";
    const withViewer = synth({ accessEntries: [{ principalArn: viewer, access: "adminView" }] });
    const association = findResource(
      withViewer,
      "aws_eks_access_policy_association",
      "Cluster/AccessPolicy-111111111111-terraform-plan",
    ).body;
    expect(association.policy_arn).toMatch(/:cluster-access-policy\/AmazonEKSAdminViewPolicy$/);
    expect(association.access_scope).toEqual({ type: "cluster" });
  });

  it("tags what the nodes launch with nodeTags", () => {
    const template = onlyResource(synth({ nodeTags: { environment: "dev" } }), "aws_launch_template");
    for (const spec of template.tag_specifications) expect(spec.tags).toMatchObject({ environment: "dev" });
  });

  it("attaches the extra node security groups next to the cluster's and the nodes' own", () => {
    const template = onlyResource(json, "aws_launch_template");
    expect(template.vpc_security_group_ids).toHaveLength(3);
    expect(template.vpc_security_group_ids[0]).toMatch(/vpc_config\[0\]\.cluster_security_group_id\}$/);
    expect(template.vpc_security_group_ids[1]).toMatch(/aws_security_group\.Cluster_NodeSecurityGroup/);
    expect(template.vpc_security_group_ids[2]).toBe("sg-0123456789abcdef0");
  });

  it("follows the chosen version, retention, protection and add-on overrides", () => {
    expect(cluster.version).toBe("1.33");
    expect(cluster.deletion_protection).toBe(false);
    expect(findResource(json, "aws_cloudwatch_log_group", "Cluster/LogGroup").body.retention_in_days).toBe(
      30,
    );
    expect(findResource(json, "aws_eks_addon", "Cluster/Addon-kube-proxy").body.addon_version).toBe(
      EKS_ADDON_VERSIONS["1.33"]["kube-proxy"],
    );
    const coredns = findResource(json, "aws_eks_addon", "Cluster/Addon-coredns").body;
    expect(coredns.addon_version).toBe("v1.13.9-eksbuild.1");
    expect(JSON.parse(coredns.configuration_values)).toEqual({ replicaCount: 3 });
  });

  it("allows an endpoint open to the internet only when named explicitly", () => {
    const open = onlyResource(
      synth({
        endpointPublicAccess: true,
        publicAccessCidrs: ["0.0.0.0/0"],
        allowPublicEndpointFromAnywhere: true,
      }),
      "aws_eks_cluster",
    );
    expect(open.vpc_config.public_access_cidrs).toEqual(["0.0.0.0/0"]);
  });

  it("uses a given KMS key instead of creating one", () => {
    const keyArn = "arn:aws:kms:eu-west-1:111111111111:key/0123abcd-0123-4567-89ab-0123456789ab";
    const withKey = synth({ kmsKeyArn: keyArn });
    expect(findResourcesUnder(withKey, "aws_kms_key", "Cluster")).toEqual([]);
    expect(onlyResource(withKey, "aws_eks_cluster").encryption_config.provider.key_arn).toBe(keyArn);
  });
});

describe("EksCluster validation", () => {
  const path = "EksCluster 'test/Cluster'";

  it.each<[string, Partial<EksClusterProps>, string[]]>([
    [
      "an unsupported Kubernetes version",
      { version: "1.29" },
      ["'version'", '"1.29"', "'1.33', '1.34' or '1.35'"],
    ],
    ["an invalid name", { name: "Prod_Cluster" }, ["'name'", '"Prod_Cluster"', "lowercase"]],
    ["an empty subnet list", { subnetIds: [] }, ["'subnetIds'", "[]", "at least 2 subnets"]],
    [
      "a public endpoint without an allow-list",
      { endpointPublicAccess: true },
      ["'publicAccessCidrs'", "[]", "must list the IPv4 blocks allowed"],
    ],
    [
      "a public endpoint open to 0.0.0.0/0 unless allowPublicEndpointFromAnywhere is set",
      { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
      ["'publicAccessCidrs'", '["0.0.0.0/0"]', "unless allowPublicEndpointFromAnywhere is true"],
    ],
    [
      "an allow-list for a private endpoint",
      { publicAccessCidrs: ["203.0.113.0/24"] },
      ["'publicAccessCidrs'", '["203.0.113.0/24"]', "must be empty unless endpointPublicAccess is true"],
    ],
    [
      "malformed allow-list blocks",
      { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.7/24"] },
      ["'publicAccessCidrs'", '["203.0.113.7/24"]', "no host bits set"],
    ],
    [
      "a bad admin role ARN",
      { adminRoleArns: ["arn:aws:iam::111111111111:user/alice"] },
      ["'adminRoleArns'", '["arn:aws:iam::111111111111:user/alice"]', "must be IAM role ARNs"],
    ],
    [
      "a bad access-entry principal",
      { accessEntries: [{ principalArn: "platform-admin", access: "view" }] },
      ["'accessEntries[0].principalArn'", '"platform-admin"', "must be an IAM role or user ARN"],
    ],
    [
      "an unknown access level",
      {
        accessEntries: [{ principalArn: "arn:aws:iam::111111111111:role/x", access: "owner" as "view" }],
      },
      ["'accessEntries[0].access'", '"owner"', "clusterAdmin, admin, edit, adminView, view"],
    ],
    [
      "namespaces on a cluster-admin entry",
      {
        accessEntries: [
          { principalArn: "arn:aws:iam::111111111111:role/x", access: "clusterAdmin", namespaces: ["a"] },
        ],
      },
      ["'accessEntries[0].namespaces'", '["a"]', "must be empty for 'clusterAdmin'"],
    ],
    [
      "invalid namespace names",
      {
        accessEntries: [
          { principalArn: "arn:aws:iam::111111111111:role/x", access: "edit", namespaces: ["Team_A"] },
        ],
      },
      ["'accessEntries[0].namespaces'", '["Team_A"]', "namespace names"],
    ],
    [
      "a principal named twice",
      { accessEntries: [{ principalArn: ADMIN, access: "view" }] },
      ["'accessEntries'", JSON.stringify([ADMIN]), "each principal once"],
    ],
    ["a cluster without node groups", { nodeGroups: {} }, ["'nodeGroups'", "{}", "at least one node group"]],
    [
      "malformed node security group ids",
      { nodeSecurityGroupIds: ["database-clients"] },
      ["'nodeSecurityGroupIds'", '["database-clients"]', "security group ids (sg-...)"],
    ],
    [
      "a malformed API client security group, naming it",
      { apiClientSecurityGroups: { "ci-runners": "runners" } },
      ["'apiClientSecurityGroups.ci-runners'", '"runners"', "must be a security group id (sg-...)"],
    ],
    [
      "an API client name that cannot key a rule",
      { apiClientSecurityGroups: { "CI Runners": "sg-0fedcba9876543210" } },
      ["'apiClientSecurityGroups.CI Runners'", "must be named with 1–63 lowercase letters, digits or '-'"],
    ],
    [
      "a log retention CloudWatch does not offer",
      { logRetentionDays: 45 },
      ["'logRetentionDays'", "45", "retention periods"],
    ],
    ["a malformed KMS key ARN", { kmsKeyArn: "alias/eks" }, ["'kmsKeyArn'", '"alias/eks"', "KMS key ARN"]],
    [
      "a malformed add-on version",
      { addonVersions: { coredns: "latest" } },
      ["'addonVersions.coredns'", '"latest"', "v1.21.1-eksbuild.7"],
    ],
  ])("rejects %s, naming the construct path, the field and the value", (_case, props, fragments) => {
    expectErrorContaining(() => build(props), path, ...fragments);
  });

  it("accepts a multi-Region KMS key", () => {
    const mrk = "arn:aws:kms:eu-west-1:111111111111:key/mrk-0123456789abcdef0123456789abcdef";
    expect(
      onlyResource(synth({ kmsKeyArn: mrk }), "aws_eks_cluster").encryption_config.provider.key_arn,
    ).toBe(mrk);
  });

  it("reports every problem at once", () => {
    expectErrorContaining(
      () => build({ version: "1.20", logRetentionDays: 2 }),
      "'version'",
      "'logRetentionDays'",
    );
  });
});

describe("EksCluster references", () => {
  const KEY = "arn:aws:kms:eu-west-1:111111111111:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

  it("runs in a network made elsewhere, by its ids, with a given key and no key of its own", () => {
    const stack = testStack();
    const network = Network.fromAttributes(stack, "Shared", {
      vpcId: "vpc-0a1b2c3d4e5f60718",
      privateSubnetIds: ["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"],
    });
    new EksCluster(stack, "Cluster", {
      name: "test",
      network,
      encryptionKey: EncryptionKey.fromAttributes(stack, "Key", { keyArn: KEY }),
      nodeGroups: { general: GENERAL },
    });
    const json: TerraformJson = JSON.parse(Testing.synth(stack));
    const cluster = onlyResource(json, "aws_eks_cluster");
    expect(cluster.vpc_config.subnet_ids).toEqual(["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"]);
    expect(cluster.encryption_config.provider.key_arn).toBe(KEY);
    expect(resourcesOf(json, "aws_kms_key")).toEqual({});
    for (const group of Object.values(resourcesOf(json, "aws_security_group"))) {
      expect(group.vpc_id).toBe("vpc-0a1b2c3d4e5f60718");
    }
  });

  it("rejects the key given twice", () => {
    expectErrorContaining(
      () => build({ kmsKeyArn: KEY, encryptionKey: { keyArn: KEY } }),
      "'kmsKeyArn' cannot be combined with encryptionKey",
    );
  });
});

describe("EksCluster.fromAttributes", () => {
  const ENDPOINT = "https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com";

  it("derives the ARN from the name and reads a missing endpoint and CA bundle at plan time", () => {
    const stack = testStack();
    const cluster = EksCluster.fromAttributes(stack, "Shared", { clusterName: "shared" });
    new PodIdentityRole(stack, "Role", {
      cluster,
      namespace: "apps",
      serviceAccount: "worker",
      managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
    });
    new TerraformOutput(stack, "arn", { value: cluster.clusterArn });
    new TerraformOutput(stack, "endpoint", { value: cluster.clusterEndpoint });
    new TerraformOutput(stack, "ca", { value: cluster.clusterCertificateAuthorityData });
    const json: TerraformJson = JSON.parse(Testing.synth(stack));
    const [lookup] = Object.keys((json.data as any).aws_eks_cluster);
    expect((json.data as any).aws_eks_cluster[lookup].name).toBe("shared");
    expect(json.output?.arn.value).toMatch(
      /^arn:\$\{data\.aws_partition\..*\}:eks:\$\{.*\}:\$\{.*\}:cluster\/shared$/,
    );
    expect(json.output?.endpoint.value).toBe(`\${data.aws_eks_cluster.${lookup}.endpoint}`);
    expect(json.output?.ca.value).toBe(`\${data.aws_eks_cluster.${lookup}.certificate_authority[0].data}`);
    expect(onlyResource(json, "aws_eks_pod_identity_association").cluster_name).toBe("shared");
  });

  it("reads nothing when the endpoint and CA bundle are given", () => {
    const stack = testStack();
    const cluster = EksCluster.fromAttributes(stack, "Shared", {
      clusterName: "shared",
      clusterEndpoint: ENDPOINT,
      clusterCertificateAuthorityData: "Q0E=",
    });
    expect(cluster.clusterEndpoint).toBe(ENDPOINT);
    expect((JSON.parse(Testing.synth(stack)).data ?? {}).aws_eks_cluster).toBeUndefined();
  });

  it.each<[string, Record<string, string>, string, string]>([
    ["clusterName", { clusterName: "-shared" }, '"-shared"', "must be an EKS cluster name"],
    [
      "clusterEndpoint",
      { clusterName: "shared", clusterEndpoint: "http://shared.internal" },
      '"http://shared.internal"',
      "must be the API server's https:// URL",
    ],
    [
      "clusterCertificateAuthorityData",
      { clusterName: "shared", clusterCertificateAuthorityData: "-----BEGIN CERTIFICATE-----" },
      '"-----BEGIN CERTIFICATE-----"',
      "must be the base64-encoded CA bundle",
    ],
  ])("rejects %s (%j)", (prop, attributes, got, allowed) => {
    expectErrorContaining(
      () => EksCluster.fromAttributes(testStack(), "Shared", attributes as never),
      "EksCluster.fromAttributes 'test/Shared'",
      `'${prop}' ${allowed}`,
      got,
    );
  });
});

describe("EksCluster access entries keyed by meaning", () => {
  const reference = () => Token.asString(Fn.lower("arn:aws:iam::111111111111:role/ci"));

  it("keys an entry for a role made in the same apply by its given key", () => {
    const { stack } = build({ accessEntries: [{ principalArn: reference(), access: "view", key: "ci" }] });
    const json: TerraformJson = JSON.parse(Testing.synth(stack));
    const names = Object.keys(resourcesOf(json, "aws_eks_access_entry"));
    expect(names).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Cluster_AccessEntry-ci_[0-9A-F]{8}$/)]),
    );
    expect(names.some((n) => /Principal\d/.test(n))).toBe(false);
  });

  it.each<[string, Partial<EksClusterProps>, string]>([
    [
      "accessEntries[0].key",
      {
        accessEntries: [
          { principalArn: "arn:aws:iam::111111111111:role/ci", access: "view", key: "ci user" },
        ],
      },
      "must be 1–64 letters, digits, '-', '_' or '.'",
    ],
    [
      "accessEntries[0].key",
      { accessEntries: [{ principalArn: Token.asString(Fn.lower("X")), access: "view" }] },
      "is required when principalArn is a Terraform reference",
    ],
    [
      "adminRoleArns[1]",
      { adminRoleArns: [ADMIN, Token.asString(Fn.lower("X"))] },
      "must be known at synth (it keys the access entry's Terraform address)",
    ],
    [
      "accessEntries",
      {
        accessEntries: [
          { principalArn: "arn:aws:iam::111111111111:role/ci", access: "view", key: "ci" },
          { principalArn: "arn:aws:iam::111111111111:role/deploy", access: "edit", key: "ci" },
        ],
      },
      "must have distinct keys",
    ],
  ])("rejects %s (%#)", (prop, props, allowed) => {
    expectErrorContaining(() => build(props), `'${prop}' ${allowed}`);
  });
});
