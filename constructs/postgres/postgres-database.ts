import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Construct } from "constructs";
import { IEncryptionKey } from "../kms/encryption-key-reference";
import { INetwork } from "../network/network-reference";
import { POSTGRES_MAJOR_VERSIONS } from "../versions";
import { databaseAlarmTopic, databaseAlarms } from "./private/database-alarms";
import { databaseKey, databaseLogGroups } from "./private/database-encryption";
import { databaseInstance } from "./private/database-instance";
import { databaseSecurityGroup, databaseSubnetGroupName } from "./private/database-network";
import { resolveDatabaseProps } from "./private/database-props";
import { monitoringRole } from "./private/monitoring-role";
import { parameterGroup } from "./private/parameter-group";

export {
  ALLOCATED_STORAGE_GIB,
  BACKUP_RETENTION_DAYS,
  CONNECTIONS_ALARM_THRESHOLD,
  MONITORING_INTERVAL,
  MONITORING_INTERVALS,
  PERFORMANCE_INSIGHTS_RETENTION,
  POSTGRES_LOG_EXPORTS,
  POSTGRES_MAJOR_VERSION,
  POSTGRES_PORT,
  RDS_CA_CERTIFICATE,
  isPerformanceInsightsRetention,
  storageCap,
} from "./postgres-database-rules";

/** A PostgreSQL major version from the versions catalog. */
export type PostgresMajorVersion = (typeof POSTGRES_MAJOR_VERSIONS)[number];

/** Props of {@link PostgresDatabase}. */
export interface PostgresDatabaseProps {
  /**
   * Network whose database subnets host the instance: a `Network` (its DB subnet group), or a VPC
   * made elsewhere (`Network.fromAttributes`: its DB subnet group, or a group this construct creates
   * over its database subnets).
   */
  readonly network: INetwork;
  /** DB instance identifier, also the prefix of related resource names. @default - the construct id, lowercased */
  readonly identifier?: string;
  /**
   * Security groups admitted on 5432, keyed by a stable name (the key becomes part of the rule's
   * Terraform address, so renaming a key replaces the rule). @default - none: no client can connect
   */
  readonly clientSecurityGroups?: Readonly<Record<string, string>>;
  /** PostgreSQL major version; minor versions follow RDS's default and auto-upgrade. @default 17 */
  readonly majorVersion?: PostgresMajorVersion;
  /** Opts in to paid RDS Extended Support once the major version reaches its end of standard support. @default false */
  readonly extendedSupport?: boolean;
  /** Allows Terraform to change `majorVersion` in place (a major upgrade, with downtime). @default false */
  readonly allowMajorVersionUpgrade?: boolean;
  /** Instance class, e.g. `db.t4g.micro` or `db.r7g.large`. @default "db.t4g.medium" */
  readonly instanceClass?: string;
  /** Storage allocated at creation (gp3), 20–65536 GiB. @default 20 */
  readonly allocatedStorageGiB?: number;
  /** Cap of storage autoscaling, at least 10% above `allocatedStorageGiB`. @default - 5 × allocatedStorageGiB */
  readonly maxAllocatedStorageGiB?: number;
  /** Runs a synchronous standby in a second AZ. @default true */
  readonly multiAz?: boolean;
  /** Name of a database to create besides `postgres`. @default - none */
  readonly databaseName?: string;
  /** Master user name; its password is generated and kept by RDS in Secrets Manager. @default "postgres" */
  readonly masterUsername?: string;
  /** Days automated backups are kept, 0–35 (0 turns backups off). @default 14 */
  readonly backupRetentionDays?: number;
  /** Daily backup window, UTC `hh:mm-hh:mm`, at least 30 minutes. @default "02:00-03:00" */
  readonly backupWindow?: string;
  /** Weekly maintenance window, UTC `ddd:hh:mm-ddd:hh:mm`, at least 30 minutes. @default "sun:03:30-sun:04:30" */
  readonly maintenanceWindow?: string;
  /** RDS deletion protection: the API refuses to delete the instance. @default true */
  readonly deletionProtection?: boolean;
  /** Adds Terraform `prevent_destroy` to the instance and its key, for production data. @default false */
  readonly preventDestroy?: boolean;
  /** Deletes the instance without a final snapshot (and its automated backups): throw-away environments only. @default false */
  readonly skipFinalSnapshot?: boolean;
  /** Identifier of the snapshot taken when the instance is deleted. @default - "<identifier>-final" */
  readonly finalSnapshotIdentifier?: string;
  /** Applies changes at once instead of in the next maintenance window. @default false */
  readonly applyImmediately?: boolean;
  /**
   * KMS key for storage, Performance Insights, the master secret, the log groups and the alarm topic.
   * Its policy must let CloudWatch Logs and CloudWatch use it. @default - a dedicated KMS key with rotation
   */
  readonly encryptionKey?: IEncryptionKey;
  /**
   * The key as a string; prefer `encryptionKey` (`EncryptionKey.fromAttributes` for a key made elsewhere).
   * @default - see `encryptionKey`
   * @deprecated use `encryptionKey`
   */
  readonly kmsKeyArn?: string;
  /** Allows IAM database authentication besides passwords. @default false */
  readonly iamAuthentication?: boolean;
  /** Statements slower than this are logged, in ms (`log_min_duration_statement`; -1 turns it off). @default 1000 */
  readonly slowQueryThresholdMs?: number;
  /** Retention of the exported PostgreSQL logs, in days (a CloudWatch retention period). @default 30 */
  readonly logRetentionDays?: number;
  /** Performance Insights retention: 7 (free tier), a multiple of 31 up to 713, or 731 days. @default 7 */
  readonly performanceInsightsRetentionDays?: number;
  /** Enhanced-monitoring interval in seconds: 0 (off), 1, 5, 10, 15, 30 or 60. @default 60 */
  readonly monitoringIntervalSeconds?: number;
  /** SNS topic the alarms notify. @default - a dedicated topic encrypted with the database's key */
  readonly alarmTopicArn?: string;
  /** CPU alarm: average utilization above this percentage for 15 minutes. @default 80 */
  readonly cpuAlarmThresholdPercent?: number;
  /**
   * Storage alarm: free space below this many GiB for 15 minutes.
   * @default - 10% of allocatedStorageGiB (autoscaling acts at 10% free; this fires when it did not)
   */
  readonly freeStorageAlarmThresholdGiB?: number;
  /** Memory alarm: freeable memory below this many MiB for 15 minutes. @default 128 */
  readonly freeableMemoryAlarmThresholdMiB?: number;
  /** Connections alarm: more connections than this for 15 minutes (set ~80% of the class's max_connections). @default 100 */
  readonly connectionsAlarmThreshold?: number;
  /**
   * Wraparound alarm: more transaction ids in use than this (`MaximumUsedTransactionIDs`); PostgreSQL stops
   * writes near 2^31. @default 1000000000
   */
  readonly transactionIdAlarmThreshold?: number;
}

/**
 * RDS for PostgreSQL in the network's database subnets, hardened by default: encrypted with a KMS
 * key, master password generated and rotated by RDS in Secrets Manager (never in Terraform state),
 * TLS enforced by the parameter group, gp3 storage with an autoscaling cap, Multi-AZ, backups,
 * a final snapshot, deletion protection, Performance Insights, enhanced monitoring, log exports to
 * encrypted log groups with retention, a security group that admits 5432 only from the client
 * security groups it is given, and CloudWatch alarms to SNS.
 *
 * The final snapshot is named `<identifier>-final`, deterministically: no clock (synth must be
 * reproducible) and no random provider. RDS refuses to overwrite an existing snapshot, so if an
 * instance with the same identifier was already destroyed once, the second destroy fails loudly
 * instead of losing either snapshot; set `finalSnapshotIdentifier` (or delete the old snapshot) then.
 */
export class PostgresDatabase extends Construct {
  /** The DB instance identifier. */
  readonly identifier: string;
  /** Host name clients connect to (the instance's DNS address, without the port). */
  readonly endpoint: string;
  /** Port clients connect to. */
  readonly port: number;
  /** ARN of the Secrets Manager secret (managed by RDS) that holds the master user's credentials. */
  readonly secretArn: string;
  /** The database's own security group (admits 5432 from the client security groups). */
  readonly securityGroupId: string;
  /** The instance's immutable resource id (`db-...`), for IAM database authentication policies. */
  readonly resourceId: string;
  /** The instance's ARN. */
  readonly instanceArn: string;
  /** The KMS key that encrypts storage, Performance Insights, the secret and the logs. */
  readonly kmsKeyArn: string;
  /** The SNS topic the alarms notify. */
  readonly alarmTopicArn: string;
  /** The parameter group family, e.g. `postgres17`. */
  readonly parameterGroupFamily: string;
  /** The DB instance (escape hatch). */
  readonly instance: DbInstance;
  /** The parameter group (escape hatch). */
  readonly parameterGroup: DbParameterGroup;
  /** The security group (escape hatch). */
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    const d = resolveDatabaseProps(this, id, props);
    this.identifier = d.identifier;
    const logGroupPrefix = `/aws/rds/instance/${d.identifier}`;
    const ownTopic = props.alarmTopicArn === undefined;

    this.kmsKeyArn =
      d.customerKeyArn ?? databaseKey(this, d.identifier, logGroupPrefix, ownTopic, props.preventDestroy);
    const logGroups = databaseLogGroups(this, logGroupPrefix, d.logRetentionDays, this.kmsKeyArn);
    this.securityGroup = databaseSecurityGroup(this, d.identifier, props.network.vpcId, d.clients);
    this.securityGroupId = this.securityGroup.id;
    this.parameterGroupFamily = `postgres${d.majorVersion}`;
    this.parameterGroup = parameterGroup(this, d, this.parameterGroupFamily);
    const monitoring = d.monitoringIntervalSeconds > 0 ? monitoringRole(this, d.identifier) : undefined;

    this.instance = databaseInstance(this, d, props, {
      kmsKeyArn: this.kmsKeyArn,
      subnetGroupName: databaseSubnetGroupName(this, d.identifier, props.network),
      securityGroupId: this.securityGroup.id,
      parameterGroupName: this.parameterGroup.name,
      monitoring,
      logGroups,
    });
    this.endpoint = this.instance.address;
    this.port = this.instance.port;
    this.secretArn = this.instance.masterUserSecret.get(0).secretArn;
    this.resourceId = this.instance.resourceId;
    this.instanceArn = this.instance.arn;
    this.alarmTopicArn = props.alarmTopicArn ?? databaseAlarmTopic(this, d.identifier, this.kmsKeyArn);
    databaseAlarms(this, d.identifier, this.instance.identifier, this.alarmTopicArn, d.thresholds);
  }
}
