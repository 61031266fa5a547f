import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksCluster as EksClusterResource } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { policyDocument, policyJson } from "../../core/iam";
import { EncryptionKey, cloudWatchLogsGrant } from "../../kms/encryption-key";
import { EKS_CONTROL_PLANE_LOG_TYPES } from "../eks-cluster-rules";
import { ResolvedClusterProps } from "./cluster-props";

/** The cluster's KMS key and its control-plane log group. */
export interface ControlPlaneLogging {
  readonly kmsKeyArn: string;
  readonly logGroup: CloudwatchLogGroup;
}

/**
 * One key for the cluster's secrets (envelope encryption) and its control-plane logs (the caller's,
 * or a dedicated rotating key), and the log group, made before the cluster so that EKS writes into a
 * group with retention and encryption.
 */
export function controlPlaneLogging(
  scope: Construct,
  c: ResolvedClusterProps,
  preventDestroy: boolean | undefined,
): ControlPlaneLogging {
  const logGroupName = `/aws/eks/${c.name}/cluster`;
  const kmsKeyArn =
    c.customerKeyArn ??
    new EncryptionKey(scope, "Key", {
      description: `Encrypts the Kubernetes secrets and control-plane logs of EKS cluster ${c.name}`,
      alias: `${c.name}/eks`,
      preventDestroy,
      serviceGrants: [cloudWatchLogsGrant(scope, logGroupName)],
    }).keyArn;
  const logGroup = new CloudwatchLogGroup(scope, "LogGroup", {
    name: logGroupName,
    retentionInDays: c.logRetentionDays,
    kmsKeyId: kmsKeyArn,
  });
  return { kmsKeyArn, logGroup };
}

/** The control plane's IAM role and the policies it needs before the cluster can be created. */
export interface ControlPlaneRole {
  readonly role: IamRole;
  readonly policies: readonly ITerraformDependable[];
}

/** The role EKS runs the control plane as: AmazonEKSClusterPolicy and use of the secrets key. */
export function controlPlaneRole(
  scope: Construct,
  name: string,
  kmsKeyArn: string,
  partition: string,
): ControlPlaneRole {
  const role = new IamRole(scope, "ClusterRole", {
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
  const clusterPolicy = new IamRolePolicyAttachment(scope, "ClusterRolePolicy", {
    role: role.name,
    policyArn: `arn:${partition}:iam::aws:policy/AmazonEKSClusterPolicy`,
  });
  const encryptionPolicy = new IamRolePolicy(scope, "ClusterRoleEncryption", {
    name: "secrets-encryption",
    role: role.id,
    policy: policyJson(
      policyDocument({
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        Resource: kmsKeyArn,
      }),
    ),
  });
  return { role, policies: [clusterPolicy, encryptionPolicy] };
}

/** What the cluster resource is made from, besides the resolved props. */
export interface ControlPlaneParts {
  readonly role: ControlPlaneRole;
  readonly logging: ControlPlaneLogging;
  readonly securityGroupId: string;
  readonly deletionProtection: boolean;
}

/**
 * The EKS cluster resource: standard support, private endpoint (public only to the allow-list),
 * `API` authentication without implicit creator admin, secrets encryption, every control-plane log.
 */
export function controlPlane(
  scope: Construct,
  c: ResolvedClusterProps,
  parts: ControlPlaneParts,
): EksClusterResource {
  return new EksClusterResource(scope, "Cluster", {
    name: c.name,
    version: c.version,
    roleArn: parts.role.role.arn,
    // Standard support only: extended support costs six times as much and must be a decision.
    upgradePolicy: { supportType: "STANDARD" },
    vpcConfig: {
      subnetIds: [...c.subnetIds],
      securityGroupIds: [parts.securityGroupId],
      endpointPrivateAccess: true,
      endpointPublicAccess: c.endpointPublicAccess,
      ...(c.endpointPublicAccess ? { publicAccessCidrs: [...c.publicAccessCidrs] } : {}),
    },
    accessConfig: {
      authenticationMode: "API",
      // Admins are explicit access entries; the identity that ran `apply` gets nothing implicit.
      bootstrapClusterCreatorAdminPermissions: false,
    },
    encryptionConfig: { resources: ["secrets"], provider: { keyArn: parts.logging.kmsKeyArn } },
    enabledClusterLogTypes: [...EKS_CONTROL_PLANE_LOG_TYPES],
    // vpc-cni, kube-proxy and CoreDNS come from the add-on API, at pinned versions.
    bootstrapSelfManagedAddons: false,
    deletionProtection: parts.deletionProtection,
    dependsOn: [parts.logging.logGroup, ...parts.role.policies],
  });
}

/** The IAM OIDC provider of the cluster's issuer: IRSA, for charts that do not support Pod Identity yet. */
export function irsaProvider(scope: Construct, name: string, issuerUrl: string): IamOpenidConnectProvider {
  return new IamOpenidConnectProvider(scope, "OidcProvider", {
    url: issuerUrl,
    clientIdList: ["sts.amazonaws.com"],
    tags: { Name: `${name}-irsa` },
  });
}
