"use strict";
/**
 * `npm run bench`: synthesis time and peak memory, as medians over several runs.
 *
 *   node scripts/bench.cjs [--runs N]
 *
 * Measures the app command (cdktf.json `app`, transpile cache warm and cold), the same app under
 * ts-node (the runner of cdktf's default TypeScript template) as the reference, `cdktf synth` end
 * to end, and how synthesis grows with the number of environments (1, 10 and 50 sandboxes).
 * Prints a table; it is not a test. Budgets (DESIGN.md §5): app ≤ 1.0 s and ≤ 200 MiB for
 * dev+stage+prod, `cdktf synth` ≤ 5 s.
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.join(__dirname, "..");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const probe = path.join(__dirname, "bench-probe.cjs");
const transpileCache = path.join(root, "node_modules", ".cache", "swc-register");

/** Runs a command once; returns wall seconds and the peak RSS (MiB) of its main node process. */
function measure(argv, env) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
  const probeFile = path.join(work, "rss");
  const start = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), {
    cwd: root,
    encoding: "utf8",
    env: {
      ...process.env,
      CDKTF_OUTDIR: path.join(work, "out"),
      BENCH_PROBE_FILE: probeFile,
      NODE_OPTIONS: `--require ${probe}`,
      CHECKPOINT_DISABLE: "1",
      CI: "1",
      ...env,
    },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) {
    throw new Error(`${argv.join(" ")} failed (${result.status}):\n${result.stderr || result.stdout}`);
  }
  const rssMiB = fs.existsSync(probeFile) ? Number(fs.readFileSync(probeFile, "utf8")) / 1024 : NaN;
  fs.rmSync(work, { recursive: true, force: true });
  return { seconds, rssMiB };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function bench(label, argv, env = {}, runs = RUNS, before = () => {}) {
  measure(argv, env); // warm-up: file-system caches, transpile cache
  const samples = [];
  for (let i = 0; i < runs; i++) {
    before();
    samples.push(measure(argv, env));
  }
  const row = {
    label,
    runs,
    seconds: median(samples.map((s) => s.seconds)),
    rssMiB: median(samples.map((s) => s.rssMiB)),
  };
  process.stderr.write(`  ${label}: ${row.seconds.toFixed(2)} s\n`);
  return row;
}

const sandboxes = (n) => Array.from({ length: n }, (_, i) => `s${i + 1}`).join(",");
const app = [process.execPath, "scripts/app.cjs"];
const tsNode = [process.execPath, require.resolve("ts-node/dist/bin.js"), "main.ts"];
const cli = [process.execPath, require.resolve("cdktf-cli/bundle/bin/cdktf"), "synth"];

process.stderr.write(`Benchmarking (${RUNS} runs each, medians)...\n`);
const rows = [];
const appRow = bench("app: dev+stage+prod", app);
rows.push(appRow);
rows.push(
  bench("app: dev+stage+prod, cold transpile cache", app, {}, RUNS, () =>
    fs.rmSync(transpileCache, { recursive: true, force: true }),
  ),
);
const tsNodeRow = bench("ts-node reference: dev+stage+prod", tsNode, {}, Math.min(RUNS, 3));
rows.push(tsNodeRow);
rows.push(bench("cdktf synth (CLI, end to end)", cli, {}, Math.min(RUNS, 3)));
for (const n of [1, 10, 50]) {
  rows.push(
    bench(
      `app: ${n} sandbox${n > 1 ? "es" : ""}`,
      app,
      { INFRA_ENVS: "", INFRA_SANDBOX: sandboxes(n) },
      Math.min(RUNS, 3),
    ),
  );
}

const pad = (s, n) => String(s).padEnd(n);
const lines = [
  `${pad("measurement", 46)} ${pad("runs", 5)} ${pad("median s", 9)} peak MiB`,
  ...rows.map(
    (r) =>
      `${pad(r.label, 46)} ${pad(r.runs, 5)} ${pad(r.seconds.toFixed(2), 9)} ${Number.isNaN(r.rssMiB) ? "-" : r.rssMiB.toFixed(0)}`,
  ),
  "",
  `ts-node / app: ${(tsNodeRow.seconds / appRow.seconds).toFixed(1)}x slower`,
  `budget (DESIGN.md): app ≤ 1.0 s and ≤ 200 MiB -> ${appRow.seconds <= 1 && appRow.rssMiB <= 200 ? "within" : "OVER"}`,
];
process.stdout.write(`${lines.join("\n")}\n`);
