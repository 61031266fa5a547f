import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { SECURITY_GROUP, SNS_TOPIC } from "../../core/aws-identifiers";
import { LOG_RETENTION } from "../../core/log-retention";
import { PropValidator, isUnresolved, nameFromId, noted, optional, wholeNumber } from "../../core/validation";
import { keyArnFrom } from "../../kms/encryption-key-reference";
import { DEFAULT_POSTGRES_MAJOR_VERSION } from "../../versions";
import { instanceClassFormat, offeredInstanceClass, postgresInstanceClasses } from "../instance-classes";
import type { PostgresDatabaseProps, PostgresMajorVersion } from "../postgres-database";
import {
  ALLOCATED_STORAGE_GIB,
  BACKUP_RETENTION_DAYS,
  CONNECTIONS_ALARM_THRESHOLD,
  MAX_STORAGE_GIB,
  MONITORING_INTERVAL,
  PERFORMANCE_INSIGHTS_RETENTION,
  POSTGRES_MAJOR_VERSION,
  storageCap,
} from "../postgres-database-rules";
import {
  MIN_WINDOW_MINUTES,
  TimeWindow,
  parseBackupWindow,
  parseMaintenanceWindow,
  windowsOverlap,
} from "../windows";

/** The alarm thresholds, in the units of the props. */
export interface AlarmThresholds {
  readonly cpuPercent: number;
  readonly freeStorageGiB: number;
  readonly freeableMemoryMiB: number;
  readonly connections: number;
  readonly transactionIds: number;
}

/** {@link PostgresDatabaseProps} with their defaults applied, once validated. */
export interface ResolvedDatabaseProps {
  readonly identifier: string;
  readonly majorVersion: PostgresMajorVersion;
  readonly instanceClass: string;
  readonly allocatedStorageGiB: number;
  readonly maxAllocatedStorageGiB: number;
  readonly masterUsername: string;
  readonly backupRetentionDays: number;
  readonly backupWindow: string;
  readonly maintenanceWindow: string;
  readonly skipFinalSnapshot: boolean;
  readonly finalSnapshotIdentifier: string;
  readonly slowQueryThresholdMs: number;
  readonly logRetentionDays: number;
  readonly performanceInsightsRetentionDays: number;
  readonly monitoringIntervalSeconds: number;
  /** Client security groups by name. */
  readonly clients: Readonly<Record<string, string>>;
  readonly thresholds: AlarmThresholds;
  /** The key given by the caller, if any. */
  readonly customerKeyArn: string | undefined;
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
const MAX_TRANSACTION_IDS = 2_000_000_000;

/**
 * The props with their defaults, after checking every one (one error naming each problem) and
 * warning when no client security group can connect.
 */
export function resolveDatabaseProps(
  scope: Construct,
  id: string,
  props: PostgresDatabaseProps,
): ResolvedDatabaseProps {
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

  const v = new PropValidator("PostgresDatabase", scope);
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
    Annotations.of(scope).addWarning(
      `PostgresDatabase '${scope.node.path}': no clientSecurityGroups, so nothing can connect to the database`,
    );
  }

  return {
    identifier,
    majorVersion,
    instanceClass,
    allocatedStorageGiB,
    maxAllocatedStorageGiB,
    masterUsername,
    backupRetentionDays,
    backupWindow,
    maintenanceWindow,
    skipFinalSnapshot,
    finalSnapshotIdentifier,
    slowQueryThresholdMs,
    logRetentionDays,
    performanceInsightsRetentionDays,
    monitoringIntervalSeconds,
    clients,
    thresholds,
    customerKeyArn,
  };
}

/** Parses and checks a backup or maintenance window; undefined when it is unresolved or invalid. */
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
