/**
 * `npm run infra -- <command>`: parses the command line, applies the guards, gathers the
 * environment's inventory, plans, then prints (`--dry-run`) or executes.
 *
 * Exit status: 0 done; 1 a command of the run failed (the failed stack is named); 2 refused or
 * misused before anything ran (usage, unknown environment, invalid sandbox name, teardown of a
 * long-lived environment, an apply against prod without its confirmation, a refused environment
 * variable, another run of the same environment in progress, `bootstrap --migrate` while
 * `state.bootstrapBackend` is still "local"); 130 / 143 interrupted by SIGINT / SIGTERM (after the
 * running commands exited).
 */
import * as path from "node:path";
import * as readline from "node:readline";
import { parseArgs } from "node:util";
import { ConfigurationError, ENVIRONMENT_NAMES, EnvironmentConfig } from "../../environments";
import { renderDiff, runDiff, waitsFor } from "./diff";
import { checkPromotion, gitHubApiFromEnvironment } from "./promotion";
import { createEnvironment } from "./env-new";
import { checkEnvironmentVariables } from "./environment-guard";
import { EXIT_FAILED, EXIT_REFUSED, RefusalError, UsageError } from "./errors";
import { Io, Runner, SignalSource, executePlan, renderPlan, spawnRunner } from "./executor";
import { KNOWN_ENVIRONMENTS, checkSandboxName, environmentInventory, resolveEnvironment } from "./inventory";
import {
  EnvironmentInventory,
  Operation,
  checkAllowed,
  dependencyOrder,
  planOperation,
  needsConfirmation,
} from "./planner";
import { runnerLabel } from "../../stacks/deploy-identity";
import { lockEnvironment } from "./run-lock";
import { sandboxEnvironmentName, sandboxNameOf } from "../../environments/naming";

/** The project root: commands run from here (`cdktf.out/`, `plans/`, `scripts/app.cjs`). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

export const USAGE = `Usage: npm run infra -- <command> [options]

Commands (every one accepts --dry-run: print the exact commands, in order, and execute nothing):
  plan <env> [--stack <id>]     plan each stack of <env>: plans/<env>/<stack>.tfplan, a summary per stack
                                (create / update / replace / delete) and plans/<env>/summary.md
  apply <env>                   apply exactly the plans in plans/<env>/, refused when a plan is stale
                                (made for another configuration than the one synthesized now)
  deploy <env>                  per stack: plan, summary, confirmation (prod), apply
  destroy sandbox-<name> [--skip-k8s-cleanup]
                                tear a sandbox down (same as "sandbox down <name>"); refuses anything else
  bootstrap <env> [--migrate]   create or update the state bucket of <env> (stack bootstrap-<env>), its state
                                where state.bootstrapBackend says; --migrate (once it says "bucket") copies
                                the local state into the bucket
  sandbox up <name>             deploy sandbox-<name> (dev account, dev state bucket, cheap, teardown-friendly)
  sandbox plan <name>           plan sandbox-<name>
  sandbox down <name> [--skip-k8s-cleanup]
                                delete Kubernetes load balancers, then destroy platform → cluster/data → network
  diff [<env>] [--base <git-ref>] [--json] [--fail-on-stateful]
                                offline: what the working tree changes in the synthesized stacks of <env> (default:
                                every registered environment) against <git-ref> (default: the merge base with main);
                                flags every destroyed or replaced database, bucket, KMS key, cluster and log group
                                (--fail-on-stateful: exit 1 when there is one)
  waits-for <env> <stack> [--base <git-ref>]
                                the upstream stacks whose outputs the change adds and <stack> reads (CI: a plan
                                that fails for them waits for those applies; it is not an error)
  promotion-check <env> --sha <commit>
                                refuse unless the environment before <env> in promotion order deployed <commit>
                                successfully (GitHub deployment records; GITHUB_REPOSITORY and GITHUB_TOKEN)
  environments [--json]         list the registered environments in promotion order (--json: a GitHub Actions matrix)
  stacks [<env>...] [--json]    list the stacks of each <env> (default: every registered environment, in promotion
                                order) in dependency order (--json: a GitHub Actions matrix)
  env new <name> --from <env> --account <id> --cidr <cidr> [--domain <name> [--hosted-zone-id <id>]] [--after <env>]
                                write environments/<name>.ts as a copy of <env> with its own account, state bucket,
                                network and domain, and register it (after <env>, or after --after)
  help                          this text

Options:
  --confirm prod                every apply against prod (apply, deploy, bootstrap) needs it when not at a
                                terminal; at a terminal you type "prod" after reading the plan summary
  --allow-destroy <stack>:<address>
                                let a plan delete or replace that stateful resource (database, bucket, KMS key,
                                cluster, log group, ...); repeat for each; outside sandboxes they are refused
  --parallel <n>                stacks run side by side when their dependencies are done (default 4);
                                --parallel 1 runs them one after another
  --lock-timeout <duration>     how long plan and apply wait for a state lock held elsewhere (e.g. 10m);
                                without it they fail at once
  --no-lock                     plan without the state lock (-lock=false): speculative plans that must
                                never leave a lock behind (pull requests)

<env>: ${KNOWN_ENVIRONMENTS}.
Exit status: 0 done, 1 a command failed (the stack is named), 2 refused or misused (nothing ran),
130 / 143 interrupted by SIGINT / SIGTERM (forwarded to Terraform and waited for).
See docs/operations.md.`;

/** Stacks that may run at the same time unless --parallel says otherwise. */
export const DEFAULT_PARALLEL = 4;

/** What the CLI needs from the outside world; tests replace the runner and the inventory. */
export interface CliDependencies {
  readonly io: Io;
  /** Runs commands (real runs only). @default spawn from the project root, one process group each */
  readonly runner?: Runner;
  /** Gathers an environment's stacks. @default an in-process synthesis into a temporary folder */
  readonly inventory?: (environment: EnvironmentConfig) => EnvironmentInventory;
  /** The project root: where commands run and `env new` writes. @default PROJECT_ROOT */
  readonly root?: string;
  /** The environment variables the run sees. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Whether a person answers at a terminal. @default standard input and output are terminals */
  readonly interactive?: boolean;
  /** Asks a question at the terminal. @default readline on standard input */
  readonly ask?: (question: string) => Promise<string>;
  /** Where SIGINT / SIGTERM come from. @default the process */
  readonly signals?: SignalSource;
}

const OPTIONS = {
  "dry-run": { type: "boolean" },
  confirm: { type: "string" },
  "allow-destroy": { type: "string", multiple: true },
  parallel: { type: "string" },
  "lock-timeout": { type: "string" },
  "no-lock": { type: "boolean" },
  stack: { type: "string" },
  migrate: { type: "boolean" },
  "skip-k8s-cleanup": { type: "boolean" },
  json: { type: "boolean" },
  from: { type: "string" },
  account: { type: "string" },
  cidr: { type: "string" },
  domain: { type: "string" },
  "hosted-zone-id": { type: "string" },
  after: { type: "string" },
  base: { type: "string" },
  "fail-on-stateful": { type: "boolean" },
  sha: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type OptionName = keyof typeof OPTIONS;

/** The options each command accepts besides --dry-run. */
const COMMAND_OPTIONS: Record<string, readonly OptionName[]> = {
  plan: ["stack", "parallel", "lock-timeout", "no-lock"],
  apply: ["confirm", "allow-destroy", "parallel", "lock-timeout"],
  deploy: ["confirm", "allow-destroy", "parallel", "lock-timeout"],
  destroy: ["skip-k8s-cleanup", "parallel", "lock-timeout"],
  bootstrap: ["migrate", "confirm", "allow-destroy", "lock-timeout"],
  "sandbox up": ["parallel", "lock-timeout"],
  "sandbox plan": ["parallel", "lock-timeout", "no-lock"],
  "sandbox down": ["skip-k8s-cleanup", "parallel", "lock-timeout"],
  stacks: ["json"],
  environments: ["json"],
  diff: ["base", "json", "fail-on-stateful"],
  "waits-for": ["base"],
  "promotion-check": ["sha"],
  "env new": ["from", "account", "cidr", "domain", "hosted-zone-id", "after"],
};

interface Request {
  readonly command: string;
  readonly environment: string;
  readonly operation: Operation;
  readonly dryRun: boolean;
  readonly parallel: number;
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Runs the CLI; resolves to the exit status. */
export async function main(argv: readonly string[], deps: CliDependencies): Promise<number> {
  const { io } = deps;
  const env = deps.env ?? process.env;
  const root = deps.root ?? PROJECT_ROOT;
  const interactive = deps.interactive ?? (process.stdin.isTTY === true && process.stdout.isTTY === true);
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: false,
    });
    if (positionals[0] === "help" || values.help === true) {
      io.out(USAGE);
      return 0;
    }
    checkEnvironmentVariables(env, "infra");
    if (positionals[0] === "stacks" || positionals[0] === "environments") return listing(argv, deps);
    if (positionals[0] === "diff") return diffCommand(positionals.slice(1), values, deps);
    if (positionals[0] === "waits-for") return waitsForCommand(positionals.slice(1), values, deps);
    if (positionals[0] === "promotion-check")
      return await promotionCommand(positionals.slice(1), values, deps);
    if (positionals[0] === "env") return newEnvironment(positionals.slice(1), values, deps);
    // `npm run infra plan dev --dry-run` (no `--`): npm takes --dry-run for itself and only sets
    // npm_config_dry_run, so the CLI would otherwise run for real.
    const npmDryRun = values["dry-run"] !== true && env.npm_config_dry_run === "true";
    const request = parseRequest(positionals, npmDryRun ? { ...values, "dry-run": true } : values);
    const environment = resolveEnvironment(request.environment);
    checkAllowed(
      environment.name,
      environment.sandbox,
      request.operation,
      interactive,
      needsConfirmation(environment),
    );
    if (request.dryRun) {
      const plan = planOperation(
        (deps.inventory ?? environmentInventory)(environment),
        request.operation,
        interactive,
      );
      if (npmDryRun) {
        io.out(
          `# npm took --dry-run for itself (npm_config_dry_run=true), so this is a dry run. ` +
            `Pass options after "--": npm run infra -- ${argv.join(" ")} --dry-run`,
        );
      }
      for (const line of renderPlan(plan)) io.out(line);
      return 0;
    }
    const release = lockEnvironment(root, environment.name, `infra ${argv.join(" ")}`);
    try {
      const inventory = (deps.inventory ?? environmentInventory)(environment);
      const plan = planOperation(inventory, request.operation, interactive);
      return await executePlan(plan, {
        io,
        run: deps.runner ?? spawnRunner(root, childEnvironment(env)),
        root,
        parallel: request.parallel,
        interactive,
        confirmed: "confirm" in request.operation ? request.operation.confirm : undefined,
        ask: deps.ask ?? askAtTerminal,
        signals: deps.signals ?? process,
        clock: () => Date.now(),
      });
    } finally {
      release();
    }
  } catch (error) {
    return report(error, io);
  }
}

/**
 * `stacks` and `environments` at once, without a promise: they only synthesize in-process, and the
 * deployability check computes the workflows' matrices with them synchronously.
 */
export function listing(argv: readonly string[], deps: CliDependencies): number {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: false,
    });
    checkEnvironmentVariables(deps.env ?? process.env, "infra");
    if (positionals[0] === "stacks") return listStacks(positionals.slice(1), values, deps);
    if (positionals[0] === "environments") return listEnvironments(positionals.slice(1), values, deps);
    throw new UsageError(`"${positionals[0] ?? ""}" is not a listing command (stacks, environments).`);
  } catch (error) {
    return report(error, deps.io);
  }
}

/** The environment of the commands the CLI runs. */
function childEnvironment(env: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv {
  const child: NodeJS.ProcessEnv = { ...env };
  // npm's own settings are not the commands' business (npm_config_dry_run above all).
  for (const name of Object.keys(child)) if (name.startsWith("npm_config_")) delete child[name];
  return child;
}

/** Reads one answer from the terminal; Ctrl-C at the prompt interrupts the run like anywhere else. */
function askAtTerminal(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    rl.on("SIGINT", () => {
      rl.close();
      process.kill(process.pid, "SIGINT");
    });
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
  });
}

function report(error: unknown, io: Io): number {
  if (error instanceof UsageError) {
    io.err(`${error.message}\n\n${USAGE}`);
    return EXIT_REFUSED;
  }
  if (error instanceof RefusalError || error instanceof ConfigurationError) {
    io.err(error.message);
    return EXIT_REFUSED;
  }
  io.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return EXIT_FAILED;
}

/**
 * Turns positionals into a request. Guards that need no configuration run here, before option
 * checks, so a refused teardown says why whatever flags came with it (`--force` included).
 */
function parseRequest(positionals: readonly string[], values: Values): Request {
  const [command, first, second, ...extra] = positionals;
  if (command === undefined) throw new UsageError("Missing command.");
  let key: string;
  let environment: string;
  let rest: readonly (string | undefined)[];
  if (command === "sandbox") {
    if (first === undefined || !["up", "plan", "down"].includes(first)) {
      throw new UsageError(
        first === undefined
          ? "Missing sandbox action (up, plan or down)."
          : `Unknown sandbox action "${first}".`,
      );
    }
    if (second === undefined) throw new UsageError(`Missing sandbox name: sandbox ${first} <name>.`);
    checkSandboxName(second);
    key = `sandbox ${first}`;
    environment = sandboxEnvironmentName(second);
    rest = extra;
  } else if (["plan", "apply", "deploy", "destroy", "bootstrap"].includes(command)) {
    if (first === undefined) throw new UsageError(`Missing environment: ${command} <env>.`);
    key = command;
    environment = first;
    rest = [second, ...extra];
  } else {
    throw new UsageError(`Unknown command "${command}".`);
  }

  const operation = operationFor(key, values);
  // Teardown guard first: no flag, option or typo gets a long-lived environment destroyed.
  if (operation.kind === "destroy") {
    const sandbox = sandboxNameOf(environment);
    if (sandbox !== undefined) checkSandboxName(sandbox);
    else checkAllowed(environment, false, operation);
  }
  const unexpected = rest.filter((arg): arg is string => arg !== undefined);
  if (unexpected.length > 0) throw new UsageError(`Unexpected argument(s): ${unexpected.join(" ")}.`);
  checkOptions(key, values);
  return {
    command: key,
    environment,
    operation,
    dryRun: values["dry-run"] === true,
    parallel: parallelOf(values),
  };
}

function parallelOf(values: Values): number {
  const value = optionalString(values, "parallel");
  if (value === undefined) return DEFAULT_PARALLEL;
  if (!/^[1-9][0-9]?$/.test(value))
    throw new UsageError(`--parallel must be a whole number from 1 to 99, got "${value}".`);
  return Number(value);
}

function operationFor(key: string, values: Values): Operation {
  const lockTimeout = optionalString(values, "lock-timeout");
  if (lockTimeout !== undefined && !/^[1-9][0-9]*[smh]$/.test(lockTimeout)) {
    throw new UsageError(`--lock-timeout must be a duration such as 30s, 10m or 1h, got "${lockTimeout}".`);
  }
  if (values["no-lock"] === true && lockTimeout !== undefined) {
    throw new UsageError("--no-lock and --lock-timeout exclude each other.");
  }
  return { ...operationKind(key, values), ...(lockTimeout ? { lockTimeout } : {}) };
}

function operationKind(key: string, values: Values): Operation {
  switch (key) {
    case "plan":
    case "sandbox plan":
      return { kind: "plan", stack: optionalString(values, "stack"), noLock: values["no-lock"] === true };
    case "apply":
      return {
        kind: "apply",
        confirm: optionalString(values, "confirm"),
        allowDestroy: allowDestroyOf(values),
      };
    case "deploy":
    case "sandbox up":
      return {
        kind: "deploy",
        confirm: optionalString(values, "confirm"),
        allowDestroy: allowDestroyOf(values),
      };
    case "destroy":
    case "sandbox down":
      return { kind: "destroy", skipKubernetesCleanup: values["skip-k8s-cleanup"] === true };
    default:
      return {
        kind: "bootstrap",
        migrate: values.migrate === true,
        confirm: optionalString(values, "confirm"),
        allowDestroy: allowDestroyOf(values),
      };
  }
}

function optionalString(values: Values, name: OptionName): string | undefined {
  const raw = values[name];
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (value === true) throw new UsageError(`--${name} needs a value.`);
  return typeof value === "string" ? value : undefined;
}

/** `--allow-destroy <stack>:<address>`, repeatable. */
function allowDestroyOf(values: Values): string[] {
  const raw = values["allow-destroy"];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.map((entry) => {
    if (typeof entry !== "string" || !/^[a-z0-9-]+:.+$/.test(entry)) {
      throw new UsageError(
        `--allow-destroy needs <stack>:<resource address> (e.g. dev-data:aws_db_instance.database), got "${String(entry)}".`,
      );
    }
    return entry;
  });
}

function checkOptions(key: string, values: Values): void {
  const allowed = new Set<string>(["dry-run", ...(COMMAND_OPTIONS[key] ?? [])]);
  const unknown = Object.keys(values).filter((name) => values[name] !== undefined && !allowed.has(name));
  if (unknown.length > 0) {
    throw new UsageError(`Unknown option(s) for "${key}": ${unknown.map((name) => `--${name}`).join(", ")}.`);
  }
}

/** `diff [<env>] [--base <ref>] [--json] [--fail-on-stateful]`: offline, no credentials. */
function diffCommand(positionals: readonly string[], values: Values, deps: CliDependencies): number {
  const [environment, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`Unexpected argument(s): ${extra.join(" ")}.`);
  checkOptions("diff", { ...values, "dry-run": undefined });
  if (environment !== undefined) resolveEnvironment(environment);
  const result = runDiff({
    root: deps.root ?? PROJECT_ROOT,
    environment,
    base: optionalString(values, "base"),
  });
  const label = `${result.base} (${result.baseCommit.slice(0, 12)})`;
  if (values.json === true)
    deps.io.out(
      JSON.stringify({ base: result.base, baseCommit: result.baseCommit, stacks: result.stacks }, null, 2),
    );
  else for (const line of renderDiff(result.stacks, label)) deps.io.out(line);
  const stateful = result.stacks.some((d) => d.stateful.length > 0);
  return values["fail-on-stateful"] === true && stateful ? EXIT_FAILED : 0;
}

/**
 * `waits-for <env> <stack> [--base <ref>]`: the upstream stacks whose outputs the change adds and
 * `<stack>` reads, one per line (none: nothing to wait for). CI asks it when a plan fails.
 */
function waitsForCommand(positionals: readonly string[], values: Values, deps: CliDependencies): number {
  const [environment, stack, ...extra] = positionals;
  if (environment === undefined || stack === undefined)
    throw new UsageError("Usage: waits-for <env> <stack> [--base <git-ref>].");
  if (extra.length > 0) throw new UsageError(`Unexpected argument(s): ${extra.join(" ")}.`);
  checkOptions("waits-for", { ...values, "dry-run": undefined });
  resolveEnvironment(environment);
  const result = runDiff({
    root: deps.root ?? PROJECT_ROOT,
    environment,
    base: optionalString(values, "base"),
  });
  for (const upstream of waitsFor(result.stacks, stack, result.after[stack])) deps.io.out(upstream);
  return 0;
}

/**
 * `promotion-check <env> --sha <commit>`: refuses (exit 2) unless the environment before `<env>` in
 * promotion order deployed that commit successfully (GitHub's deployment records).
 */
async function promotionCommand(
  positionals: readonly string[],
  values: Values,
  deps: CliDependencies,
): Promise<number> {
  const [environment, ...extra] = positionals;
  if (environment === undefined) throw new UsageError("Usage: promotion-check <env> --sha <commit>.");
  if (extra.length > 0) throw new UsageError(`Unexpected argument(s): ${extra.join(" ")}.`);
  checkOptions("promotion-check", { ...values, "dry-run": undefined });
  const sha = optionalString(values, "sha");
  if (sha === undefined) throw new UsageError("promotion-check needs --sha <commit>.");
  const result = await checkPromotion(environment, sha, gitHubApiFromEnvironment(deps.env ?? process.env));
  if (!result.deployed) {
    throw new RefusalError(
      `Refusing to promote ${sha} to ${environment}: ${result.from} has not deployed it successfully (promotion order: environments/registry.ts).`,
    );
  }
  deps.io.out(
    result.from === undefined
      ? `${environment} is first in promotion order: nothing to check.`
      : `${sha} was deployed successfully to ${result.from}: ${environment} may deploy it.`,
  );
  return 0;
}

/** `environments`: the registered environments in promotion order, as lines or as a GitHub Actions matrix. */
function listEnvironments(extra: readonly string[], values: Values, deps: CliDependencies): number {
  if (extra.length > 0) throw new UsageError(`Unexpected argument(s): ${extra.join(" ")}.`);
  checkOptions("environments", { ...values, "dry-run": undefined });
  const include = ENVIRONMENT_NAMES.map((name) => {
    const environment = resolveEnvironment(name);
    // The deploy job applies every stack, the platform's included: it runs on the environment's runner.
    return { environment: name, region: environment.region, runner: runnerLabel(environment, true) };
  });
  if (values.json === true) deps.io.out(JSON.stringify({ include }));
  else for (const entry of include) deps.io.out(entry.environment);
  return 0;
}

/** `stacks <env>...`: the layer stacks in dependency order, as lines or as a GitHub Actions matrix (with each stack's runner). */
function listStacks(named: readonly string[], values: Values, deps: CliDependencies): number {
  checkOptions("stacks", { ...values, "dry-run": undefined });
  const environments = named.length > 0 ? named : ENVIRONMENT_NAMES;
  const include = environments.flatMap((name) => {
    const environment = resolveEnvironment(name);
    const inventory = (deps.inventory ?? environmentInventory)(environment);
    return dependencyOrder(inventory.stacks).map((stack) => ({
      environment: environment.name,
      stack: stack.id,
      region: environment.region,
      // Stacks that talk to the cluster API run on the runner with a network path to it.
      runner: runnerLabel(environment, stack.usesKubernetes),
    }));
  });
  if (values.json === true) {
    deps.io.out(JSON.stringify({ include }));
  } else {
    for (const entry of include) deps.io.out(`${entry.environment} ${entry.stack}`);
  }
  return 0;
}

/** `env new <name> --from <env> --account <id> --cidr <cidr> [--domain <name> [--hosted-zone-id <id>]] [--after <env>]`. */
function newEnvironment(positionals: readonly string[], values: Values, deps: CliDependencies): number {
  const [action, name, ...extra] = positionals;
  if (action !== "new") {
    throw new UsageError(
      action === undefined ? "Missing env action (new)." : `Unknown env action "${action}".`,
    );
  }
  if (name === undefined) throw new UsageError("Missing environment name: env new <name> --from <env> ...");
  if (extra.length > 0) throw new UsageError(`Unexpected argument(s): ${extra.join(" ")}.`);
  checkOptions("env new", values);
  const required = (option: OptionName) => {
    const value = optionalString(values, option);
    if (value === undefined) throw new UsageError(`env new needs --${option}.`);
    return value;
  };
  const dryRun = values["dry-run"] === true;
  const result = createEnvironment(
    deps.root ?? PROJECT_ROOT,
    {
      name,
      from: required("from"),
      accountId: required("account"),
      cidr: required("cidr"),
      domain: optionalString(values, "domain"),
      hostedZoneId: optionalString(values, "hosted-zone-id"),
      after: optionalString(values, "after"),
    },
    { dryRun },
  );
  const { io } = deps;
  for (const [file, text] of Object.entries(result.files)) {
    io.out(dryRun ? `would write ${file}:\n${text}` : `wrote ${file}`);
  }
  if (result.todo.length > 0) {
    io.out(`\nSet before environments/${name}.ts validates (until then synthesis and the tests fail on it):`);
    for (const item of result.todo) io.out(`  - ${item}`);
  }
  io.out(
    [
      "",
      "Next:",
      `  - review environments/${name}.ts (sizes, protection and policy profile are ${values.from}'s)`,
      "  - npm test (new snapshots for its stacks: review them), then commit",
      `  - GitHub: create the environment "${name}" (protection rules, variable AWS_DEPLOY_ROLE_ARN) and add "${name}" to the`,
      "    repository variable AWS_PLAN_ROLE_ARNS (docs/operations.md, CI/CD)",
      `  - npm run infra -- bootstrap ${name}, then plan and deploy`,
    ].join("\n"),
  );
  return 0;
}
