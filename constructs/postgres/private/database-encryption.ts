import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";
import {
  EncryptionKey,
  KeyServiceGrant,
  cloudWatchAlarmsGrant,
  cloudWatchLogsGrant,
} from "../../kms/encryption-key";
import { POSTGRES_LOG_EXPORTS } from "../postgres-database-rules";

/**
 * A rotating key for the database, with grants for CloudWatch Logs (this instance's log groups)
 * and, when the database has its own alarm topic, CloudWatch alarms.
 */
export function databaseKey(
  scope: Construct,
  identifier: string,
  logGroupPrefix: string,
  ownTopic: boolean,
  preventDestroy: boolean | undefined,
): string {
  const grants: KeyServiceGrant[] = [cloudWatchLogsGrant(scope, `${logGroupPrefix}/*`)];
  if (ownTopic) {
    // CloudWatch alarms publish to the encrypted topic and need the key to do so (this account's alarms only).
    grants.push(cloudWatchAlarmsGrant(scope));
  }
  return new EncryptionKey(scope, "Key", {
    description: `Encrypts PostgreSQL ${identifier}: storage, Performance Insights, master secret, logs, alarms`,
    alias: `rds/${identifier}`,
    serviceGrants: grants,
    preventDestroy,
  }).keyArn;
}

/**
 * A log group per exported log type, encrypted and with retention; the instance waits for them so
 * that RDS writes into these instead of creating unmanaged, never-expiring ones.
 */
export function databaseLogGroups(
  scope: Construct,
  logGroupPrefix: string,
  retentionDays: number,
  kmsKeyArn: string,
): CloudwatchLogGroup[] {
  return POSTGRES_LOG_EXPORTS.map(
    (logType) =>
      new CloudwatchLogGroup(scope, `LogGroup-${logType}`, {
        name: `${logGroupPrefix}/${logType}`,
        retentionInDays: retentionDays,
        kmsKeyId: kmsKeyArn,
      }),
  );
}
