import * as os from "node:os";
import { selectEnvironments } from "../../environments";
import { REQUIRED_TERRAFORM_VERSION } from "../../stacks/environment-stack";
import { buildApp } from "../../stacks/environment-app";
import { TerraformJson, onlyResource, resourcesOf, synthAppWithAnnotations } from "../helpers";

// Every shipped environment plus one sandbox, synthesized once, exactly as main.ts does it.
const { stacks, annotations } = synthAppWithAnnotations((app) =>
  buildApp(app, selectEnvironments({ INFRA_SANDBOX: "alice" })),
);
const stackIds = Object.keys(stacks);
const layerStacks = stackIds.filter((id) => !id.startsWith("bootstrap-"));
const ACCOUNTS: Record<string, string> = {
  dev: "111111111111",
  stage: "222222222222",
  prod: "333333333333",
  "sandbox-alice": "111111111111",
};
const envOf = (stackId: string) => stackId.replace(/^bootstrap-/, "").replace(/-[a-z]+$/, "");

describe("synthesized stacks", () => {
  it("has the contracted stack ids", () => {
    for (const env of ["dev", "stage", "prod"]) {
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
    const env = envOf(id);
    const [provider] = (stacks[id].provider as Record<string, any[]>).aws;
    expect(provider.allowed_account_ids).toEqual([ACCOUNTS[env]]);
    expect(provider.region).toBe("eu-west-1");
    expect(provider.default_tags[0].tags).toMatchObject({
      environment: env,
      "managed-by": "cdktf",
      repository: "acme/aws-platform",
      stack: id,
    });
  });

  it.each(stackIds)("%s requires Terraform %s", (id) => {
    expect(stacks[id].terraform?.required_version).toBe(REQUIRED_TERRAFORM_VERSION);
  });

  it.each(layerStacks)("%s keeps encrypted, lock-file-locked state under <env>/<stack-id>.tfstate", (id) => {
    const env = envOf(id);
    expect(stacks[id].terraform?.backend).toEqual({
      s3: {
        bucket: env.startsWith("sandbox-") ? "acme-platform-tfstate-dev" : `acme-platform-tfstate-${env}`,
        key: `${env}/${id}.tfstate`,
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });
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

  it.each(["dev", "stage", "prod"])("bootstrap-%s keeps its own state locally, outside cdktf.out", (env) => {
    expect(bootstrap(env).terraform?.backend).toEqual({
      local: { path: `../../../.bootstrap-state/bootstrap-${env}.tfstate` },
    });
  });

  it.each(["dev", "stage", "prod"])(
    "bootstrap-%s creates a protected, versioned, private, encrypted state bucket",
    (env) => {
      const json = bootstrap(env);
      expect(onlyResource(json, "aws_s3_bucket")).toMatchObject({
        bucket: `acme-platform-tfstate-${env}`,
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

  it("prod: three AZs and a NAT gateway per AZ; dev: two AZs and one NAT gateway", () => {
    expect(Object.keys(resourcesOf(network("prod"), "aws_nat_gateway"))).toHaveLength(3);
    expect(Object.keys(resourcesOf(network("prod"), "aws_subnet"))).toHaveLength(9);
    expect(Object.keys(resourcesOf(network("dev"), "aws_nat_gateway"))).toHaveLength(1);
    expect(Object.keys(resourcesOf(network("dev"), "aws_subnet"))).toHaveLength(6);
  });

  it("prod keeps flow logs a year, sandboxes a week", () => {
    expect(onlyResource(network("prod"), "aws_cloudwatch_log_group").retention_in_days).toBe(365);
    expect(onlyResource(network("sandbox-alice"), "aws_cloudwatch_log_group").retention_in_days).toBe(7);
  });

  it("only prod has interface endpoints", () => {
    const interfaceEndpoints = (env: string) =>
      Object.values(resourcesOf(network(env), "aws_vpc_endpoint")).filter(
        (e) => e.vpc_endpoint_type === "Interface",
      );
    expect(interfaceEndpoints("prod").length).toBeGreaterThanOrEqual(8);
    expect(interfaceEndpoints("dev")).toHaveLength(0);
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
