import { DataStack } from "../../stacks/data-stack";
import { stackIds } from "../../stacks/environment-app";
import { NetworkStack } from "../../stacks/network-stack";
import { ENVIRONMENTS_UNDER_TEST, ENVIRONMENT_NAMES_UNDER_TEST, configOf } from "../environments-under-test";
import {
  TerraformJson,
  findResource,
  findResourcesUnder,
  keysOf,
  onlyResource,
  refTo,
  resourcesOf,
  synthApp,
} from "../helpers";

// Network and data stacks of every shipped environment and a sandbox, wired as buildEnvironment wires
// them (cross-stack references through remote state), synthesized once.
const environments = ENVIRONMENTS_UNDER_TEST;
const dataStacks: Record<string, DataStack> = {};
const stacks = synthApp((app) => {
  for (const environment of environments) {
    const ids = stackIds(environment.name);
    const network = new NetworkStack(app, ids.network, { environment });
    dataStacks[environment.name] = new DataStack(app, ids.data, { environment, network });
  }
});
const ENVS = ENVIRONMENT_NAMES_UNDER_TEST;
const data = (env: string): TerraformJson => stacks[`${env}-data`];
const instance = (env: string) => onlyResource(data(env), "aws_db_instance");
describe("<env>-data stacks", () => {
  it("exist for every environment, with the contracted ids and state keys", () => {
    for (const env of ENVS) {
      expect(stacks).toHaveProperty(`${env}-data`);
      expect(data(env).terraform?.backend?.s3?.key).toBe(`${env}/${env}-data.tfstate`);
    }
  });

  it("depend on the network stack only, never on the cluster", () => {
    for (const env of ENVS) {
      const remote = Object.values(data(env).data?.terraform_remote_state ?? {}) as any[];
      expect(remote.map((r) => r.config.key)).toEqual([`${env}/${env}-network.tfstate`]);
      expect(JSON.stringify(data(env))).not.toContain("-cluster");
    }
  });

  it.each(ENVS)("%s: no plaintext secret anywhere; RDS manages the master password", (env) => {
    const keys = keysOf(data(env));
    expect(keys).not.toContain("password");
    expect(keys).not.toContain("master_password");
    expect(keys).not.toContain("password_wo");
    expect(instance(env).manage_master_user_password).toBe(true);
    expect(JSON.stringify(data(env))).not.toMatch(/"(master_)?password"\s*:/);
  });

  it.each(ENVS)(
    "%s: admits the network's database-clients security group on 5432, by group not CIDR",
    (env) => {
      const rules = findResourcesUnder(data(env), "aws_vpc_security_group_ingress_rule", "Database").map(
        (r) => r.body,
      );
      expect(rules).toEqual([
        expect.objectContaining({
          from_port: 5432,
          to_port: 5432,
          ip_protocol: "tcp",
          referenced_security_group_id: expect.stringMatching(
            /terraform_remote_state\.cross-stack-reference-input-.*-network\.outputs\.cross-stack-output-aws_security_groupDatabaseClients.*id/,
          ),
        }),
      ]);
      expect(rules[0]).not.toHaveProperty("cidr_ipv4");
      // The security group the database exports is the one these rules belong to.
      expect(data(env).output?.database_security_group_id.value).toMatch(
        /^\$\{aws_security_group\.Database_SecurityGroup_\w+\.id\}$/,
      );
    },
  );

  it.each(ENVS)("%s: places the database in the network's DB subnet group", (env) => {
    expect(instance(env).db_subnet_group_name).toMatch(/cross-stack-output-aws_db_subnet_group.*name/);
    expect(instance(env).identifier).toBe(`${env}-postgres`);
    expect(instance(env).db_name).toBe("app");
  });

  it.each(ENVS)("%s: exports endpoint, port, secret ARN, security group id and bucket names", (env) => {
    expect(Object.keys(data(env).output ?? {})).toEqual(
      expect.arrayContaining([
        "database_endpoint",
        "database_port",
        "database_secret_arn",
        "database_security_group_id",
        "application_bucket_name",
        "log_bucket_name",
      ]),
    );
  });

  it("exposes the log bucket (ObjectStorage) for the platform layer", () => {
    const policy = dataStacks.prod.logBucket.grantReadWrite();
    expect(policy.Statement.map((s) => s.Sid)).toContain("WriteObjects");
    expect(dataStacks.prod.logBucket.node.path).toBe("prod-data/LogBucket");
    expect(data("prod").output?.log_bucket_name.value).toMatch(
      /^\$\{aws_s3_bucket\.LogBucket_\w+\.bucket\}$/,
    );
  });
});

describe("environments differ only by configuration", () => {
  const pick = (env: string) => {
    const i = instance(env);
    return {
      instanceClass: i.instance_class,
      multiAz: i.multi_az,
      backups: i.backup_retention_period,
      deletionProtection: i.deletion_protection,
      preventDestroy: i.lifecycle?.prevent_destroy ?? false,
      skipFinalSnapshot: i.skip_final_snapshot,
      finalSnapshot: i.final_snapshot_identifier,
    };
  };

  it.each(ENVS)("%s: the database's class, AZs, backups and protection are the configured ones", (env) => {
    const { data: config, protection } = configOf(env);
    expect(pick(env)).toEqual({
      instanceClass: config.postgres.instanceClass,
      multiAz: config.postgres.multiAz,
      backups: config.postgres.backupRetentionDays,
      deletionProtection: protection.deletionProtection,
      preventDestroy: protection.preventDestroy,
      skipFinalSnapshot: config.postgres.skipFinalSnapshot,
      finalSnapshot: config.postgres.skipFinalSnapshot ? undefined : `${env}-postgres-final`,
    });
  });

  it("stage and prod are Multi-AZ and deletion-protected; prod also prevent_destroy, 14+ days of backups", () => {
    expect(pick("stage")).toMatchObject({ multiAz: true, deletionProtection: true });
    const prod = pick("prod");
    expect(prod).toMatchObject({ multiAz: true, deletionProtection: true, preventDestroy: true });
    expect(prod.backups).toBeGreaterThanOrEqual(14);
  });

  it("sandbox: no final snapshot, nothing protected", () => {
    expect(pick("sandbox-alice")).toMatchObject({
      deletionProtection: false,
      preventDestroy: false,
      skipFinalSnapshot: true,
      finalSnapshot: undefined,
    });
  });

  it.each(ENVS)("%s: prevent_destroy on buckets and keys exactly where configured", (env) => {
    const { preventDestroy } = configOf(env).protection;
    const ids = [
      "ApplicationBucket",
      "LogBucket",
      ...(configOf(env).platform.components.tracing ? ["TraceBucket"] : []),
      ...(configOf(env).data.buckets.accessLogging ? ["AccessLogBucket"] : []),
    ];
    for (const id of ids) {
      if (preventDestroy)
        expect(findResource(data(env), "aws_s3_bucket", `${id}/Bucket`).body.lifecycle).toEqual({
          prevent_destroy: true,
        });
      else
        expect(findResource(data(env), "aws_s3_bucket", `${id}/Bucket`).body).not.toHaveProperty("lifecycle");
    }
    const keys = Object.values(resourcesOf(data(env), "aws_kms_key"));
    expect(keys).toHaveLength(configOf(env).platform.components.tracing ? 4 : 3);
    for (const key of keys) {
      if (preventDestroy) expect(key.lifecycle).toEqual({ prevent_destroy: true });
      else expect(key).not.toHaveProperty("lifecycle");
    }
  });

  it.each(ENVS)("%s: force_destroy and versioning of the buckets as configured", (env) => {
    const { protection, data: config } = configOf(env);
    for (const id of ["ApplicationBucket", "LogBucket"]) {
      expect(findResource(data(env), "aws_s3_bucket", `${id}/Bucket`).body.force_destroy).toBe(
        protection.forceDestroy,
      );
      expect(findResourcesUnder(data(env), "aws_s3_bucket_versioning", id)).toHaveLength(
        config.buckets.versioned ? 1 : 0,
      );
    }
  });

  it("only sandboxes force_destroy their buckets", () => {
    for (const env of ENVS) expect(configOf(env).protection.forceDestroy).toBe(configOf(env).sandbox);
  });

  it.each(ENVS)("%s logs bucket access to an SSE-S3 access-log bucket exactly where configured", (env) => {
    if (!configOf(env).data.buckets.accessLogging) {
      expect(findResourcesUnder(data(env), "aws_s3_bucket", "AccessLogBucket")).toEqual([]);
      expect(resourcesOf(data(env), "aws_s3_bucket_logging")).toEqual({});
      expect(Object.keys(data(env).output ?? {})).not.toContain("access_log_bucket_name");
      return;
    }
    const accessLogBucket = findResource(data(env), "aws_s3_bucket", "AccessLogBucket/Bucket");
    for (const id of ["ApplicationBucket", "LogBucket"]) {
      expect(findResourcesUnder(data(env), "aws_s3_bucket_logging", id).map((r) => r.body)).toEqual([
        expect.objectContaining({ target_bucket: refTo(accessLogBucket, "bucket") }),
      ]);
    }
    const [encryption] = findResourcesUnder(
      data(env),
      "aws_s3_bucket_server_side_encryption_configuration",
      "AccessLogBucket",
    ).map((r) => r.body);
    expect(encryption.rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "AES256" });
  });

  it("prod logs bucket access", () => {
    expect(configOf("prod").data.buckets.accessLogging).toBe(true);
  });

  it.each(ENVS)("%s: the log bucket expires objects after the configured log retention", (env) => {
    const expiry = findResourcesUnder(data(env), "aws_s3_bucket_lifecycle_configuration", "LogBucket")
      .map((r) => r.body)[0]
      .rule.find((r: { id: string }) => r.id === "expire-objects").expiration[0].days;
    expect(expiry).toBe(configOf(env).data.buckets.logExpirationDays);
  });

  it.each(ENVS)("%s: storage, diagnostics and alarms sized from configuration", (env) => {
    const { postgres } = configOf(env).data;
    expect(instance(env)).toMatchObject({
      allocated_storage: postgres.allocatedStorageGiB,
      max_allocated_storage: postgres.maxAllocatedStorageGiB,
      performance_insights_retention_period: postgres.performanceInsightsRetentionDays,
      monitoring_interval: postgres.monitoringIntervalSeconds,
    });
    const connections = findResourcesUnder(data(env), "aws_cloudwatch_metric_alarm", "Database")
      .map((r) => r.body)
      .find((a) => a.metric_name === "DatabaseConnections").threshold;
    expect(connections).toBe(postgres.connectionsAlarmThreshold);
    const retention = findResourcesUnder(data(env), "aws_cloudwatch_log_group", "Database")
      .map((r) => r.body)
      .map((g: { retention_in_days: number }) => g.retention_in_days);
    expect(retention).toEqual([postgres.logRetentionDays, postgres.logRetentionDays]);
  });
});
