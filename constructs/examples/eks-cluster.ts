import { Construct } from "constructs";
import {
  EksCluster,
  EksNodeGroup,
  Network,
  ObjectStorage,
  PodIdentityRole,
} from "@acme/aws-platform-constructs";

/** A private EKS cluster with one managed node group and the core add-ons. */
export function minimalEksCluster(scope: Construct, network: Network): EksCluster {
  // #region minimal
  const cluster = new EksCluster(scope, "Cluster", {
    name: "orders",
    network,
    nodeGroups: { general: { instanceTypes: ["m7g.large"], minSize: 2, maxSize: 6 } },
  });
  // #endregion
  return cluster;
}

/** A role for the pods of one service account, here allowed to read a bucket. */
export function minimalPodIdentityRole(
  scope: Construct,
  cluster: EksCluster,
  documents: ObjectStorage,
): PodIdentityRole {
  // #region pod-identity
  const role = new PodIdentityRole(scope, "ReportsRole", {
    cluster,
    namespace: "reports",
    serviceAccount: "reports-worker",
    policies: { documents: documents.grantRead("reports/") },
  });
  // #endregion
  return role;
}

/**
 * A node group added next to a cluster's own groups, for example by a team that runs in-memory
 * caches on memory-optimized nodes reserved for them.
 */
export function cacheNodeGroup(scope: Construct, cluster: EksCluster, network: Network): EksNodeGroup {
  // #region node-group
  const cacheNodes = new EksNodeGroup(scope, "CacheNodes", {
    name: "cache",
    clusterName: cluster.clusterName,
    kubernetesVersion: cluster.clusterVersion,
    nodeRoleArn: cluster.nodeRoleArn,
    subnetIds: network.privateSubnetIds,
    securityGroupIds: [cluster.clusterSecurityGroupId, cluster.nodeSecurityGroupId],
    instanceTypes: ["r7g.xlarge"],
    minSize: 0,
    maxSize: 6,
    labels: { workload: "cache" },
    taints: [{ key: "workload", value: "cache", effect: "NoSchedule" }],
  });
  // #endregion
  return cacheNodes;
}

/**
 * A production cluster: administrators and a read-only team, Graviton on-demand nodes for services
 * and tainted spot nodes for batch jobs, and a Pod Identity role that lets one service account use
 * a bucket.
 */
export function productionEksCluster(
  scope: Construct,
  network: Network,
  documents: ObjectStorage,
  databaseClientsSecurityGroupId: string,
): EksCluster {
  // #region example
  const cluster = new EksCluster(scope, "Cluster", {
    name: "orders-prod",
    version: "1.35",
    network,
    adminRoleArns: ["arn:aws:iam::123456789012:role/platform-admin"],
    accessEntries: [
      {
        principalArn: "arn:aws:iam::123456789012:role/orders-developers",
        access: "view",
        namespaces: ["orders"],
      },
    ],
    nodeGroups: {
      general: { instanceTypes: ["m7g.xlarge", "m6g.xlarge"], minSize: 3, maxSize: 12 },
      batch: {
        instanceTypes: ["c7g.2xlarge", "c6g.2xlarge", "m7g.2xlarge"],
        capacityType: "spot",
        minSize: 0,
        maxSize: 20,
        labels: { workload: "batch" },
        taints: [{ key: "workload", value: "batch", effect: "NoSchedule" }],
      },
    },
    // Pods on every node may reach the database (it admits this group on 5432).
    nodeSecurityGroupIds: [databaseClientsSecurityGroupId],
    logRetentionDays: 365,
    preventDestroy: true,
  });

  // The orders-api service account gets read/write access to the documents bucket, nothing else.
  new PodIdentityRole(scope, "OrdersApiRole", {
    cluster,
    namespace: "orders",
    serviceAccount: "orders-api",
    policies: { documents: documents.grantReadWrite() },
  });
  // #endregion
  return cluster;
}
