import { Construct } from "constructs";
import { ObjectStorage } from "../constructs/object-storage/object-storage";
import { PostgresDatabase } from "../constructs/postgres/postgres-database";
import { EnvironmentStack, EnvironmentStackProps } from "./environment-stack";
import { NetworkStack } from "./network-stack";

/** Props of {@link DataStack}. */
export interface DataStackProps extends EnvironmentStackProps {
  /** The environment's network stack: database subnets and the database-clients security group. */
  readonly network: NetworkStack;
}

/**
 * `<env>-data`: the environment's PostgreSQL database and buckets. Sizing comes from the
 * environment's `data` section, protection from its `protection` section. Workloads reach the
 * database through the network stack's database-clients security group (the cluster attaches it to
 * its nodes), so this stack depends on the network only, never on the cluster.
 */
export class DataStack extends EnvironmentStack {
  /** The application database. */
  readonly database: PostgresDatabase;
  /** The application's bucket. */
  readonly applicationBucket: ObjectStorage;
  /** The bucket for observability data (Loki chunks and indexes), for the platform layer to grant. */
  readonly logBucket: ObjectStorage;
  /** The bucket for traces (Tempo's blocks), when the environment's `tracing` component is on. */
  readonly traceBucket?: ObjectStorage;
  /** Receives the S3 server access logs of the other buckets, when the environment enables access logging. */
  readonly accessLogBucket?: ObjectStorage;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { name, protection, data, platform } = props.environment;
    const { postgres, buckets } = data;

    this.database = new PostgresDatabase(this, "Database", {
      network: props.network.network,
      identifier: `${name}-postgres`,
      databaseName: "app",
      clientSecurityGroups: { "database-clients": props.network.databaseClientsSecurityGroupId },
      majorVersion: postgres.majorVersion,
      instanceClass: postgres.instanceClass,
      allocatedStorageGiB: postgres.allocatedStorageGiB,
      maxAllocatedStorageGiB: postgres.maxAllocatedStorageGiB,
      multiAz: postgres.multiAz,
      backupRetentionDays: postgres.backupRetentionDays,
      skipFinalSnapshot: postgres.skipFinalSnapshot,
      deletionProtection: protection.deletionProtection,
      preventDestroy: protection.preventDestroy,
      logRetentionDays: postgres.logRetentionDays,
      performanceInsightsRetentionDays: postgres.performanceInsightsRetentionDays,
      monitoringIntervalSeconds: postgres.monitoringIntervalSeconds,
      connectionsAlarmThreshold: postgres.connectionsAlarmThreshold,
    });

    const bucketProtection = {
      forceDestroy: protection.forceDestroy,
      preventDestroy: protection.preventDestroy,
    };
    // Server access logs go to SSE-S3 (the only encryption S3 log delivery supports), kept for a year.
    this.accessLogBucket = buckets.accessLogging
      ? new ObjectStorage(this, "AccessLogBucket", {
          bucketNamePrefix: `${name}-access-logs`,
          encryption: "s3",
          receivesAccessLogs: true,
          versioned: buckets.versioned,
          noncurrentVersionExpirationDays: buckets.noncurrentVersionExpirationDays,
          expirationDays: 365,
          ...bucketProtection,
        })
      : undefined;
    const accessLogBucketName = this.accessLogBucket?.bucketName;

    this.applicationBucket = new ObjectStorage(this, "ApplicationBucket", {
      bucketNamePrefix: `${name}-app`,
      versioned: buckets.versioned,
      noncurrentVersionExpirationDays: buckets.noncurrentVersionExpirationDays,
      accessLogBucketName,
      ...bucketProtection,
    });

    // Loki manages its own retention; the expiration rule is the backstop for anything it leaves.
    this.logBucket = new ObjectStorage(this, "LogBucket", {
      bucketNamePrefix: `${name}-logs`,
      versioned: buckets.versioned,
      noncurrentVersionExpirationDays: buckets.noncurrentVersionExpirationDays,
      expirationDays: buckets.logExpirationDays,
      accessLogBucketName,
      ...bucketProtection,
    });

    // Tempo deletes blocks after platform.tempoRetentionDays; the expiration rule is the same backstop.
    this.traceBucket = platform.components.tracing
      ? new ObjectStorage(this, "TraceBucket", {
          bucketNamePrefix: `${name}-traces`,
          versioned: buckets.versioned,
          noncurrentVersionExpirationDays: buckets.noncurrentVersionExpirationDays,
          expirationDays: buckets.logExpirationDays,
          accessLogBucketName,
          ...bucketProtection,
        })
      : undefined;

    this.exportOutputs({
      database_endpoint: { value: this.database.endpoint, description: "PostgreSQL host name" },
      database_port: { value: this.database.port, description: "PostgreSQL port" },
      database_secret_arn: {
        value: this.database.secretArn,
        description: "Secrets Manager secret (managed by RDS) with the master credentials",
      },
      database_security_group_id: {
        value: this.database.securityGroupId,
        description: "Security group of the database",
      },
      database_resource_id: {
        value: this.database.resourceId,
        description: "Resource id of the DB instance (IAM authentication)",
      },
      database_alarm_topic_arn: {
        value: this.database.alarmTopicArn,
        description: "SNS topic of the database alarms",
      },
      application_bucket_name: {
        value: this.applicationBucket.bucketName,
        description: "Application bucket",
      },
      log_bucket_name: { value: this.logBucket.bucketName, description: "Observability (Loki) bucket" },
      ...(this.traceBucket
        ? { trace_bucket_name: { value: this.traceBucket.bucketName, description: "Traces (Tempo) bucket" } }
        : {}),
      ...(this.accessLogBucket
        ? {
            access_log_bucket_name: {
              value: this.accessLogBucket.bucketName,
              description: "Bucket of the S3 server access logs",
            },
          }
        : {}),
    });
  }
}
