/**
 * The rules and constants of PostgresDatabase's props, defined once here and shared by the
 * construct and the environment schema (re-exported by postgres-database.ts).
 */
import { Rule, noted, oneOf, rule, wholeNumber } from "../core/validation";
import { POSTGRES_MAJOR_VERSIONS } from "../versions";

/** The port PostgreSQL listens on; the security group admits clients on it. */
export const POSTGRES_PORT = 5432;

/** The RDS certificate authority the instance's server certificate is issued by (RSA 2048, valid to 2061). */
export const RDS_CA_CERTIFICATE = "rds-ca-rsa2048-g1";

/** Log types the instance exports to CloudWatch Logs. */
export const POSTGRES_LOG_EXPORTS = ["postgresql", "upgrade"] as const;

/** Enhanced-monitoring intervals RDS accepts, in seconds (0 turns enhanced monitoring off). */
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

/** The most gp3 storage an instance can have, in GiB. */
export const MAX_STORAGE_GIB = 65536;

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
