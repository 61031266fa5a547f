/**
 * The pure half of the `infra` CLI: an environment's inventory plus an operation in, the exact list
 * of steps out. Nothing here reads files, spawns processes or looks at the clock, so the dry run
 * (which prints these steps) and the tests (which assert on them) see exactly what a real run executes.
 *
 * Execution model (one per stack, in dependency order): `terraform -chdir=cdktf.out/stacks/<id>`
 * `init`, `plan -out=<plan file>`, then for deploy/destroy `apply <plan file>`. Terraform is driven
 * directly rather than through `cdktf deploy`: the plan file that was printed is the one applied,
 * plan files stay in `plans/` for review, every step's exit code is checked per stack, and the cdktf
 * CLI's fixed ~3 s overhead and interactive prompts are avoided. The stacks are synthesized once
 * first by the same app command that `cdktf.json` runs.
 */
import { RefusalError } from "./errors";

/** Where the app synthesizes stacks, relative to the project root (the CLI's working directory). */
export const STACKS_DIR = "cdktf.out/stacks";
/** Plan files, relative to the project root (gitignored). */
export const PLANS_DIR = "plans";
/** Where `bootstrap-<env>` keeps its local state, relative to the project root (stacks/environment-stack.ts). */
const BOOTSTRAP_STATE_DIR = ".bootstrap-state";
/** The project root seen from a stack folder (`terraform -chdir` resolves paths from there). */
const ROOT_FROM_STACK = "../../..";
/** How long kubectl waits for the controllers to delete the load balancers behind a resource. */
const KUBECTL_TIMEOUT = "10m";

/** A sandbox environment's full name: `sandbox-<name>`, `<name>` 1–12 lowercase letters or digits. */
const SANDBOX_ENVIRONMENT = /^sandbox-[a-z0-9]{1,12}$/;

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

/** What the user asked for. */
export type Operation =
  | { readonly kind: "plan"; readonly stack?: string }
  | { readonly kind: "deploy"; readonly confirm?: string }
  | { readonly kind: "destroy"; readonly skipKubernetesCleanup?: boolean }
  | { readonly kind: "bootstrap"; readonly migrate?: boolean };

/** Where a step belongs in the run, for progress lines and failure messages. */
export interface StepContext {
  /** The stack the step works on (omitted for the synthesis). */
  readonly stack?: string;
  /** 1-based position of that stack in the run. */
  readonly position?: number;
  /** Number of stacks in the run. */
  readonly total?: number;
}

/** Runs one command; a non-zero exit stops the run. */
export interface RunStep extends StepContext {
  readonly kind: "run";
  readonly argv: readonly string[];
  /** For the synthesis: stacks that must be in `cdktf.out/manifest.json` afterwards. */
  readonly expectStacks?: readonly string[];
}

/**
 * Lists the Services of a cluster (`argv`, JSON output) and deletes each one of type LoadBalancer,
 * waiting until its controller has removed the load balancer (`deleteArgv` + namespace and name).
 */
export interface DeleteLoadBalancerServicesStep extends StepContext {
  readonly kind: "delete-load-balancer-services";
  readonly argv: readonly string[];
  readonly deleteArgv: readonly string[];
}

/** Queries that each print a JSON list; anything listed blocks the next deletion, so the run stops. */
export interface LeftoverCheckStep extends StepContext {
  readonly kind: "check-leftovers";
  readonly cluster: string;
  readonly queries: readonly { readonly what: string; readonly argv: readonly string[] }[];
}

/** One step of a run. */
export type Step = RunStep | DeleteLoadBalancerServicesStep | LeftoverCheckStep;

/** The ordered steps for one operation on one environment. */
export interface OperationPlan {
  /** One line saying what runs, on which stacks, in which order. */
  readonly title: string;
  /** The environment the steps act on. */
  readonly environment: string;
  /** Whether the steps delete infrastructure (checked again by the executor). */
  readonly destroys: boolean;
  /** The steps, in execution order. */
  readonly steps: readonly Step[];
  /** Lines printed after a successful run (next steps). */
  readonly epilogue: readonly string[];
}

/** Whether `name` is a sandbox environment's name (`sandbox-<name>`). */
export function isSandboxEnvironment(name: string): boolean {
  return SANDBOX_ENVIRONMENT.test(name);
}

/**
 * Refuses what must never run, before anything is built: teardown of anything but a sandbox
 * (whatever the flags), a prod deploy without `--confirm prod`, a bootstrap of a sandbox.
 */
export function checkAllowed(environment: string, sandbox: boolean, operation: Operation): void {
  if (operation.kind === "destroy" && !(sandbox && isSandboxEnvironment(environment))) {
    throw new RefusalError(
      `Refusing to destroy "${environment}": only sandboxes (sandbox-<name>) are torn down by this tool, ` +
        "whatever the flags. Long-lived environments change through reviewed plans only.",
    );
  }
  if (operation.kind === "deploy" && environment === "prod" && operation.confirm !== "prod") {
    throw new RefusalError(
      operation.confirm === undefined
        ? "Refusing to deploy prod without confirmation: add --confirm prod."
        : `Refusing to deploy prod: --confirm must name the environment ("prod"), got "${operation.confirm}".`,
    );
  }
  if (operation.kind === "bootstrap" && sandbox) {
    throw new RefusalError(
      `"${environment}" has no bootstrap stack: sandboxes keep their state in the dev state bucket (run "bootstrap dev").`,
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
export function planOperation(inventory: EnvironmentInventory, operation: Operation): OperationPlan {
  checkAllowed(inventory.name, inventory.sandbox, operation);
  switch (operation.kind) {
    case "plan":
      return planPlan(inventory, operation.stack);
    case "deploy":
      return planDeploy(inventory);
    case "destroy":
      return planDestroy(inventory, operation.skipKubernetesCleanup ?? false);
    case "bootstrap":
      return planBootstrap(inventory, operation.migrate ?? false);
  }
}

/** `env INFRA_ENVS=<env> INFRA_SANDBOX= node scripts/app.cjs`: synthesizes exactly that environment. */
export function synthArgv(environment: string): string[] {
  const sandbox = /^sandbox-(.+)$/.exec(environment)?.[1];
  const selection = sandbox
    ? ["INFRA_ENVS=", `INFRA_SANDBOX=${sandbox}`]
    : [`INFRA_ENVS=${environment}`, "INFRA_SANDBOX="];
  return ["env", ...selection, "node", "scripts/app.cjs"];
}

function terraform(stack: string, ...args: string[]): string[] {
  return ["terraform", `-chdir=${STACKS_DIR}/${stack}`, ...args];
}

/** The plan file of a stack, as seen from the stack's folder. */
function planFile(stack: string, suffix = ""): string {
  return `${ROOT_FROM_STACK}/${PLANS_DIR}/${stack}${suffix}.tfplan`;
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

function planPlan(inventory: EnvironmentInventory, only: string | undefined): OperationPlan {
  const ordered = dependencyOrder(inventory.stacks);
  const selected = only === undefined ? ordered : ordered.filter((stack) => stack.id === only);
  if (selected.length === 0) {
    throw new RefusalError(
      `Stack "${only}" is not a stack of ${inventory.name}; its stacks: ${ordered.map((s) => s.id).join(", ")}`,
    );
  }
  const steps: Step[] = [synthStep(inventory.name, selected)];
  selected.forEach((stack, index) => {
    const context = { stack: stack.id, position: index + 1, total: selected.length };
    steps.push(
      { kind: "run", ...context, argv: terraform(stack.id, "init", "-input=false") },
      {
        kind: "run",
        ...context,
        argv: terraform(stack.id, "plan", "-input=false", `-out=${planFile(stack.id)}`),
      },
    );
  });
  return {
    title: `plan ${inventory.name}: ${count(selected)} in dependency order: ${stackList(selected)}`,
    environment: inventory.name,
    destroys: false,
    steps,
    epilogue: [
      `Plans saved for review: ${selected.map((s) => `${PLANS_DIR}/${s.id}.tfplan`).join(", ")}`,
      `Show one: terraform -chdir=${STACKS_DIR}/<stack> show ${planFile("<stack>")}`,
    ],
  };
}

function planDeploy(inventory: EnvironmentInventory): OperationPlan {
  const ordered = dependencyOrder(inventory.stacks);
  const steps: Step[] = [synthStep(inventory.name, ordered)];
  ordered.forEach((stack, index) => {
    const context = { stack: stack.id, position: index + 1, total: ordered.length };
    steps.push(
      { kind: "run", ...context, argv: terraform(stack.id, "init", "-input=false") },
      {
        kind: "run",
        ...context,
        argv: terraform(stack.id, "plan", "-input=false", `-out=${planFile(stack.id)}`),
      },
      { kind: "run", ...context, argv: terraform(stack.id, "apply", "-input=false", planFile(stack.id)) },
    );
  });
  return {
    title: `deploy ${inventory.name}: ${count(ordered)} in dependency order: ${stackList(ordered)}`,
    environment: inventory.name,
    destroys: false,
    steps,
    epilogue: [`Deployed ${inventory.name}: ${ordered.map((s) => s.id).join(", ")}`],
  };
}

function planDestroy(inventory: EnvironmentInventory, skipKubernetesCleanup: boolean): OperationPlan {
  const reversed = dependencyOrder(inventory.stacks).reverse();
  const steps: Step[] = [synthStep(inventory.name, reversed)];
  const clusters = inventory.clusterNames;
  reversed.forEach((stack, index) => {
    const context = { stack: stack.id, position: index + 1, total: reversed.length };
    if (stack.usesKubernetes && !skipKubernetesCleanup) {
      if (clusters.length === 0 || inventory.hasComputedClusterName) {
        throw new RefusalError(
          `Cannot clean up ${stack.id}: the name of the EKS cluster of ${inventory.name} is not a literal in the configuration, ` +
            "so kubectl cannot be pointed at it. Delete Ingresses and LoadBalancer Services yourself, then re-run with --skip-k8s-cleanup.",
        );
      }
      for (const cluster of clusters) steps.push(...kubernetesCleanup(inventory, cluster, context));
    }
    if (stack.declaresVpc) {
      for (const cluster of clusters) steps.push(leftoverCheck(inventory.region, cluster, context));
    }
    steps.push(
      { kind: "run", ...context, argv: terraform(stack.id, "init", "-input=false") },
      {
        kind: "run",
        ...context,
        argv: terraform(
          stack.id,
          "plan",
          "-destroy",
          "-input=false",
          `-out=${planFile(stack.id, ".destroy")}`,
        ),
      },
      {
        kind: "run",
        ...context,
        argv: terraform(stack.id, "apply", "-input=false", planFile(stack.id, ".destroy")),
      },
    );
  });
  return {
    title: `destroy ${inventory.name}: ${count(reversed)} in reverse dependency order: ${stackList(reversed)}`,
    environment: inventory.name,
    destroys: true,
    steps,
    epilogue: [`Destroyed ${inventory.name}: ${reversed.map((s) => s.id).join(", ")}`],
  };
}

/**
 * Before the releases go: delete what makes controllers create AWS load balancers (Ingresses for
 * the AWS Load Balancer Controller, Services of type LoadBalancer) and wait for their finalizers,
 * i.e. until the controllers have deleted the load balancers. Otherwise Terraform removes the
 * controllers first, the load balancers stay, and their ENIs and security groups block the VPC.
 */
function kubernetesCleanup(inventory: EnvironmentInventory, cluster: string, context: StepContext): Step[] {
  const kubeconfig = `cdktf.out/${cluster}.kubeconfig`;
  const kubectl = ["kubectl", "--kubeconfig", kubeconfig];
  const role = inventory.deployRoleArn ? ["--role-arn", inventory.deployRoleArn] : [];
  const wait = ["--wait=true", `--timeout=${KUBECTL_TIMEOUT}`];
  return [
    {
      kind: "run",
      ...context,
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
    {
      kind: "run",
      ...context,
      argv: [...kubectl, "delete", "ingress", "--all", "--all-namespaces", ...wait],
    },
    {
      kind: "delete-load-balancer-services",
      ...context,
      argv: [...kubectl, "get", "services", "--all-namespaces", "--output", "json"],
      deleteArgv: [...kubectl, "delete", "service", ...wait],
    },
  ];
}

/** Load balancers, their security groups and ENIs tagged for the cluster: each blocks deleting the VPC. */
function leftoverCheck(region: string, cluster: string, context: StepContext): LeftoverCheckStep {
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
    ...context,
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
 * `bootstrap <env>`: init, plan and apply `bootstrap-<env>` against the backend its configuration
 * declares (`state.bootstrapBackend`). `--migrate` (only once that says "bucket") runs
 * `init -migrate-state -force-copy` — Terraform finds the previous, local backend in the backend
 * cache `.terraform/terraform.tfstate` of the stack's folder (synth keeps `.terraform/`) and copies
 * its state into the bucket — then only a plan, to review: it shows no changes when the state
 * arrived. Without that cache it would start from an empty state and plan to create the bucket
 * again, so nothing is applied in a migration.
 */
function planBootstrap(inventory: EnvironmentInventory, migrate: boolean): OperationPlan {
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
  const context = { stack: id, position: 1, total: 1 };
  const steps: Step[] = [
    synthStep(env, [stack]),
    {
      kind: "run",
      ...context,
      argv: migrate
        ? terraform(id, "init", "-input=false", "-migrate-state", "-force-copy")
        : terraform(id, "init", "-input=false"),
    },
    { kind: "run", ...context, argv: terraform(id, "plan", "-input=false", `-out=${planFile(id)}`) },
  ];
  if (!migrate) {
    steps.push({ kind: "run", ...context, argv: terraform(id, "apply", "-input=false", planFile(id)) });
  }
  const deployNext = `npm run infra -- deploy ${env}${env === "prod" ? " --confirm prod" : ""}`;
  let epilogue: string[];
  if (remote === undefined) {
    const bucket = String(inventory.stateBackend?.bucket ?? "<state bucket>");
    epilogue = [
      `The state bucket ${bucket} exists. The state of ${id} itself is local: ${localFile}.`,
      `Move it into the bucket: set state.bootstrapBackend: "bucket" in ${configFile}, then run: npm run infra -- bootstrap ${env} --migrate`,
      `(See docs/operations.md, Bootstrap.) Then deploy the environment: ${deployNext}`,
    ];
  } else if (migrate) {
    epilogue = [
      `If the plan above shows no changes, the state of ${id} is now in ${remote}: check it ` +
        `(terraform -chdir=${STACKS_DIR}/${id} state list), then delete the local copy ${localFile}.`,
      `If it plans to create the bucket, this folder had no record of the local backend: push ${localFile} ` +
        "into the bucket by hand (docs/operations.md, Bootstrap) before anything is applied.",
      `Later changes of ${id}: npm run infra -- bootstrap ${env} (no --migrate). Deploy the environment: ${deployNext}`,
    ];
  } else {
    epilogue = [`The state of ${id} is in ${remote}.`];
  }
  const where = remote === undefined ? `local state ${localFile}` : `state in ${remote}`;
  return {
    title: `bootstrap ${env}: ${id} (${migrate ? `migrating its local state into ${remote}` : where})`,
    environment: env,
    destroys: false,
    steps,
    epilogue,
  };
}
