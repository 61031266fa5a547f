/**
 * Traces and their correlation in every environment: the trace bucket of `<env>-data`, Tempo in
 * `<env>-platform` on that bucket through a role limited to it, the gateway's trace pipeline and
 * Grafana's datasources (every uid a correlation setting refers to is provisioned).
 */
import { Testing } from "cdktf";
import { ENVIRONMENTS, loadEnvironment, sandboxEnvironment } from "../../environments";
import { DataStack } from "../../stacks/data-stack";
import { buildEnvironment, stackIds } from "../../stacks/environment-app";
import { NetworkStack } from "../../stacks/network-stack";
import { ENVIRONMENT_NAMES_UNDER_TEST, configOf, synthesizedEnvironments } from "../environments-under-test";
import {
  TerraformJson,
  expectErrorContaining,
  findResourcesUnder,
  resourcesOf,
  withChanges,
} from "../helpers";
import { policyStatements, releasesOf, statementsOfPolicies, valuesOf } from "../platform-helpers";

const { stacks } = synthesizedEnvironments();
const ENVS = ENVIRONMENT_NAMES_UNDER_TEST;
const TRACING = ENVS.filter((env) => configOf(env).platform.components.tracing);
const platform = (env: string): TerraformJson => stacks[`${env}-platform`];
const data = (env: string): TerraformJson => stacks[`${env}-data`];
const values = (env: string, release: string) => valuesOf(platform(env), release);
describe("the environments that trace", () => {
  it("are every shipped environment; the sandbox does not", () => {
    expect(TRACING).toEqual(ENVS.filter((env) => !configOf(env).sandbox));
    expect(TRACING.length).toBeGreaterThan(0);
  });

  it("keep traces longer in prod than in dev", () => {
    expect(configOf("prod").platform.tempoRetentionDays).toBeGreaterThan(
      configOf("dev").platform.tempoRetentionDays,
    );
  });
});

describe.each(TRACING)("%s: traces", (env) => {
  const config = configOf(env);

  it("the data stack's trace bucket is KMS-encrypted and expires objects after the observability backstop", () => {
    const [encryption] = findResourcesUnder(
      data(env),
      "aws_s3_bucket_server_side_encryption_configuration",
      "TraceBucket",
    ).map((r) => r.body);
    expect(encryption.rule[0].apply_server_side_encryption_by_default).toMatchObject({
      sse_algorithm: "aws:kms",
    });
    expect(findResourcesUnder(data(env), "aws_kms_key", "TraceBucket")).toHaveLength(1);
    const [lifecycle] = findResourcesUnder(
      data(env),
      "aws_s3_bucket_lifecycle_configuration",
      "TraceBucket",
    ).map((r) => r.body);
    const expiry = lifecycle.rule.find((r: { id: string }) => r.id === "expire-objects").expiration[0].days;
    expect(expiry).toBe(config.data.buckets.logExpirationDays);
    expect(expiry).toBeGreaterThanOrEqual(config.platform.tempoRetentionDays);
    const [bucket] = findResourcesUnder(data(env), "aws_s3_bucket", "TraceBucket").map((r) => r.body);
    expect(bucket.force_destroy).toBe(false);
    expect(data(env).output?.trace_bucket_name.value).toMatch(
      /^\$\{aws_s3_bucket\.TraceBucket_\w+\.bucket\}$/,
    );
  });

  it("Tempo keeps them tempoRetentionDays in that bucket, sized by platform.sizing.tempo", () => {
    const tempo = values(env, "tempo");
    expect(tempo.tempo.retention).toBe(`${config.platform.tempoRetentionDays * 24}h`);
    expect(tempo.tempo.storage.trace.s3.bucket).toMatch(
      new RegExp(
        `^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-${env}-data\\.outputs\\.cross-stack-output-aws_s3_bucketTraceBucket_\\w+bucket\\}$`,
      ),
    );
    expect(tempo.tempo.storage.trace.s3.region).toBe(config.region);
    expect(tempo.tempo.resources.requests).toEqual({
      cpu: `${config.platform.sizing.tempo.cpuMillis}m`,
      memory: `${config.platform.sizing.tempo.memoryMiB}Mi`,
    });
  });

  it("Tempo's role reaches that bucket and its key only", () => {
    const resources = policyStatements(platform(env), "trace-bucket").flatMap((s: { Resource: string }) =>
      [s.Resource].flat(),
    );
    const output = `data\\.terraform_remote_state\\.cross-stack-reference-input-${env}-data\\.outputs\\.cross-stack-output-`;
    for (const resource of resources) {
      expect(resource).toMatch(
        new RegExp(
          `^\\$\\{${output}(aws_s3_bucketTraceBucket_\\w+arn\\}(/\\*)?|aws_kms_keyTraceBucket_Key_\\w+arn\\})$`,
        ),
      );
    }
  });

  it("the gateway sends traces to Tempo over OTLP gRPC, not to X-Ray, and has no AWS role", () => {
    const gateway = values(env, "otel-collector");
    expect(gateway.config.service.pipelines.traces).toEqual({ exporters: ["otlp_grpc/tempo"] });
    expect(gateway.config.exporters["otlp_grpc/tempo"].endpoint).toBe(
      "tempo.observability.svc.cluster.local:4317",
    );
    expect(Object.values(resourcesOf(platform(env), "aws_iam_role_policy")).map((p) => p.name)).not.toContain(
      "xray-write",
    );
  });

  it("Grafana provisions every datasource a correlation setting refers to", () => {
    const grafana = values(env, "kube-prometheus-stack").grafana;
    const provisioned = [
      grafana.sidecar.datasources.uid,
      grafana.sidecar.datasources.alertmanager.uid,
      ...grafana.additionalDataSources.map((d: { uid: string }) => d.uid),
    ];
    expect(provisioned.sort()).toEqual(["alertmanager", "cloudwatch", "loki", "prometheus", "tempo"]);
    const refs = JSON.stringify(grafana).match(/"datasourceUid":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThanOrEqual(7);
    for (const ref of refs) expect(provisioned).toContain(JSON.parse(`{${ref}}`).datasourceUid);
  });

  it("Grafana's CloudWatch role is read-only and limited to the environment's region", () => {
    const statements = statementsOfPolicies(platform(env), "cloudwatch-read").flat();
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      expect(s.Condition).toEqual({ StringEquals: { "aws:RequestedRegion": config.region } });
      for (const action of [s.Action].flat()) {
        expect(action).toMatch(/^(cloudwatch|logs|ec2|tag):(Describe|List|Get|StartQuery|StopQuery)/);
      }
    }
  });
});

describe("sandboxes", () => {
  it("have no trace bucket, no Tempo and no gateway (tracing off)", () => {
    const sandbox = ENVS.find((env) => configOf(env).sandbox) as string;
    expect(findResourcesUnder(data(sandbox), "aws_s3_bucket", "TraceBucket")).toEqual([]);
    expect(releasesOf(platform(sandbox))).not.toHaveProperty("tempo");
    expect(releasesOf(platform(sandbox))).not.toHaveProperty("otel-collector");
  });

  it("force_destroy their trace bucket when tracing is turned on", () => {
    // Built, not synthesized: the bucket's own input is what the data stack passed.
    const environment = loadEnvironment(
      withChanges(sandboxEnvironment("tracer"), { "platform.components.tracing": true }),
    );
    const app = Testing.app();
    const ids = stackIds(environment.name);
    const network = new NetworkStack(app, ids.network, { environment });
    const { traceBucket } = new DataStack(app, ids.data, { environment, network });
    expect(traceBucket?.bucket.forceDestroyInput).toBe(true);
  });
});

describe("the capacity check counts Tempo", () => {
  it("fails synthesis when Tempo's requests fit no baseline node, naming the release", () => {
    const oversized = withChanges(ENVIRONMENTS.dev, {
      "platform.sizing.tempo": { cpuMillis: 4000, memoryMiB: 512 },
    });
    expectErrorContaining(
      () => buildEnvironment(Testing.app(), loadEnvironment(oversized)),
      "Environment 'dev': the platform releases do not fit the cluster's baseline nodes",
      "release 'tempo' component 'tempo' cannot be scheduled: needs 1 pod(s) × 4000m CPU / 512 MiB",
    );
  });
});
