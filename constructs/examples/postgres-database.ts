import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { Network, PostgresDatabase } from "@acme/aws-platform-constructs";

/** PostgreSQL 17, Multi-AZ, encrypted, TLS only, reachable from one client security group. */
export function minimalPostgresDatabase(
  scope: Construct,
  network: Network,
  appSecurityGroupId: string,
): PostgresDatabase {
  // #region minimal
  const database = new PostgresDatabase(scope, "Database", {
    network,
    clientSecurityGroups: { app: appSecurityGroupId },
  });
  // #endregion
  return database;
}

/** A production database sized for a busy service, kept forever, with alarms to the on-call topic. */
export function productionPostgresDatabase(
  scope: Construct,
  network: Network,
  clients: { readonly api: string; readonly migrations: string },
  onCallTopicArn: string,
): PostgresDatabase {
  // #region example
  const database = new PostgresDatabase(scope, "Database", {
    network,
    identifier: "orders",
    databaseName: "orders",
    majorVersion: 17,
    instanceClass: "db.r7g.large",
    allocatedStorageGiB: 200,
    maxAllocatedStorageGiB: 1000,
    backupRetentionDays: 35,
    preventDestroy: true,
    performanceInsightsRetentionDays: 31,
    // Keys are part of the rules' Terraform addresses: keep them stable.
    clientSecurityGroups: { api: clients.api, migrations: clients.migrations },
    alarmTopicArn: onCallTopicArn,
    connectionsAlarmThreshold: 800,
  });

  // Applications read the password from the RDS-managed secret; it never enters Terraform state.
  new TerraformOutput(scope, "database_endpoint", { value: database.endpoint });
  new TerraformOutput(scope, "database_secret_arn", { value: database.secretArn });
  // #endregion
  return database;
}
