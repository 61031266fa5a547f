/**
 * In-process fakes for the infra executor: a project root with synthesized stacks, and a runner
 * that behaves like terraform / aws / kubectl (plan writes its -out file, show -json prints the
 * changes given for the stack) and records what ran, when, and which signals it received.
 */
import { EventEmitter } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ResourceChange } from "../../scripts/infra/plan-summary";
import {
  ExecutionContext,
  Io,
  RunResult,
  Runner,
  SignalSource,
  commandLine,
} from "../../scripts/infra/executor";

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

/** A project root after a synthesis of `stacks` (manifest and one cdk.tf.json per stack). */
export function fakeRoot(stacks: readonly string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "infra-root-"));
  roots.push(root);
  fs.mkdirSync(path.join(root, "cdktf.out", "stacks"), { recursive: true });
  fs.writeFileSync(
    path.join(root, "cdktf.out", "manifest.json"),
    JSON.stringify({ stacks: Object.fromEntries(stacks.map((id) => [id, {}])) }),
  );
  for (const id of stacks) writeConfig(root, id, `{"resource":{"null_resource":{"${id}":{}}}}`);
  return root;
}

/** Changes the synthesized configuration of one stack (as an edit of the code would). */
export function writeConfig(root: string, stack: string, content: string): void {
  fs.mkdirSync(path.join(root, "cdktf.out", "stacks", stack), { recursive: true });
  fs.writeFileSync(path.join(root, "cdktf.out", "stacks", stack, "cdk.tf.json"), content);
}

export interface FakeCommand {
  readonly line: string;
  readonly started: number;
  ended?: number;
  readonly signals: NodeJS.Signals[];
}

export interface FakeOptions {
  /** The answer to a command line (default: success, empty output). */
  readonly answer?: (line: string) => Partial<RunResult>;
  /** `show -json` changes per stack id. */
  readonly changes?: Record<string, ResourceChange[]>;
  /** Milliseconds a command takes. */
  readonly delay?: (line: string) => number;
  /** Commands that run until they receive a signal (then exit 1 after `stopMs`). */
  readonly hangs?: (line: string) => boolean;
  /** Whether `plan -out=` writes its file (default true). */
  readonly writesPlan?: boolean;
}

/** A runner that records every command; see {@link FakeOptions}. */
export function fakeRunner(root: string, options: FakeOptions = {}) {
  const commands: FakeCommand[] = [];
  const started = Date.now();
  const runner: Runner = (argv) => {
    const line = commandLine(argv);
    const command: FakeCommand = { line, started: Date.now() - started, signals: [] };
    commands.push(command);
    const chdir = /^terraform -chdir=(\S+)/.exec(line)?.[1];
    const out = /-out=(\S+)/.exec(line)?.[1];
    if (chdir && out && options.writesPlan !== false) {
      const file = path.resolve(root, chdir, out);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `plan ${line} ${commands.length}`);
    }
    let answer: Partial<RunResult> = options.answer?.(line) ?? {};
    if (chdir && / show -json /.test(line) && answer.stdout === undefined) {
      const stack = path.basename(chdir);
      const changes = options.changes?.[stack] ?? [];
      answer = {
        ...answer,
        stdout: JSON.stringify({
          resource_changes: changes.map((c) => ({
            address: c.address,
            type: c.type,
            change: { actions: c.actions },
          })),
        }),
      };
    }
    let release: (result: RunResult) => void = () => undefined;
    const result = new Promise<RunResult>((resolve) => (release = resolve));
    const finish = (value: RunResult) => {
      command.ended = Date.now() - started;
      release(value);
    };
    const outcome: RunResult = { status: 0, stdout: "", ...answer };
    if (!options.hangs?.(line)) setTimeout(() => finish(outcome), options.delay?.(line) ?? 0);
    return {
      result,
      signal: (signal) => {
        command.signals.push(signal);
        if (options.hangs?.(line)) setTimeout(() => finish({ status: 1, stdout: "" }), 20);
      },
    };
  };
  return { runner, commands, lines: () => commands.map((c) => c.line) };
}

export function capture(): Io & { readonly outLines: string[]; readonly errLines: string[]; all(): string } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return {
    out: (line) => outLines.push(line),
    err: (line) => errLines.push(line),
    outLines,
    errLines,
    all: () => [...outLines, ...errLines].join("\n"),
  };
}

/** An execution context around a fake runner; `signals` is an EventEmitter the test can emit on. */
export function context(
  root: string,
  runner: Runner,
  io: Io,
  overrides: Partial<ExecutionContext> = {},
): ExecutionContext & { signals: SignalSource & EventEmitter } {
  return {
    io,
    run: runner,
    root,
    parallel: 4,
    interactive: false,
    ask: () => Promise.reject(new Error("no terminal in this test")),
    clock: () => Date.now(),
    ...overrides,
    signals: new EventEmitter(),
  };
}
