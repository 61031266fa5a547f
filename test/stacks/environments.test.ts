import * as os from "node:os";
import { ENVIRONMENT_NAMES, EnvironmentConfig } from "../../environments";
import { REQUIRED_TERRAFORM_VERSION } from "../../stacks/environment-stack";
import { ENVIRONMENTS_UNDER_TEST, synthesizedEnvironments } from "../environments-under-test";
import { TerraformJson, findResources, onlyResource, resourcesOf } from "../helpers";

// Every registered environment plus one sandbox, synthesized once, exactly as main.ts does it.
const environments = ENVIRONMENTS_UNDER_TEST;
const { stacks, annotations } = synthesizedEnvironments();
const stackIds = Object.keys(stacks);
const layerStacks = stackIds.filter((id) => !id.startsWith("bootstrap-"));
const envOf = (stackId: string) => stackId.replace(/^bootstrap-/, "").replace(/-[a-z]+$/, "");
const config = (stackId: string): EnvironmentConfig => {
  const found = environments.find((e) => e.name === envOf(stackId));
  if (!found) throw new Error(`no environment for stack ${stackId}`);
  return found;
};

describe("synthesized stacks", () => {
  it("has the contracted stack ids", () => {
    for (const env of ENVIRONMENT_NAMES) {
      expect(stackIds).toEqual(expect.arrayContaining([`bootstrap-${env}`, `${env}-network`]));
    }
    expect(stackIds).toContain("sandbox-alice-network");
    expect(stackIds).not.toContain("bootstrap-sandbox-alice");
  });

  it.each(stackIds)("%s matches its snapshot", (id) => {
    expect(stacks[id]).toMatchSnapshot();
  });

  it("contains no machine-specific paths", () => {
    const text = JSON.stringify(stacks);
    for (const local of [process.cwd(), os.tmpdir(), os.homedir()]) expect(text).not.toContain(local);
  });

  it.each(stackIds)("%s pins the AWS provider to its account and region with default tags", (id) => {
    const env = config(id);
    const [provider] = (stacks[id].provider as Record<string, any[]>).aws;
    expect(provider.allowed_account_ids).toEqual([env.accountId]);
    expect(provider.region).toBe(env.region);
    expect(provider.default_tags[0].tags).toMatchObject({
      environment: env.name,
      "managed-by": "cdktf",
      repository: env.repository,
      stack: id,
    });
  });

  it.each(stackIds)("%s requires Terraform %s", (id) => {
    expect(stacks[id].terraform?.required_version).toBe(REQUIRED_TERRAFORM_VERSION);
  });

  it.each(layerStacks)(
    "%s keeps state encrypted with the state key, lock-file-locked, under <env>/<stack-id>.tfstate",
    (id) => {
      const env = config(id);
      expect(stacks[id].terraform?.backend).toEqual({
        s3: {
          bucket: env.state.bucket,
          key: `${env.name}/${id}.tfstate`,
          region: env.region,
          encrypt: true,
          // The key of the environment's state bucket, by the alias bootstrap creates (sandboxes share dev's).
          kms_key_id: `arn:aws:kms:${env.region}:${env.accountId}:alias/terraform-state-${env.state.bucket}`,
          use_lockfile: true,
        },
      });
    },
  );
});

describe("policy pack", () => {
  it.each(stackIds)("%s has no policy finding and no waiver", (id) => {
    expect(annotations[id].map((a) => `${a.level} ${a.constructPath}: ${a.message}`)).toEqual([]);
  });

  it("protects every stateful resource of prod from destroy", () => {
    const stateful = ["aws_db_instance", "aws_s3_bucket", "aws_kms_key"];
    const prodStacks = stackIds.filter((id) => id.startsWith("prod-") || id === "bootstrap-prod");
    const resources = prodStacks.flatMap((id) =>
      stateful.flatMap((type) => Object.values(resourcesOf(stacks[id], type))),
    );
    expect(resources.length).toBeGreaterThan(5);
    for (const resource of resources) expect(resource.lifecycle).toMatchObject({ prevent_destroy: true });
  });
});

describe("bootstrap stacks", () => {
  const bootstrap = (env: string): TerraformJson => stacks[`bootstrap-${env}`];

  it.each(ENVIRONMENT_NAMES)("bootstrap-%s keeps its own state locally, outside cdktf.out", (env) => {
    expect(bootstrap(env).terraform?.backend).toEqual({
      local: { path: `../../../.bootstrap-state/bootstrap-${env}.tfstate` },
    });
  });

  it.each(ENVIRONMENT_NAMES)(
    "bootstrap-%s creates a protected, versioned, private, encrypted state bucket",
    (env) => {
      const json = bootstrap(env);
      expect(onlyResource(json, "aws_s3_bucket")).toMatchObject({
        bucket: config(`bootstrap-${env}`).state.bucket,
        force_destroy: false,
        lifecycle: { prevent_destroy: true },
      });
      expect(onlyResource(json, "aws_s3_bucket_versioning").versioning_configuration).toEqual({
        status: "Enabled",
      });
      expect(onlyResource(json, "aws_s3_bucket_public_access_block")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      const sse = onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration").rule[0];
      expect(sse.apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
      expect(onlyResource(json, "aws_kms_key")).toMatchObject({
        enable_key_rotation: true,
        lifecycle: { prevent_destroy: true },
      });
      const policy = JSON.parse(onlyResource(json, "aws_s3_bucket_policy").policy);
      expect(policy.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: "Deny",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      );
    },
  );
});

describe("environment differences", () => {
  const network = (env: string) => stacks[`${env}-network`];

  const NAT_GATEWAYS = { none: () => 0, single: () => 1, perAz: (azCount: number) => azCount };

  it.each(environments.map((e) => e.name))(
    "%s: three subnet tiers per AZ and the configured NAT gateways",
    (env) => {
      const { azCount, natGateways } = config(`${env}-network`).network;
      expect(findResources(network(env), "aws_subnet")).toHaveLength(3 * azCount);
      expect(findResources(network(env), "aws_nat_gateway")).toHaveLength(NAT_GATEWAYS[natGateways](azCount));
    },
  );

  it.each(environments.map((e) => e.name))("%s keeps flow logs as long as configured", (env) => {
    expect(onlyResource(network(env), "aws_cloudwatch_log_group").retention_in_days).toBe(
      config(`${env}-network`).network.flowLogRetentionDays,
    );
  });

  it.each(environments.map((e) => e.name))("%s has exactly the configured interface endpoints", (env) => {
    const interfaceEndpoints = Object.values(resourcesOf(network(env), "aws_vpc_endpoint")).filter(
      (e) => e.vpc_endpoint_type === "Interface",
    );
    expect(interfaceEndpoints).toHaveLength(config(`${env}-network`).network.interfaceEndpoints.length);
  });

  it("exports the network's ids for other stacks and tools", () => {
    expect(Object.keys(network("dev").output ?? {})).toEqual(
      expect.arrayContaining([
        "vpc_id",
        "private_subnet_ids",
        "database_subnet_group_name",
        "database_clients_security_group_id",
      ]),
    );
  });
});
