import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { EksCluster as EksClusterResource } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Annotations, ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { policyDocument, policyJson } from "../core/iam";
import { LOG_RETENTION } from "../core/log-retention";
import { PropProblem, PropValidator, listEach, matching, nameFromId, oneOf } from "../core/validation";
import { EncryptionKey, cloudWatchLogsGrant } from "../kms/encryption-key";
import { IPV4_BLOCKS } from "../network/cidr";
import { IEncryptionKey, keyArnFrom } from "../kms/encryption-key-reference";
import { INetwork } from "../network/network-reference";
import { EksClusterAttributes, IEksCluster, ImportedEksCluster } from "./eks-cluster-reference";
import {
  DEFAULT_EKS_VERSION,
  EKS_ADDON_VERSIONS,
  EKS_CORE_ADDONS,
  EKS_VERSIONS,
  EksCoreAddon,
  EksVersion,
} from "../versions";
import { EksNodeGroup, EksNodeGroupOptions } from "./eks-node-group";
import { KARPENTER_DISCOVERY_TAG } from "./karpenter-infrastructure";
import { EksClusterConnection } from "./kubernetes-auth";
import { PodIdentityRole } from "./pod-identity-role";
import { IAM_PRINCIPAL, IAM_ROLE, SECURITY_GROUP } from "../core/aws-identifiers";

/** EKS access policies, from cluster-wide administration down to read-only. */
export type EksAccessLevel = "clusterAdmin" | "admin" | "edit" | "adminView" | "view";

/** One IAM principal's access to the cluster, through an access entry and an EKS access policy. */
export interface EksAccessEntryOptions {
  /** ARN of the IAM role (or user) that gets access. */
  readonly principalArn: string;
  /**
   * The EKS access policy: `clusterAdmin`, `admin`, `edit`, `adminView` (read everything, Secrets
   * and custom resources included) or `view` (read, without Secrets).
   */
  readonly access: EksAccessLevel;
  /**
   * Namespaces the access is limited to (a trailing `*` matches a prefix); `clusterAdmin` is always
   * cluster-wide. @default - cluster-wide
   */
  readonly namespaces?: readonly string[];
  /**
   * Stable name of the entry, the key of its construct ids (Terraform addresses); required when
   * `principalArn` is a Terraform reference (a role made in the same apply).
   * @default - the principal's account and name, e.g. `111111111111-platform-admin`
   */
  readonly key?: string;
}

/** The access policy behind each access level. */
export const EKS_ACCESS_POLICIES: Readonly<Record<EksAccessLevel, string>> = {
  clusterAdmin: "AmazonEKSClusterAdminPolicy",
  admin: "AmazonEKSAdminPolicy",
  edit: "AmazonEKSEditPolicy",
  adminView: "AmazonEKSAdminViewPolicy",
  view: "AmazonEKSViewPolicy",
};

/** The control-plane log types; all of them are always enabled. */
export const EKS_CONTROL_PLANE_LOG_TYPES = [
  "api",
  "audit",
  "authenticator",
  "controllerManager",
  "scheduler",
] as const;

/** Props of {@link EksCluster}. */
export interface EksClusterProps {
  /** Cluster name, also the prefix of its IAM roles and security groups. @default - the construct id, lowercased */
  readonly name?: string;
  /** Kubernetes version, one of {@link EKS_VERSIONS}. @default DEFAULT_EKS_VERSION ("1.35") */
  readonly version?: string;
  /** The network the cluster lives in (VPC and private subnets): a `Network`, or `Network.fromAttributes`. */
  readonly network: INetwork;
  /** Subnets of the control plane's interfaces and of the nodes, in ≥ 2 AZs. @default - the network's private subnets */
  readonly subnetIds?: readonly string[];
  /** Opens the API endpoint to the internet, to `publicAccessCidrs` only. @default false (private endpoint only) */
  readonly endpointPublicAccess?: boolean;
  /** IPv4 blocks that may reach a public endpoint; required when the endpoint is public. @default - none */
  readonly publicAccessCidrs?: readonly string[];
  /** Allows `0.0.0.0/0` in `publicAccessCidrs`: an API endpoint open to the whole internet. @default false */
  readonly allowPublicEndpointFromAnywhere?: boolean;
  /**
   * Security groups whose members may call the API endpoint on 443, by a stable name (e.g.
   * `{ "ci-runners": sgId }` for self-hosted runners inside the VPC). @default - none (nodes only)
   */
  readonly apiClientSecurityGroups?: Readonly<Record<string, string>>;
  /** IAM roles that administer the whole cluster (AmazonEKSClusterAdminPolicy). @default - none */
  readonly adminRoleArns?: readonly string[];
  /** Further access entries: admin, edit or view, cluster-wide or per namespace. @default - none */
  readonly accessEntries?: readonly EksAccessEntryOptions[];
  /** Managed node groups by name (1–20 lowercase letters, digits or '-'); at least one. */
  readonly nodeGroups: Readonly<Record<string, EksNodeGroupOptions>>;
  /** Extra security groups attached to every node, e.g. the network's database-clients group. @default - none */
  readonly nodeSecurityGroupIds?: readonly string[];
  /**
   * Tags of everything the nodes launch (instances, volumes, network interfaces), e.g. the
   * environment's tags: provider `default_tags` do not reach launch templates. @default - none
   */
  readonly nodeTags?: Readonly<Record<string, string>>;
  /** Retention of the control-plane log group, in days (a CloudWatch retention period). @default 90 */
  readonly logRetentionDays?: number;
  /**
   * KMS key for secrets encryption and the control-plane logs; its policy must let CloudWatch Logs
   * use it. @default - a dedicated KMS key with rotation
   */
  readonly encryptionKey?: IEncryptionKey;
  /**
   * The key as a string; prefer `encryptionKey` (`EncryptionKey.fromAttributes` for a key made elsewhere).
   * @default - see `encryptionKey`
   * @deprecated use `encryptionKey`
   */
  readonly kmsKeyArn?: string;
  /** EKS deletion protection: the cluster cannot be deleted until it is turned off. @default true */
  readonly deletionProtection?: boolean;
  /** Adds Terraform `prevent_destroy` to the dedicated KMS key (losing it loses every secret). @default false */
  readonly preventDestroy?: boolean;
  /** Add-on versions replacing the catalog's pins. @default - EKS_ADDON_VERSIONS for the cluster's version */
  readonly addonVersions?: Readonly<Partial<Record<EksCoreAddon, string>>>;
  /** Add-on configuration values (each add-on's JSON schema), by add-on. @default - the add-ons' defaults */
  readonly addonConfiguration?: Readonly<Partial<Record<EksCoreAddon, Readonly<Record<string, unknown>>>>>;
}

const NAME = matching(/^[a-z0-9][a-z0-9-]{0,37}$/, "1–38 lowercase letters, digits or '-'");

/** A Kubernetes version EKS supports (the versions catalog). */
export const EKS_VERSION = oneOf(EKS_VERSIONS, "(EKS standard support, the versions catalog)");

/** The roles given cluster admin access (at least one: nobody else can administer the cluster). */
export const ADMIN_ROLE_ARNS = listEach(
  IAM_ROLE,
  "must be IAM role ARNs (arn:aws:iam::<12-digit account>:role/<name>)",
);
const NAMESPACE_PATTERN = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?|[a-z0-9][-a-z0-9]{0,61}\*)$/;
const ADDON_VERSION_PATTERN = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;
const ANYWHERE = "0.0.0.0/0";
const ENTRY_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

/** The add-ons installed before the nodes (the nodes need them to become Ready). */
const ADDONS_BEFORE_NODES: readonly EksCoreAddon[] = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"];
/** The add-ons that run as Deployments and need nodes to become healthy. */
const ADDONS_AFTER_NODES: readonly EksCoreAddon[] = ["coredns", "aws-ebs-csi-driver"];

/** The EBS CSI controller's service account, which the add-on creates in kube-system. */
const EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa";

/**
 * An EKS cluster complete for production use: a validated Kubernetes version on standard support,
 * a private API endpoint (public only to an explicit allow-list), `API` authentication with access
 * entries, secrets encrypted with a rotating KMS key, all control-plane logs with retention,
 * control-plane and node security groups, managed node groups through hardened launch templates,
 * the core add-ons at pinned versions (Pod Identity agent and the EBS CSI driver with its Pod
 * Identity role included) and an OIDC provider for IRSA-only charts.
 *
 * It creates no Kubernetes objects: the platform stack talks to the cluster through the outputs.
 */
export class EksCluster extends Construct implements IEksCluster, EksClusterConnection {
  /**
   * A cluster made elsewhere, by its name, for the constructs that take a cluster (Pod Identity
   * roles, ClusterIngress, Observability, Karpenter's infrastructure): nothing is created; an
   * endpoint or CA bundle not given is read at plan time.
   */
  static fromAttributes(scope: Construct, id: string, attributes: EksClusterAttributes): IEksCluster {
    return new ImportedEksCluster(scope, id, attributes);
  }

  /** The cluster's name. */
  readonly clusterName: string;
  /** The cluster's ARN. */
  readonly clusterArn: string;
  /** The API server's URL. */
  readonly clusterEndpoint: string;
  /** The cluster's CA bundle, base64-encoded. */
  readonly clusterCertificateAuthorityData: string;
  /** The Kubernetes version. */
  readonly clusterVersion: string;
  /** The cluster's OIDC issuer URL (for IRSA trust policies). */
  readonly oidcIssuerUrl: string;
  /** ARN of the IAM OIDC provider of the cluster's issuer (for IRSA trust policies). */
  readonly oidcProviderArn: string;
  /** The security group EKS creates for the cluster, shared by the control plane and the nodes. */
  readonly clusterSecurityGroupId: string;
  /** The additional security group of the control plane's network interfaces. */
  readonly controlPlaneSecurityGroupId: string;
  /** The security group of the nodes. */
  readonly nodeSecurityGroupId: string;
  /** ARN of the IAM role the nodes run as. */
  readonly nodeRoleArn: string;
  /** Name of the IAM role the nodes run as. */
  readonly nodeRoleName: string;
  /** ARN of the IAM role of the control plane. */
  readonly clusterRoleArn: string;
  /** ARN of the KMS key that encrypts secrets and control-plane logs. */
  readonly kmsKeyArn: string;
  /** Name of the control-plane log group. */
  readonly logGroupName: string;
  /** The managed node groups, by name. */
  readonly nodeGroups: Readonly<Record<string, EksNodeGroup>>;
  /** The core add-ons, by name. */
  readonly addons: Readonly<Record<EksCoreAddon, EksAddon>>;
  /** The Pod Identity role of the EBS CSI driver's controller. */
  readonly ebsCsiDriverRole: PodIdentityRole;
  /** The cluster resource (escape hatch). */
  readonly cluster: EksClusterResource;
  /** The IAM OIDC provider resource (escape hatch). */
  readonly oidcProvider: IamOpenidConnectProvider;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const name = props.name ?? nameFromId(id);
    const version = props.version ?? DEFAULT_EKS_VERSION;
    const subnetIds = props.subnetIds ?? props.network.privateSubnetIds;
    const endpointPublicAccess = props.endpointPublicAccess ?? false;
    const publicAccessCidrs = props.publicAccessCidrs ?? [];
    const adminRoleArns = props.adminRoleArns ?? [];
    const accessEntries: EksAccessEntryOptions[] = [
      ...adminRoleArns.map((principalArn): EksAccessEntryOptions => ({
        principalArn,
        access: "clusterAdmin",
      })),
      ...(props.accessEntries ?? []),
    ];
    const nodeSecurityGroupIds = props.nodeSecurityGroupIds ?? [];
    const logRetentionDays = props.logRetentionDays ?? 90;

    const v = new PropValidator("EksCluster", this);
    v.check("name", name, NAME);
    v.check("version", version, EKS_VERSION);
    if (!Token.isUnresolved(subnetIds) && subnetIds.length < 2) {
      v.fail("subnetIds", subnetIds, "must list at least 2 subnets, in different AZs");
    }
    v.check("publicAccessCidrs", publicAccessCidrs, IPV4_BLOCKS);
    for (const problem of endpointAccessProblems(
      endpointPublicAccess,
      publicAccessCidrs,
      props.allowPublicEndpointFromAnywhere ?? false,
    )) {
      v.fail(problem.prop, problem.value, problem.allowed);
    }
    v.check("adminRoleArns", adminRoleArns, ADMIN_ROLE_ARNS);
    validateAccessEntries(v, props.accessEntries ?? [], accessEntries);
    adminRoleArns.forEach((arn, index) => {
      if (Token.isUnresolved(arn)) {
        v.fail(
          `adminRoleArns[${index}]`,
          "<Terraform reference>",
          "must be known at synth (it keys the access entry's Terraform address); give a role made in the same apply as accessEntries: { principalArn, access: 'clusterAdmin', key }",
        );
      }
    });
    v.check(
      "nodeGroups",
      props.nodeGroups,
      (groups) => Object.keys(groups).length >= 1,
      "must define at least one node group (CoreDNS and the EBS CSI controller need nodes)",
    );
    v.check(
      "nodeSecurityGroupIds",
      nodeSecurityGroupIds,
      listEach(SECURITY_GROUP, "must be security group ids (sg-...)"),
    );
    v.check("logRetentionDays", logRetentionDays, LOG_RETENTION);
    for (const [clientName, sg] of Object.entries(props.apiClientSecurityGroups ?? {})) {
      v.check(
        `apiClientSecurityGroups.${clientName}`,
        clientName,
        (n) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(n),
        "must be named with 1–63 lowercase letters, digits or '-'",
      );
      v.check(`apiClientSecurityGroups.${clientName}`, sg, SECURITY_GROUP);
    }
    const customerKeyArn = keyArnFrom(v, props.encryptionKey, props.kmsKeyArn);
    for (const [addon, addonVersion] of Object.entries(props.addonVersions ?? {})) {
      v.check(
        `addonVersions.${addon}`,
        addon,
        (a) => (EKS_CORE_ADDONS as readonly string[]).includes(a),
        `must name a core add-on: ${EKS_CORE_ADDONS.join(", ")}`,
      );
      v.check(
        `addonVersions.${addon}`,
        addonVersion,
        (ver) => ADDON_VERSION_PATTERN.test(ver),
        "must be an EKS add-on version such as 'v1.21.1-eksbuild.7'",
      );
    }
    v.throwIfInvalid();

    if (!accessEntries.some((entry) => entry.access === "clusterAdmin")) {
      Annotations.of(this).addWarning(
        `EksCluster '${this.node.path}': no cluster admin (adminRoleArns is empty); only access entries can reach the cluster`,
      );
    }

    const ctx = awsContext(this);
    const logGroupName = `/aws/eks/${name}/cluster`;

    // One key for the cluster's secrets (envelope encryption) and its control-plane logs.
    this.kmsKeyArn =
      customerKeyArn ??
      new EncryptionKey(this, "Key", {
        description: `Encrypts the Kubernetes secrets and control-plane logs of EKS cluster ${name}`,
        alias: `${name}/eks`,
        preventDestroy: props.preventDestroy,
        serviceGrants: [cloudWatchLogsGrant(this, logGroupName)],
      }).keyArn;

    // Created before the cluster, so EKS writes into a group with retention and encryption.
    const logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: logGroupName,
      retentionInDays: logRetentionDays,
      kmsKeyId: this.kmsKeyArn,
    });
    this.logGroupName = logGroup.name;

    const clusterRole = new IamRole(this, "ClusterRole", {
      name: `${name}-cluster`,
      description: `Control plane of EKS cluster ${name}`,
      assumeRolePolicy: policyJson(
        policyDocument({
          Effect: "Allow",
          Principal: { Service: "eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
        }),
      ),
    });
    this.clusterRoleArn = clusterRole.arn;
    const clusterPolicy = new IamRolePolicyAttachment(this, "ClusterRolePolicy", {
      role: clusterRole.name,
      policyArn: `arn:${ctx.partition}:iam::aws:policy/AmazonEKSClusterPolicy`,
    });
    const clusterEncryptionPolicy = new IamRolePolicy(this, "ClusterRoleEncryption", {
      name: "secrets-encryption",
      role: clusterRole.id,
      policy: policyJson(
        policyDocument({
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
          Resource: this.kmsKeyArn,
        }),
      ),
    });

    const { controlPlaneSg, nodeSg } = this.securityGroups(name, props.network.vpcId);
    for (const [clientName, sg] of Object.entries(props.apiClientSecurityGroups ?? {})) {
      new VpcSecurityGroupIngressRule(this, `ControlPlaneFrom-${clientName}`, {
        securityGroupId: controlPlaneSg.id,
        description: `${clientName} to the Kubernetes API`,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        referencedSecurityGroupId: sg,
      });
    }
    this.controlPlaneSecurityGroupId = controlPlaneSg.id;
    this.nodeSecurityGroupId = nodeSg.id;

    this.cluster = new EksClusterResource(this, "Cluster", {
      name,
      version,
      roleArn: clusterRole.arn,
      // Standard support only: extended support costs six times as much and must be a decision.
      upgradePolicy: { supportType: "STANDARD" },
      vpcConfig: {
        subnetIds: [...subnetIds],
        securityGroupIds: [controlPlaneSg.id],
        endpointPrivateAccess: true,
        endpointPublicAccess,
        ...(endpointPublicAccess ? { publicAccessCidrs: [...publicAccessCidrs] } : {}),
      },
      accessConfig: {
        authenticationMode: "API",
        // Admins are explicit access entries; the identity that ran `apply` gets nothing implicit.
        bootstrapClusterCreatorAdminPermissions: false,
      },
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: this.kmsKeyArn } },
      enabledClusterLogTypes: [...EKS_CONTROL_PLANE_LOG_TYPES],
      // vpc-cni, kube-proxy and CoreDNS come from the add-on API below, at pinned versions.
      bootstrapSelfManagedAddons: false,
      deletionProtection: props.deletionProtection ?? true,
      dependsOn: [logGroup, clusterPolicy, clusterEncryptionPolicy],
    });
    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;
    this.clusterEndpoint = this.cluster.endpoint;
    this.clusterCertificateAuthorityData = this.cluster.certificateAuthority.get(0).data;
    this.clusterVersion = this.cluster.version;
    this.clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;
    this.oidcIssuerUrl = this.cluster.identity.get(0).oidc.get(0).issuer;

    this.accessEntries(accessEntries, ctx.partition);

    // IRSA, for charts that do not support Pod Identity yet.
    this.oidcProvider = new IamOpenidConnectProvider(this, "OidcProvider", {
      url: this.oidcIssuerUrl,
      clientIdList: ["sts.amazonaws.com"],
      tags: { Name: `${name}-irsa` },
    });
    this.oidcProviderArn = this.oidcProvider.arn;

    const nodeRole = new IamRole(this, "NodeRole", {
      name: `${name}-nodes`,
      description: `Managed node groups of EKS cluster ${name}`,
      assumeRolePolicy: policyJson(
        policyDocument({
          Effect: "Allow",
          Principal: { Service: "ec2.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
      ),
    });
    this.nodeRoleArn = nodeRole.arn;
    this.nodeRoleName = nodeRole.name;
    // Only what a node needs: join the cluster, pull images, and let the VPC CNI manage ENIs.
    const nodePolicies = [
      "AmazonEKSWorkerNodePolicy",
      "AmazonEC2ContainerRegistryPullOnly",
      "AmazonEKS_CNI_Policy",
    ].map(
      (policy) =>
        new IamRolePolicyAttachment(this, `NodeRolePolicy-${policy}`, {
          role: nodeRole.name,
          policyArn: `arn:${ctx.partition}:iam::aws:policy/${policy}`,
        }),
    );

    this.ebsCsiDriverRole = new PodIdentityRole(this, "EbsCsiDriverRole", {
      cluster: this,
      namespace: "kube-system",
      serviceAccount: EBS_CSI_SERVICE_ACCOUNT,
      roleName: `${name}-ebs-csi-driver`,
      description: `EBS CSI driver controller of EKS cluster ${name}`,
      managedPolicyArns: [`arn:${ctx.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`],
      // The add-on owns the association (its pod_identity_association block).
      createAssociation: false,
    });

    const addonVersions: Record<EksCoreAddon, string> = {
      ...EKS_ADDON_VERSIONS[version as EksVersion],
      ...props.addonVersions,
    };
    const addon = (addonName: EksCoreAddon, dependsOn: ITerraformDependable[]): EksAddon => {
      const configuration = props.addonConfiguration?.[addonName];
      return new EksAddon(this, `Addon-${addonName}`, {
        clusterName: this.cluster.name,
        addonName,
        addonVersion: addonVersions[addonName],
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        ...(configuration ? { configurationValues: JSON.stringify(configuration) } : {}),
        ...(addonName === "aws-ebs-csi-driver"
          ? {
              podIdentityAssociation: [
                { roleArn: this.ebsCsiDriverRole.roleArn, serviceAccount: EBS_CSI_SERVICE_ACCOUNT },
              ],
            }
          : {}),
        ...(dependsOn.length > 0 ? { dependsOn } : {}),
      });
    };
    const addons = {} as Record<EksCoreAddon, EksAddon>;
    for (const addonName of ADDONS_BEFORE_NODES) addons[addonName] = addon(addonName, []);

    const nodeGroups: Record<string, EksNodeGroup> = {};
    for (const [groupName, options] of Object.entries(props.nodeGroups)) {
      nodeGroups[groupName] = new EksNodeGroup(this, `NodeGroup-${groupName}`, {
        ...options,
        name: groupName,
        clusterName: this.cluster.name,
        kubernetesVersion: this.cluster.version,
        nodeRoleArn: nodeRole.arn,
        subnetIds: options.subnetIds ?? subnetIds,
        // Naming security groups in a launch template drops the one EKS adds: list the cluster's too.
        securityGroupIds: [this.clusterSecurityGroupId, nodeSg.id, ...nodeSecurityGroupIds],
        tags: props.nodeTags,
        dependsOn: [...nodePolicies, ...ADDONS_BEFORE_NODES.map((addonName) => addons[addonName])],
      });
    }
    this.nodeGroups = nodeGroups;

    const groupResources = Object.values(nodeGroups).map((group) => group.nodeGroup);
    for (const addonName of ADDONS_AFTER_NODES) addons[addonName] = addon(addonName, groupResources);
    this.addons = addons;
  }

  /** The control plane's additional security group and the nodes' security group, with their rules. */
  private securityGroups(
    name: string,
    vpcId: string,
  ): { controlPlaneSg: SecurityGroup; nodeSg: SecurityGroup } {
    const controlPlaneSg = new SecurityGroup(this, "ControlPlaneSecurityGroup", {
      name: `${name}-control-plane`,
      description: `Control plane of EKS cluster ${name}`,
      vpcId,
      tags: { Name: `${name}-control-plane` },
    });
    const nodeSg = new SecurityGroup(this, "NodeSecurityGroup", {
      name: `${name}-nodes`,
      description: `Nodes of EKS cluster ${name}`,
      vpcId,
      // No `kubernetes.io/cluster/<name>` tag: the AWS Load Balancer Controller expects exactly one
      // tagged group per node interface, and EKS already tags the cluster security group.
      // The discovery tag lets Karpenter's EC2NodeClass give its nodes this group too.
      tags: { Name: `${name}-nodes`, [KARPENTER_DISCOVERY_TAG]: name },
    });
    new VpcSecurityGroupIngressRule(this, "ControlPlaneFromNodesHttps", {
      securityGroupId: controlPlaneSg.id,
      description: "Nodes to the Kubernetes API",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: nodeSg.id,
    });
    const controlPlaneToNodes = [
      { key: "Https", fromPort: 443, toPort: 443, description: "extension API servers and webhooks on 443" },
      { key: "Ephemeral", fromPort: 1025, toPort: 65535, description: "kubelet and webhooks" },
    ];
    for (const rule of controlPlaneToNodes) {
      new VpcSecurityGroupEgressRule(this, `ControlPlaneToNodes${rule.key}`, {
        securityGroupId: controlPlaneSg.id,
        description: `Control plane to nodes: ${rule.description}`,
        ipProtocol: "tcp",
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        referencedSecurityGroupId: nodeSg.id,
      });
      new VpcSecurityGroupIngressRule(this, `NodesFromControlPlane${rule.key}`, {
        securityGroupId: nodeSg.id,
        description: `Control plane to nodes: ${rule.description}`,
        ipProtocol: "tcp",
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        referencedSecurityGroupId: controlPlaneSg.id,
      });
    }
    new VpcSecurityGroupIngressRule(this, "NodesFromNodes", {
      securityGroupId: nodeSg.id,
      description: "Node to node: pod traffic, DNS",
      ipProtocol: "-1",
      referencedSecurityGroupId: nodeSg.id,
    });
    new VpcSecurityGroupEgressRule(this, "NodesToAnywhere", {
      securityGroupId: nodeSg.id,
      description: "Nodes to AWS APIs, registries and the internet (through NAT)",
      ipProtocol: "-1",
      cidrIpv4: ANYWHERE,
    });
    return { controlPlaneSg, nodeSg };
  }

  /** An access entry per principal and the association of its access policy. */
  private accessEntries(entries: readonly EksAccessEntryOptions[], partition: string): void {
    entries.forEach((options) => {
      const key = accessEntryKey(options) ?? "";
      const entry = new EksAccessEntry(this, `AccessEntry-${key}`, {
        clusterName: this.cluster.name,
        principalArn: options.principalArn,
        type: "STANDARD",
      });
      const namespaces = options.namespaces ?? [];
      new EksAccessPolicyAssociation(this, `AccessPolicy-${key}`, {
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${EKS_ACCESS_POLICIES[options.access]}`,
        accessScope:
          namespaces.length > 0 ? { type: "namespace", namespaces: [...namespaces] } : { type: "cluster" },
      });
    });
  }
}

/**
 * A stable construct id for a principal: the entry's key, or the principal's account and name
 * (`111111111111-platform-admin`); undefined for a Terraform reference without a key.
 */
function accessEntryKey(entry: EksAccessEntryOptions): string | undefined {
  if (entry.key !== undefined) return entry.key;
  const match = /^arn:[^:]+:iam::(\d{12}):(?:role|user)\/(.+)$/.exec(entry.principalArn);
  if (!match || Token.isUnresolved(entry.principalArn)) return undefined;
  return `${match[1]}-${match[2].replace(/[^A-Za-z0-9_.-]/g, "-")}`;
}

/**
 * What is wrong with the API endpoint's exposure: a public endpoint needs an allow-list, a private one
 * none, and 0.0.0.0/0 only with `allowAnywhere` (left undefined where there is no such option).
 */
export function endpointAccessProblems(
  publicAccess: boolean,
  cidrs: readonly string[],
  allowAnywhere?: boolean,
): PropProblem[] {
  const problems: PropProblem[] = [];
  const fail = (allowed: string) => problems.push({ prop: "publicAccessCidrs", value: cidrs, allowed });
  if (publicAccess && cidrs.length === 0) {
    fail("must list the IPv4 blocks allowed to reach a public endpoint (EKS would open it to 0.0.0.0/0)");
  }
  if (!publicAccess && cidrs.length > 0) fail("must be empty unless endpointPublicAccess is true");
  if (cidrs.includes(ANYWHERE) && allowAnywhere !== true && (publicAccess || allowAnywhere === undefined)) {
    fail(
      `must not contain 0.0.0.0/0 (an API endpoint open to the internet)${allowAnywhere === undefined ? "" : " unless allowPublicEndpointFromAnywhere is true"}`,
    );
  }
  return problems;
}

function validateAccessEntries(
  v: PropValidator,
  entries: readonly EksAccessEntryOptions[],
  all: readonly EksAccessEntryOptions[],
): void {
  entries.forEach((entry, index) => {
    const prop = `accessEntries[${index}]`;
    v.check(`${prop}.principalArn`, entry.principalArn, IAM_PRINCIPAL);
    v.check(
      `${prop}.access`,
      entry.access,
      (access) => access in EKS_ACCESS_POLICIES,
      `must be one of ${Object.keys(EKS_ACCESS_POLICIES).join(", ")}`,
    );
    if (entry.key !== undefined) {
      v.check(
        `${prop}.key`,
        entry.key,
        (key) => ENTRY_KEY.test(key),
        "must be 1–64 letters, digits, '-', '_' or '.'",
      );
    } else if (Token.isUnresolved(entry.principalArn)) {
      v.fail(
        `${prop}.key`,
        entry.key,
        "is required when principalArn is a Terraform reference (it keys the access entry's Terraform address)",
      );
    }
    const namespaces = entry.namespaces ?? [];
    if (entry.access === "clusterAdmin" && namespaces.length > 0) {
      v.fail(
        `${prop}.namespaces`,
        namespaces,
        "must be empty for 'clusterAdmin' (cluster-wide by definition)",
      );
    }
    v.check(
      `${prop}.namespaces`,
      namespaces,
      (list) => list.every((ns) => NAMESPACE_PATTERN.test(ns)) && new Set(list).size === list.length,
      "must be distinct namespace names (a trailing '*' matches a prefix)",
    );
  });
  const arns = all.map((entry) => entry.principalArn).filter((arn) => !Token.isUnresolved(arn));
  const duplicates = [...new Set(arns.filter((arn, i) => arns.indexOf(arn) !== i))];
  if (duplicates.length > 0) {
    v.fail(
      "accessEntries",
      duplicates,
      "must name each principal once across adminRoleArns and accessEntries (one access entry per principal)",
    );
  }
  const keys = all.map(accessEntryKey).filter((key): key is string => key !== undefined);
  const repeated = [...new Set(keys.filter((key, i) => keys.indexOf(key) !== i))];
  if (duplicates.length === 0 && repeated.length > 0) {
    v.fail(
      "accessEntries",
      repeated,
      "must have distinct keys (each keys an access entry's Terraform address)",
    );
  }
}
