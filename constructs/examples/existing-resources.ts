import { Construct } from "constructs";
import {
  EksCluster,
  EncryptionKey,
  Network,
  ObjectStorage,
  Observability,
  PostgresDatabase,
} from "@acme/aws-platform-constructs";

/** The ids of resources made elsewhere (another team's VPC, shared log and trace buckets and their key). */
export const EXISTING = {
  vpcId: "vpc-0a1b2c3d4e5f60718",
  privateSubnetIds: ["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"],
  databaseSubnetIds: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712"],
  logBucketName: "acme-shared-platform-logs",
  logBucketKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
  traceBucketName: "acme-shared-platform-traces",
  appSecurityGroupId: "sg-0123456789abcdef0",
} as const;

/**
 * A database, a cluster and its observability in a VPC and with log and trace buckets that already exist:
 * imported by their ids, nothing about them is created or changed.
 */
export function onExistingResources(scope: Construct): {
  database: PostgresDatabase;
  cluster: EksCluster;
  observability: Observability;
} {
  // #region example
  const network = Network.fromAttributes(scope, "SharedVpc", {
    vpcId: EXISTING.vpcId,
    privateSubnetIds: EXISTING.privateSubnetIds,
    // No DB subnet group given: the database creates one over these subnets.
    databaseSubnetIds: EXISTING.databaseSubnetIds,
  });
  const logBucket = ObjectStorage.fromAttributes(scope, "SharedLogs", {
    bucketName: EXISTING.logBucketName,
    kmsKeyArn: EXISTING.logBucketKeyArn,
  });
  const traceBucket = ObjectStorage.fromAttributes(scope, "SharedTraces", {
    bucketName: EXISTING.traceBucketName,
    kmsKeyArn: EXISTING.logBucketKeyArn,
  });

  const database = new PostgresDatabase(scope, "Database", {
    network,
    identifier: "orders",
    clientSecurityGroups: { app: EXISTING.appSecurityGroupId },
  });
  const cluster = new EksCluster(scope, "Cluster", {
    name: "orders",
    network,
    nodeGroups: { general: { instanceTypes: ["m7g.large"], minSize: 2, maxSize: 6 } },
  });
  // Loki's and Tempo's roles may each read and write their bucket (and use its key) only.
  const observability = new Observability(scope, "Observability", {
    cluster,
    logBucket,
    traceBucket,
    alarmSubscribeToTopicArns: { database: database.alarmTopicArn },
    databaseInstanceIdentifiers: [database.identifier],
  });
  // #endregion
  return { database, cluster, observability };
}

/** A key made elsewhere, used by a new bucket (the key's policy is not changed). */
export function withExistingKey(scope: Construct): ObjectStorage {
  // #region key
  const key = EncryptionKey.fromAttributes(scope, "SharedKey", { keyArn: EXISTING.logBucketKeyArn });
  const bucket = new ObjectStorage(scope, "Exports", { encryptionKey: key });
  // #endregion
  return bucket;
}
