import { Construct } from "constructs";
import { EksCluster, Karpenter, KarpenterInfrastructure, MetricsServer } from "@acme/aws-platform-constructs";

/** Karpenter's AWS side, in the cluster's stack. */
export function clusterKarpenter(scope: Construct, cluster: EksCluster): KarpenterInfrastructure {
  // #region infrastructure
  const karpenter = new KarpenterInfrastructure(scope, "KarpenterAws", { cluster });
  // #endregion
  return karpenter;
}

/**
 * Karpenter and metrics-server in the platform stack (Kubernetes and Helm providers), from the
 * cluster stack's outputs; the private subnets and the node security group carry the
 * `karpenter.sh/discovery=<cluster>` tag.
 */
export function platformAutoscaling(
  scope: Construct,
  cluster: EksCluster,
  karpenterAws: KarpenterInfrastructure,
  databaseClientsSecurityGroupId: string,
): { karpenter: Karpenter; metricsServer: MetricsServer } {
  // #region karpenter
  const karpenter = new Karpenter(scope, "Karpenter", {
    cluster,
    interruptionQueueName: karpenterAws.interruptionQueueName,
    nodeRoleName: karpenterAws.nodeRoleName,
    securityGroupIds: [databaseClientsSecurityGroupId],
    nodePool: {
      instanceCategories: ["c", "m", "r"],
      capacityTypes: ["spot", "on-demand"],
      cpuLimit: 64,
      memoryLimitGiB: 256,
      amiVersion: "v20251120",
    },
    tags: { team: "orders" },
  });
  // #endregion
  // #region metrics-server
  const metricsServer = new MetricsServer(scope, "MetricsServer", { replicas: 2 });
  // #endregion
  return { karpenter, metricsServer };
}
