"use strict";
/**
 * `npm run check`: synthesizes the selected environments (INFRA_ENVS / INFRA_SANDBOX, as synth does)
 * without stopping at policy errors, then prints a per-stack summary of the policy pack's findings
 * (errors, warnings, waivers with their reasons). Exits 1 when any error remains.
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-check-"));
try {
  // Built in-process rather than through app.cjs, which never lets policy errors through: this is
  // a report into a temporary folder (deleted below), so errors are collected instead of stopping it.
  require("./register.cjs");
  const { App } = require("cdktf");
  const { selectEnvironments } = require("../environments");
  const { buildApp } = require("../stacks/environment-app");
  process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "1";
  try {
    const app = new App({ outdir, stackTraces: false, hclOutput: false });
    buildApp(
      app,
      selectEnvironments({ INFRA_ENVS: process.env.INFRA_ENVS, INFRA_SANDBOX: process.env.INFRA_SANDBOX }),
    );
    app.synth();
  } catch (error) {
    const explained = error instanceof Error && /Error$/.test(error.name) && error.name !== "Error";
    process.stderr.write(`\nSynthesis failed:\n${explained ? error.message : error.stack}\n`);
    fs.rmSync(outdir, { recursive: true, force: true });
    process.exit(1);
  }

  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  const levelOf = (a) =>
    a.level === "@cdktf/error" ? "error" : a.level === "@cdktf/warn" ? "warning" : "info";
  const rows = [];
  const details = [];
  for (const [stackId, stack] of Object.entries(manifest.stacks)) {
    const findings = (stack.annotations ?? []).filter((a) => /^\[[A-Z0-9]+-\d{3}\]/.test(a.message));
    const waived = findings.filter((a) => / waived: /.test(a.message));
    const errors = findings.filter((a) => levelOf(a) === "error");
    const warnings = findings.filter((a) => levelOf(a) === "warning" && !waived.includes(a));
    rows.push([stackId, errors.length, warnings.length, waived.length]);
    for (const a of findings) details.push(`${levelOf(a).padEnd(7)} ${a.constructPath}: ${a.message}`);
  }
  const pad = (v, n) => String(v).padEnd(n);
  const width = Math.max(5, ...rows.map((r) => r[0].length)) + 2;
  console.log(`${pad("stack", width)}${pad("errors", 8)}${pad("warnings", 10)}waived`);
  for (const [id, e, w, x] of rows) console.log(`${pad(id, width)}${pad(e, 8)}${pad(w, 10)}${x}`);
  if (details.length) console.log(`\n${details.join("\n")}`);
  const totalErrors = rows.reduce((sum, r) => sum + r[1], 0);
  console.log(`\npolicy: ${totalErrors} error(s) in ${rows.length} stack(s)`);
  process.exitCode = totalErrors > 0 ? 1 : 0;
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}
