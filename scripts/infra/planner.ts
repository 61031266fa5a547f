/**
 * The pure half of the `infra` CLI: an environment's inventory plus an operation in, the exact list
 * of steps out. Nothing here reads files, spawns processes or looks at the clock, so the dry run
 * (which prints these steps) and the tests (which assert on them) see exactly what a real run executes.
 *
 * Execution model: the environment is synthesized once (the same app command `cdktf.json` runs),
 * then each stack runs its own steps once the stacks it waits for have finished, so independent
 * stacks (cluster and data) run side by side. Terraform is driven directly rather than through
 * `cdktf deploy`: the plan file that was summarized and confirmed is the one applied, every step's
 * exit code is checked per stack, and the cdktf CLI's fixed ~3 s overhead and prompts are avoided.
 *
 * Reviewed plans: `plan` writes `plans/<env>/<stack>.tfplan` and, from `terraform show -json`, a
 * summary `plans/<env>/<stack>.plan.json` (the changes, the SHA-256 of the plan file and of the
 * stack's `cdk.tf.json`); `apply` applies exactly those files after checking both hashes; `deploy`
 * is plan, summary, confirmation and apply, stack by stack.
 */
import { RefusalError } from "./errors";
import { SANDBOX_ENVIRONMENT_PATTERN, sandboxNameOf } from "../../environments/naming";

/** Where the app synthesizes stacks, relative to the project root (the CLI's working directory). */
export const STACKS_DIR = "cdktf.out/stacks";
/** Plan files, relative to the project root (gitignored); one folder per environment. */
export const PLANS_DIR = "plans";
/** Where `bootstrap-<env>` keeps its local state, relative to the project root (stacks/environment-stack.ts). */
const BOOTSTRAP_STATE_DIR = ".bootstrap-state";
/** The project root seen from a stack folder (`terraform -chdir` resolves paths from there). */
const ROOT_FROM_STACK = "../../..";
/** How long kubectl waits for the controllers to delete the load balancers behind a resource. */
const KUBECTL_TIMEOUT = "10m";

/** A sandbox environment's full name: `sandbox-<name>`, `<name>` 1–12 lowercase letters or digits. */

/**
 * Resource types that hold data or identity which a delete or a replacement loses: a plan that
 * deletes or replaces one outside a sandbox is refused unless its exact address is named with
 * `--allow-destroy <stack>:<address>`.
 */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [
  "aws_db_instance",
  "aws_rds_cluster",
  "aws_rds_cluster_instance",
  "aws_s3_bucket",
  "aws_kms_key",
  "aws_eks_cluster",
  "aws_cloudwatch_log_group",
  "aws_secretsmanager_secret",
  "aws_dynamodb_table",
  "aws_efs_file_system",
  "aws_ebs_volume",
];

/** One stack of an environment, as the planner needs it. */
export interface StackInfo {
  /** Stack id, which is also its folder in `cdktf.out/stacks/` (e.g. `dev-network`). */
  readonly id: string;
  /** Ids of the stacks it depends on (cross-stack references and explicit `addDependency`). */
  readonly dependencies: readonly string[];
  /** Whether it configures the Kubernetes or Helm provider (releases that make controllers create load balancers). */
  readonly usesKubernetes: boolean;
  /** Whether it declares a VPC (whose deletion leftover load balancers and ENIs block). */
  readonly declaresVpc: boolean;
}

/** A stack's backend as synthesized: `terraform.backend.<type>` (`local`, `s3`) and its settings. */
export interface StateBackend {
  readonly type: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** What the planner knows about one environment, gathered from a synthesis of its stacks. */
export interface EnvironmentInventory {
  /** Environment name (`dev`, `prod`, `sandbox-alice`). */
  readonly name: string;
  /** Whether it is a sandbox (the only kind that may be torn down). */
  readonly sandbox: boolean;
  /**
   * Whether its applies need a confirmation (`--confirm <env>`, or typed after the summary): every
   * environment on the `production` policy profile (prod, and any environment made from it).
   */
  readonly confirmationRequired: boolean;
  /** AWS region of the environment. */
  readonly region: string;
  /** Role the stacks' AWS provider assumes, if any (kubectl uses it too). */
  readonly deployRoleArn?: string;
  /** Layer stacks (`<env>-network`, ...) in construction order. */
  readonly stacks: readonly StackInfo[];
  /** The `bootstrap-<env>` stack; sandboxes have none. */
  readonly bootstrapStack?: StackInfo;
  /** The backend `bootstrap-<env>` declares: `local` or, with `state.bootstrapBackend: "bucket"`, `s3`. */
  readonly bootstrapBackend?: StateBackend;
  /** The S3 backend block the layer stacks synthesize (`terraform.backend.s3`). */
  readonly stateBackend?: Readonly<Record<string, unknown>>;
  /** Literal names of the EKS clusters the environment declares. */
  readonly clusterNames: readonly string[];
  /** Whether some EKS cluster's name is only known at apply time (no literal in the configuration). */
  readonly hasComputedClusterName: boolean;
}

/** How Terraform treats the state lock (every operation). */
export interface Locking {
  /** How long plan and apply wait for a held state lock (Terraform duration, e.g. "10m"). @default fail at once */
  readonly lockTimeout?: string;
}

/** What the user asked for. */
export type Operation = Locking &
  (
    | {
        readonly kind: "plan";
        readonly stack?: string;
        /** Plan without taking the state lock (`-lock=false`): speculative plans (pull requests). */
        readonly noLock?: boolean;
      }
    | { readonly kind: "apply"; readonly confirm?: string; readonly allowDestroy?: readonly string[] }
    | { readonly kind: "deploy"; readonly confirm?: string; readonly allowDestroy?: readonly string[] }
    | { readonly kind: "destroy"; readonly skipKubernetesCleanup?: boolean }
    | {
        readonly kind: "bootstrap";
        readonly migrate?: boolean;
        readonly confirm?: string;
        readonly allowDestroy?: readonly string[];
      }
  );

/** The lock arguments of `terraform plan` and `terraform apply` for an operation. */
interface LockArguments {
  readonly plan: readonly string[];
  readonly apply: readonly string[];
}

function lockArguments(operation: Operation): LockArguments {
  const timeout = operation.lockTimeout ? [`-lock-timeout=${operation.lockTimeout}`] : [];
  const noLock = operation.kind === "plan" && operation.noLock === true;
  return { plan: noLock ? ["-lock=false"] : timeout, apply: timeout };
}

/** Runs one command; a non-zero exit fails the stack. */
export interface RunStep {
  readonly kind: "run";
  readonly argv: readonly string[];
  /** For the synthesis: stacks that must be in `cdktf.out/manifest.json` afterwards. */
  readonly expectStacks?: readonly string[];
}

/**
 * `terraform plan -out=<file>`: the file (and its summary) is removed first, so a plan that exits 0
 * without writing cannot leave an older plan behind; afterwards it must exist and is made 0600
 * (plan files hold sensitive values in clear).
 */
export interface PlanStep {
  readonly kind: "plan";
  readonly argv: readonly string[];
  /** The plan file, relative to the project root. */
  readonly planFile: string;
  /** Files removed with it before planning (its summary). */
  readonly alsoRemove: readonly string[];
}

/**
 * `terraform show -json <plan>` (captured, never written to disk: it holds sensitive values), turned
 * into the stack's summary file and a readable summary.
 */
export interface SummarizeStep {
  readonly kind: "summarize";
  readonly argv: readonly string[];
  readonly stack: string;
  readonly planFile: string;
  readonly summaryFile: string;
  /** The stack's synthesized configuration (`cdktf.out/stacks/<id>/cdk.tf.json`). */
  readonly configFile: string;
}

/** Before an apply of saved plans: the summary must exist and both hashes must still match. */
export interface VerifyStep {
  readonly kind: "verify";
  readonly stack: string;
  readonly planFile: string;
  readonly summaryFile: string;
  readonly configFile: string;
  /** The command that writes fresh plans, for the message. */
  readonly replan: string;
}

/**
 * Between summary and apply: stateful deletes and replacements outside a sandbox are refused
 * unless named in `allowDestroy`; then, when `confirm` names an environment, the apply needs the
 * confirmation (typed at a terminal, or `--confirm <env>` given when not a terminal).
 */
export interface GateStep {
  readonly kind: "gate";
  readonly stack: string;
  readonly summaryFile: string;
  readonly sandbox: boolean;
  readonly allowDestroy: readonly string[];
  readonly confirm?: string;
}

/** Copies a file when it exists (the dependency lock file travels with the plans). */
export interface CopyStep {
  readonly kind: "copy";
  readonly from: string;
  readonly to: string;
}

/**
 * Asks EKS whether the cluster exists (`describeArgv`); when it does not, there is nothing to
 * clean in Kubernetes and `steps` are skipped (the leftover check before the VPC still runs).
 */
export interface KubernetesCleanupStep {
  readonly kind: "kubernetes-cleanup";
  readonly cluster: string;
  readonly describeArgv: readonly string[];
  readonly steps: readonly Step[];
}

/**
 * Lists the Services of a cluster (`argv`, JSON output) and deletes each one of type LoadBalancer,
 * waiting until its controller has removed the load balancer (`deleteArgv` + namespace and name).
 */
export interface DeleteLoadBalancerServicesStep {
  readonly kind: "delete-load-balancer-services";
  readonly argv: readonly string[];
  readonly deleteArgv: readonly string[];
}

/** Queries that each print a JSON list; anything listed blocks the next deletion, so the stack stops. */
export interface LeftoverCheckStep {
  readonly kind: "check-leftovers";
  readonly cluster: string;
  readonly queries: readonly { readonly what: string; readonly argv: readonly string[] }[];
}

/** After `plan`: one readable file with every stack's summary (for reviewers and CI job summaries). */
export interface WriteSummaryStep {
  readonly kind: "write-summary";
  readonly title: string;
  readonly summaryFiles: readonly string[];
  readonly file: string;
}

/** One step of a run. */
export type Step =
  | RunStep
  | PlanStep
  | SummarizeStep
  | VerifyStep
  | GateStep
  | CopyStep
  | KubernetesCleanupStep
  | DeleteLoadBalancerServicesStep
  | LeftoverCheckStep
  | WriteSummaryStep;

/** The steps of one stack, started once every stack in `after` has finished. */
export interface StackRun {
  readonly stack: string;
  /** 1-based position in dependency order, for progress lines. */
  readonly position: number;
  readonly total: number;
  /** Stacks that must have succeeded first (dependencies; for a teardown, dependents). */
  readonly after: readonly string[];
  readonly steps: readonly Step[];
}

/** The steps for one operation on one environment. */
export interface OperationPlan {
  /** One line saying what runs, on which stacks, in which order. */
  readonly title: string;
  /** The environment the steps act on. */
  readonly environment: string;
  /** Whether the steps delete infrastructure (checked again by the executor). */
  readonly destroys: boolean;
  /** What a stack that finished has had done to it: planned, applied, destroyed. */
  readonly outcome: "planned" | "applied" | "destroyed";
  /** Steps before any stack (the synthesis). */
  readonly prepare: readonly Step[];
  /** The stacks, in dependency order (in reverse for a teardown). */
  readonly stacks: readonly StackRun[];
  /** Steps after the stacks (the combined plan summary). */
  readonly finish: readonly Step[];
  /** Lines printed after a successful run (next steps). */
  readonly epilogue: readonly string[];
}

/** Whether `name` is a sandbox environment's name (`sandbox-<name>`). */
export function isSandboxEnvironment(name: string): boolean {
  return SANDBOX_ENVIRONMENT_PATTERN.test(name);
}

/** Whether an environment's applies need a confirmation: those on the production policy profile. */
export function needsConfirmation(environment: { readonly compliance: string }): boolean {
  return environment.compliance === "production";
}

/**
 * Refuses what must never run, before anything is built: teardown of anything but a sandbox
 * (whatever the flags), an apply against prod without its confirmation (`--confirm prod` when not
 * at a terminal; at a terminal the confirmation is typed after the summary), a bootstrap of a sandbox.
 */
export function checkAllowed(
  environment: string,
  sandbox: boolean,
  operation: Operation,
  interactive = false,
  confirmationRequired = false,
): void {
  if (operation.kind === "destroy" && !(sandbox && isSandboxEnvironment(environment))) {
    throw new RefusalError(
      `Refusing to destroy "${environment}": only sandboxes (sandbox-<name>) are torn down by this tool, ` +
        "whatever the flags. Long-lived environments change through reviewed plans only.",
    );
  }
  if (operation.kind === "bootstrap" && sandbox) {
    throw new RefusalError(
      `"${environment}" has no bootstrap stack: sandboxes keep their state in the dev state bucket (run "bootstrap dev").`,
    );
  }
  if (operation.kind === "plan" || operation.kind === "destroy") return;
  const verb = operation.kind;
  if (operation.confirm !== undefined && operation.confirm !== environment) {
    throw new RefusalError(
      `Refusing to ${verb} ${environment}: --confirm must name the environment ("${environment}"), got "${operation.confirm}".`,
    );
  }
  // A migration moves the state before any plan exists, so there is no summary to confirm after.
  const migrating = operation.kind === "bootstrap" && operation.migrate === true;
  if (confirmationRequired && operation.confirm === undefined && migrating) {
    throw new RefusalError(
      `Refusing to migrate the state of ${environment} without confirmation: add --confirm ${environment} ` +
        "(the state moves before any plan exists, so it is not asked for after a summary).",
    );
  }
  if (confirmationRequired && operation.confirm === undefined && !interactive) {
    throw new RefusalError(
      `Refusing to ${verb} ${environment} without confirmation: not at a terminal, so add --confirm ${environment} ` +
        "(at a terminal you type it after reading the plan summary).",
    );
  }
}

/**
 * The stacks in dependency order: every stack after the stacks it depends on, otherwise in
 * construction order. Destroy order is the reverse.
 */
export function dependencyOrder(stacks: readonly StackInfo[]): StackInfo[] {
  const byId = new Map(stacks.map((stack) => [stack.id, stack]));
  const placed = new Set<string>();
  const visiting: string[] = [];
  const order: StackInfo[] = [];
  const visit = (stack: StackInfo): void => {
    if (placed.has(stack.id)) return;
    if (visiting.includes(stack.id)) {
      throw new Error(`Stacks depend on each other in a cycle: ${[...visiting, stack.id].join(" → ")}`);
    }
    visiting.push(stack.id);
    for (const dependency of stack.dependencies) {
      const target = byId.get(dependency);
      if (!target) {
        throw new Error(
          `Stack ${stack.id} depends on ${dependency}, which is not a stack of the same environment (${[...byId.keys()].join(", ")})`,
        );
      }
      visit(target);
    }
    visiting.pop();
    placed.add(stack.id);
    order.push(stack);
  };
  stacks.forEach(visit);
  return order;
}

/** The steps of `operation` on the environment described by `inventory`. */
export function planOperation(
  inventory: EnvironmentInventory,
  operation: Operation,
  interactive = false,
): OperationPlan {
  checkAllowed(inventory.name, inventory.sandbox, operation, interactive, inventory.confirmationRequired);
  const locks = lockArguments(operation);
  switch (operation.kind) {
    case "plan":
      return planPlan(inventory, operation.stack, locks);
    case "apply":
      return planApply(inventory, operation.allowDestroy ?? [], confirmationFor(inventory, operation), locks);
    case "deploy":
      return planDeploy(
        inventory,
        operation.allowDestroy ?? [],
        confirmationFor(inventory, operation),
        locks,
      );
    case "destroy":
      return planDestroy(inventory, operation.skipKubernetesCleanup ?? false, locks);
    case "bootstrap":
      return planBootstrap(
        inventory,
        operation.migrate ?? false,
        operation.allowDestroy ?? [],
        confirmationFor(inventory, operation),
        locks,
      );
  }
}

/** The environment an apply must be confirmed for, if any. */
function confirmationFor(inventory: EnvironmentInventory, operation: Operation): string | undefined {
  return operation.kind !== "plan" && inventory.confirmationRequired ? inventory.name : undefined;
}

/** `env INFRA_ENVS=<env> INFRA_SANDBOX= node scripts/app.cjs`: synthesizes exactly that environment. */
export function synthArgv(environment: string): string[] {
  const sandbox = sandboxNameOf(environment);
  const selection = sandbox
    ? ["INFRA_ENVS=", `INFRA_SANDBOX=${sandbox}`]
    : [`INFRA_ENVS=${environment}`, "INFRA_SANDBOX="];
  return ["env", ...selection, "node", "scripts/app.cjs"];
}

function terraform(stack: string, ...args: string[]): string[] {
  return ["terraform", `-chdir=${STACKS_DIR}/${stack}`, ...args];
}

/** The files of one stack's plan, relative to the project root. */
export function planFiles(environment: string, stack: string, suffix = "") {
  const base = `${PLANS_DIR}/${environment}/${stack}${suffix}`;
  return {
    plan: `${base}.tfplan`,
    /** The plan file as `terraform -chdir=<stack folder>` sees it. */
    planFromStack: `${ROOT_FROM_STACK}/${base}.tfplan`,
    summary: `${base}.plan.json`,
    lockFile: `${PLANS_DIR}/${environment}/${stack}.terraform.lock.hcl`,
    config: `${STACKS_DIR}/${stack}/cdk.tf.json`,
    stackLockFile: `${STACKS_DIR}/${stack}/.terraform.lock.hcl`,
  };
}

/** The readable summary of every stack's plan, written by `plan`. */
export function summaryFile(environment: string): string {
  return `${PLANS_DIR}/${environment}/summary.md`;
}

function synthStep(environment: string, stacks: readonly StackInfo[]): RunStep {
  return { kind: "run", argv: synthArgv(environment), expectStacks: stacks.map((s) => s.id) };
}

function stackList(stacks: readonly StackInfo[]): string {
  return stacks.map((s) => s.id).join(" → ");
}

function count(stacks: readonly unknown[]): string {
  return `${stacks.length} stack${stacks.length === 1 ? "" : "s"}`;
}

/** Init, plan to a fresh file, summarize: the start of `plan`, `deploy` and a teardown. */
function planSteps(environment: string, stack: string, destroy: boolean, locks: LockArguments): Step[] {
  const files = planFiles(environment, stack, destroy ? ".destroy" : "");
  return [
    { kind: "run", argv: terraform(stack, "init", "-input=false") },
    {
      kind: "plan",
      argv: terraform(
        stack,
        "plan",
        ...(destroy ? ["-destroy"] : []),
        "-input=false",
        ...locks.plan,
        `-out=${files.planFromStack}`,
      ),
      planFile: files.plan,
      alsoRemove: [files.summary],
    },
    {
      kind: "summarize",
      argv: terraform(stack, "show", "-json", files.planFromStack),
      stack,
      planFile: files.plan,
      summaryFile: files.summary,
      configFile: files.config,
    },
  ];
}

function applyStep(environment: string, stack: string, locks: LockArguments, destroy = false): RunStep {
  const files = planFiles(environment, stack, destroy ? ".destroy" : "");
  return {
    kind: "run",
    argv: terraform(stack, "apply", "-input=false", ...locks.apply, files.planFromStack),
  };
}

function gateStep(
  inventory: EnvironmentInventory,
  stack: string,
  allowDestroy: readonly string[],
  confirm: string | undefined,
  suffix = "",
): GateStep {
  return {
    kind: "gate",
    stack,
    summaryFile: planFiles(inventory.name, stack, suffix).summary,
    sandbox: inventory.sandbox,
    allowDestroy,
    ...(confirm ? { confirm } : {}),
  };
}

function stackRuns(
  ordered: readonly StackInfo[],
  after: (stack: StackInfo) => readonly string[],
  steps: (stack: StackInfo) => Step[],
): StackRun[] {
  return ordered.map((stack, index) => ({
    stack: stack.id,
    position: index + 1,
    total: ordered.length,
    after: after(stack),
    steps: steps(stack),
  }));
}

function planPlan(
  inventory: EnvironmentInventory,
  only: string | undefined,
  locks: LockArguments,
): OperationPlan {
  const ordered = dependencyOrder(inventory.stacks);
  const selected = only === undefined ? ordered : ordered.filter((stack) => stack.id === only);
  if (selected.length === 0) {
    throw new RefusalError(
      `Stack "${only}" is not a stack of ${inventory.name}; its stacks: ${ordered.map((s) => s.id).join(", ")}`,
    );
  }
  const ids = new Set(selected.map((s) => s.id));
  const env = inventory.name;
  const title = `plan ${env}: ${count(selected)} in dependency order: ${stackList(selected)}`;
  return {
    title,
    environment: env,
    destroys: false,
    outcome: "planned",
    prepare: [synthStep(env, selected)],
    stacks: stackRuns(
      selected,
      (stack) => stack.dependencies.filter((id) => ids.has(id)),
      (stack) => [
        ...planSteps(env, stack.id, false, locks),
        { kind: "copy", from: planFiles(env, stack.id).stackLockFile, to: planFiles(env, stack.id).lockFile },
      ],
    ),
    finish: [
      {
        kind: "write-summary",
        title,
        summaryFiles: selected.map((s) => planFiles(env, s.id).summary),
        file: summaryFile(env),
      },
    ],
    epilogue: [
      `Plans saved for review in ${PLANS_DIR}/${env}/ (summary: ${summaryFile(env)}).`,
      `Apply exactly these plans: npm run infra -- apply ${env}${inventory.confirmationRequired ? ` --confirm ${env}` : ""}`,
      `Show one: terraform -chdir=${STACKS_DIR}/<stack> show ${ROOT_FROM_STACK}/${PLANS_DIR}/${env}/<stack>.tfplan`,
    ],
  };
}

function planApply(
  inventory: EnvironmentInventory,
  allowDestroy: readonly string[],
  confirm: string | undefined,
  locks: LockArguments,
): OperationPlan {
  const env = inventory.name;
  return applyInOrder(inventory, allowDestroy, confirm, locks, {
    title: (stacks) => `apply ${env}: the reviewed plans in ${PLANS_DIR}/${env}/, ${stacks}`,
    // The reviewed plan of each stack, checked against this commit's configuration before it is applied.
    ready: (stack) => {
      const files = planFiles(env, stack.id);
      return [
        { kind: "copy", from: files.lockFile, to: files.stackLockFile },
        { kind: "run", argv: terraform(stack.id, "init", "-input=false") },
        {
          kind: "verify",
          stack: stack.id,
          planFile: files.plan,
          summaryFile: files.summary,
          configFile: files.config,
          replan: `npm run infra -- plan ${env}`,
        },
      ];
    },
    done: `Applied the reviewed plans of ${env}`,
  });
}

function planDeploy(
  inventory: EnvironmentInventory,
  allowDestroy: readonly string[],
  confirm: string | undefined,
  locks: LockArguments,
): OperationPlan {
  const env = inventory.name;
  return applyInOrder(inventory, allowDestroy, confirm, locks, {
    title: (stacks) => `deploy ${env}: ${stacks}`,
    ready: (stack) => planSteps(env, stack.id, false, locks),
    done: `Deployed ${env}`,
  });
}

/**
 * Applies every stack of the environment in dependency order: after synthesis, each stack gets its
 * plan ready (`ready`), passes the gate (stateful changes, confirmation), then is applied.
 */
function applyInOrder(
  inventory: EnvironmentInventory,
  allowDestroy: readonly string[],
  confirm: string | undefined,
  locks: LockArguments,
  how: {
    readonly title: (stacks: string) => string;
    readonly ready: (stack: StackInfo) => Step[];
    readonly done: string;
  },
): OperationPlan {
  const ordered = dependencyOrder(inventory.stacks);
  const env = inventory.name;
  return {
    title: how.title(`${count(ordered)} in dependency order: ${stackList(ordered)}`),
    environment: env,
    destroys: false,
    outcome: "applied",
    prepare: [synthStep(env, ordered)],
    stacks: stackRuns(
      ordered,
      (stack) => stack.dependencies,
      (stack) => [
        ...how.ready(stack),
        gateStep(inventory, stack.id, allowDestroy, confirm),
        applyStep(env, stack.id, locks),
      ],
    ),
    finish: [],
    epilogue: [`${how.done}: ${ordered.map((s) => s.id).join(", ")}`],
  };
}

function planDestroy(
  inventory: EnvironmentInventory,
  skipKubernetesCleanup: boolean,
  locks: LockArguments,
): OperationPlan {
  const reversed = dependencyOrder(inventory.stacks).reverse();
  const env = inventory.name;
  const clusters = inventory.clusterNames;
  const dependents = (stack: StackInfo) =>
    inventory.stacks.filter((other) => other.dependencies.includes(stack.id)).map((other) => other.id);
  return {
    title: `destroy ${env}: ${count(reversed)} in reverse dependency order: ${stackList(reversed)}`,
    environment: env,
    destroys: true,
    outcome: "destroyed",
    prepare: [synthStep(env, reversed)],
    stacks: stackRuns(reversed, dependents, (stack) => {
      const steps: Step[] = [];
      if (stack.usesKubernetes && !skipKubernetesCleanup) {
        if (clusters.length === 0 || inventory.hasComputedClusterName) {
          throw new RefusalError(
            `Cannot clean up ${stack.id}: the name of the EKS cluster of ${env} is not a literal in the configuration, ` +
              "so kubectl cannot be pointed at it. Delete Ingresses and LoadBalancer Services yourself, then re-run with --skip-k8s-cleanup.",
          );
        }
        for (const cluster of clusters) steps.push(kubernetesCleanup(inventory, cluster));
      }
      if (stack.declaresVpc) {
        for (const cluster of clusters) steps.push(leftoverCheck(inventory.region, cluster));
      }
      steps.push(
        ...planSteps(env, stack.id, true, locks),
        gateStep(inventory, stack.id, [], undefined, ".destroy"),
        applyStep(env, stack.id, locks, true),
      );
      return steps;
    }),
    finish: [],
    epilogue: [`Destroyed ${env}: ${reversed.map((s) => s.id).join(", ")}`],
  };
}

/**
 * Before the releases go: delete what makes controllers create AWS load balancers (Ingresses for
 * the AWS Load Balancer Controller, Services of type LoadBalancer) and wait for their finalizers,
 * i.e. until the controllers have deleted the load balancers. Otherwise Terraform removes the
 * controllers first, the load balancers stay, and their ENIs and security groups block the VPC.
 * A cluster that no longer exists has nothing to clean: the steps are skipped.
 */
function kubernetesCleanup(inventory: EnvironmentInventory, cluster: string): KubernetesCleanupStep {
  const kubeconfig = `cdktf.out/${cluster}.kubeconfig`;
  const kubectl = ["kubectl", "--kubeconfig", kubeconfig];
  const role = inventory.deployRoleArn ? ["--role-arn", inventory.deployRoleArn] : [];
  const wait = ["--wait=true", `--timeout=${KUBECTL_TIMEOUT}`];
  return {
    kind: "kubernetes-cleanup",
    cluster,
    describeArgv: [
      "aws",
      "eks",
      "describe-cluster",
      "--name",
      cluster,
      "--region",
      inventory.region,
      "--query",
      "cluster.status",
      "--output",
      "json",
    ],
    steps: [
      {
        kind: "run",
        argv: [
          "aws",
          "eks",
          "update-kubeconfig",
          "--name",
          cluster,
          "--region",
          inventory.region,
          ...role,
          "--kubeconfig",
          kubeconfig,
        ],
      },
      { kind: "run", argv: [...kubectl, "delete", "ingress", "--all", "--all-namespaces", ...wait] },
      {
        kind: "delete-load-balancer-services",
        argv: [...kubectl, "get", "services", "--all-namespaces", "--output", "json"],
        deleteArgv: [...kubectl, "delete", "service", ...wait],
      },
    ],
  };
}

/** Load balancers, their security groups and ENIs tagged for the cluster: each blocks deleting the VPC. */
function leftoverCheck(region: string, cluster: string): LeftoverCheckStep {
  const taggedLoadBalancers = (tagFilter: string): string[] => [
    "aws",
    "resourcegroupstaggingapi",
    "get-resources",
    "--region",
    region,
    "--resource-type-filters",
    "elasticloadbalancing:loadbalancer",
    "--tag-filters",
    tagFilter,
    "--query",
    "ResourceTagMappingList[].ResourceARN",
    "--output",
    "json",
  ];
  const ec2 = (command: string, filter: string, query: string): string[] => [
    "aws",
    "ec2",
    command,
    "--region",
    region,
    "--filters",
    filter,
    "--query",
    query,
    "--output",
    "json",
  ];
  return {
    kind: "check-leftovers",
    cluster,
    queries: [
      {
        what: "load balancers of the AWS Load Balancer Controller",
        argv: taggedLoadBalancers(`Key=elbv2.k8s.aws/cluster,Values=${cluster}`),
      },
      {
        what: "load balancers of Kubernetes' built-in service controller",
        argv: taggedLoadBalancers(`Key=kubernetes.io/cluster/${cluster}`),
      },
      {
        what: "security groups of the AWS Load Balancer Controller",
        argv: ec2(
          "describe-security-groups",
          `Name=tag:elbv2.k8s.aws/cluster,Values=${cluster}`,
          "SecurityGroups[].GroupId",
        ),
      },
      {
        what: "network interfaces of the VPC CNI",
        argv: ec2(
          "describe-network-interfaces",
          `Name=tag:cluster.k8s.amazonaws.com/name,Values=${cluster}`,
          "NetworkInterfaces[].NetworkInterfaceId",
        ),
      },
      {
        what: "network interfaces owned by the cluster",
        argv: ec2(
          "describe-network-interfaces",
          `Name=tag-key,Values=kubernetes.io/cluster/${cluster}`,
          "NetworkInterfaces[].NetworkInterfaceId",
        ),
      },
    ],
  };
}

/**
 * `bootstrap <env>`: init, plan, summary, confirmation (prod) and apply of `bootstrap-<env>` against
 * the backend its configuration declares (`state.bootstrapBackend`). `--migrate` (only once that
 * says "bucket") runs `init -migrate-state -force-copy` — Terraform finds the previous, local
 * backend in the backend cache `.terraform/terraform.tfstate` of the stack's folder (synthesis
 * never touches `.terraform/`) and copies its state into the bucket — then only a plan, to review:
 * it shows no changes when the state arrived. Without that cache it would start from an empty
 * state and plan to create the bucket again, so nothing is applied in a migration.
 */
function planBootstrap(
  inventory: EnvironmentInventory,
  migrate: boolean,
  allowDestroy: readonly string[],
  confirm: string | undefined,
  locks: LockArguments,
): OperationPlan {
  const stack = inventory.bootstrapStack;
  if (!stack) throw new RefusalError(`${inventory.name} has no bootstrap stack`);
  const id = stack.id;
  const env = inventory.name;
  const backend = inventory.bootstrapBackend;
  const remote =
    backend?.type === "s3"
      ? `s3://${String(backend.config.bucket)}/${String(backend.config.key)}`
      : undefined;
  const localFile = `${BOOTSTRAP_STATE_DIR}/${id}.tfstate`;
  const configFile = `environments/${env}.ts`;
  if (migrate && remote === undefined) {
    throw new RefusalError(
      `Refusing to migrate the state of ${id}: state.bootstrapBackend of ${env} is "local", so the stack still ` +
        `declares its local backend. Set state.bootstrapBackend: "bucket" in ${configFile}, then run ` +
        `"npm run infra -- bootstrap ${env} --migrate" again.`,
    );
  }
  const [, ...planAndSummary] = planSteps(env, id, false, locks);
  const steps: Step[] = [
    {
      kind: "run",
      argv: migrate
        ? terraform(id, "init", "-input=false", "-migrate-state", "-force-copy")
        : terraform(id, "init", "-input=false"),
    },
    ...planAndSummary,
  ];
  if (!migrate) steps.push(gateStep(inventory, id, allowDestroy, confirm), applyStep(env, id, locks));
  const confirmFlag = inventory.confirmationRequired ? ` --confirm ${env}` : "";
  const deployNext = `npm run infra -- deploy ${env}${confirmFlag}`;
  let epilogue: string[];
  if (remote === undefined) {
    const bucket = String(inventory.stateBackend?.bucket ?? "<state bucket>");
    epilogue = [
      `The state bucket ${bucket} exists. The state of ${id} itself is local: ${localFile}.`,
      `Move it into the bucket: set state.bootstrapBackend: "bucket" in ${configFile}, then run: npm run infra -- bootstrap ${env} --migrate${confirmFlag}`,
      `(See docs/operations.md, Bootstrap.) Then deploy the environment: ${deployNext}`,
    ];
  } else if (migrate) {
    epilogue = [
      `If the plan above shows no changes, the state of ${id} is now in ${remote}: check it ` +
        `(terraform -chdir=${STACKS_DIR}/${id} state list), then delete the local copy ${localFile}.`,
      `If it plans to create the bucket, this folder had no record of the local backend: push ${localFile} ` +
        "into the bucket by hand (docs/operations.md, Bootstrap) before anything is applied.",
      `Later changes of ${id}: npm run infra -- bootstrap ${env}${confirmFlag} (no --migrate). Deploy the environment: ${deployNext}`,
    ];
  } else {
    epilogue = [`The state of ${id} is in ${remote}.`];
  }
  const where = remote === undefined ? `local state ${localFile}` : `state in ${remote}`;
  return {
    title: `bootstrap ${env}: ${id} (${migrate ? `migrating its local state into ${remote}` : where})`,
    environment: env,
    destroys: false,
    outcome: migrate ? "planned" : "applied",
    prepare: [synthStep(env, [stack])],
    stacks: [{ stack: id, position: 1, total: 1, after: [], steps }],
    finish: [],
    epilogue,
  };
}
