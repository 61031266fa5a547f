import { Construct } from "constructs";
import { EksCluster } from "../constructs/eks/eks-cluster";
import { EksClusterConnection } from "../constructs/eks/kubernetes-auth";
import { EnvironmentStack, EnvironmentStackProps } from "./environment-stack";
import { NetworkStack } from "./network-stack";

/** Props of {@link ClusterStack}. */
export interface ClusterStackProps extends EnvironmentStackProps {
  /** The environment's network stack: VPC, private subnets and the database-clients security group. */
  readonly network: NetworkStack;
}

/**
 * `<env>-cluster`: the environment's EKS cluster (control plane, node groups, core add-ons, Pod
 * Identity, OIDC provider, KMS key). It has no Kubernetes or Helm provider: `<env>-platform` talks to
 * the cluster through the properties below (cross-stack references) with `aws eks get-token`.
 */
export class ClusterStack extends EnvironmentStack implements EksClusterConnection {
  /** The cluster, for the stacks that build on it (e.g. Pod Identity roles in the platform stack). */
  readonly cluster: EksCluster;
  /** The cluster's name. */
  readonly clusterName: string;
  /** The API server's URL. */
  readonly clusterEndpoint: string;
  /** The cluster's CA bundle, base64-encoded. */
  readonly clusterCertificateAuthorityData: string;
  /** ARN of the cluster's IAM OIDC provider (IRSA). */
  readonly oidcProviderArn: string;
  /** The cluster's OIDC issuer URL (IRSA). */
  readonly oidcIssuerUrl: string;
  /** The security group EKS created for the cluster (control plane and nodes). */
  readonly clusterSecurityGroupId: string;
  /** The nodes' security group. */
  readonly nodeSecurityGroupId: string;
  /** ARN of the nodes' IAM role. */
  readonly nodeRoleArn: string;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    const { name, cluster: config, protection } = props.environment;

    this.cluster = new EksCluster(this, "Cluster", {
      name,
      version: config.version,
      network: props.network.network,
      endpointPublicAccess: config.endpointPublicAccess,
      publicAccessCidrs: config.publicAccessCidrs,
      adminRoleArns: config.adminRoleArns,
      nodeGroups: config.nodeGroups,
      // Nodes carry the network's database-clients marker, so pods can reach the databases.
      nodeSecurityGroupIds: [props.network.databaseClientsSecurityGroupId],
      logRetentionDays: config.logRetentionDays,
      deletionProtection: protection.deletionProtection,
      preventDestroy: protection.preventDestroy,
    });

    this.clusterName = this.cluster.clusterName;
    this.clusterEndpoint = this.cluster.clusterEndpoint;
    this.clusterCertificateAuthorityData = this.cluster.clusterCertificateAuthorityData;
    this.oidcProviderArn = this.cluster.oidcProviderArn;
    this.oidcIssuerUrl = this.cluster.oidcIssuerUrl;
    this.clusterSecurityGroupId = this.cluster.clusterSecurityGroupId;
    this.nodeSecurityGroupId = this.cluster.nodeSecurityGroupId;
    this.nodeRoleArn = this.cluster.nodeRoleArn;

    this.exportOutputs({
      cluster_name: { value: this.clusterName, description: "EKS cluster name" },
      cluster_arn: { value: this.cluster.clusterArn, description: "EKS cluster ARN" },
      cluster_endpoint: { value: this.clusterEndpoint, description: "Kubernetes API server URL" },
      cluster_certificate_authority_data: {
        value: this.clusterCertificateAuthorityData,
        description: "Cluster CA bundle (base64)",
      },
      cluster_version: { value: this.cluster.clusterVersion, description: "Kubernetes version" },
      oidc_issuer_url: { value: this.oidcIssuerUrl, description: "OIDC issuer URL (IRSA)" },
      oidc_provider_arn: { value: this.oidcProviderArn, description: "IAM OIDC provider ARN (IRSA)" },
      cluster_security_group_id: {
        value: this.clusterSecurityGroupId,
        description: "Security group EKS created for the cluster",
      },
      control_plane_security_group_id: {
        value: this.cluster.controlPlaneSecurityGroupId,
        description: "Additional security group of the control plane",
      },
      node_security_group_id: { value: this.nodeSecurityGroupId, description: "Security group of the nodes" },
      node_role_arn: { value: this.nodeRoleArn, description: "IAM role of the nodes" },
      kms_key_arn: {
        value: this.cluster.kmsKeyArn,
        description: "KMS key of secrets and control-plane logs",
      },
    });
  }
}
