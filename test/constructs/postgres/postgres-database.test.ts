import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { Network } from "../../../constructs/network/network";
import { PostgresDatabase, PostgresDatabaseProps } from "../../../constructs/postgres/postgres-database";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { TerraformOutput, Testing } from "cdktf";
import { Construct } from "constructs";
import {
  TerraformJson,
  expectErrorContaining,
  findResource,
  findResourcesUnder,
  onlyResource,
  refTo,
  resourcesOf,
  synthConstruct,
  testStack,
} from "../../helpers";

const NODES_SG = "sg-0123456789abcdef0";

function networkIn(scope: Construct): Network {
  return new Network(scope, "Network", {
    name: "test",
    cidr: "10.0.0.0/16",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    natGateways: "none",
  });
}

const synth = (props: Partial<PostgresDatabaseProps> = {}): TerraformJson =>
  JSON.parse(
    synthConstruct((scope) => {
      new PostgresDatabase(scope, "Database", {
        network: networkIn(scope),
        identifier: "app-db",
        clientSecurityGroups: { nodes: NODES_SG },
        ...props,
      });
    }),
  );

/** Builds the construct without synthesizing, to check its validation and typed outputs. */
const build = (props: Partial<PostgresDatabaseProps> = {}) => {
  const stack = testStack();
  const database = new PostgresDatabase(stack, "Database", {
    network: networkIn(stack),
    identifier: "app-db",
    clientSecurityGroups: { nodes: NODES_SG },
    ...props,
  });
  return { stack, database };
};

const instanceOf = (json: TerraformJson) => onlyResource(json, "aws_db_instance");
// One synthesis per shape, shared by the tests below.
const defaults = synth();
const devLike = synth({
  instanceClass: "db.t4g.micro",
  multiAz: false,
  backupRetentionDays: 3,
  deletionProtection: false,
  monitoringIntervalSeconds: 0,
});
const prodLike = synth({
  instanceClass: "db.r7g.large",
  allocatedStorageGiB: 100,
  maxAllocatedStorageGiB: 1000,
  backupRetentionDays: 30,
  preventDestroy: true,
  performanceInsightsRetentionDays: 31,
});
const throwAway = synth({ skipFinalSnapshot: true, deletionProtection: false, multiAz: false });

describe("PostgresDatabase: engine and parameters", () => {
  it("runs PostgreSQL 17 by default, with minor versions upgraded automatically", () => {
    expect(JSON.stringify(defaults)).toHaveResourceWithProperties(DbInstance, {
      engine: "postgres",
      engine_version: "17",
      auto_minor_version_upgrade: true,
      allow_major_version_upgrade: false,
    });
    expect(onlyResource(defaults, "aws_db_parameter_group").family).toBe("postgres17");
  });

  it.each([16, 17, 18] as const)("maps major version %i to its parameter group family", (major) => {
    // db.m6i.large: the AWS page lists it for every PostgreSQL version (the default db.t4g.medium is not listed for 18).
    const json = synth({ majorVersion: major, instanceClass: "db.m6i.large" });
    expect(instanceOf(json).engine_version).toBe(String(major));
    expect(onlyResource(json, "aws_db_parameter_group").family).toBe(`postgres${major}`);
  });

  it("keeps paid Extended Support off unless opted in", () => {
    expect(instanceOf(defaults).engine_lifecycle_support).toBe("open-source-rds-extended-support-disabled");
    expect(instanceOf(synth({ extendedSupport: true })).engine_lifecycle_support).toBe(
      "open-source-rds-extended-support",
    );
  });

  it("forces TLS, logs slow queries and preloads pg_stat_statements", () => {
    const group = onlyResource(defaults, "aws_db_parameter_group");
    expect(group.parameter).toEqual([
      { name: "rds.force_ssl", value: "1", apply_method: "immediate" },
      { name: "log_min_duration_statement", value: "1000", apply_method: "immediate" },
      { name: "shared_preload_libraries", value: "pg_stat_statements", apply_method: "pending-reboot" },
    ]);
    expect(group.lifecycle).toEqual({ create_before_destroy: true });
    expect(group.name_prefix).toBe("app-db-postgres17-");
    expect(instanceOf(defaults).parameter_group_name).toBe(
      refTo(findResource(defaults, "aws_db_parameter_group", "Database/ParameterGroup"), "name"),
    );
  });

  it("uses the current RDS certificate authority and is never publicly accessible", () => {
    expect(instanceOf(defaults)).toMatchObject({
      ca_cert_identifier: "rds-ca-rsa2048-g1",
      publicly_accessible: false,
      port: 5432,
    });
  });
});

describe("PostgresDatabase: encryption and credentials", () => {
  const keyArn = refTo(findResource(defaults, "aws_kms_key", "Database/Key"), "arn");

  it("encrypts storage, Performance Insights and the master secret with a dedicated rotating key", () => {
    expect(instanceOf(defaults)).toMatchObject({
      storage_encrypted: true,
      kms_key_id: keyArn,
      performance_insights_kms_key_id: keyArn,
      master_user_secret_kms_key_id: keyArn,
    });
    expect(findResource(defaults, "aws_kms_key", "Database/Key").body.enable_key_rotation).toBe(true);
  });

  it("lets RDS manage the master password in Secrets Manager: no password in code or state", () => {
    const instance = instanceOf(defaults);
    expect(instance.manage_master_user_password).toBe(true);
    expect(instance.username).toBe("postgres");
    expect(instance).not.toHaveProperty("password");
    expect(instance).not.toHaveProperty("password_wo");
    expect(JSON.stringify(defaults)).not.toMatch(/"(master_)?password"/);
  });

  it("uses a given key for everything and then creates none", () => {
    const given = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555";
    const json = synth({ kmsKeyArn: given });
    expect(findResourcesUnder(json, "aws_kms_key", "Database")).toEqual([]);
    expect(instanceOf(json)).toMatchObject({
      kms_key_id: given,
      performance_insights_kms_key_id: given,
      master_user_secret_kms_key_id: given,
    });
    for (const group of findResourcesUnder(json, "aws_cloudwatch_log_group", "Database")) {
      expect(group.body.kms_key_id).toBe(given);
    }
  });

  it("grants CloudWatch Logs the key only for this instance's log groups, and CloudWatch for the alarm topic", () => {
    const policy = JSON.parse(findResource(defaults, "aws_kms_key", "Database/Key").body.policy);
    const logs = policy.Statement.find((s: any) => String(s.Principal?.Service).startsWith("logs."));
    expect(logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toMatch(
      /:log-group:\/aws\/rds\/instance\/app-db\/\*$/,
    );
    const cloudwatch = policy.Statement.find((s: any) => s.Principal?.Service === "cloudwatch.amazonaws.com");
    expect(cloudwatch.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
  });
});

describe("PostgresDatabase: storage, availability and backups", () => {
  it("uses gp3 with a storage autoscaling cap (default 5× the allocation)", () => {
    expect(instanceOf(defaults)).toMatchObject({
      storage_type: "gp3",
      allocated_storage: 20,
      max_allocated_storage: 100,
    });
    expect(instanceOf(prodLike)).toMatchObject({ allocated_storage: 100, max_allocated_storage: 1000 });
  });

  it("runs Multi-AZ by default; a single AZ only when asked", () => {
    expect(instanceOf(defaults).multi_az).toBe(true);
    expect(instanceOf(devLike).multi_az).toBe(false);
  });

  it("keeps 14 days of backups in non-overlapping windows and copies tags to snapshots", () => {
    expect(instanceOf(defaults)).toMatchObject({
      backup_retention_period: 14,
      backup_window: "02:00-03:00",
      maintenance_window: "sun:03:30-sun:04:30",
      copy_tags_to_snapshot: true,
    });
    expect(instanceOf(devLike).backup_retention_period).toBe(3);
    expect(instanceOf(prodLike).backup_retention_period).toBe(30);
  });

  it("takes a final snapshot with a deterministic unique name and keeps automated backups", () => {
    expect(instanceOf(defaults)).toMatchObject({
      skip_final_snapshot: false,
      final_snapshot_identifier: "app-db-final",
      delete_automated_backups: false,
    });
    expect(instanceOf(synth({ finalSnapshotIdentifier: "app-db-final-2" })).final_snapshot_identifier).toBe(
      "app-db-final-2",
    );
  });

  it("skips the final snapshot and automated backups only when explicitly thrown away", () => {
    const instance = instanceOf(throwAway);
    expect(instance).toMatchObject({ skip_final_snapshot: true, delete_automated_backups: true });
    expect(instance).not.toHaveProperty("final_snapshot_identifier");
  });

  it("is deletion-protected by default; prevent_destroy guards the instance and its key when asked", () => {
    expect(instanceOf(defaults).deletion_protection).toBe(true);
    expect(instanceOf(devLike).deletion_protection).toBe(false);
    expect(instanceOf(defaults).lifecycle).toBeUndefined();
    expect(instanceOf(prodLike).lifecycle).toEqual({ prevent_destroy: true });
    expect(findResource(prodLike, "aws_kms_key", "Database/Key").body.lifecycle).toEqual({
      prevent_destroy: true,
    });
  });

  it("applies changes in the maintenance window unless told otherwise", () => {
    expect(instanceOf(defaults).apply_immediately).toBe(false);
    expect(instanceOf(synth({ applyImmediately: true })).apply_immediately).toBe(true);
  });

  it("places the instance in the network's DB subnet group", () => {
    expect(instanceOf(defaults).db_subnet_group_name).toBe(
      refTo(findResource(defaults, "aws_db_subnet_group", "Network/DatabaseSubnetGroup"), "name"),
    );
  });
});

describe("PostgresDatabase: observability", () => {
  it("turns Performance Insights on with its retention", () => {
    expect(instanceOf(defaults)).toMatchObject({
      performance_insights_enabled: true,
      performance_insights_retention_period: 7,
    });
    expect(instanceOf(prodLike).performance_insights_retention_period).toBe(31);
  });

  it("enables enhanced monitoring through a role trusted only by RDS monitoring in this account", () => {
    const role = onlyResource(defaults, "aws_iam_role_policy_attachment");
    expect(role.policy_arn).toMatch(
      /^arn:\$\{data\.aws_partition\..*\.partition\}:iam::aws:policy\/service-role\/AmazonRDSEnhancedMonitoringRole$/,
    );
    const trust = JSON.parse(
      findResource(defaults, "aws_iam_role", "Database/MonitoringRole").body.assume_role_policy,
    );
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "monitoring.rds.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": expect.stringContaining("account_id") } },
      }),
    ]);
    expect(instanceOf(defaults)).toMatchObject({
      monitoring_interval: 60,
      monitoring_role_arn: refTo(findResource(defaults, "aws_iam_role", "Database/MonitoringRole"), "arn"),
    });
    expect(instanceOf(defaults).depends_on).toContain(
      findResource(defaults, "aws_iam_role_policy_attachment").address,
    );
  });

  it("creates no monitoring role when enhanced monitoring is off", () => {
    expect(findResourcesUnder(devLike, "aws_iam_role", "Database")).toEqual([]);
    expect(instanceOf(devLike).monitoring_interval).toBe(0);
    expect(instanceOf(devLike)).not.toHaveProperty("monitoring_role_arn");
  });

  it("exports postgresql and upgrade logs into encrypted log groups with retention, created first", () => {
    const instance = instanceOf(defaults);
    expect(instance.enabled_cloudwatch_logs_exports).toEqual(["postgresql", "upgrade"]);
    const groups = findResourcesUnder(defaults, "aws_cloudwatch_log_group", "Database");
    expect(groups.map((g) => g.body.name)).toEqual([
      "/aws/rds/instance/app-db/postgresql",
      "/aws/rds/instance/app-db/upgrade",
    ]);
    for (const group of groups) {
      expect(group.body).toMatchObject({
        retention_in_days: 30,
        kms_key_id: refTo(findResource(defaults, "aws_kms_key", "Database/Key"), "arn"),
      });
      expect(instance.depends_on).toContain(group.address);
    }
  });

  const alarms = Object.values(resourcesOf(defaults, "aws_cloudwatch_metric_alarm"));
  const alarm = (metric: string) => alarms.find((a) => a.metric_name === metric);

  it.each([
    ["CPUUtilization", "GreaterThanThreshold", 80, "Average"],
    ["FreeStorageSpace", "LessThanThreshold", 2 * 1024 ** 3, "Minimum"],
    ["FreeableMemory", "LessThanThreshold", 128 * 1024 ** 2, "Minimum"],
    ["DatabaseConnections", "GreaterThanThreshold", 100, "Maximum"],
    ["MaximumUsedTransactionIDs", "GreaterThanThreshold", 1_000_000_000, "Maximum"],
  ])("alarms on %s (%s %d) to the SNS topic", (metric, comparison, threshold, statistic) => {
    const topicArn = refTo(findResource(defaults, "aws_sns_topic", "Database/AlarmTopic"), "arn");
    expect(alarm(metric)).toMatchObject({
      namespace: "AWS/RDS",
      comparison_operator: comparison,
      threshold,
      statistic,
      period: 300,
      evaluation_periods: 3,
      dimensions: {
        DBInstanceIdentifier: refTo(
          findResource(defaults, "aws_db_instance", "Database/Instance"),
          "identifier",
        ),
      },
      alarm_actions: [topicArn],
      ok_actions: [topicArn],
    });
  });

  it("takes alarm thresholds from props", () => {
    const json = synth({
      cpuAlarmThresholdPercent: 90,
      freeStorageAlarmThresholdGiB: 5,
      freeableMemoryAlarmThresholdMiB: 512,
      connectionsAlarmThreshold: 1200,
      transactionIdAlarmThreshold: 500_000_000,
    });
    const thresholds = Object.fromEntries(
      Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm")).map((a) => [
        a.metric_name,
        a.threshold,
      ]),
    );
    expect(thresholds).toEqual({
      CPUUtilization: 90,
      FreeStorageSpace: 5 * 1024 ** 3,
      FreeableMemory: 512 * 1024 ** 2,
      DatabaseConnections: 1200,
      MaximumUsedTransactionIDs: 500_000_000,
    });
  });

  it("owns an encrypted alarm topic that CloudWatch alarms of this account may publish to over TLS", () => {
    const topic = onlyResource(defaults, "aws_sns_topic");
    expect(topic).toMatchObject({
      name: "app-db-alarms",
      kms_master_key_id: refTo(findResource(defaults, "aws_kms_key", "Database/Key"), "arn"),
    });
    const policy = JSON.parse(onlyResource(defaults, "aws_sns_topic_policy").policy);
    const sids = policy.Statement.map((s: any) => s.Sid);
    // The AlarmTopic policy: the account administers and subscribes, only CloudWatch alarms publish.
    expect(sids).toEqual(["AccountAdministration", "AccountCloudWatchAlarms", "TlsOnly"]);
    expect(policy.Statement[0].Action).not.toContain("sns:Publish");
    expect(policy.Statement[1].Condition.ArnLike["aws:SourceArn"]).toMatch(/:cloudwatch:.*:alarm:\*$/);
    expect(policy.Statement[2]).toMatchObject({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("notifies a given topic instead of creating one", () => {
    const given = "arn:aws:sns:eu-west-1:111111111111:ops-alarms";
    const json = synth({ alarmTopicArn: given });
    expect(resourcesOf(json, "aws_sns_topic")).toEqual({});
    for (const a of Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"))) {
      expect(a.alarm_actions).toEqual([given]);
    }
    const policy = JSON.parse(findResource(json, "aws_kms_key", "Database/Key").body.policy);
    expect(policy.Statement.map((s: any) => s.Principal?.Service ?? "account")).not.toContain(
      "cloudwatch.amazonaws.com",
    );
  });
});

describe("PostgresDatabase: network access", () => {
  it("has its own security group that admits 5432 only from the client security groups", () => {
    const sg = findResource(defaults, "aws_security_group", "Database/SecurityGroup").body;
    expect(sg).toMatchObject({
      name: "app-db-postgres",
      vpc_id: refTo(findResource(defaults, "aws_vpc", "Network/Vpc"), "id"),
    });
    expect(sg).not.toHaveProperty("ingress");
    expect(sg).not.toHaveProperty("egress");
    const rules = Object.values(resourcesOf(defaults, "aws_vpc_security_group_ingress_rule")).filter(
      (r) =>
        r.security_group_id ===
        refTo(findResource(defaults, "aws_security_group", "Database/SecurityGroup"), "id"),
    );
    expect(rules).toEqual([
      expect.objectContaining({
        ip_protocol: "tcp",
        from_port: 5432,
        to_port: 5432,
        referenced_security_group_id: NODES_SG,
      }),
    ]);
    expect(rules[0]).not.toHaveProperty("cidr_ipv4");
    expect(resourcesOf(defaults, "aws_vpc_security_group_egress_rule")).toEqual({});
    expect(instanceOf(defaults).vpc_security_group_ids).toEqual([
      refTo(findResource(defaults, "aws_security_group", "Database/SecurityGroup"), "id"),
    ]);
  });

  it("keys each client rule by its name, so adding a client never renames another", () => {
    const json = synth({ clientSecurityGroups: { nodes: NODES_SG, jobs: "sg-0fedcba9876543210" } });
    const names = Object.keys(resourcesOf(json, "aws_vpc_security_group_ingress_rule"))
      .filter((n) => n.startsWith("Database_"))
      .map((n) => n.replace(/_[0-9A-F]{8}$/, ""));
    expect(names.sort()).toEqual(["Database_Ingress-jobs", "Database_Ingress-nodes"]);
  });

  it("accepts client security group ids that are unresolved references", () => {
    const stack = testStack();
    const nodes = new SecurityGroup(stack, "Nodes", { name: "nodes" });
    const database = new PostgresDatabase(stack, "Database", {
      network: networkIn(stack),
      clientSecurityGroups: { nodes: nodes.id },
    });
    const json: TerraformJson = JSON.parse(Testing.synth(stack));
    expect(
      findResource(json, "aws_vpc_security_group_ingress_rule", "Database/Ingress-nodes").body
        .referenced_security_group_id,
    ).toBe(refTo(findResource(json, "aws_security_group", "Nodes"), "id"));
    expect(database.identifier).toBe("database");
  });

  it("warns when no client may connect", () => {
    const { database } = build({ clientSecurityGroups: {} });
    const warnings = database.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
    expect(warnings).toEqual([expect.stringContaining("no clientSecurityGroups")]);
    expect(build().database.node.metadata.filter((m) => m.type === "@cdktf/warn")).toEqual([]);
  });
});

describe("PostgresDatabase: typed outputs", () => {
  it("exposes endpoint, port, secret ARN, security group id and resource id", () => {
    const { stack, database } = build();
    const outputs = {
      endpoint: database.endpoint,
      port: database.port,
      secretArn: database.secretArn,
      securityGroupId: database.securityGroupId,
      resourceId: database.resourceId,
    };
    for (const [id, value] of Object.entries(outputs)) new TerraformOutput(stack, id, { value });
    const json: TerraformJson = JSON.parse(Testing.synth(stack));
    const value = (id: string) => json.output?.[id].value;
    const instance = findResource(json, "aws_db_instance", "Database/Instance").address;
    expect(value("endpoint")).toBe(`\${${instance}.address}`);
    expect(value("port")).toBe(`\${${instance}.port}`);
    expect(value("secretArn")).toBe(`\${${instance}.master_user_secret[0].secret_arn}`);
    expect(value("securityGroupId")).toBe(
      refTo(findResource(json, "aws_security_group", "Database/SecurityGroup"), "id"),
    );
    expect(value("resourceId")).toBe(`\${${instance}.resource_id}`);
    expect(database.identifier).toBe("app-db");
    expect(database.parameterGroupFamily).toBe("postgres17");
  });
});

describe("PostgresDatabase: prod and dev shapes differ only by props", () => {
  it("prod-like: Multi-AZ, long backups, protected; dev-like: one AZ, short backups, unprotected", () => {
    const pick = (json: TerraformJson) => {
      const i = instanceOf(json);
      return {
        multiAz: i.multi_az,
        backups: i.backup_retention_period,
        deletionProtection: i.deletion_protection,
        preventDestroy: i.lifecycle?.prevent_destroy ?? false,
        instanceClass: i.instance_class,
      };
    };
    expect(pick(prodLike)).toEqual({
      multiAz: true,
      backups: 30,
      deletionProtection: true,
      preventDestroy: true,
      instanceClass: "db.r7g.large",
    });
    expect(pick(devLike)).toEqual({
      multiAz: false,
      backups: 3,
      deletionProtection: false,
      preventDestroy: false,
      instanceClass: "db.t4g.micro",
    });
  });
});

describe("PostgresDatabase: validation", () => {
  it.each<[string, Partial<PostgresDatabaseProps>, string, string]>([
    [
      "identifier",
      { identifier: "App_DB" },
      '"App_DB"',
      "must be 1–50 lowercase letters, digits or single hyphens",
    ],
    ["majorVersion", { majorVersion: 15 as never }, "got 15", "must be 16, 17 or 18 (the versions catalog)"],
    ["instanceClass", { instanceClass: "t4g.micro" }, '"t4g.micro"', "must be an RDS instance class"],
    [
      "allocatedStorageGiB",
      { allocatedStorageGiB: 10 },
      "got 10",
      "must be a whole number of GiB from 20 to 65536",
    ],
    [
      "maxAllocatedStorageGiB",
      { allocatedStorageGiB: 100, maxAllocatedStorageGiB: 105 },
      "got 105",
      "must be a whole number of GiB from 10% above allocatedStorageGiB (110) to 65536",
    ],
    [
      "backupRetentionDays",
      { backupRetentionDays: 36 },
      "got 36",
      "must be a whole number of days from 0 to 35",
    ],
    [
      "backupWindow",
      { backupWindow: "02:00-02:15" },
      '"02:00-02:15"',
      "must be 'hh:mm-hh:mm' (UTC), at least 30",
    ],
    [
      "maintenanceWindow",
      { maintenanceWindow: "sunday 3am" },
      '"sunday 3am"',
      "must be 'ddd:hh:mm-ddd:hh:mm' (UTC",
    ],
    [
      "maintenanceWindow",
      { backupWindow: "03:00-04:00", maintenanceWindow: "wed:03:30-wed:04:30" },
      '"wed:03:30-wed:04:30"',
      "must not overlap the backup window (03:00-04:00)",
    ],
    ["databaseName", { databaseName: "postgres" }, '"postgres"', "must be 1–63 letters, digits or '_'"],
    ["masterUsername", { masterUsername: "rdsadmin" }, '"rdsadmin"', "must be 1–63 letters, digits or '_'"],
    [
      "skipFinalSnapshot",
      { skipFinalSnapshot: true, preventDestroy: true },
      "got true",
      "cannot be combined with preventDestroy",
    ],
    [
      "finalSnapshotIdentifier",
      { finalSnapshotIdentifier: "final_snapshot" },
      '"final_snapshot"',
      "must be 1–255 letters, digits or single hyphens",
    ],
    ["kmsKeyArn", { kmsKeyArn: "alias/rds" }, '"alias/rds"', "must be a KMS key ARN"],
    [
      "slowQueryThresholdMs",
      { slowQueryThresholdMs: -5 },
      "got -5",
      "must be a whole number of milliseconds ≥ -1 (-1 turns slow-query logging off)",
    ],
    ["logRetentionDays", { logRetentionDays: 10 }, "got 10", "must be one of CloudWatch's retention periods"],
    [
      "performanceInsightsRetentionDays",
      { performanceInsightsRetentionDays: 30 },
      "got 30",
      "must be 7, a multiple of 31 up to 713, or 731 days",
    ],
    [
      "monitoringIntervalSeconds",
      { monitoringIntervalSeconds: 2 },
      "got 2",
      "must be 0, 1, 5, 10, 15, 30 or 60 seconds",
    ],
    ["alarmTopicArn", { alarmTopicArn: "alarms" }, '"alarms"', "must be an SNS topic ARN"],
    [
      "clientSecurityGroups",
      { clientSecurityGroups: { "eks nodes": NODES_SG } },
      '"eks nodes"',
      "keys must be 1–64 letters, digits or '-'",
    ],
    [
      "clientSecurityGroups.nodes",
      { clientSecurityGroups: { nodes: "10.0.0.0/16" } },
      '"10.0.0.0/16"',
      "must be a security group id (sg-...)",
    ],
    [
      "cpuAlarmThresholdPercent",
      { cpuAlarmThresholdPercent: 150 },
      "got 150",
      "must be a percentage from 1 to 100",
    ],
    [
      "freeStorageAlarmThresholdGiB",
      { freeStorageAlarmThresholdGiB: 20 },
      "got 20",
      "must be more than 0 GiB and less than allocatedStorageGiB",
    ],
    [
      "freeableMemoryAlarmThresholdMiB",
      { freeableMemoryAlarmThresholdMiB: 0 },
      "got 0",
      "must be more than 0 MiB",
    ],
    [
      "connectionsAlarmThreshold",
      { connectionsAlarmThreshold: 0.5 },
      "got 0.5",
      "must be a whole number of connections ≥ 1",
    ],
    [
      "transactionIdAlarmThreshold",
      { transactionIdAlarmThreshold: 3_000_000_000 },
      "got 3000000000",
      "must be a whole number from 1 to 2000000000",
    ],
  ])("rejects %s (%j)", (prop, props, got, allowed) => {
    expectErrorContaining(
      () => build(props),
      "PostgresDatabase '",
      "/Database'",
      `'${prop}' ${allowed}`,
      got,
    );
  });

  it("rejects a final snapshot name together with skipFinalSnapshot", () => {
    expectErrorContaining(
      () => build({ skipFinalSnapshot: true, finalSnapshotIdentifier: "app-db-last" }),
      "'finalSnapshotIdentifier' cannot be set together with skipFinalSnapshot",
    );
  });

  it("lists every problem in one error", () => {
    let message = "";
    try {
      build({ instanceClass: "large", backupRetentionDays: 99, logRetentionDays: 2 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n")).toEqual([
      expect.stringContaining("'instanceClass'"),
      expect.stringContaining("'backupRetentionDays'"),
      expect.stringContaining("'logRetentionDays'"),
    ]);
  });

  it("accepts the boundaries of each range", () => {
    expect(() =>
      build({ allocatedStorageGiB: 59000, maxAllocatedStorageGiB: 65536, backupRetentionDays: 35 }),
    ).not.toThrow();
    expect(() =>
      build({
        allocatedStorageGiB: 20,
        maxAllocatedStorageGiB: 22,
        backupRetentionDays: 0,
        performanceInsightsRetentionDays: 731,
        slowQueryThresholdMs: -1,
        backupWindow: "23:45-00:15",
        maintenanceWindow: "sun:22:30-sun:23:30",
        clientSecurityGroups: {},
        monitoringIntervalSeconds: 1,
      }),
    ).not.toThrow();
  });
});

describe("PostgresDatabase: references", () => {
  const KEY = "arn:aws:kms:eu-west-1:111111111111:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  const ids = {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    privateSubnetIds: ["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"],
  };
  const inImported = (attributes: object, props: Partial<PostgresDatabaseProps> = {}) => {
    const stack = testStack();
    new PostgresDatabase(stack, "Database", {
      network: Network.fromAttributes(stack, "Shared", { ...ids, ...attributes }),
      identifier: "app-db",
      clientSecurityGroups: { nodes: NODES_SG },
      ...props,
    });
    return stack;
  };

  it("uses the DB subnet group of a network made elsewhere, and its VPC", () => {
    const json = JSON.parse(Testing.synth(inImported({ databaseSubnetGroupName: "shared-databases" })));
    expect(instanceOf(json).db_subnet_group_name).toBe("shared-databases");
    expect(resourcesOf(json, "aws_db_subnet_group")).toEqual({});
    expect(onlyResource(json, "aws_security_group").vpc_id).toBe(ids.vpcId);
  });

  it("creates a DB subnet group over the database subnets of a network that has none", () => {
    const databaseSubnetIds = ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712"];
    const json = JSON.parse(Testing.synth(inImported({ databaseSubnetIds })));
    const group = findResource(json, "aws_db_subnet_group");
    expect(group.body).toMatchObject({ name: "app-db-postgres", subnet_ids: databaseSubnetIds });
    expect(instanceOf(json).db_subnet_group_name).toBe(refTo(group, "name"));
  });

  it("encrypts with a given key (an IEncryptionKey) and creates none", () => {
    const databaseSubnetIds = ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712"];
    const json = JSON.parse(
      Testing.synth(inImported({ databaseSubnetIds }, { encryptionKey: { keyArn: KEY } })),
    );
    expect(resourcesOf(json, "aws_kms_key")).toEqual({});
    expect(instanceOf(json).kms_key_id).toBe(KEY);
    expect(onlyResource(json, "aws_sns_topic").kms_master_key_id).toBe(KEY);
  });

  it("keeps the alarm topic's state: moved blocks from the addresses it had before AlarmTopic", () => {
    const moved = (defaults as any).moved as { from: string; to: string }[];
    expect(moved.map((m) => m.from).sort()).toEqual([
      expect.stringMatching(/^aws_sns_topic\.Database_AlarmTopic_[0-9A-F]{8}$/),
      expect.stringMatching(/^aws_sns_topic_policy\.Database_AlarmTopicPolicy_[0-9A-F]{8}$/),
    ]);
    expect(moved.map((m) => m.to).sort()).toEqual([
      findResource(defaults, "aws_sns_topic").address,
      findResource(defaults, "aws_sns_topic_policy").address,
    ]);
  });

  it("rejects a network with neither a DB subnet group nor database subnets", () => {
    expectErrorContaining(
      () => inImported({}),
      "PostgresDatabase 'test/Database': 'network' must have a DB subnet group or at least 2 database subnets",
    );
  });

  it("rejects the key given twice", () => {
    expectErrorContaining(
      () => build({ kmsKeyArn: KEY, encryptionKey: { keyArn: KEY } }),
      "'kmsKeyArn' cannot be combined with encryptionKey",
    );
  });
});
