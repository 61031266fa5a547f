import { Construct } from "constructs";
import { EksCluster } from "../constructs/eks/eks-cluster";
import { KarpenterInfrastructure, baselineNodeAffinity } from "../constructs/eks/karpenter-infrastructure";
import { EksClusterConnection } from "../constructs/eks/kubernetes-auth";
import { ciRoles } from "./deploy-identity";
import { EnvironmentStack, EnvironmentStackProps, environmentTags } from "./environment-stack";
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
  /** Karpenter's AWS side: node role, interruption queue, controller role (the platform installs it). */
  readonly karpenter: KarpenterInfrastructure;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    const { name, cluster: config, protection, ci } = props.environment;
    const roles = ciRoles(props.environment);
    const runnerSg = props.network.network.runnerSecurityGroupId;

    this.cluster = new EksCluster(this, "Cluster", {
      name,
      version: config.version,
      network: props.network.network,
      endpointPublicAccess: config.endpointPublicAccess,
      // A public endpoint admits the runner's declared egress too (ci.apiAccess "publicEndpoint").
      publicAccessCidrs: [
        ...new Set([
          ...config.publicAccessCidrs,
          ...(ci.apiAccess === "publicEndpoint" ? ci.runnerEgressCidrs : []),
        ]),
      ],
      // A private endpoint admits the self-hosted runners inside the VPC (ci.apiAccess "vpcRunner").
      apiClientSecurityGroups: runnerSg !== undefined ? { "ci-runners": runnerSg } : {},
      adminRoleArns: config.adminRoleArns,
      accessEntries: [
        // Whoever applies the stacks (CI's deploy role, or an operator who assumed it) administers the cluster.
        { principalArn: roles.deployRoleArn, access: "clusterAdmin" },
        // Pull-request plans refresh Helm releases, whose state Helm keeps in Secrets: read-only, Secrets included.
        { principalArn: roles.planRoleArn, access: "adminView" },
        ...(props.environment.deployRoleArn !== undefined &&
        props.environment.deployRoleArn !== roles.deployRoleArn &&
        !config.adminRoleArns.includes(props.environment.deployRoleArn)
          ? [{ principalArn: props.environment.deployRoleArn, access: "clusterAdmin" as const }]
          : []),
      ],
      nodeGroups: config.nodeGroups,
      // Nodes carry the network's database-clients marker, so pods can reach the databases.
      nodeSecurityGroupIds: [props.network.databaseClientsSecurityGroupId],
      // Launch templates do not inherit the provider's default_tags: give the nodes the environment's.
      nodeTags: environmentTags(props.environment, id),
      logRetentionDays: config.logRetentionDays,
      // CoreDNS stays on the managed nodes (the baseline): Karpenter's consolidation never moves it.
      addonConfiguration: { coredns: { affinity: baselineNodeAffinity({ "k8s-app": "kube-dns" }) } },
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
    this.karpenter = new KarpenterInfrastructure(this, "Karpenter", { cluster: this.cluster });

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
      karpenter_node_role_arn: {
        value: this.karpenter.nodeRoleArn,
        description: "IAM role of the nodes Karpenter launches",
      },
      karpenter_interruption_queue: {
        value: this.karpenter.interruptionQueueName,
        description: "SQS queue of Karpenter's interruption events",
      },
      kms_key_arn: {
        value: this.cluster.kmsKeyArn,
        description: "KMS key of secrets and control-plane logs",
      },
    });
  }
}
