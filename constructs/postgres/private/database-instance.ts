import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { PostgresDatabaseProps } from "../postgres-database";
import { POSTGRES_LOG_EXPORTS, POSTGRES_PORT, RDS_CA_CERTIFICATE } from "../postgres-database-rules";
import { ResolvedDatabaseProps } from "./database-props";
import { MonitoringRole } from "./monitoring-role";

/** What the instance is made from and waits for, besides the props. */
export interface DatabaseInstanceParts {
  readonly kmsKeyArn: string;
  readonly subnetGroupName: string;
  readonly securityGroupId: string;
  readonly parameterGroupName: string;
  readonly monitoring: MonitoringRole | undefined;
  /** The log groups RDS writes into. */
  readonly logGroups: readonly ITerraformDependable[];
}

/**
 * The DB instance: encrypted gp3, RDS-managed master password, never public, current CA, backups
 * and final snapshot, Performance Insights, enhanced monitoring and log exports.
 */
export function databaseInstance(
  scope: Construct,
  d: ResolvedDatabaseProps,
  props: PostgresDatabaseProps,
  parts: DatabaseInstanceParts,
): DbInstance {
  return new DbInstance(scope, "Instance", {
    identifier: d.identifier,
    engine: "postgres",
    // A major version alone: RDS picks the current minor and upgrades it in the maintenance window.
    engineVersion: String(d.majorVersion),
    autoMinorVersionUpgrade: true,
    allowMajorVersionUpgrade: props.allowMajorVersionUpgrade ?? false,
    engineLifecycleSupport: props.extendedSupport
      ? "open-source-rds-extended-support"
      : "open-source-rds-extended-support-disabled",
    instanceClass: d.instanceClass,
    storageType: "gp3",
    allocatedStorage: d.allocatedStorageGiB,
    maxAllocatedStorage: d.maxAllocatedStorageGiB,
    storageEncrypted: true,
    kmsKeyId: parts.kmsKeyArn,
    dbName: props.databaseName,
    username: d.masterUsername,
    // RDS generates the password and keeps it in Secrets Manager: it never enters code or state.
    manageMasterUserPassword: true,
    masterUserSecretKmsKeyId: parts.kmsKeyArn,
    iamDatabaseAuthenticationEnabled: props.iamAuthentication ?? false,
    port: POSTGRES_PORT,
    dbSubnetGroupName: parts.subnetGroupName,
    vpcSecurityGroupIds: [parts.securityGroupId],
    publiclyAccessible: false,
    multiAz: props.multiAz ?? true,
    parameterGroupName: parts.parameterGroupName,
    caCertIdentifier: RDS_CA_CERTIFICATE,
    backupRetentionPeriod: d.backupRetentionDays,
    backupWindow: d.backupWindow,
    maintenanceWindow: d.maintenanceWindow,
    copyTagsToSnapshot: true,
    skipFinalSnapshot: d.skipFinalSnapshot,
    finalSnapshotIdentifier: d.skipFinalSnapshot ? undefined : d.finalSnapshotIdentifier,
    // Automated backups outlive the instance, unless the environment is thrown away.
    deleteAutomatedBackups: d.skipFinalSnapshot,
    deletionProtection: props.deletionProtection ?? true,
    applyImmediately: props.applyImmediately ?? false,
    performanceInsightsEnabled: true,
    performanceInsightsKmsKeyId: parts.kmsKeyArn,
    performanceInsightsRetentionPeriod: d.performanceInsightsRetentionDays,
    monitoringInterval: d.monitoringIntervalSeconds,
    monitoringRoleArn: parts.monitoring?.roleArn,
    enabledCloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
    dependsOn: [...parts.logGroups, ...(parts.monitoring ? [parts.monitoring.attachment] : [])],
    lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    tags: { Name: d.identifier },
  });
}
