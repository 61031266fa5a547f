"use strict";
/**
 * The cdktf `app` command (see cdktf.json) and `npm run synth`: runs main.ts from source through the
 * swc require hook, so a build can never be stale.
 *
 * Output folders: the selected environments (INFRA_ENVS / INFRA_SANDBOX) are synthesized into a
 * private staging folder, then each stack's files are moved into `cdktf.out/stacks/<id>/` (one
 * rename per file, so a concurrent reader sees the old or the new file, never half of one) and the
 * manifest is merged: entries of the selected environments are replaced, every other entry is
 * kept. A synthesis of one environment never touches another environment's stack folders, and
 * never any `.terraform/` folder (backend settings, providers), so runs of different environments
 * go side by side and the plain cdktf CLI keeps working after any sequence of synths.
 *
 * - If synthesis fails, the selected environments' `cdk.tf.json` files and manifest entries are
 *   removed, so a failed run never leaves output that looks valid for them.
 * - The policy pack cannot be switched off from outside: main.ts ignores
 *   CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS, and Terraform variables that change what a command
 *   does (TF_CLI_ARGS*, TF_WORKSPACE, ...: scripts/infra/environment-guard.ts) are refused, which
 *   covers `npx cdktf plan|deploy` too (the cdktf CLI runs this file first).
 * - It prints the stacks written, every warning and every waiver with its reason.
 * - Configuration and validation errors are printed as their message alone (which names the field,
 *   the value and what is allowed) and exit with status 1; unexpected errors keep their stack.
 */
const fs = require("node:fs");
const path = require("node:path");

const EXPLAINED_ERRORS = new Set(["ConfigurationError", "ConstructValidationError", "RefusalError"]);
const outdir = path.resolve(process.env.CDKTF_OUTDIR || path.join(__dirname, "..", "cdktf.out"));
const manifestPath = path.join(outdir, "manifest.json");
const stacksDir = path.join(outdir, "stacks");
const staging = path.join(outdir, `.synth-${process.pid}-${Date.now()}`);
/** Files a synthesis writes into a stack folder (JSON, or HCL with its metadata). */
const SYNTHESIZED_FILES = ["cdk.tf.json", "cdk.tf", "metadata.json"];

function explain(error) {
  const explained =
    error instanceof Error &&
    (EXPLAINED_ERRORS.has(error.name) || /^(Validation failed|Encountered Annotations)/.test(error.message));
  return explained ? error.message : (error && error.stack) || String(error);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `update` on the manifest's stacks under a lock file, then writes it atomically. */
function updateManifest(update, version) {
  const lock = `${manifestPath}.lock`;
  for (let waited = 0; ; waited += 20) {
    try {
      fs.closeSync(fs.openSync(lock, "wx"));
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      // A lock older than 30 s belongs to a synthesis that died between open and unlink.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 30_000) fs.rmSync(lock, { force: true });
      if (waited > 30_000) throw new Error(`${lock} is held by another synthesis for more than 30 s`);
      sleep(20);
    }
  }
  try {
    const current = readJson(manifestPath);
    const stacks = update((current && current.stacks) || {});
    const partial = `${manifestPath}.${process.pid}`;
    const manifest = { version: version ?? (current && current.version), stacks };
    fs.writeFileSync(partial, JSON.stringify(manifest, null, 2));
    fs.renameSync(partial, manifestPath);
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function removeSynthesizedFiles(id, keep = []) {
  for (const name of SYNTHESIZED_FILES) {
    if (!keep.includes(name)) fs.rmSync(path.join(stacksDir, id, name), { force: true });
  }
}

/** What existed before this run: a failed run removes what it created itself (folders, an empty manifest). */
const existedBefore = {
  outdir: fs.existsSync(outdir),
  stacksDir: fs.existsSync(stacksDir),
  manifest: fs.existsSync(manifestPath),
};

function removeIfEmpty(dir) {
  try {
    if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  } catch {
    // Already gone, or not empty.
  }
}

function fail(message, status = 1) {
  process.stderr.write(`\nSynthesis failed:\n${message}\n`);
  fs.rmSync(staging, { recursive: true, force: true });
  // Nothing from a failed run stays: not the manifest it started, nor the folders it made.
  if (!existedBefore.manifest && Object.keys(readJson(manifestPath)?.stacks ?? {}).length === 0) {
    fs.rmSync(manifestPath, { force: true });
  }
  if (!existedBefore.stacksDir) removeIfEmpty(stacksDir);
  if (!existedBefore.outdir) removeIfEmpty(outdir);
  process.exit(status);
}

require("./register.cjs");
const { checkEnvironmentVariables } = require("./infra/environment-guard.ts");

try {
  checkEnvironmentVariables(process.env, "synth");
} catch (error) {
  fail(explain(error));
}

/**
 * The selected environments (names and accounts), or undefined when the selection itself cannot be
 * read: then nothing is known to belong to this synthesis, and nothing is removed.
 */
function selection() {
  try {
    return require("../environments")
      .selectEnvironments({ INFRA_ENVS: process.env.INFRA_ENVS, INFRA_SANDBOX: process.env.INFRA_SANDBOX })
      .map((environment) => ({ name: environment.name, accountId: environment.accountId }));
  } catch {
    return undefined;
  }
}

/** Whether a stack id belongs to one of `selected`: its stacks, its bootstrap, its account's baseline. */
const ownedBy = (selected) => (id) =>
  selected.some(
    (env) =>
      id === `bootstrap-${env.name}` || id.startsWith(`${env.name}-`) || id === `account-${env.accountId}`,
  );

fs.mkdirSync(stacksDir, { recursive: true });
// Staging folders of syntheses that were killed midway (their process is gone) are removed.
for (const name of fs.readdirSync(outdir)) {
  const pid = Number(/^\.synth-(\d+)-/.exec(name)?.[1]);
  if (pid && pid !== process.pid && !alive(pid)) {
    fs.rmSync(path.join(outdir, name), { recursive: true, force: true });
  }
}
process.env.CDKTF_OUTDIR = staging;
try {
  require("../main.ts");
} catch (error) {
  // Nothing of the selected environments may look valid after a failed synthesis.
  const selected = selection();
  if (selected) {
    const owned = ownedBy(selected);
    updateManifest((stacks) => Object.fromEntries(Object.entries(stacks).filter(([id]) => !owned(id))));
    for (const id of fs.readdirSync(stacksDir)) if (owned(id)) removeSynthesizedFiles(id);
  }
  fail(explain(error));
}

const selected = selection() ?? [];
const owned = ownedBy(selected);

const staged = readJson(path.join(staging, "manifest.json"));
if (!staged) fail(`the app wrote no manifest into ${staging}`);
for (const id of Object.keys(staged.stacks)) {
  const from = path.join(staging, "stacks", id);
  const to = path.join(stacksDir, id);
  fs.mkdirSync(to, { recursive: true });
  const existing = new Set(fs.readdirSync(to));
  const produced = fs.readdirSync(from, { withFileTypes: true });
  for (const entry of produced) {
    // A file is replaced atomically by the rename; a folder (assets) has to go first.
    if (entry.isDirectory() && existing.has(entry.name)) {
      fs.rmSync(path.join(to, entry.name), { recursive: true, force: true });
    }
    fs.renameSync(path.join(from, entry.name), path.join(to, entry.name));
  }
  for (const name of SYNTHESIZED_FILES) {
    if (existing.has(name) && !produced.some((entry) => entry.name === name)) {
      fs.rmSync(path.join(to, name), { force: true });
    }
  }
}
updateManifest((stacks) => {
  const kept = Object.entries(stacks).filter(
    ([id, entry]) =>
      !owned(id) && entry && fs.existsSync(path.join(outdir, String(entry.synthesizedStackPath))),
  );
  return { ...Object.fromEntries(kept), ...staged.stacks };
}, staged.version);
// Stacks of the selected environments that are no longer synthesized lose their configuration.
for (const id of fs.readdirSync(stacksDir)) {
  if (owned(id) && !(id in staged.stacks)) removeSynthesizedFiles(id);
}
fs.rmSync(staging, { recursive: true, force: true });

const where = path.relative(process.cwd(), stacksDir) || stacksDir;
const ids = Object.keys(staged.stacks);
const lines = [
  `Synthesized ${ids.length} stack(s) of ${selected.map((env) => env.name).join(", ")} into ${where}/: ${ids.join(", ")}`,
];
for (const [id, entry] of Object.entries(staged.stacks)) {
  for (const annotation of entry.annotations || []) {
    if (annotation.level !== "@cdktf/warn") continue;
    const kind = / waived: /.test(annotation.message) ? "waiver " : "warning";
    lines.push(`  ${kind} ${id} ${annotation.constructPath}: ${annotation.message}`);
  }
}
const warnings = lines.length - 1;
lines.push(`  ${warnings === 0 ? "no warnings, no waivers" : `${warnings} warning(s) and waiver(s) above`}`);
process.stdout.write(`${lines.join("\n")}\n`);
