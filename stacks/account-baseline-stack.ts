import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { PolicyDocument, PolicyStatement, policyDocument, policyJson } from "../constructs/core/iam";
import { PolicyPack } from "../constructs/policy/policy-pack";
import { EnvironmentConfig } from "../environments/schema";
import {
  CI_ROLE_NAME_PREFIX,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  ciRoles,
  partitionOf,
  stateKeyAliasName,
  stateKeyPrefixes,
} from "./deploy-identity";
import {
  stackTags,
  REQUIRED_TERRAFORM_VERSION,
  addBootstrapLocalBackend,
  addEnvironmentBackend,
} from "./environment-stack";

/** Props of {@link AccountBaselineStack}. */
export interface AccountBaselineStackProps {
  /**
   * The long-lived environments of one AWS account, validated; the first one decides the region of
   * the provider and where the baseline's own state lives (its `state.bootstrapBackend`).
   */
  readonly environments: readonly EnvironmentConfig[];
}

/** The roles the baseline creates for one environment. */
export interface EnvironmentCiRoles {
  readonly deployRoleArn: string;
  readonly planRoleArn: string;
}

/** The policy profiles from strictest to most lenient: the baseline takes its account's strictest. */
const PROFILE_ORDER = ["production", "staging", "development", "sandbox"] as const;

/** Actions on the account's IAM roles, policies and OIDC providers that applying the stacks needs. */
const STACK_IAM_ACTIONS = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:GetRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:PutRolePolicy",
  "iam:GetRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:ListRolePolicies",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
  "iam:ListRoleTags",
  "iam:PassRole",
  "iam:CreatePolicy",
  "iam:DeletePolicy",
  "iam:GetPolicy",
  "iam:GetPolicyVersion",
  "iam:ListPolicyVersions",
  "iam:CreatePolicyVersion",
  "iam:DeletePolicyVersion",
  "iam:TagPolicy",
  "iam:UntagPolicy",
  "iam:ListPolicyTags",
  "iam:ListEntitiesForPolicy",
  "iam:CreateInstanceProfile",
  "iam:DeleteInstanceProfile",
  "iam:GetInstanceProfile",
  "iam:AddRoleToInstanceProfile",
  "iam:RemoveRoleFromInstanceProfile",
  "iam:TagInstanceProfile",
  "iam:UntagInstanceProfile",
  "iam:ListInstanceProfileTags",
  "iam:CreateOpenIDConnectProvider",
  "iam:DeleteOpenIDConnectProvider",
  "iam:GetOpenIDConnectProvider",
  "iam:TagOpenIDConnectProvider",
  "iam:UntagOpenIDConnectProvider",
  "iam:ListOpenIDConnectProviderTags",
  "iam:UpdateOpenIDConnectProviderThumbprint",
  "iam:AddClientIDToOpenIDConnectProvider",
  "iam:RemoveClientIDFromOpenIDConnectProvider",
];

/**
 * `account-<accountId>`: what one AWS account needs once, before any environment in it can be
 * planned or deployed from CI. It holds the GitHub Actions OIDC provider and, per long-lived
 * environment of the account, two roles:
 *
 * - `terraform-plan-<env>` for pull requests: trusted only for `repo:<repository>:pull_request`,
 *   `ReadOnlyAccess` plus read access to the environment's state and its KMS key (plans run with
 *   `-lock=false`, so no lock writes), and no reads of object, secret or parameter data.
 * - `terraform-deploy-<env>`: trusted only for jobs of the repository in the environment's GitHub
 *   environment (`repo:<repository>:environment:<env>`, whose protection rules pin the branch),
 *   `PowerUserAccess` plus the IAM actions the stacks need, never on the baseline's own roles or the
 *   GitHub OIDC provider, and read/write access to the state and its key.
 *
 * Both also trust the environment's `ci.operatorRoleArns`, so that a person running `infra` locally
 * assumes them rather than using personal credentials. It is applied by an account administrator
 * (never by the roles it creates) and keeps its own state like `bootstrap-<env>`.
 */
export class AccountBaselineStack extends TerraformStack {
  /** The account. */
  readonly accountId: string;
  /** ARN of the GitHub Actions OIDC provider. */
  readonly githubOidcProviderArn: string;
  /** The CI roles, by environment name. */
  readonly roles: Readonly<Record<string, EnvironmentCiRoles>>;

  constructor(scope: Construct, id: string, props: AccountBaselineStackProps) {
    super(scope, id);
    const environments = props.environments;
    const [primary] = environments;
    const problems: string[] = [];
    if (!primary) problems.push("'environments' must list at least one environment of the account");
    const accounts = new Set(environments.map((env) => env.accountId));
    if (accounts.size > 1)
      problems.push(`'environments' must share one account, got ${[...accounts].join(", ")}`);
    const sandboxes = environments.filter((env) => env.sandbox).map((env) => env.name);
    if (sandboxes.length > 0) {
      problems.push(
        `'environments' must be long-lived (sandboxes use their host's roles), got ${sandboxes.join(", ")}`,
      );
    }
    const githubEnvironments = environments.map((env) => env.ci.githubEnvironment);
    const shared = githubEnvironments.filter((name, i) => githubEnvironments.indexOf(name) !== i);
    if (shared.length > 0) {
      problems.push(
        `'environments' must each have their own ci.githubEnvironment, shared: ${shared.join(", ")}`,
      );
    }
    if (problems.length > 0 || !primary) {
      throw new Error(problems.map((p) => `AccountBaselineStack '${id}': ${p}`).join("\n"));
    }

    this.accountId = primary.accountId;
    const partition = partitionOf(primary.region);
    const names = environments.map((env) => env.name);
    new AwsProvider(this, "Aws", {
      region: primary.region,
      allowedAccountIds: [primary.accountId],
      defaultTags: [
        {
          // Not an environment's name: the environments' deploy roles may not modify what this stack owns.
          tags: stackTags(primary.tags, {
            environment: "account",
            repository: primary.repository,
            stack: id,
          }),
        },
      ],
    });
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    if (primary.state.bootstrapBackend === "bucket") addEnvironmentBackend(this, primary);
    else addBootstrapLocalBackend(this);
    const profile =
      PROFILE_ORDER.find((p) => environments.some((env) => env.compliance === p)) ?? "production";
    Aspects.of(this).add(new PolicyPack({ profile }));

    const oidcProvider = new IamOpenidConnectProvider(this, "GithubOidcProvider", {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: [GITHUB_OIDC_AUDIENCE],
      tags: { Name: "github-actions" },
    });
    this.githubOidcProviderArn = oidcProvider.arn;

    const roles: Record<string, EnvironmentCiRoles> = {};
    for (const env of environments) {
      const names = ciRoles(env);
      const state = stateAccess(env, partition);
      const trust = (subject: string): PolicyDocument =>
        policyDocument(
          {
            Sid: "GithubActions",
            Effect: "Allow",
            Principal: { Federated: oidcProvider.arn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
                [`${GITHUB_OIDC_HOST}:sub`]: subject,
              },
            },
          },
          ...(env.ci.operatorRoleArns.length > 0
            ? [
                {
                  Sid: "Operators",
                  Effect: "Allow",
                  Principal: { AWS: [...env.ci.operatorRoleArns] },
                  Action: "sts:AssumeRole",
                } satisfies PolicyStatement,
              ]
            : []),
        );

      const planRole = new IamRole(this, `PlanRole-${env.name}`, {
        name: names.planRoleName,
        description: `Plans the stacks of ${env.name} for pull requests of ${env.ci.githubRepository} (read-only)`,
        assumeRolePolicy: policyJson(trust(names.planSubject)),
        tags: { Name: names.planRoleName },
      });
      new IamRolePolicyAttachment(this, `PlanRoleReadOnly-${env.name}`, {
        role: planRole.name,
        policyArn: `arn:${partition}:iam::aws:policy/ReadOnlyAccess`,
      });
      new IamRolePolicy(this, `PlanRolePolicy-${env.name}`, {
        name: "terraform-plan",
        role: planRole.id,
        policy: policyJson(
          policyDocument(
            state.list,
            { Sid: "ReadState", Effect: "Allow", Action: "s3:GetObject", Resource: state.objects },
            { ...state.key, Action: ["kms:Decrypt", "kms:DescribeKey"] },
            {
              // ReadOnlyAccess reads object, secret and parameter values; a pull request's plan needs none of them.
              Sid: "NoDataReads",
              Effect: "Deny",
              Action: ["s3:GetObject", "s3:GetObjectVersion"],
              NotResource: state.objects,
            },
            {
              Sid: "NoSecretReads",
              Effect: "Deny",
              Action: "secretsmanager:GetSecretValue",
              Resource: "*",
            },
            {
              // The account's own parameters only: AWS's public ones (/aws/service/..., e.g. EKS AMI ids)
              // have no account in their ARN and stay readable for data sources.
              Sid: "NoParameterReads",
              Effect: "Deny",
              Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
              Resource: `arn:${partition}:ssm:*:${env.accountId}:parameter/*`,
            },
          ),
        ),
      });

      const deployRole = new IamRole(this, `DeployRole-${env.name}`, {
        name: names.deployRoleName,
        description: `Applies the stacks of ${env.name} from GitHub environment ${env.ci.githubEnvironment} of ${env.ci.githubRepository}`,
        assumeRolePolicy: policyJson(trust(names.deploySubject)),
        tags: { Name: names.deployRoleName },
      });
      new IamRolePolicyAttachment(this, `DeployRolePowerUser-${env.name}`, {
        role: deployRole.name,
        policyArn: `arn:${partition}:iam::aws:policy/PowerUserAccess`,
      });
      const iam = (kind: string) => `arn:${partition}:iam::${env.accountId}:${kind}`;
      new IamRolePolicy(this, `DeployRolePolicy-${env.name}`, {
        name: "terraform-deploy",
        role: deployRole.id,
        policy: policyJson(
          policyDocument(
            state.list,
            {
              Sid: "WriteStateAndLocks",
              Effect: "Allow",
              Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
              Resource: state.objects,
            },
            {
              ...state.key,
              Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            },
            {
              Sid: "StackIam",
              Effect: "Allow",
              Action: STACK_IAM_ACTIONS,
              Resource: [iam("role/*"), iam("policy/*"), iam("instance-profile/*"), iam("oidc-provider/*")],
            },
            {
              Sid: "NotTheBaseline",
              Effect: "Deny",
              Action: "iam:*",
              Resource: [iam(`role/${CI_ROLE_NAME_PREFIX}*`), iam(`oidc-provider/${GITHUB_OIDC_HOST}`)],
            },
          ),
        ),
      });
      roles[env.name] = { deployRoleArn: deployRole.arn, planRoleArn: planRole.arn };
    }
    this.roles = roles;

    new TerraformOutput(this, "github_oidc_provider_arn", {
      value: oidcProvider.arn,
      description: "GitHub Actions OIDC provider",
    });
    for (const name of names) {
      new TerraformOutput(this, `${name}_deploy_role_arn`, {
        value: roles[name].deployRoleArn,
        description: `Deploy role of ${name} (GitHub environment variable AWS_DEPLOY_ROLE_ARN)`,
      });
      new TerraformOutput(this, `${name}_plan_role_arn`, {
        value: roles[name].planRoleArn,
        description: `Plan role of ${name} (entry of the repository variable AWS_PLAN_ROLE_ARNS)`,
      });
    }
  }
}

/** Statements for an environment's state: listing its prefixes, its objects, and its key by alias. */
function stateAccess(
  env: EnvironmentConfig,
  partition: string,
): { list: PolicyStatement; objects: string[]; key: Omit<PolicyStatement, "Action"> } {
  const bucketArn = `arn:${partition}:s3:::${env.state.bucket}`;
  const prefixes = stateKeyPrefixes(env);
  return {
    list: {
      Sid: "ListState",
      Effect: "Allow",
      Action: "s3:ListBucket",
      // Unconditioned: Terraform lists the bucket (workspaces) outside the state key's prefix.
      Resource: bucketArn,
    },
    objects: prefixes.map((p) => `${bucketArn}/${p}*`),
    key: {
      Sid: "StateKey",
      Effect: "Allow",
      // A key policy cannot be addressed by alias in Resource; kms:ResourceAliases selects the key.
      Resource: `arn:${partition}:kms:${env.region}:${env.accountId}:key/*`,
      Condition: {
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": stateKeyAliasName(env.state.bucket) },
      },
    },
  };
}
