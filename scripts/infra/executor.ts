/**
 * The impure half of the `infra` CLI: prints a plan (dry run) or executes it step by step, with
 * a progress line per step and a stop at the first failure, naming the stack.
 *
 * Commands are spawned from an argv array (never a shell string), from the project root. The
 * printed line of a step is the exact command that runs, quoted for a POSIX shell, so the dry-run
 * output is itself a runnable script; the only lines that are not commands start with `#`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { EXIT_FAILED, RefusalError } from "./errors";
import { OperationPlan, PLANS_DIR, Step, isSandboxEnvironment } from "./planner";

/** Where the CLI writes: progress and results to `out`, problems to `err`. */
export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** The outcome of one command. */
export interface RunResult {
  /** Exit status; non-zero (127 when the program is missing) is a failure. */
  readonly status: number;
  /** Standard output, when captured. */
  readonly stdout: string;
  /** Why the command could not run at all, if it could not. */
  readonly error?: string;
}

/** Runs one command; `capture` returns its standard output instead of passing it through. */
export type Runner = (argv: readonly string[], options: { readonly capture: boolean }) => RunResult;

/** Quotes an argument for a POSIX shell only when it needs it. */
export function shellQuote(arg: string): string {
  if (arg === "") return "''";
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one shell line. */
export function commandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}

function stackLabel(step: Step): string {
  return step.stack ? `[${step.position}/${step.total}] ${step.stack}` : "synth";
}

/** The command lines of one step, as the dry run prints them (comments start with `#`). */
export function stepLines(step: Step): string[] {
  switch (step.kind) {
    case "run":
      return [commandLine(step.argv)];
    case "delete-load-balancer-services":
      return [
        commandLine(step.argv),
        `# then, for each Service of type LoadBalancer listed: ${commandLine(step.deleteArgv)} --namespace <namespace> <name>`,
      ];
    case "check-leftovers":
      return [
        `# leftovers tagged for cluster ${step.cluster} block deleting the VPC: the run stops if any query lists something`,
        ...step.queries.map((query) => commandLine(query.argv)),
      ];
  }
}

/** The dry run: a header, then every command in execution order, grouped by stack. */
export function renderPlan(plan: OperationPlan): string[] {
  const lines = [
    `# ${plan.title}`,
    "# dry run: these commands would run, in this order; nothing was executed",
  ];
  let group: string | undefined;
  for (const step of plan.steps) {
    const label = stackLabel(step);
    if (label !== group) {
      group = label;
      if (step.stack) lines.push(`# ${label}`);
    }
    lines.push(...stepLines(step));
  }
  return lines;
}

/**
 * The last line of defence: a plan that deletes anything must belong to a sandbox and touch only
 * that sandbox's stacks, whatever produced it.
 */
export function assertSafeToExecute(plan: OperationPlan): void {
  const destroys =
    plan.destroys ||
    plan.steps.some(
      (step) => step.kind === "run" && (step.argv.includes("-destroy") || step.argv.includes("destroy")),
    );
  if (!destroys) return;
  const foreign = plan.steps.filter((step) => step.stack && !step.stack.startsWith(`${plan.environment}-`));
  if (!isSandboxEnvironment(plan.environment) || foreign.length > 0) {
    throw new RefusalError(
      `Refusing to run a teardown of "${plan.environment}": only sandboxes are torn down.`,
    );
  }
}

interface Failure {
  readonly step: Step;
  readonly message: string;
}

/** Executes the plan; returns the exit status (0, or {@link EXIT_FAILED} after naming the failed stack). */
export function executePlan(plan: OperationPlan, io: Io, run: Runner, root: string): number {
  assertSafeToExecute(plan);
  io.out(`==> ${plan.title}`);
  fs.mkdirSync(path.join(root, PLANS_DIR), { recursive: true });
  for (const step of plan.steps) {
    const failure = executeStep(step, io, run, root);
    if (failure) {
      const done = new Set(plan.steps.slice(0, plan.steps.indexOf(step)).map((s) => s.stack));
      const notRun = [...new Set(plan.steps.map((s) => s.stack))].filter(
        (stack): stack is string => stack !== undefined && stack !== step.stack && !done.has(stack),
      );
      io.err(`✗ ${stackLabel(step)}: ${failure.message}`);
      io.err(
        `Stopped: ${step.stack ? `stack ${step.stack} failed` : "synthesis failed"}` +
          (notRun.length > 0 ? `; not run: ${notRun.join(", ")}` : "") +
          ".",
      );
      return EXIT_FAILED;
    }
  }
  for (const line of plan.epilogue) io.out(line);
  return 0;
}

function executeStep(step: Step, io: Io, run: Runner, root: string): Failure | undefined {
  const label = stackLabel(step);
  switch (step.kind) {
    case "run": {
      io.out(`${label}: ${commandLine(step.argv)}`);
      const result = run(step.argv, { capture: false });
      if (result.status !== 0) return { step, message: describeFailure(step.argv, result) };
      if (step.expectStacks) return checkSynthesized(step, root);
      return undefined;
    }
    case "delete-load-balancer-services":
      return deleteLoadBalancerServices(step, label, io, run);
    case "check-leftovers":
      return checkLeftovers(step, label, io, run);
  }
}

function describeFailure(argv: readonly string[], result: RunResult): string {
  return result.error
    ? `${commandLine(argv)} could not run: ${result.error}`
    : `${commandLine(argv)} failed (exit ${result.status})`;
}

/** After the synthesis: the planned stacks must be what the app synthesized. */
function checkSynthesized(step: Step & { kind: "run" }, root: string): Failure | undefined {
  const manifestPath = path.join(root, "cdktf.out", "manifest.json");
  let synthesized: string[] = [];
  try {
    synthesized = Object.keys(JSON.parse(fs.readFileSync(manifestPath, "utf8")).stacks ?? {});
  } catch {
    return { step, message: `no readable cdktf.out/manifest.json after ${commandLine(step.argv)}` };
  }
  const missing = (step.expectStacks ?? []).filter((id) => !synthesized.includes(id));
  return missing.length > 0
    ? { step, message: `the synthesis did not produce the planned stack(s) ${missing.join(", ")}` }
    : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.trim() === "" ? "null" : text);
  } catch {
    return undefined;
  }
}

function deleteLoadBalancerServices(
  step: Step & { kind: "delete-load-balancer-services" },
  label: string,
  io: Io,
  run: Runner,
): Failure | undefined {
  io.out(`${label}: ${commandLine(step.argv)}`);
  const listed = run(step.argv, { capture: true });
  if (listed.status !== 0) return { step, message: describeFailure(step.argv, listed) };
  const parsed = parseJson(listed.stdout) as { items?: unknown } | undefined;
  if (!parsed || !Array.isArray(parsed.items)) {
    return { step, message: `${commandLine(step.argv)} did not print a Kubernetes list` };
  }
  const services = (
    parsed.items as { metadata?: { name?: string; namespace?: string }; spec?: { type?: string } }[]
  )
    .filter((item) => item.spec?.type === "LoadBalancer" && item.metadata?.name && item.metadata.namespace)
    .map((item) => ({ name: String(item.metadata?.name), namespace: String(item.metadata?.namespace) }));
  if (services.length === 0) io.out(`${label}: no Services of type LoadBalancer`);
  for (const service of services) {
    const argv = [...step.deleteArgv, "--namespace", service.namespace, service.name];
    io.out(`${label}: ${commandLine(argv)}`);
    const result = run(argv, { capture: false });
    if (result.status !== 0) return { step, message: describeFailure(argv, result) };
  }
  return undefined;
}

function checkLeftovers(
  step: Step & { kind: "check-leftovers" },
  label: string,
  io: Io,
  run: Runner,
): Failure | undefined {
  const found: string[] = [];
  for (const query of step.queries) {
    io.out(`${label}: ${commandLine(query.argv)}`);
    const result = run(query.argv, { capture: true });
    if (result.status !== 0) return { step, message: describeFailure(query.argv, result) };
    const listed = parseJson(result.stdout);
    if (listed !== null && !Array.isArray(listed)) {
      return { step, message: `${commandLine(query.argv)} did not print a JSON list` };
    }
    const ids = (listed ?? []).map(String);
    if (ids.length > 0) found.push(`${query.what}: ${ids.join(", ")}`);
  }
  if (found.length === 0) {
    io.out(`${label}: nothing left behind by the controllers of cluster ${step.cluster}`);
    return undefined;
  }
  return {
    step,
    message:
      `resources created outside Terraform for cluster ${step.cluster} still exist and would block deleting the VPC:\n` +
      found.map((line) => `  - ${line}`).join("\n") +
      "\n  Delete them (see docs/operations.md, Teardown), then run the teardown again, with --skip-k8s-cleanup" +
      " if the cluster is already gone (stacks destroyed so far stay destroyed).",
  };
}

/** Runs commands for real: argv arrays through `spawnSync`, from the project root. */
export function spawnRunner(root: string): Runner {
  // The CLI always synthesizes JSON into cdktf.out/: settings that would redirect the app are dropped.
  const env = { ...process.env };
  delete env.CDKTF_OUTDIR;
  delete env.SYNTH_HCL_OUTPUT;
  return (argv, { capture }) => {
    const result = spawnSync(argv[0], argv.slice(1), {
      cwd: root,
      env,
      stdio: capture ? ["inherit", "pipe", "inherit"] : "inherit",
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    if (result.error) {
      const missing = (result.error as NodeJS.ErrnoException).code === "ENOENT";
      return { status: 127, stdout: "", error: missing ? `${argv[0]} is not on PATH` : result.error.message };
    }
    const status = result.status ?? (result.signal ? 128 : 1);
    return {
      status,
      stdout: result.stdout ?? "",
      ...(result.signal ? { error: `killed by ${result.signal}` } : {}),
    };
  };
}
