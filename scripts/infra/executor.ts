/**
 * The impure half of the `infra` CLI: prints a plan (dry run) or executes it.
 *
 * - The synthesis runs first; then every stack runs its steps as soon as the stacks it waits for
 *   have succeeded, at most `parallel` at a time, its output prefixed with `[<stack>]`. A failure
 *   stops that stack and the stacks that wait for it; the others go on.
 * - SIGINT / SIGTERM: forwarded once to every running command (each runs in its own process group,
 *   so a terminal's Ctrl-C reaches Terraform only through here, exactly once); nothing new starts;
 *   the run waits for them to exit (Terraform stops gracefully and releases its state lock), prints
 *   what was interrupted, done and not run, and exits 130 / 143.
 * - Every step prints its elapsed time; the run ends with a summary per stack.
 *
 * Commands are spawned from an argv array (never a shell string), from the project root. The
 * printed line of a step is the exact command that runs, quoted for a POSIX shell, so the dry-run
 * output is itself a runnable script; the lines that are not commands start with `#`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { EXIT_FAILED, RefusalError } from "./errors";
import {
  describePlan,
  readSummary,
  resourceChanges,
  sha256File,
  statefulLosses,
  writePrivate,
} from "./plan-summary";
import { OperationPlan, PLANS_DIR, StackRun, Step, isSandboxEnvironment } from "./planner";

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
  /** Standard error (also passed through line by line). */
  readonly stderr?: string;
  /** Why the command could not run at all, or the signal that ended it. */
  readonly error?: string;
}

/** A command that was started. */
export interface RunningCommand {
  readonly result: Promise<RunResult>;
  /** Sends a signal to the command (and the processes it started). */
  readonly signal: (signal: NodeJS.Signals) => void;
}

export interface RunOptions {
  /** Return standard output instead of passing it through. */
  readonly capture: boolean;
  /** Receives each line passed through. */
  readonly onLine: (line: string, stream: "out" | "err") => void;
}

/** Starts one command. */
export type Runner = (argv: readonly string[], options: RunOptions) => RunningCommand;

/** Where signals come from (the process; an EventEmitter in tests). */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** Everything a real run needs besides the plan. */
export interface ExecutionContext {
  readonly io: Io;
  readonly run: Runner;
  /** The project root: commands run from here. */
  readonly root: string;
  /** How many stacks may run at the same time (1: strictly one after another). */
  readonly parallel: number;
  /** Whether a person answers at a terminal (confirmations are typed). */
  readonly interactive: boolean;
  /** The environment named with `--confirm` (the confirmation when not interactive). */
  readonly confirmed?: string;
  /** Asks a question at the terminal; resolves to the answer. */
  readonly ask: (question: string) => Promise<string>;
  readonly signals: SignalSource;
  /** Milliseconds, for elapsed times. */
  readonly clock: () => number;
}

/** Exit status after a signal: 128 + its number. */
export const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };
const FORWARDED: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

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

/** The command lines of one step, as the dry run prints them (comments start with `#`). */
export function stepLines(step: Step): string[] {
  switch (step.kind) {
    case "run":
      return [commandLine(step.argv)];
    case "plan":
      return [
        commandLine(["rm", "-f", step.planFile, ...step.alsoRemove]),
        commandLine(step.argv),
        commandLine(["chmod", "600", step.planFile]),
      ];
    case "summarize":
      return [
        `${commandLine(step.argv)}  # read, never saved: summarized (addresses and actions, sha256 of the plan and of ${step.configFile}) into ${step.summaryFile}`,
      ];
    case "verify":
      return [
        `# check: ${step.summaryFile} exists and records the sha256 of ${step.planFile} and of ${step.configFile} as they are now; otherwise stop (stale plan)`,
      ];
    case "gate":
      return [
        step.sandbox
          ? "# gate: a sandbox: deletes and replacements of stateful resources allowed"
          : `# gate: a delete or replacement of a stateful resource stops here unless named with --allow-destroy ${step.stack}:<address>` +
            (step.allowDestroy.length > 0 ? ` (named: ${step.allowDestroy.join(", ")})` : ""),
        ...(step.confirm
          ? [
              `# confirm: at a terminal, type "${step.confirm}" after the summary; otherwise --confirm ${step.confirm}`,
            ]
          : []),
      ];
    case "copy":
      return [`[ ! -f ${shellQuote(step.from)} ] || ${commandLine(["cp", step.from, step.to])}`];
    case "kubernetes-cleanup":
      return [
        commandLine(step.describeArgv),
        `# if cluster ${step.cluster} exists (ResourceNotFoundException: nothing to clean in Kubernetes):`,
        ...step.steps.flatMap(stepLines),
      ];
    case "delete-load-balancer-services":
      return [
        commandLine(step.argv),
        `# then, for each Service of type LoadBalancer listed: ${commandLine(step.deleteArgv)} --namespace <namespace> <name>`,
      ];
    case "check-leftovers":
      return [
        `# leftovers tagged for cluster ${step.cluster} block deleting the VPC: the stack stops if any query lists something or prints no JSON list`,
        ...step.queries.map((query) => commandLine(query.argv)),
      ];
    case "write-summary":
      return [`# every stack's summary → ${step.file}`];
  }
}

function stackLabel(run: StackRun): string {
  return `[${run.position}/${run.total}] ${run.stack}`;
}

/** The dry run: a header, then every command, the synthesis first, then grouped by stack. */
export function renderPlan(plan: OperationPlan): string[] {
  const lines = [
    `# ${plan.title}`,
    "# dry run: these commands would run, in this order; nothing was executed",
    ...plan.prepare.flatMap(stepLines),
  ];
  for (const run of plan.stacks) {
    lines.push(`# ${stackLabel(run)}${run.after.length > 0 ? ` (after ${run.after.join(", ")})` : ""}`);
    lines.push(...run.steps.flatMap(stepLines));
  }
  lines.push(...plan.finish.flatMap(stepLines));
  return lines;
}

/**
 * The last line of defence: a plan that deletes anything must belong to a sandbox and touch only
 * that sandbox's stacks, whatever produced it.
 */
export function assertSafeToExecute(plan: OperationPlan): void {
  const commands = [...plan.prepare, ...plan.stacks.flatMap((s) => s.steps)].flatMap((step) =>
    step.kind === "run" || step.kind === "plan" ? [step.argv] : [],
  );
  const destroys =
    plan.destroys || commands.some((argv) => argv.includes("-destroy") || argv.includes("destroy"));
  if (!destroys) return;
  const foreign = plan.stacks.filter((run) => !run.stack.startsWith(`${plan.environment}-`));
  if (!isSandboxEnvironment(plan.environment) || foreign.length > 0) {
    throw new RefusalError(
      `Refusing to run a teardown of "${plan.environment}": only sandboxes are torn down.`,
    );
  }
}

type StackState = "waiting" | "running" | "succeeded" | "failed" | "interrupted" | "not run";

interface StackStatus {
  state: StackState;
  detail?: string;
  elapsedMs?: number;
}

/** Why a step did not succeed. */
type StepOutcome = undefined | { readonly failure: string } | { readonly interrupted: true };

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One run of a plan: shared state of the scheduler, the signal handler and the steps. */
class Execution {
  private interrupted: NodeJS.Signals | undefined;
  private readonly running = new Set<RunningCommand>();
  private resolveInterrupt: () => void = () => undefined;
  private readonly interruptedPromise = new Promise<void>((resolve) => (this.resolveInterrupt = resolve));
  private askQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly plan: OperationPlan,
    private readonly ctx: ExecutionContext,
  ) {}

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    const { io } = this.ctx;
    if (this.interrupted) {
      io.err(
        `${signal} received again: still waiting for ${this.running.size} command(s) to exit, so Terraform releases its state lock. ` +
          "(Killing them with SIGKILL leaves the lock: terraform force-unlock.)",
      );
      return;
    }
    this.interrupted = signal;
    io.err(
      `\n${signal} received: forwarded to ${this.running.size} running command(s); waiting for them to exit ` +
        "(Terraform stops gracefully and releases its state lock). Nothing new starts.",
    );
    for (const command of this.running) command.signal(signal);
    this.resolveInterrupt();
  };

  async execute(): Promise<number> {
    const { io, root, clock } = this.ctx;
    const started = clock();
    assertSafeToExecute(this.plan);
    io.out(`==> ${this.plan.title}`);
    fs.mkdirSync(path.join(root, PLANS_DIR, this.plan.environment), { recursive: true, mode: 0o700 });
    for (const signal of FORWARDED) this.ctx.signals.on(signal, this.onSignal);
    try {
      const statuses = new Map<string, StackStatus>(
        this.plan.stacks.map((run) => [run.stack, { state: "waiting" }]),
      );
      let prepareFailure: string | undefined;
      for (const step of this.plan.prepare) {
        const outcome = await this.timed("synth", step, "[synth] ");
        if (outcome) {
          prepareFailure = "failure" in outcome ? outcome.failure : "interrupted";
          break;
        }
      }
      if (prepareFailure === undefined) await this.schedule(statuses);
      else {
        io.err(`✗ synth: ${prepareFailure}`);
        for (const status of statuses.values()) status.state = "not run";
      }
      const failed = [...statuses.values()].some((s) => s.state === "failed");
      if (prepareFailure === undefined && !this.interrupted) {
        for (const step of this.plan.finish) await this.executeStep(step, "", "");
      }
      this.printSummary(statuses, prepareFailure, clock() - started);
      if (this.interrupted) return SIGNAL_EXIT[this.interrupted] ?? 130;
      if (failed || prepareFailure !== undefined) return EXIT_FAILED;
      for (const line of this.plan.epilogue) io.out(line);
      return 0;
    } finally {
      for (const signal of FORWARDED) this.ctx.signals.off(signal, this.onSignal);
    }
  }

  /** Starts each stack once the stacks it waits for have succeeded; at most `parallel` at a time. */
  private async schedule(statuses: Map<string, StackStatus>): Promise<void> {
    const active = new Map<string, Promise<void>>();
    const parallel = Math.max(1, this.ctx.parallel);
    for (;;) {
      for (const run of this.plan.stacks) {
        const status = statuses.get(run.stack) as StackStatus;
        if (status.state !== "waiting") continue;
        const blocker = run.after.find((id) =>
          ["failed", "not run", "interrupted"].includes(statuses.get(id)?.state ?? "succeeded"),
        );
        if (blocker) {
          status.state = "not run";
          status.detail = `waits for ${blocker}, which ${statuses.get(blocker)?.state === "failed" ? "failed" : "did not finish"}`;
          continue;
        }
        if (this.interrupted) {
          status.state = "not run";
          status.detail = `interrupted by ${this.interrupted} before it started`;
          continue;
        }
        const ready = run.after.every((id) => (statuses.get(id)?.state ?? "succeeded") === "succeeded");
        if (ready && active.size < parallel) {
          status.state = "running";
          active.set(
            run.stack,
            this.runStack(run, status).finally(() => active.delete(run.stack)),
          );
        }
      }
      if (active.size === 0) return;
      await Promise.race(active.values());
    }
  }

  private async runStack(run: StackRun, status: StackStatus): Promise<void> {
    const started = this.ctx.clock();
    const label = stackLabel(run);
    for (const step of run.steps) {
      const outcome = await this.timed(label, step, `[${run.stack}] `);
      if (outcome) {
        status.state = "interrupted" in outcome ? "interrupted" : "failed";
        status.detail = "failure" in outcome ? outcome.failure : `interrupted by ${this.interrupted}`;
        if ("failure" in outcome) this.ctx.io.err(`✗ ${label}: ${outcome.failure}`);
        status.elapsedMs = this.ctx.clock() - started;
        return;
      }
    }
    status.state = "succeeded";
    status.elapsedMs = this.ctx.clock() - started;
    this.ctx.io.out(`✓ ${label}: ${this.plan.outcome} (${seconds(status.elapsedMs)})`);
  }

  /**
   * Runs one step and prints its elapsed time. An unexpected error (a file that cannot be written)
   * fails the step like a failed command, so the commands running beside it are still waited for.
   */
  private async timed(label: string, step: Step, prefix: string): Promise<StepOutcome> {
    const started = this.ctx.clock();
    let outcome: StepOutcome;
    try {
      outcome = await this.executeStep(step, label, prefix);
    } catch (error) {
      outcome = { failure: error instanceof Error ? error.message : String(error) };
    }
    if (!outcome && (step.kind === "run" || step.kind === "plan" || step.kind === "summarize")) {
      this.ctx.io.out(`${label}: done in ${seconds(this.ctx.clock() - started)}`);
    }
    return outcome;
  }

  private printSummary(
    statuses: Map<string, StackStatus>,
    prepareFailure: string | undefined,
    elapsedMs: number,
  ): void {
    const { io } = this.ctx;
    const lines = [`Summary of ${this.plan.title.split(":")[0]} (${seconds(elapsedMs)}):`];
    if (prepareFailure !== undefined) lines.push(`  synth failed: ${prepareFailure}`);
    for (const run of this.plan.stacks) {
      const status = statuses.get(run.stack) as StackStatus;
      const state = status.state === "succeeded" ? this.plan.outcome : status.state;
      const time = status.elapsedMs !== undefined ? ` (${seconds(status.elapsedMs)})` : "";
      const detail = status.detail && status.state !== "failed" ? `: ${status.detail}` : "";
      lines.push(`  ${state.padEnd(12)}${run.stack}${time}${detail}`);
    }
    const ok = prepareFailure === undefined && [...statuses.values()].every((s) => s.state === "succeeded");
    for (const line of lines) (ok ? io.out : io.err)(line);
  }

  /** Starts a command unless the run was interrupted; resolves to its result. */
  private async command(
    argv: readonly string[],
    prefix: string,
    capture: boolean,
  ): Promise<RunResult | "interrupted"> {
    if (this.interrupted) return "interrupted";
    const { io } = this.ctx;
    const command = this.ctx.run(argv, {
      capture,
      onLine: (line, stream) => (stream === "err" ? io.err : io.out)(`${prefix}${line}`),
    });
    this.running.add(command);
    try {
      const result = await command.result;
      return this.interrupted && result.status !== 0 ? "interrupted" : result;
    } finally {
      this.running.delete(command);
    }
  }

  private async executeStep(step: Step, label: string, prefix: string): Promise<StepOutcome> {
    const { io, root } = this.ctx;
    const at = (file: string) => path.join(root, file);
    switch (step.kind) {
      case "run": {
        io.out(`${label}: ${commandLine(step.argv)}`);
        const result = await this.command(step.argv, prefix, false);
        if (result === "interrupted") return { interrupted: true };
        if (result.status !== 0) return { failure: describeFailure(step.argv, result) };
        if (step.expectStacks) return checkSynthesized(step.argv, step.expectStacks, root);
        return undefined;
      }
      case "plan": {
        for (const file of [step.planFile, ...step.alsoRemove]) fs.rmSync(at(file), { force: true });
        io.out(`${label}: ${commandLine(step.argv)}`);
        const result = await this.command(step.argv, prefix, false);
        if (result === "interrupted") return { interrupted: true };
        if (result.status !== 0) return { failure: describeFailure(step.argv, result) };
        if (!fs.existsSync(at(step.planFile))) {
          return {
            failure: `${commandLine(step.argv)} exited 0 but wrote no plan file ${step.planFile}; nothing is applied`,
          };
        }
        fs.chmodSync(at(step.planFile), 0o600);
        return undefined;
      }
      case "summarize": {
        io.out(`${label}: ${commandLine(step.argv)}`);
        const result = await this.command(step.argv, prefix, true);
        if (result === "interrupted") return { interrupted: true };
        if (result.status !== 0) return { failure: describeFailure(step.argv, result) };
        let changes;
        try {
          changes = resourceChanges(result.stdout);
        } catch (error) {
          return { failure: `${commandLine(step.argv)} did not print a plan as JSON (${String(error)})` };
        }
        if (!fs.existsSync(at(step.configFile))) {
          return { failure: `${step.configFile} does not exist: the synthesis did not write this stack` };
        }
        writePrivate(
          at(step.summaryFile),
          `${JSON.stringify(
            {
              format: 1,
              stack: step.stack,
              planSha256: sha256File(at(step.planFile)),
              configSha256: sha256File(at(step.configFile)),
              changes,
            },
            null,
            2,
          )}\n`,
        );
        for (const line of describePlan(step.stack, changes)) io.out(`${prefix}${line}`);
        return undefined;
      }
      case "verify": {
        const summary = readSummary(at(step.summaryFile));
        if (!summary || !fs.existsSync(at(step.planFile))) {
          return {
            failure: `no reviewed plan for ${step.stack} (${step.planFile} with its summary ${step.summaryFile}): run "${step.replan}", review it, then apply`,
          };
        }
        if (!fs.existsSync(at(step.configFile)) || sha256File(at(step.configFile)) !== summary.configSha256) {
          return {
            failure:
              `stale plan: ${step.planFile} was made for another configuration of ${step.stack} than ${step.configFile} ` +
              `(the code or the environment changed since the plan). Nothing was applied. Plan again: "${step.replan}"`,
          };
        }
        if (sha256File(at(step.planFile)) !== summary.planSha256) {
          return {
            failure: `${step.planFile} is not the plan its summary ${step.summaryFile} describes. Nothing was applied. Plan again: "${step.replan}"`,
          };
        }
        io.out(`${label}: ${step.planFile} is the reviewed plan for the current ${step.configFile}`);
        for (const line of describePlan(step.stack, summary.changes)) io.out(`${prefix}${line}`);
        return undefined;
      }
      case "gate":
        return this.gate(step, label);
      case "copy": {
        if (!fs.existsSync(at(step.from))) {
          io.out(`${label}: no ${step.from}; nothing to copy`);
          return undefined;
        }
        io.out(`${label}: ${commandLine(["cp", step.from, step.to])}`);
        fs.copyFileSync(at(step.from), at(step.to));
        return undefined;
      }
      case "kubernetes-cleanup": {
        io.out(`${label}: ${commandLine(step.describeArgv)}`);
        const described = await this.command(step.describeArgv, prefix, true);
        if (described === "interrupted") return { interrupted: true };
        if (described.status !== 0) {
          if (/ResourceNotFoundException/.test(`${described.stderr ?? ""}${described.stdout}`)) {
            io.out(
              `${label}: cluster ${step.cluster} does not exist: nothing to clean in Kubernetes ` +
                "(the leftover check before the network still runs)",
            );
            return undefined;
          }
          return { failure: describeFailure(step.describeArgv, described) };
        }
        for (const inner of step.steps) {
          const outcome = await this.executeStep(inner, label, prefix);
          if (outcome) return outcome;
        }
        return undefined;
      }
      case "delete-load-balancer-services":
        return this.deleteLoadBalancerServices(step, label, prefix);
      case "check-leftovers":
        return this.checkLeftovers(step, label, prefix);
      case "write-summary": {
        const sections = step.summaryFiles.flatMap((file) => {
          const summary = readSummary(at(file));
          return summary ? ["```", ...describePlan(summary.stack, summary.changes), "```", ""] : [];
        });
        writePrivate(at(step.file), [`# ${step.title}`, "", ...sections].join("\n"));
        io.out(`Summary of every plan: ${step.file}`);
        return undefined;
      }
    }
  }

  private async gate(step: Step & { kind: "gate" }, label: string): Promise<StepOutcome> {
    const { io } = this.ctx;
    const summary = readSummary(path.join(this.ctx.root, step.summaryFile));
    if (!summary) return { failure: `no plan summary ${step.summaryFile}` };
    const losses = statefulLosses(summary.changes);
    if (!step.sandbox) {
      const refused = losses.filter(
        (change) => !step.allowDestroy.includes(`${step.stack}:${change.address}`),
      );
      if (refused.length > 0) {
        return {
          failure:
            `the plan deletes or replaces stateful resources; nothing was applied:\n` +
            refused.map((change) => `  - ${change.address} (${change.actions.join(", ")})`).join("\n") +
            `\n  If that is intended, name each one: ${refused.map((c) => `--allow-destroy ${step.stack}:${c.address}`).join(" ")}`,
        };
      }
      for (const change of losses) io.out(`${label}: ${change.address}: allowed by --allow-destroy`);
    }
    if (!step.confirm) return undefined;
    if (summary.changes.length === 0) {
      io.out(`${label}: no changes; nothing to confirm`);
      return undefined;
    }
    if (!this.ctx.interactive) {
      if (this.ctx.confirmed === step.confirm) {
        io.out(`${label}: confirmed by --confirm ${step.confirm}`);
        return undefined;
      }
      return {
        failure: `applying to ${step.confirm} needs --confirm ${step.confirm} when not at a terminal`,
      };
    }
    // One question at a time, even with stacks running side by side.
    const answer = (this.askQueue = this.askQueue.then(() =>
      this.interrupted
        ? null
        : Promise.race([
            this.ctx.ask(
              `Apply the plan of ${step.stack} above to ${step.confirm}? Type "${step.confirm}" to confirm: `,
            ),
            this.interruptedPromise.then(() => null),
          ]),
    )) as Promise<string | null>;
    const typed = await answer;
    if (typed === null) return { interrupted: true };
    if (typed.trim() !== step.confirm)
      return { failure: `not confirmed ("${typed.trim()}"); nothing was applied` };
    return undefined;
  }

  private async deleteLoadBalancerServices(
    step: Step & { kind: "delete-load-balancer-services" },
    label: string,
    prefix: string,
  ): Promise<StepOutcome> {
    const { io } = this.ctx;
    io.out(`${label}: ${commandLine(step.argv)}`);
    const listed = await this.command(step.argv, prefix, true);
    if (listed === "interrupted") return { interrupted: true };
    if (listed.status !== 0) return { failure: describeFailure(step.argv, listed) };
    const parsed = parseJson(listed.stdout) as { items?: unknown } | undefined | null;
    if (!parsed || !Array.isArray(parsed.items)) {
      return { failure: `${commandLine(step.argv)} did not print a Kubernetes list` };
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
      const result = await this.command(argv, prefix, false);
      if (result === "interrupted") return { interrupted: true };
      if (result.status !== 0) return { failure: describeFailure(argv, result) };
    }
    return undefined;
  }

  private async checkLeftovers(
    step: Step & { kind: "check-leftovers" },
    label: string,
    prefix: string,
  ): Promise<StepOutcome> {
    const { io } = this.ctx;
    const found: string[] = [];
    for (const query of step.queries) {
      io.out(`${label}: ${commandLine(query.argv)}`);
      const result = await this.command(query.argv, prefix, true);
      if (result === "interrupted") return { interrupted: true };
      if (result.status !== 0) return { failure: describeFailure(query.argv, result) };
      const listed = parseJson(result.stdout);
      // Nothing printed is not "nothing found": only a JSON list proves the query ran as intended.
      if (!Array.isArray(listed)) {
        return {
          failure: `${commandLine(query.argv)} did not print a JSON list (got ${JSON.stringify(result.stdout.slice(0, 80))}); cannot tell whether leftovers exist`,
        };
      }
      const ids = listed.map(String);
      if (ids.length > 0) found.push(`${query.what}: ${ids.join(", ")}`);
    }
    if (found.length === 0) {
      io.out(`${label}: nothing left behind by the controllers of cluster ${step.cluster}`);
      return undefined;
    }
    return {
      failure:
        `resources created outside Terraform for cluster ${step.cluster} still exist and would block deleting the VPC:\n` +
        found.map((line) => `  - ${line}`).join("\n") +
        "\n  Delete them (see docs/operations.md, Teardown), then run the teardown again" +
        " (stacks destroyed so far stay destroyed).",
    };
  }
}

/** Executes the plan; resolves to the exit status (0; 1 when a stack failed; 130 / 143 after a signal). */
export function executePlan(plan: OperationPlan, ctx: ExecutionContext): Promise<number> {
  return new Execution(plan, ctx).execute();
}

function describeFailure(argv: readonly string[], result: RunResult): string {
  if (result.error) return `${commandLine(argv)} could not run: ${result.error}`;
  const stderr = (result.stderr ?? "").trim().split("\n").slice(-3).join(" / ");
  return `${commandLine(argv)} failed (exit ${result.status})${stderr ? `: ${stderr}` : ""}`;
}

/** After the synthesis: the planned stacks must be in the manifest, each with its configuration. */
function checkSynthesized(argv: readonly string[], expected: readonly string[], root: string): StepOutcome {
  let synthesized: string[] = [];
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, "cdktf.out", "manifest.json"), "utf8"));
    synthesized = Object.keys(manifest.stacks ?? {});
  } catch {
    return { failure: `no readable cdktf.out/manifest.json after ${commandLine(argv)}` };
  }
  const missing = expected.filter((id) => !synthesized.includes(id));
  return missing.length > 0
    ? { failure: `the synthesis did not produce the planned stack(s) ${missing.join(", ")}` }
    : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Splits a stream into lines for `onLine`. */
function lineSplitter(emit: (line: string) => void): { push: (chunk: string) => void; end: () => void } {
  let rest = "";
  return {
    push: (chunk) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) emit(line);
    },
    end: () => {
      if (rest !== "") emit(rest);
      rest = "";
    },
  };
}

/**
 * Runs commands for real: argv arrays, from the project root, each in its own process group (so
 * a signal reaches it only when forwarded, once) with standard input closed (every command is
 * non-interactive: `-input=false`).
 */
export function spawnRunner(root: string, env: NodeJS.ProcessEnv): Runner {
  return (argv, { capture, onLine }) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: root,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const out = lineSplitter((line) => onLine(line, "out"));
    const err = lineSplitter((line) => onLine(line, "err"));
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      if (capture) stdout += chunk;
      else out.push(chunk);
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      if (stderr.length > 64 * 1024) stderr = stderr.slice(-32 * 1024);
      err.push(chunk);
    });
    const result = new Promise<RunResult>((resolve) => {
      child.on("error", (error: NodeJS.ErrnoException) =>
        resolve({
          status: 127,
          stdout: "",
          error: error.code === "ENOENT" ? `${argv[0]} is not on PATH` : error.message,
        }),
      );
      child.on("close", (code, signal) => {
        out.end();
        err.end();
        resolve({
          status: code ?? 128,
          stdout,
          stderr,
          ...(signal ? { error: `killed by ${signal}` } : {}),
        });
      });
    });
    return {
      result,
      signal: (signal) => {
        if (child.pid === undefined || child.exitCode !== null) return;
        try {
          process.kill(-child.pid, signal);
        } catch {
          child.kill(signal);
        }
      },
    };
  };
}
