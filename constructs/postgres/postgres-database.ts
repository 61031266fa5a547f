import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Annotations, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { policyJson, serviceTrustPolicy } from "../core/iam";
import { LOG_RETENTION } from "../core/log-retention";
import {
  PropValidator,
  Rule,
  isUnresolved,
  nameFromId,
  noted,
  oneOf,
  optional,
  rule,
  wholeNumber,
} from "../core/validation";
import { movedFrom } from "../core/moves";
import {
  EncryptionKey,
  KeyServiceGrant,
  cloudWatchAlarmsGrant,
  cloudWatchLogsGrant,
} from "../kms/encryption-key";
import { IEncryptionKey, keyArnFrom } from "../kms/encryption-key-reference";
import { INetwork } from "../network/network-reference";
import { AlarmTopic } from "../observability/alarm-topic";
import { DEFAULT_POSTGRES_MAJOR_VERSION, POSTGRES_MAJOR_VERSIONS } from "../versions";
import { instanceClassFormat, offeredInstanceClass, postgresInstanceClasses } from "./instance-classes";
import {
  MIN_WINDOW_MINUTES,
  TimeWindow,
  parseBackupWindow,
  parseMaintenanceWindow,
  windowsOverlap,
} from "./windows";
import { SECURITY_GROUP, SNS_TOPIC } from "../core/aws-identifiers";

/** A PostgreSQL major version from the versions catalog. */
export type PostgresMajorVersion = (typeof POSTGRES_MAJOR_VERSIONS)[number];

/** The port PostgreSQL listens on; the security group admits clients on it. */
export const POSTGRES_PORT = 5432;

/** The RDS certificate authority the instance's server certificate is issued by (RSA 2048, valid to 2061). */
export const RDS_CA_CERTIFICATE = "rds-ca-rsa2048-g1";

/** Log types the instance exports to CloudWatch Logs. */
export const POSTGRES_LOG_EXPORTS = ["postgresql", "upgrade"] as const;

/** Enhanced-monitoring intervals RDS accepts, in seconds (0 turns enhanced monitoring off). */
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

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

const IDENTIFIER_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SNAPSHOT_PATTERN = /^[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*$/;
const PG_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]{0,62}$/;
const CLIENT_NAME_PATTERN = /^[A-Za-z0-9-]{1,64}$/;
const RESERVED_USERNAMES = [
  "rdsadmin",
  "rdsrepladmin",
  "rdstopmgr",
  "rds_superuser",
  "public",
  "user",
  "all",
];
const RESERVED_DATABASES = ["postgres", "template0", "template1", "rdsadmin"];
const MAX_STORAGE_GIB = 65536;
const MAX_TRANSACTION_IDS = 2_000_000_000;

/** The major versions of the versions catalog. */
export const POSTGRES_MAJOR_VERSION = oneOf(POSTGRES_MAJOR_VERSIONS, "(the versions catalog)");

/** Allocated gp3 storage. */
export const ALLOCATED_STORAGE_GIB = noted(wholeNumber(20, MAX_STORAGE_GIB, "GiB"), "(gp3)");

/** The storage autoscaling cap: RDS wants it at least 10% above the allocation (integer arithmetic). */
export function storageCap(allocatedStorageGiB: number): Rule<number> {
  const minimumCap = Math.ceil((allocatedStorageGiB * 11) / 10);
  return rule(
    `must be a whole number of GiB from 10% above allocatedStorageGiB (${minimumCap}) to ${MAX_STORAGE_GIB}`,
    (m) => Number.isInteger(m) && m >= minimumCap && m <= MAX_STORAGE_GIB,
  );
}

/** Days of automated backups (0 turns them off). */
export const BACKUP_RETENTION_DAYS = wholeNumber(0, 35, "days");

/** The enhanced-monitoring interval. */
export const MONITORING_INTERVAL = oneOf(MONITORING_INTERVALS, "seconds (0 turns enhanced monitoring off)");

/** The connection-count alarm's threshold. */
export const CONNECTIONS_ALARM_THRESHOLD = wholeNumber(1, undefined, "connections");

/** Performance Insights retention periods RDS accepts: 7, 31 × 1…23, or 731 days. */
export function isPerformanceInsightsRetention(days: number): boolean {
  return (
    days === 7 || days === 731 || (Number.isInteger(days) && days % 31 === 0 && days >= 31 && days <= 713)
  );
}

/** Performance Insights retention periods RDS accepts. */
export const PERFORMANCE_INSIGHTS_RETENTION = rule(
  "must be 7, a multiple of 31 up to 713, or 731 days",
  isPerformanceInsightsRetention,
);

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
    const identifier = props.identifier ?? nameFromId(id);
    const majorVersion = props.majorVersion ?? DEFAULT_POSTGRES_MAJOR_VERSION;
    const instanceClass = props.instanceClass ?? "db.t4g.medium";
    const allocatedStorageGiB = props.allocatedStorageGiB ?? 20;
    const maxAllocatedStorageGiB =
      props.maxAllocatedStorageGiB ?? Math.min(MAX_STORAGE_GIB, allocatedStorageGiB * 5);
    const masterUsername = props.masterUsername ?? "postgres";
    const backupRetentionDays = props.backupRetentionDays ?? 14;
    const backupWindow = props.backupWindow ?? "02:00-03:00";
    const maintenanceWindow = props.maintenanceWindow ?? "sun:03:30-sun:04:30";
    const skipFinalSnapshot = props.skipFinalSnapshot ?? false;
    const finalSnapshotIdentifier = props.finalSnapshotIdentifier ?? `${identifier}-final`;
    const slowQueryThresholdMs = props.slowQueryThresholdMs ?? 1000;
    const logRetentionDays = props.logRetentionDays ?? 30;
    const performanceInsightsRetentionDays = props.performanceInsightsRetentionDays ?? 7;
    const monitoringIntervalSeconds = props.monitoringIntervalSeconds ?? 60;
    const clients = props.clientSecurityGroups ?? {};
    const thresholds = {
      cpuPercent: props.cpuAlarmThresholdPercent ?? 80,
      freeStorageGiB: props.freeStorageAlarmThresholdGiB ?? Math.max(1, Math.ceil(allocatedStorageGiB / 10)),
      freeableMemoryMiB: props.freeableMemoryAlarmThresholdMiB ?? 128,
      connections: props.connectionsAlarmThreshold ?? 100,
      transactionIds: props.transactionIdAlarmThreshold ?? 1_000_000_000,
    };

    const v = new PropValidator("PostgresDatabase", this);
    v.check(
      "identifier",
      identifier,
      (i) => i.length <= 50 && IDENTIFIER_PATTERN.test(i),
      "must be 1–50 lowercase letters, digits or single hyphens, starting with a letter and not ending with a hyphen",
    );
    v.check("majorVersion", majorVersion, POSTGRES_MAJOR_VERSION);
    if (
      v.check("instanceClass", instanceClass, instanceClassFormat(majorVersion)) &&
      postgresInstanceClasses(majorVersion).length > 0
    ) {
      v.check("instanceClass", instanceClass, offeredInstanceClass(majorVersion));
    }
    const storageOk = v.check("allocatedStorageGiB", allocatedStorageGiB, ALLOCATED_STORAGE_GIB);
    v.check(
      "maxAllocatedStorageGiB",
      maxAllocatedStorageGiB,
      !storageOk || isUnresolved(allocatedStorageGiB)
        ? wholeNumber(0, MAX_STORAGE_GIB, "GiB")
        : storageCap(allocatedStorageGiB),
    );
    v.check("backupRetentionDays", backupRetentionDays, BACKUP_RETENTION_DAYS);
    const backup = checkWindow(v, "backupWindow", backupWindow, parseBackupWindow, "'hh:mm-hh:mm' (UTC)");
    const maintenance = checkWindow(
      v,
      "maintenanceWindow",
      maintenanceWindow,
      parseMaintenanceWindow,
      "'ddd:hh:mm-ddd:hh:mm' (UTC, e.g. 'sun:03:30-sun:04:30')",
    );
    if (backup && maintenance && windowsOverlap(backup, maintenance)) {
      v.fail("maintenanceWindow", maintenanceWindow, `must not overlap the backup window (${backupWindow})`);
    }
    v.check(
      "databaseName",
      props.databaseName,
      (n) => n === undefined || (PG_NAME_PATTERN.test(n) && !RESERVED_DATABASES.includes(n.toLowerCase())),
      `must be 1–63 letters, digits or '_', starting with a letter, and not ${RESERVED_DATABASES.join(", ")}`,
    );
    v.check(
      "masterUsername",
      masterUsername,
      (n) => PG_NAME_PATTERN.test(n) && !RESERVED_USERNAMES.includes(n.toLowerCase()),
      `must be 1–63 letters, digits or '_', starting with a letter, and not ${RESERVED_USERNAMES.join(", ")}`,
    );
    v.check(
      "skipFinalSnapshot",
      skipFinalSnapshot,
      (skip) => !(skip && props.preventDestroy),
      "cannot be combined with preventDestroy (data that must survive keeps a final snapshot)",
    );
    v.check(
      "finalSnapshotIdentifier",
      props.finalSnapshotIdentifier,
      (s) => s === undefined || (!skipFinalSnapshot && s.length <= 255 && SNAPSHOT_PATTERN.test(s)),
      skipFinalSnapshot
        ? "cannot be set together with skipFinalSnapshot"
        : "must be 1–255 letters, digits or single hyphens, starting with a letter",
    );
    const customerKeyArn = keyArnFrom(v, props.encryptionKey, props.kmsKeyArn);
    v.check(
      "network",
      props.network.databaseSubnetIds,
      (ids) => props.network.databaseSubnetGroupName !== undefined || ids.length >= 2,
      "must have a DB subnet group or at least 2 database subnets (Network.fromAttributes: databaseSubnetIds)",
    );
    v.check(
      "slowQueryThresholdMs",
      slowQueryThresholdMs,
      noted(wholeNumber(-1, undefined, "milliseconds"), "(-1 turns slow-query logging off)"),
    );
    v.check("logRetentionDays", logRetentionDays, LOG_RETENTION);
    v.check(
      "performanceInsightsRetentionDays",
      performanceInsightsRetentionDays,
      PERFORMANCE_INSIGHTS_RETENTION,
    );
    v.check("monitoringIntervalSeconds", monitoringIntervalSeconds, MONITORING_INTERVAL);
    v.check("alarmTopicArn", props.alarmTopicArn, optional(SNS_TOPIC));
    for (const [name, groupId] of Object.entries(clients)) {
      v.check(
        "clientSecurityGroups",
        name,
        (n) => CLIENT_NAME_PATTERN.test(n),
        "keys must be 1–64 letters, digits or '-' (they become Terraform addresses)",
      );
      v.check(`clientSecurityGroups.${name}`, groupId, SECURITY_GROUP);
    }
    v.check(
      "cpuAlarmThresholdPercent",
      thresholds.cpuPercent,
      (p) => p >= 1 && p <= 100,
      thresholds.cpuPercent > 0 && thresholds.cpuPercent < 1
        ? `must be a percentage from 1 to 100, not a fraction (write ${Math.round(thresholds.cpuPercent * 100)} for ${Math.round(thresholds.cpuPercent * 100)}%)`
        : "must be a percentage from 1 to 100",
    );
    v.check(
      "freeStorageAlarmThresholdGiB",
      thresholds.freeStorageGiB,
      (g) => g > 0 && (!storageOk || isUnresolved(allocatedStorageGiB) || g < allocatedStorageGiB),
      "must be more than 0 GiB and less than allocatedStorageGiB",
    );
    v.check(
      "freeableMemoryAlarmThresholdMiB",
      thresholds.freeableMemoryMiB,
      (m) => m > 0,
      "must be more than 0 MiB",
    );
    v.check("connectionsAlarmThreshold", thresholds.connections, CONNECTIONS_ALARM_THRESHOLD);
    v.check(
      "transactionIdAlarmThreshold",
      thresholds.transactionIds,
      noted(wholeNumber(1, MAX_TRANSACTION_IDS), "(wraparound protection stops writes near 2^31)"),
    );
    v.throwIfInvalid();

    if (Object.keys(clients).length === 0) {
      Annotations.of(this).addWarning(
        `PostgresDatabase '${this.node.path}': no clientSecurityGroups, so nothing can connect to the database`,
      );
    }

    this.identifier = identifier;
    this.parameterGroupFamily = `postgres${majorVersion}`;
    const logGroupPrefix = `/aws/rds/instance/${identifier}`;
    const ownTopic = props.alarmTopicArn === undefined;

    this.kmsKeyArn =
      customerKeyArn ?? this.dedicatedKey(identifier, logGroupPrefix, ownTopic, props.preventDestroy);

    // Created before the instance so that RDS writes into groups with retention and encryption
    // instead of creating unmanaged, never-expiring ones.
    const logGroups = POSTGRES_LOG_EXPORTS.map(
      (logType) =>
        new CloudwatchLogGroup(this, `LogGroup-${logType}`, {
          name: `${logGroupPrefix}/${logType}`,
          retentionInDays: logRetentionDays,
          kmsKeyId: this.kmsKeyArn,
        }),
    );

    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: `${identifier}-postgres`,
      description: `PostgreSQL ${identifier}: ${POSTGRES_PORT} from its client security groups only`,
      vpcId: props.network.vpcId,
      tags: { Name: `${identifier}-postgres` },
    });
    this.securityGroupId = this.securityGroup.id;
    // No egress rules (Terraform removes AWS's default allow-all) and no CIDR ingress: clients are
    // admitted by security group membership, so only what carries a client group can connect.
    for (const [name, groupId] of Object.entries(clients)) {
      new VpcSecurityGroupIngressRule(this, `Ingress-${name}`, {
        securityGroupId: this.securityGroup.id,
        description: `PostgreSQL from ${name}`,
        ipProtocol: "tcp",
        fromPort: POSTGRES_PORT,
        toPort: POSTGRES_PORT,
        referencedSecurityGroupId: groupId,
        tags: { Name: `${identifier}-from-${name}` },
      });
    }

    this.parameterGroup = new DbParameterGroup(this, "ParameterGroup", {
      namePrefix: `${identifier}-${this.parameterGroupFamily}-`,
      family: this.parameterGroupFamily,
      description: `PostgreSQL ${majorVersion} settings of ${identifier}: TLS only, slow queries, pg_stat_statements`,
      parameter: [
        { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
        { name: "log_min_duration_statement", value: String(slowQueryThresholdMs), applyMethod: "immediate" },
        // Static parameter: takes effect at the next reboot.
        { name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "pending-reboot" },
      ],
      // A new family (major upgrade) needs a new group while the instance still uses the old one.
      lifecycle: { createBeforeDestroy: true },
    });

    const monitoring = monitoringIntervalSeconds > 0 ? this.monitoringRole(identifier) : undefined;

    this.instance = new DbInstance(this, "Instance", {
      identifier,
      engine: "postgres",
      // A major version alone: RDS picks the current minor and upgrades it in the maintenance window.
      engineVersion: String(majorVersion),
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: props.allowMajorVersionUpgrade ?? false,
      engineLifecycleSupport: props.extendedSupport
        ? "open-source-rds-extended-support"
        : "open-source-rds-extended-support-disabled",
      instanceClass,
      storageType: "gp3",
      allocatedStorage: allocatedStorageGiB,
      maxAllocatedStorage: maxAllocatedStorageGiB,
      storageEncrypted: true,
      kmsKeyId: this.kmsKeyArn,
      dbName: props.databaseName,
      username: masterUsername,
      // RDS generates the password and keeps it in Secrets Manager: it never enters code or state.
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: this.kmsKeyArn,
      iamDatabaseAuthenticationEnabled: props.iamAuthentication ?? false,
      port: POSTGRES_PORT,
      dbSubnetGroupName: props.network.databaseSubnetGroupName ?? this.subnetGroup(identifier, props.network),
      vpcSecurityGroupIds: [this.securityGroup.id],
      publiclyAccessible: false,
      multiAz: props.multiAz ?? true,
      parameterGroupName: this.parameterGroup.name,
      caCertIdentifier: RDS_CA_CERTIFICATE,
      backupRetentionPeriod: backupRetentionDays,
      backupWindow,
      maintenanceWindow,
      copyTagsToSnapshot: true,
      skipFinalSnapshot,
      finalSnapshotIdentifier: skipFinalSnapshot ? undefined : finalSnapshotIdentifier,
      // Automated backups outlive the instance, unless the environment is thrown away.
      deleteAutomatedBackups: skipFinalSnapshot,
      deletionProtection: props.deletionProtection ?? true,
      applyImmediately: props.applyImmediately ?? false,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: this.kmsKeyArn,
      performanceInsightsRetentionPeriod: performanceInsightsRetentionDays,
      monitoringInterval: monitoringIntervalSeconds,
      monitoringRoleArn: monitoring?.roleArn,
      enabledCloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
      dependsOn: [...logGroups, ...(monitoring ? [monitoring.attachment] : [])],
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
      tags: { Name: identifier },
    });

    this.endpoint = this.instance.address;
    this.port = this.instance.port;
    this.secretArn = this.instance.masterUserSecret.get(0).secretArn;
    this.resourceId = this.instance.resourceId;
    this.instanceArn = this.instance.arn;
    this.alarmTopicArn = props.alarmTopicArn ?? this.alarmTopic(identifier);
    this.alarms(identifier, thresholds);
  }

  /** A rotating key with grants for CloudWatch Logs (this instance's log groups) and, for the alarm topic, CloudWatch. */
  private dedicatedKey(
    identifier: string,
    logGroupPrefix: string,
    ownTopic: boolean,
    preventDestroy: boolean | undefined,
  ): string {
    const grants: KeyServiceGrant[] = [cloudWatchLogsGrant(this, `${logGroupPrefix}/*`)];
    if (ownTopic) {
      // CloudWatch alarms publish to the encrypted topic and need the key to do so (this account's alarms only).
      grants.push(cloudWatchAlarmsGrant(this));
    }
    return new EncryptionKey(this, "Key", {
      description: `Encrypts PostgreSQL ${identifier}: storage, Performance Insights, master secret, logs, alarms`,
      alias: `rds/${identifier}`,
      serviceGrants: grants,
      preventDestroy,
    }).keyArn;
  }

  /** The role RDS enhanced monitoring assumes to publish OS metrics. */
  private monitoringRole(identifier: string): { roleArn: string; attachment: ITerraformDependable } {
    const ctx = awsContext(this);
    const role = new IamRole(this, "MonitoringRole", {
      name: `${identifier}-monitoring`,
      description: `RDS enhanced monitoring of ${identifier}`,
      assumeRolePolicy: policyJson(serviceTrustPolicy("monitoring.rds.amazonaws.com", ctx.accountId)),
    });
    const attachment = new IamRolePolicyAttachment(this, "MonitoringRolePolicy", {
      role: role.name,
      policyArn: `arn:${ctx.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    });
    return { roleArn: role.arn, attachment };
  }

  /** The alarm topic, encrypted with the database's key (which grants CloudWatch alarms its use). */
  private alarmTopic(identifier: string): string {
    const topic = new AlarmTopic(this, "AlarmTopic", {
      topicName: `${identifier}-alarms`,
      encryptionKey: { keyArn: this.kmsKeyArn },
    });
    // Until 0.2.0 the topic and its policy were children of this construct.
    movedFrom(this, [
      [topic.topic, ["AlarmTopic"]],
      [topic.policy, ["AlarmTopicPolicy"]],
    ]);
    return topic.topicArn;
  }

  /** A DB subnet group over a network's database subnets, for a network that has none. */
  private subnetGroup(identifier: string, network: INetwork): string {
    return new DbSubnetGroup(this, "SubnetGroup", {
      name: `${identifier}-postgres`,
      description: `Database subnets of PostgreSQL ${identifier}`,
      subnetIds: network.databaseSubnetIds,
      tags: { Name: `${identifier}-postgres` },
    }).name;
  }

  /** CPU, free storage, freeable memory, connections and transaction-id age, each over 3 × 5 minutes. */
  private alarms(
    identifier: string,
    t: {
      cpuPercent: number;
      freeStorageGiB: number;
      freeableMemoryMiB: number;
      connections: number;
      transactionIds: number;
    },
  ): void {
    const alarm = (
      key: string,
      metricName: string,
      statistic: "Average" | "Minimum" | "Maximum",
      comparison: "GreaterThanThreshold" | "LessThanThreshold",
      threshold: number,
      description: string,
    ) =>
      new CloudwatchMetricAlarm(this, `Alarm-${key}`, {
        alarmName: `${identifier}-${key}`,
        alarmDescription: `PostgreSQL ${identifier}: ${description}`,
        namespace: "AWS/RDS",
        metricName,
        dimensions: { DBInstanceIdentifier: this.instance.identifier },
        statistic,
        comparisonOperator: comparison,
        threshold,
        period: 300,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: "missing",
        alarmActions: [this.alarmTopicArn],
        okActions: [this.alarmTopicArn],
      });
    alarm(
      "cpu",
      "CPUUtilization",
      "Average",
      "GreaterThanThreshold",
      t.cpuPercent,
      `CPU above ${t.cpuPercent}%`,
    );
    alarm(
      "free-storage",
      "FreeStorageSpace",
      "Minimum",
      "LessThanThreshold",
      t.freeStorageGiB * 1024 ** 3,
      `free storage below ${t.freeStorageGiB} GiB`,
    );
    alarm(
      "freeable-memory",
      "FreeableMemory",
      "Minimum",
      "LessThanThreshold",
      t.freeableMemoryMiB * 1024 ** 2,
      `freeable memory below ${t.freeableMemoryMiB} MiB`,
    );
    alarm(
      "connections",
      "DatabaseConnections",
      "Maximum",
      "GreaterThanThreshold",
      t.connections,
      `more than ${t.connections} connections`,
    );
    alarm(
      "transaction-ids",
      "MaximumUsedTransactionIDs",
      "Maximum",
      "GreaterThanThreshold",
      t.transactionIds,
      `more than ${t.transactionIds} transaction ids in use (vacuum is falling behind; wraparound risk)`,
    );
  }
}

function checkWindow(
  v: PropValidator,
  prop: string,
  text: string,
  parse: (text: string) => TimeWindow | undefined,
  format: string,
): TimeWindow | undefined {
  if (isUnresolved(text)) return undefined;
  const parsed = parse(text);
  const ok = v.check(
    prop,
    text,
    () => parsed !== undefined && parsed.minutes >= MIN_WINDOW_MINUTES,
    `must be ${format}, at least ${MIN_WINDOW_MINUTES} minutes long`,
  );
  return ok ? parsed : undefined;
}
