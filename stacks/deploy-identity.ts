/**
 * The names and ARNs of the deploy model, computed from configuration alone: the account baseline
 * creates the roles and the state key alias under exactly these names, and the environment stacks
 * (access entries, S3 backend) and the workflows refer to them. Backends cannot use resource
 * references, and the baseline keeps its own state, so the contract is the name.
 */
import { EnvironmentConfig } from "../environments/schema";
import { SANDBOX_PREFIX } from "../environments/naming";

/** Stack ids of the account baselines start with this prefix: `account-<12-digit account id>`. */
export const ACCOUNT_BASELINE_PREFIX = "account-";

/** The stack id of the account baseline of `accountId`: `account-<accountId>`. */
export function accountBaselineStackId(accountId: string): string {
  return `${ACCOUNT_BASELINE_PREFIX}${accountId}`;
}

/** The AWS partition of a region (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** The GitHub Actions OIDC issuer (without scheme) and the audience its tokens carry for AWS. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/** The CI roles an environment is applied (deploy) and planned (plan) with. */
export interface CiRoles {
  readonly deployRoleName: string;
  readonly deployRoleArn: string;
  readonly planRoleName: string;
  readonly planRoleArn: string;
  /** The OIDC `sub` the deploy role trusts: a job of this repository in the environment's GitHub environment. */
  readonly deploySubject: string;
  /** The OIDC `sub` the plan role trusts: a pull request of this repository. */
  readonly planSubject: string;
}

/**
 * The plan and deploy roles of an environment, named after its GitHub environment
 * (`terraform-deploy-<githubEnvironment>`): a sandbox, whose `ci` section is dev's, is applied with
 * dev's roles.
 */
export function ciRoles(environment: EnvironmentConfig): CiRoles {
  const { ci, accountId, region } = environment;
  const arn = (name: string) => `arn:${partitionOf(region)}:iam::${accountId}:role/${name}`;
  const deployRoleName = `terraform-deploy-${ci.githubEnvironment}`;
  const planRoleName = `terraform-plan-${ci.githubEnvironment}`;
  return {
    deployRoleName,
    deployRoleArn: arn(deployRoleName),
    planRoleName,
    planRoleArn: arn(planRoleName),
    deploySubject: `repo:${ci.githubRepository}:environment:${ci.githubEnvironment}`,
    planSubject: `repo:${ci.githubRepository}:pull_request`,
  };
}

/** The names of the baseline's CI roles start with this prefix; the deploy roles may not touch them. */
export const CI_ROLE_NAME_PREFIX = "terraform-";

/**
 * The alias of the KMS key that encrypts a state bucket (`alias/terraform-state-<bucket>`): created
 * by `bootstrap-<env>`, named by the bucket so that sandboxes, which share dev's bucket, share its key.
 */
export function stateKeyAliasName(bucket: string): string {
  return `alias/terraform-state-${bucket.replace(/\./g, "-")}`;
}

/** The alias ARN of the environment's state key, as the S3 backend's `kms_key_id`. */
export function stateKeyAliasArn(environment: EnvironmentConfig): string {
  const { region, accountId, state } = environment;
  return `arn:${partitionOf(region)}:kms:${region}:${accountId}:${stateKeyAliasName(state.bucket)}`;
}

/** The state keys (`<prefix>/...`) an environment's roles read and write: its own, plus sandboxes' for a host. */
export function stateKeyPrefixes(environment: EnvironmentConfig): string[] {
  return [`${environment.name}/`, ...(environment.ci.hostsSandboxes ? [SANDBOX_PREFIX] : [])];
}

/** The GitHub-hosted runner of jobs that need no network path into an environment. */
export const GITHUB_HOSTED_RUNNER = "ubuntu-latest";

/**
 * The runner label a CI job runs on: the environment's runner (`ci.runnerLabel`, the one with a
 * network path to the cluster API) for stacks that talk to the cluster, a GitHub-hosted runner otherwise.
 */
export function runnerLabel(environment: EnvironmentConfig, talksToCluster: boolean): string {
  return talksToCluster ? environment.ci.runnerLabel : GITHUB_HOSTED_RUNNER;
}
