/**
 * The deployability check: for each environment, proves from the synthesized Terraform JSON and the
 * workflow files that whoever applies its stacks can do so — the identity exists and is trusted by
 * the right GitHub jobs, it is authorized on the cluster, it can use the state key, it has a network
 * path to the cluster API, and the jobs that apply `<env>-platform` run on the runner with that
 * path. Pure: everything comes in as data, every missing link comes out as one problem naming the
 * environment and the link.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { parse } from "yaml";
import { EnvironmentSelection, longLivedEnvironments, selectEnvironments } from "../environments";
import { EnvironmentConfig } from "../environments/schema";
import {
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  accountBaselineStackId,
  ciRoles,
  stateKeyAliasArn,
  stateKeyAliasName,
} from "../stacks/deploy-identity";
import { buildApp, stackIds } from "../stacks/environment-app";
import { listing as cli } from "./infra/cli";
import { EnvironmentInventory, needsConfirmation } from "./infra/planner";

/** The links of the deploy path, each checked on its own. */
export const DEPLOY_LINKS = [
  "deploy-role",
  "plan-role",
  "state-key",
  "deploy-access-entry",
  "plan-access-entry",
  "runner-security-group",
  "api-ingress-rule",
  "public-endpoint-cidrs",
  "workflow-runner",
  "workflow-environment",
  "plan-runner",
] as const;

/** One link of the deploy path. */
export type DeployLink = (typeof DEPLOY_LINKS)[number];

/** A link that the synthesized output or the workflows do not prove. */
export interface MissingLink {
  readonly environment: string;
  readonly link: DeployLink;
  readonly message: string;
}

// Synthesized Terraform JSON is read structurally: any shape may be missing, so every access is guarded.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** A parsed GitHub Actions workflow (the parts the check reads). */
export interface WorkflowFile {
  readonly jobs: Record<string, WorkflowJob>;
}

/** A job of a workflow: one that runs steps, or one that calls a reusable workflow (`uses`, `with`). */
export interface WorkflowJob {
  readonly "runs-on"?: string | readonly string[];
  readonly environment?: string | { readonly name: string };
  readonly permissions?: Record<string, string>;
  readonly steps?: readonly { readonly run?: string }[];
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
}

/** One entry of the deploy matrix (`infra environments --json`). */
export interface DeployMatrixEntry {
  readonly environment: string;
  readonly region: string;
  readonly runner: string;
}

/** One entry of the pull-request plan matrix (`infra stacks <env>... --json`). */
export interface PlanMatrixEntry {
  readonly environment: string;
  readonly stack: string;
  readonly runner: string;
}

/** What the check reads. */
export interface DeployabilityInput {
  /** The environments to check. */
  readonly environments: readonly EnvironmentConfig[];
  /** Synthesized stacks by id: the environments', their bootstrap stacks and their account baselines. */
  readonly stacks: Readonly<Record<string, Json>>;
  /** Parsed workflow files by file name. */
  readonly workflows: Readonly<Record<string, WorkflowFile>>;
  /** The pull-request plan matrix; environments it does not list are not planned on pull requests. */
  readonly planMatrix: readonly PlanMatrixEntry[];
  /** The deploy matrix, whose entries the deploy workflows' `${{ matrix.* }}` expressions read. */
  readonly deployMatrix: readonly DeployMatrixEntry[];
}

/** Every missing link of every environment; empty when each environment is deployable. */
export function deployabilityProblems(input: DeployabilityInput): MissingLink[] {
  return input.environments.flatMap((environment) => {
    const problems: MissingLink[] = [];
    const fail = (link: DeployLink, message: string) =>
      problems.push({ environment: environment.name, link, message });
    const checks: Record<DeployLink, () => string | undefined> = {
      "deploy-role": () => roleProblem(input, environment, "deploy"),
      "plan-role": () => roleProblem(input, environment, "plan"),
      "state-key": () => stateKeyProblem(input, environment),
      "deploy-access-entry": () =>
        accessProblem(input, environment, applierRoleArn(environment), "AmazonEKSClusterAdminPolicy"),
      "plan-access-entry": () =>
        accessProblem(input, environment, ciRoles(environment).planRoleArn, "AmazonEKSAdminViewPolicy"),
      "runner-security-group": () =>
        environment.ci.apiAccess === "vpcRunner" ? runnerSecurityGroupProblem(input, environment) : undefined,
      "api-ingress-rule": () =>
        environment.ci.apiAccess === "vpcRunner" ? apiIngressProblem(input, environment) : undefined,
      "public-endpoint-cidrs": () =>
        environment.ci.apiAccess === "publicEndpoint" ? publicEndpointProblem(input, environment) : undefined,
      "workflow-runner": () => applyJobProblem(input, environment, "runner"),
      "workflow-environment": () => applyJobProblem(input, environment, "environment"),
      "plan-runner": () => planRunnerProblem(input, environment),
    };
    for (const link of DEPLOY_LINKS) {
      const message = checks[link]();
      if (message !== undefined) fail(link, message);
    }
    return problems;
  });
}

/** Formats problems one per line: `Environment 'stage': missing link 'api-ingress-rule': ...`. */
export function formatProblems(problems: readonly MissingLink[]): string {
  return problems
    .map((p) => `Environment '${p.environment}': missing link '${p.link}': ${p.message}`)
    .join("\n");
}

/** The role that runs Terraform for the environment: the provider's assumed role if set, else CI's deploy role. */
export function applierRoleArn(environment: EnvironmentConfig): string {
  return environment.deployRoleArn ?? ciRoles(environment).deployRoleArn;
}

// ---- identities ---------------------------------------------------------------------------------

function resources(stack: Json | undefined, type: string): [string, Json][] {
  return Object.entries((stack?.resource?.[type] ?? {}) as Record<string, Json>);
}

function parseJson(text: unknown): Json | undefined {
  try {
    return typeof text === "string" ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function statementsOf(policy: unknown): Json[] {
  const statements = parseJson(policy)?.Statement ?? [];
  return Array.isArray(statements) ? statements : [statements];
}

const list = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

function roleProblem(
  input: DeployabilityInput,
  environment: EnvironmentConfig,
  kind: "deploy" | "plan",
): string | undefined {
  const names = ciRoles(environment);
  const roleName = kind === "deploy" ? names.deployRoleName : names.planRoleName;
  const subject = kind === "deploy" ? names.deploySubject : names.planSubject;
  const baselineId = accountBaselineStackId(environment.accountId);
  const baseline = input.stacks[baselineId];
  if (!baseline) return `no account baseline stack ${baselineId} creates the ${kind} role ${roleName}`;
  const providers = resources(baseline, "aws_iam_openid_connect_provider").filter(
    ([, p]) =>
      p.url === `https://${GITHUB_OIDC_HOST}` && list(p.client_id_list).includes(GITHUB_OIDC_AUDIENCE),
  );
  if (providers.length === 0) return `${baselineId} has no GitHub OIDC provider for ${GITHUB_OIDC_HOST}`;
  const role = resources(baseline, "aws_iam_role").find(([, r]) => r.name === roleName);
  if (!role) return `${baselineId} has no IAM role named ${roleName}`;
  const [roleKey, roleBody] = role;
  const providerRefs = providers.map(([key]) => `\${aws_iam_openid_connect_provider.${key}.arn}`);
  const trusted = statementsOf(roleBody.assume_role_policy).some(
    (s) =>
      s.Effect === "Allow" &&
      providerRefs.includes(s.Principal?.Federated) &&
      list(s.Action).includes("sts:AssumeRoleWithWebIdentity") &&
      s.Condition?.StringEquals?.[`${GITHUB_OIDC_HOST}:aud`] === GITHUB_OIDC_AUDIENCE &&
      s.Condition?.StringEquals?.[`${GITHUB_OIDC_HOST}:sub`] === subject,
  );
  if (!trusted)
    return `${roleName} does not trust the GitHub OIDC provider for sub "${subject}" (audience ${GITHUB_OIDC_AUDIENCE})`;

  // The role must be able to use the state key, which the policies name by alias.
  const needed = kind === "deploy" ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"];
  const alias = stateKeyAliasName(environment.state.bucket);
  const roleRefs = [`\${aws_iam_role.${roleKey}.id}`, `\${aws_iam_role.${roleKey}.name}`];
  const keyStatements = resources(baseline, "aws_iam_role_policy")
    .filter(([, p]) => roleRefs.includes(p.role))
    .flatMap(([, p]) => statementsOf(p.policy))
    .filter(
      (s) =>
        s.Effect === "Allow" &&
        list(s.Resource).some((r) => typeof r === "string" && /:kms:[^:]+:\d{12}:key\/\*$/.test(r)) &&
        s.Condition?.["ForAnyValue:StringEquals"]?.["kms:ResourceAliases"] === alias,
    );
  const granted = new Set(keyStatements.flatMap((s) => list(s.Action)));
  const missing = needed.filter((action) => !granted.has(action));
  if (missing.length > 0)
    return `${roleName} is not granted ${missing.join(", ")} on the state key (${alias})`;
  return undefined;
}

function stateKeyProblem(input: DeployabilityInput, environment: EnvironmentConfig): string | undefined {
  const expected = stateKeyAliasArn(environment);
  const alias = stateKeyAliasName(environment.state.bucket);
  const ids = stackIds(environment.name);
  for (const id of [ids.network, ids.cluster, ids.data, ids.platform]) {
    const backend = input.stacks[id]?.terraform?.backend?.s3;
    if (!backend) return `${id} has no S3 backend`;
    if (backend.kms_key_id !== expected) {
      return `${id}'s backend kms_key_id is ${JSON.stringify(backend.kms_key_id)}, not the state key ${expected}`;
    }
  }
  const created = Object.values(input.stacks).some((stack) =>
    resources(stack, "aws_kms_alias").some(([, a]) => a.name === alias),
  );
  return created
    ? undefined
    : `no stack creates the state key alias ${alias} (bootstrap of ${environment.state.bucket})`;
}

// ---- cluster access -----------------------------------------------------------------------------

function accessProblem(
  input: DeployabilityInput,
  environment: EnvironmentConfig,
  principalArn: string,
  policyName: string,
): string | undefined {
  const id = stackIds(environment.name).cluster;
  const cluster = input.stacks[id];
  const entry = resources(cluster, "aws_eks_access_entry").find(([, e]) => e.principal_arn === principalArn);
  if (!entry) return `${id} has no EKS access entry for ${principalArn}`;
  const entryRef = `\${aws_eks_access_entry.${entry[0]}.principal_arn}`;
  const associated = resources(cluster, "aws_eks_access_policy_association").some(
    ([, a]) =>
      [entryRef, principalArn].includes(a.principal_arn) &&
      String(a.policy_arn).endsWith(`:cluster-access-policy/${policyName}`) &&
      a.access_scope?.type === "cluster",
  );
  return associated ? undefined : `${id} associates no cluster-wide ${policyName} with ${principalArn}`;
}

// ---- network path -------------------------------------------------------------------------------

function clusterOf(input: DeployabilityInput, environment: EnvironmentConfig): Json | undefined {
  return resources(input.stacks[stackIds(environment.name).cluster], "aws_eks_cluster")[0]?.[1];
}

/** The runner security group of the network stack: its resource key and the outputs that export its id. */
function runnerSecurityGroup(input: DeployabilityInput, environment: EnvironmentConfig) {
  const network = input.stacks[stackIds(environment.name).network];
  const expression = network?.output?.runner_security_group_id?.value;
  const match =
    typeof expression === "string" ? /^\$\{aws_security_group\.([\w-]+)\.id\}$/.exec(expression) : null;
  const group = match ? network?.resource?.aws_security_group?.[match[1]] : undefined;
  const exports = Object.entries((network?.output ?? {}) as Record<string, Json>)
    .filter(([, o]) => o.value === expression)
    .map(([name]) => name);
  return { network, key: match?.[1], group, exports };
}

function runnerSecurityGroupProblem(
  input: DeployabilityInput,
  environment: EnvironmentConfig,
): string | undefined {
  const id = stackIds(environment.name).network;
  const { network, key, group } = runnerSecurityGroup(input, environment);
  if (!key || !group) return `${id} exports no runner security group (output runner_security_group_id)`;
  const httpsOut = resources(network, "aws_vpc_security_group_egress_rule").some(
    ([, r]) =>
      r.security_group_id === `\${aws_security_group.${key}.id}` &&
      (r.ip_protocol === "-1" || (r.ip_protocol === "tcp" && r.from_port <= 443 && r.to_port >= 443)),
  );
  if (!httpsOut) return `${id}'s runner security group allows no HTTPS out (443)`;
  if (!network?.output?.runner_subnet_ids)
    return `${id} exports no runner subnets (output runner_subnet_ids)`;
  return undefined;
}

function apiIngressProblem(input: DeployabilityInput, environment: EnvironmentConfig): string | undefined {
  const id = stackIds(environment.name).cluster;
  const cluster = clusterOf(input, environment);
  if (!cluster) return `${id} has no EKS cluster`;
  if (cluster.vpc_config?.endpoint_private_access !== true) return `${id}'s cluster has no private endpoint`;
  const { exports } = runnerSecurityGroup(input, environment);
  const runnerRefs = exports.map(
    (name) => new RegExp(`^\\$\\{data\\.terraform_remote_state\\.[\\w-]+\\.outputs\\.${name}\\}$`),
  );
  const controlPlaneGroups = list(cluster.vpc_config?.security_group_ids);
  const admitted = resources(input.stacks[id], "aws_vpc_security_group_ingress_rule").some(
    ([, r]) =>
      controlPlaneGroups.includes(r.security_group_id) &&
      runnerRefs.some((ref) => ref.test(String(r.referenced_security_group_id))) &&
      (r.ip_protocol === "-1" || (r.ip_protocol === "tcp" && r.from_port <= 443 && r.to_port >= 443)),
  );
  return admitted
    ? undefined
    : `${id}'s control-plane security group admits no HTTPS (443) from the network's runner security group`;
}

function publicEndpointProblem(
  input: DeployabilityInput,
  environment: EnvironmentConfig,
): string | undefined {
  const id = stackIds(environment.name).cluster;
  const cluster = clusterOf(input, environment);
  if (!cluster) return `${id} has no EKS cluster`;
  if (cluster.vpc_config?.endpoint_public_access !== true) return `${id}'s cluster has no public endpoint`;
  const allowed = list(cluster.vpc_config?.public_access_cidrs);
  const missing = environment.ci.runnerEgressCidrs.filter((cidr) => !allowed.includes(cidr));
  return missing.length === 0
    ? undefined
    : `${id}'s public endpoint does not admit the runner egress ${missing.join(", ")}`;
}

// ---- workflows ----------------------------------------------------------------------------------

/** A job and where it lives (workflow file and job id). */
interface LocatedJob {
  readonly file: string;
  readonly id: string;
  readonly job: WorkflowJob;
}

const EXPRESSION = /^\$\{\{\s*(inputs|matrix)\.([\w-]+)\s*\}\}$/;

/**
 * The workflow jobs that apply the environment's stacks: a job running `infra deploy <env>` or
 * `infra apply <env>` (or with `"$VARIABLE"`, which applies whatever environment its caller
 * passes, as does the plan of a whole environment before its apply), or for a sandbox
 * `infra sandbox`.
 */
function applyJobs(input: DeployabilityInput, environment: EnvironmentConfig): LocatedJob[] {
  const literal = environment.sandbox
    ? /npm run infra -- sandbox\b/
    : new RegExp(`npm run infra -- (deploy|apply) ${environment.name}(\\s|$)`);
  // Main's plan of a whole environment (no --stack) runs where its apply runs: same runner, same role.
  const variable = /npm run infra -- ((deploy|apply) "?\$\w+"?|plan "?\$\w+"?(?!.*--stack))/;
  return Object.entries(input.workflows).flatMap(([file, workflow]) =>
    Object.entries(workflow.jobs ?? {})
      .filter(([, job]) =>
        (job.steps ?? []).some(
          (step) => literal.test(step.run ?? "") || (!environment.sandbox && variable.test(step.run ?? "")),
        ),
      )
      .map(([id, job]) => ({ file, id, job })),
  );
}

/**
 * The values an expression of a job takes for the environment: a literal is itself; `${{ inputs.x }}`
 * is what each caller of the (reusable) workflow passes as `x`; `${{ matrix.y }}` is the deploy
 * matrix's `y` for the environment. Undefined when it cannot be resolved (or the environment is not
 * in the matrix).
 */
function resolveForEnvironment(
  input: DeployabilityInput,
  located: LocatedJob,
  value: unknown,
  environment: EnvironmentConfig,
  depth = 0,
): unknown[] | undefined {
  if (typeof value !== "string") return value === undefined ? undefined : [value];
  const match = EXPRESSION.exec(value.trim());
  if (!match) return [value];
  const [, context, key] = match;
  if (context === "matrix") {
    const entry = input.deployMatrix.find((e) => e.environment === environment.name);
    const resolved = entry ? (entry as unknown as Record<string, unknown>)[key] : undefined;
    return resolved === undefined ? undefined : [resolved];
  }
  if (depth > 5) return undefined;
  const callers = Object.entries(input.workflows).flatMap(([file, workflow]) =>
    Object.entries(workflow.jobs ?? {})
      .filter(([, job]) => job.uses === `./.github/workflows/${located.file}`)
      .map(([id, job]) => ({ file, id, job })),
  );
  if (callers.length === 0) return undefined;
  const values = callers.map((caller) =>
    resolveForEnvironment(input, caller, caller.job.with?.[key], environment, depth + 1),
  );
  return values.some((v) => v === undefined) ? undefined : values.flat();
}

const labelsOf = (runsOn: unknown): unknown[] => [runsOn ?? []].flat();

function applyJobProblem(
  input: DeployabilityInput,
  environment: EnvironmentConfig,
  aspect: "runner" | "environment",
): string | undefined {
  const jobs = applyJobs(input, environment);
  const what = environment.sandbox ? "infra sandbox" : `infra deploy ${environment.name}`;
  if (jobs.length === 0) return `no workflow job runs ${what}`;
  for (const located of jobs) {
    const name = `${located.file}: ${located.id}`;
    const { job } = located;
    if (aspect === "runner") {
      const labels = labelsOf(job["runs-on"]).map((label) =>
        resolveForEnvironment(input, located, label, environment),
      );
      const resolved = labels.some((l) => l === undefined) ? undefined : labels.flat();
      if (!resolved || !resolved.includes(environment.ci.runnerLabel)) {
        return `${name} runs on ${JSON.stringify(resolved ?? job["runs-on"])}, not on ${environment.ci.runnerLabel}, the runner with a path to the cluster API`;
      }
    }
    if (aspect === "environment") {
      const declared = typeof job.environment === "string" ? job.environment : job.environment?.name;
      const resolved = resolveForEnvironment(input, located, declared, environment);
      if (!resolved || resolved.some((value) => value !== environment.ci.githubEnvironment)) {
        return `${name} runs in GitHub environment ${JSON.stringify(resolved ?? declared)}, not ${environment.ci.githubEnvironment}, which the deploy role trusts`;
      }
      if (job.permissions?.["id-token"] !== "write") {
        return `${name} cannot request an OIDC token (permissions: id-token: write)`;
      }
    }
  }
  return undefined;
}

function planRunnerProblem(input: DeployabilityInput, environment: EnvironmentConfig): string | undefined {
  const platform = stackIds(environment.name).platform;
  const entry = input.planMatrix.find((e) => e.environment === environment.name && e.stack === platform);
  if (!entry) {
    // Environments the pull-request matrix does not list are not planned on pull requests.
    return input.planMatrix.some((e) => e.environment === environment.name)
      ? `the pull-request plan matrix has no entry for ${platform}`
      : undefined;
  }
  if (entry.runner !== environment.ci.runnerLabel) {
    return `the pull-request plan of ${platform} runs on ${entry.runner}, not on ${environment.ci.runnerLabel}`;
  }
  // The pull-request matrix's plans (one stack each); main's plan of a whole environment is checked
  // with its apply (applyJobs).
  const planJobs = Object.entries(input.workflows).flatMap(([file, workflow]) =>
    Object.entries(workflow.jobs ?? {})
      .filter(([, job]) =>
        (job.steps ?? []).some((step) => /npm run infra -- plan\b.*--stack/.test(step.run ?? "")),
      )
      .map(([name, job]) => ({ name: `${file}: ${name}`, job })),
  );
  if (planJobs.length === 0) return "no workflow job runs infra plan for the pull-request matrix";
  const wrong = planJobs.find(({ job }) => !labelsOf(job["runs-on"]).includes("${{ matrix.runner }}"));
  return wrong
    ? `${wrong.name} does not run on the matrix's runner (runs-on: \${{ matrix.runner }})`
    : undefined;
}

// ---- reading a synthesis ------------------------------------------------------------------------

/**
 * An environment's stacks as the `infra` CLI's inventory describes them, read from an existing
 * synthesis (so the workflows' matrices can be computed by the CLI itself without synthesizing
 * each environment again).
 */
export function inventoryFromSynthesis(
  environment: EnvironmentConfig,
  stacks: Readonly<Record<string, Json>>,
): EnvironmentInventory {
  return {
    name: environment.name,
    sandbox: environment.sandbox,
    confirmationRequired: needsConfirmation(environment),
    region: environment.region,
    stacks: Object.entries(stacks)
      .filter(([id]) => id.startsWith(`${environment.name}-`))
      .map(([id, json]) => ({
        id,
        dependencies: [],
        usesKubernetes: Object.keys(json.provider ?? {}).some((p) => p === "kubernetes" || p === "helm"),
        declaresVpc: "aws_vpc" in (json.resource ?? {}),
      })),
    clusterNames: [],
    hasComputedClusterName: false,
  };
}

/** A matrix exactly as the workflows compute it (`infra stacks --json`, `infra environments --json`). */
export function workflowMatrix<T>(
  command: "stacks" | "environments",
  stacks: Readonly<Record<string, Json>>,
): T[] {
  const out: string[] = [];
  const err: string[] = [];
  const status = cli([command, "--json"], {
    io: { out: (line) => out.push(line), err: (line) => err.push(line) },
    runner: () => {
      throw new Error(`infra ${command} runs no command`);
    },
    inventory: (environment) => inventoryFromSynthesis(environment, stacks),
  });
  if (status !== 0) throw new Error(`infra ${command} --json failed:\n${err.join("\n")}`);
  return JSON.parse(out.join("\n")).include as T[];
}

/** The parsed workflow files of a `.github/workflows` folder, by file name. */
export function readWorkflows(dir: string): Record<string, WorkflowFile> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((file) => /\.ya?ml$/.test(file))
      .map((file) => [file, parse(fs.readFileSync(path.join(dir, file), "utf8")) as WorkflowFile]),
  );
}

/**
 * Synthesizes the selected environments with their account baselines (as `main.ts` does) into a
 * temporary folder, reads the workflows and returns every missing link. This is what
 * `npm run check:deploy` runs.
 */
export function checkDeployability(
  selection: EnvironmentSelection,
  workflowsDir: string,
): { environments: string[]; problems: MissingLink[] } {
  const environments = selectEnvironments(selection);
  const longLived = longLivedEnvironments();
  // A sandbox's state key is created by its host's bootstrap stack: synthesize the host too.
  const hosts = longLived.filter(
    (host) =>
      !environments.some((env) => env.name === host.name) &&
      environments.some((env) => env.sandbox && env.state.bucket === host.state.bucket),
  );
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "deployability-"));
  try {
    const app = new App({ outdir, stackTraces: false, hclOutput: false });
    buildApp(app, [...environments, ...hosts], { accountBaselines: longLived });
    app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { synthesizedStackPath: string }>;
    };
    const stacks: Record<string, Json> = Object.fromEntries(
      Object.entries(manifest.stacks).map(([id, entry]) => [
        id,
        JSON.parse(fs.readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8")),
      ]),
    );
    const problems = deployabilityProblems({
      environments,
      stacks,
      workflows: readWorkflows(workflowsDir),
      planMatrix: workflowMatrix<PlanMatrixEntry>("stacks", stacks),
      deployMatrix: workflowMatrix<DeployMatrixEntry>("environments", stacks),
    });
    return { environments: environments.map((env) => env.name), problems };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
