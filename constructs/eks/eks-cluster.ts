import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { EksCluster as EksClusterResource } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { IEncryptionKey } from "../kms/encryption-key-reference";
import { INetwork } from "../network/network-reference";
import { EksCoreAddon } from "../versions";
import { EksClusterAttributes, IEksCluster, ImportedEksCluster } from "./eks-cluster-reference";
import { EksNodeGroup, EksNodeGroupOptions } from "./eks-node-group";
import { EksClusterConnection } from "./kubernetes-auth";
import { PodIdentityRole } from "./pod-identity-role";
import { clusterAccessEntries } from "./private/access-entries";
import { resolveClusterProps } from "./private/cluster-props";
import { clusterSecurityGroups } from "./private/cluster-security-groups";
import { controlPlane, controlPlaneLogging, controlPlaneRole, irsaProvider } from "./private/control-plane";
import { coreAddons, ebsCsiDriverRole } from "./private/core-addons";
import { nodeGroups, nodeRole } from "./private/nodes";

export {
  ADMIN_ROLE_ARNS,
  EKS_ACCESS_POLICIES,
  EKS_CONTROL_PLANE_LOG_TYPES,
  EKS_VERSION,
  endpointAccessProblems,
} from "./eks-cluster-rules";

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
    const c = resolveClusterProps(this, id, props);
    const { partition } = awsContext(this);

    const logging = controlPlaneLogging(this, c, props.preventDestroy);
    this.kmsKeyArn = logging.kmsKeyArn;
    this.logGroupName = logging.logGroup.name;
    const clusterRole = controlPlaneRole(this, c.name, this.kmsKeyArn, partition);
    this.clusterRoleArn = clusterRole.role.arn;
    const { controlPlaneSg, nodeSg } = clusterSecurityGroups(
      this,
      c.name,
      props.network.vpcId,
      props.apiClientSecurityGroups ?? {},
    );
    this.controlPlaneSecurityGroupId = controlPlaneSg.id;
    this.nodeSecurityGroupId = nodeSg.id;

    this.cluster = controlPlane(this, c, {
      role: clusterRole,
      logging,
      securityGroupId: controlPlaneSg.id,
      deletionProtection: props.deletionProtection ?? true,
    });
    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;
    this.clusterEndpoint = this.cluster.endpoint;
    this.clusterCertificateAuthorityData = this.cluster.certificateAuthority.get(0).data;
    this.clusterVersion = this.cluster.version;
    this.clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;
    this.oidcIssuerUrl = this.cluster.identity.get(0).oidc.get(0).issuer;

    clusterAccessEntries(this, this.cluster.name, c.accessEntries, partition);

    this.oidcProvider = irsaProvider(this, c.name, this.oidcIssuerUrl);
    this.oidcProviderArn = this.oidcProvider.arn;

    const nodes = nodeRole(this, c.name, partition);
    this.nodeRoleArn = nodes.role.arn;
    this.nodeRoleName = nodes.role.name;
    this.ebsCsiDriverRole = ebsCsiDriverRole(this, this, c.name, partition);

    const { addons, nodeGroups: groups } = coreAddons(
      this,
      {
        clusterName: this.cluster.name,
        version: c.version,
        addonVersions: props.addonVersions,
        addonConfiguration: props.addonConfiguration,
        ebsCsiDriverRole: this.ebsCsiDriverRole,
      },
      (addonsBeforeNodes) =>
        nodeGroups(this, props.nodeGroups, {
          clusterName: this.cluster.name,
          kubernetesVersion: this.cluster.version,
          nodeRole: nodes,
          subnetIds: c.subnetIds,
          // Naming security groups in a launch template drops the one EKS adds: list the cluster's too.
          securityGroupIds: [this.clusterSecurityGroupId, nodeSg.id, ...c.nodeSecurityGroupIds],
          tags: props.nodeTags,
          dependsOn: addonsBeforeNodes,
        }),
    );
    this.addons = addons;
    this.nodeGroups = groups;
  }
}
