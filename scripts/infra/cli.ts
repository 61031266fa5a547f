/**
 * `npm run infra -- <command>`: parses the command line, applies the guards, gathers the
 * environment's inventory, plans, then prints (`--dry-run`) or executes.
 *
 * Exit status: 0 done; 1 a command of the run failed (the failed stack is named); 2 refused or
 * misused before anything ran (usage, unknown environment, invalid sandbox name, teardown of a
 * long-lived environment, prod deploy without `--confirm prod`, `bootstrap --migrate` while
 * `state.bootstrapBackend` is still "local").
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigurationError, ENVIRONMENT_NAMES, EnvironmentConfig } from "../../environments";
import { createEnvironment } from "./env-new";
import { renderDiff, runDiff } from "./diff";
import { EXIT_FAILED, EXIT_REFUSED, RefusalError, UsageError } from "./errors";
import { Io, Runner, executePlan, renderPlan, spawnRunner } from "./executor";
import { KNOWN_ENVIRONMENTS, checkSandboxName, environmentInventory, resolveEnvironment } from "./inventory";
import { EnvironmentInventory, Operation, checkAllowed, dependencyOrder, planOperation } from "./planner";
import { runnerLabel } from "../../stacks/deploy-identity";

/** The project root: commands run from here (`cdktf.out/`, `plans/`, `scripts/app.cjs`). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

export const USAGE = `Usage: npm run infra -- <command> [options]

Commands (every one accepts --dry-run: print the exact commands, in order, and execute nothing):
  plan <env> [--stack <id>]     init and plan each stack of <env> in dependency order; plan files in plans/
  deploy <env> [--confirm prod] plan and apply each stack of <env> in dependency order (prod needs --confirm prod)
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
  environments [--json]         list the registered environments in promotion order (--json: a GitHub Actions matrix)
  stacks [<env>...] [--json]    list the stacks of each <env> (default: every registered environment, in promotion
                                order) in dependency order (--json: a GitHub Actions matrix)
  env new <name> --from <env> --account <id> --cidr <cidr> [--domain <name> [--hosted-zone-id <id>]] [--after <env>]
                                write environments/<name>.ts as a copy of <env> with its own account, state bucket,
                                network and domain, and register it (after <env>, or after --after)
  help                          this text

<env>: ${KNOWN_ENVIRONMENTS}.
Exit status: 0 done, 1 a command failed (the stack is named), 2 refused or misused (nothing ran).
See docs/operations.md.`;

/** What the CLI needs from the outside world; tests replace the runner and the inventory. */
export interface CliDependencies {
  readonly io: Io;
  /** Runs commands (real runs only). @default spawnSync from the project root */
  readonly runner?: Runner;
  /** Gathers an environment's stacks. @default an in-process synthesis into a temporary folder */
  readonly inventory?: (environment: EnvironmentConfig) => EnvironmentInventory;
  /** The project root `env new` writes into. @default PROJECT_ROOT */
  readonly root?: string;
}

const OPTIONS = {
  "dry-run": { type: "boolean" },
  confirm: { type: "string" },
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
  help: { type: "boolean", short: "h" },
} as const;

type OptionName = keyof typeof OPTIONS;

/** The options each command accepts besides --dry-run. */
const COMMAND_OPTIONS: Record<string, readonly OptionName[]> = {
  plan: ["stack"],
  deploy: ["confirm"],
  destroy: ["skip-k8s-cleanup"],
  bootstrap: ["migrate"],
  "sandbox up": [],
  "sandbox plan": [],
  "sandbox down": ["skip-k8s-cleanup"],
  stacks: ["json"],
  environments: ["json"],
  diff: ["base", "json", "fail-on-stateful"],
  "env new": ["from", "account", "cidr", "domain", "hosted-zone-id", "after"],
};

interface Request {
  readonly command: string;
  readonly environment: string;
  readonly operation: Operation;
  readonly dryRun: boolean;
}

type Values = Record<string, string | boolean | undefined>;

/** Runs the CLI; returns the exit status. */
export function main(argv: readonly string[], deps: CliDependencies): number {
  const { io } = deps;
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
    if (positionals[0] === "stacks") return listStacks(positionals.slice(1), values, deps);
    if (positionals[0] === "diff") return diffCommand(positionals.slice(1), values, deps);
    if (positionals[0] === "environments") return listEnvironments(positionals.slice(1), values, deps);
    if (positionals[0] === "env") return newEnvironment(positionals.slice(1), values, deps);
    const request = parseRequest(positionals, values);
    const environment = resolveEnvironment(request.environment);
    checkAllowed(environment.name, environment.sandbox, request.operation);
    const inventory = (deps.inventory ?? environmentInventory)(environment);
    const plan = planOperation(inventory, request.operation);
    if (request.dryRun) {
      for (const line of renderPlan(plan)) io.out(line);
      return 0;
    }
    return executePlan(plan, io, deps.runner ?? spawnRunner(PROJECT_ROOT), PROJECT_ROOT);
  } catch (error) {
    return report(error, io);
  }
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
    environment = `sandbox-${second}`;
    rest = extra;
  } else if (["plan", "deploy", "destroy", "bootstrap"].includes(command)) {
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
    if (environment.startsWith("sandbox-")) checkSandboxName(environment.slice("sandbox-".length));
    else checkAllowed(environment, false, operation);
  }
  const unexpected = rest.filter((arg): arg is string => arg !== undefined);
  if (unexpected.length > 0) throw new UsageError(`Unexpected argument(s): ${unexpected.join(" ")}.`);
  checkOptions(key, values);
  return { command: key, environment, operation, dryRun: values["dry-run"] === true };
}

function operationFor(key: string, values: Values): Operation {
  switch (key) {
    case "plan":
    case "sandbox plan":
      return { kind: "plan", stack: optionalString(values, "stack") };
    case "deploy":
    case "sandbox up":
      return { kind: "deploy", confirm: optionalString(values, "confirm") };
    case "destroy":
    case "sandbox down":
      return { kind: "destroy", skipKubernetesCleanup: values["skip-k8s-cleanup"] === true };
    default:
      return { kind: "bootstrap", migrate: values.migrate === true };
  }
}

function optionalString(values: Values, name: OptionName): string | undefined {
  const value = values[name];
  if (value === true) throw new UsageError(`--${name} needs a value.`);
  return typeof value === "string" ? value : undefined;
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
