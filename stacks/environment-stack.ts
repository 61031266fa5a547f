import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Aspects, LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DEFAULT_REQUIRED_TAGS, PolicyPack } from "../constructs/policy/policy-pack";
import { ProtectStatefulResources } from "../constructs/policy/protect-stateful-resources";
import { EnvironmentConfig } from "../environments/schema";
import { stateKeyAliasArn } from "./deploy-identity";

/** Terraform versions the stacks accept: S3-native state locking (`use_lockfile`) needs 1.10. */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.10";

/**
 * The provider's `default_tags`: the environment's own tags and the tags the policy pack requires
 * ({@link DEFAULT_REQUIRED_TAGS}), so a stack passes its own policy check.
 */
export function stackTags(
  tags: Readonly<Record<string, string>>,
  required: { readonly environment: string; readonly repository: string; readonly stack: string },
): Record<string, string> {
  const values: Record<(typeof DEFAULT_REQUIRED_TAGS)[number], string> = {
    environment: required.environment,
    "managed-by": "cdktf",
    repository: required.repository,
    stack: required.stack,
  };
  return { ...tags, ...values };
}

/** The tags every taggable AWS resource of an environment carries, through the provider's `default_tags`. */
export function environmentTags(environment: EnvironmentConfig, stackId: string): Record<string, string> {
  return stackTags(environment.tags, {
    environment: environment.name,
    repository: environment.repository,
    stack: stackId,
  });
}

/** One exported value of a stack: what other tools and stacks read from its state. */
export interface StackOutput {
  readonly value: unknown;
  readonly description: string;
}

/** Props shared by every stack of an environment. */
export interface EnvironmentStackProps {
  /** The validated environment the stack belongs to. */
  readonly environment: EnvironmentConfig;
}

/**
 * A stack of one environment: it owns the AWS provider (pinned to the environment's account and
 * region, with default tags), the Terraform version constraint and the policy pack (with the
 * environment's compliance profile, so a violation fails synthesis). Subclasses choose the backend
 * ({@link addEnvironmentBackend} or {@link addBootstrapLocalBackend}).
 */
export abstract class AccountStack extends TerraformStack {
  /** The environment this stack belongs to. */
  readonly environment: EnvironmentConfig;

  protected constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id);
    this.environment = props.environment;
    const env = props.environment;
    new AwsProvider(this, "Aws", {
      region: env.region,
      allowedAccountIds: [env.accountId],
      defaultTags: [{ tags: environmentTags(env, id) }],
      ...(env.deployRoleArn
        ? { assumeRole: [{ roleArn: env.deployRoleArn, sessionName: `cdktf-${id}` }] }
        : {}),
    });
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    if (env.protection.preventDestroy) Aspects.of(this).add(new ProtectStatefulResources());
    Aspects.of(this).add(new PolicyPack({ profile: env.compliance }));
  }

  /** Exports values as Terraform outputs, by output name (stacks decide what is exported). */
  protected exportOutputs(outputs: Readonly<Record<string, StackOutput>>): void {
    for (const [outputId, { value, description }] of Object.entries(outputs)) {
      new TerraformOutput(this, outputId, { value, description });
    }
  }
}

/**
 * A layer stack (`<env>-network`, `<env>-cluster`, ...) with its state in the environment's bucket
 * under `<env>/<stack-id>.tfstate`, encrypted and locked with S3-native lock files.
 */
export class EnvironmentStack extends AccountStack {
  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id, props);
    addEnvironmentBackend(this, props.environment);
  }
}

/**
 * Keeps `stack`'s state in the environment's bucket under `<env>/<stack-id>.tfstate`, encrypted with
 * the environment's state key (named by its alias: a backend cannot refer to a resource), locked with
 * S3-native lock files, through the environment's state role if it names one. Without `kms_key_id`,
 * `encrypt = true` would write SSE-S3 objects, overriding the bucket's SSE-KMS default.
 */
export function addEnvironmentBackend(stack: TerraformStack, environment: EnvironmentConfig): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: environment.state.bucket,
    key: `${environment.name}/${stack.node.id}.tfstate`,
    region: environment.region,
    encrypt: true,
    kmsKeyId: stateKeyAliasArn(environment),
    ...(environment.state.roleArn ? { assumeRole: { roleArn: environment.state.roleArn } } : {}),
  });
  // cdktf 0.21's S3BackendConfig predates `use_lockfile` (Terraform 1.10), so it is set as an override.
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
  return backend;
}

/** Where `bootstrap-<env>` keeps its local state, relative to the stack's folder in `cdktf.out/stacks/`. */
export function bootstrapStatePath(stackId: string): string {
  return `../../../.bootstrap-state/${stackId}.tfstate`;
}

/**
 * Keeps `stack`'s state in a local file in `.bootstrap-state/` at the project root (outside
 * `cdktf.out/`, which synth rewrites): for a stack whose bucket does not exist yet.
 */
export function addBootstrapLocalBackend(stack: TerraformStack): LocalBackend {
  return new LocalBackend(stack, { path: bootstrapStatePath(stack.node.id) });
}
