"use strict";
/**
 * The cdktf `app` command (see cdktf.json) and `npm run synth`: runs main.ts from source through the
 * swc require hook, so a build can never be stale.
 *
 * - Before synthesis the old manifest is removed; if synthesis fails, every stack's `cdk.tf.json`
 *   is removed too, so a failed run never leaves output that looks valid (the `.terraform` folders
 *   with downloaded providers are kept). After a successful run, folders of stacks that are no
 *   longer synthesized are removed.
 * - Configuration and validation errors are printed as their message alone (which names the field,
 *   the value and what is allowed) and exit with status 1; unexpected errors keep their stack.
 */
const fs = require("node:fs");
const path = require("node:path");

const EXPLAINED_ERRORS = new Set(["ConfigurationError", "ConstructValidationError"]);
const outdir = process.env.CDKTF_OUTDIR || path.join(__dirname, "..", "cdktf.out");
const manifestPath = path.join(outdir, "manifest.json");
const stacksDir = path.join(outdir, "stacks");
const stackFolders = () => (fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir) : []);

fs.rmSync(manifestPath, { force: true });
try {
  require("./register.cjs");
  require("../main.ts");
} catch (error) {
  const explained =
    error instanceof Error &&
    (EXPLAINED_ERRORS.has(error.name) || /^(Validation failed|Encountered Annotations)/.test(error.message));
  process.stderr.write(
    `\nSynthesis failed:\n${explained ? error.message : (error && error.stack) || error}\n`,
  );
  fs.rmSync(manifestPath, { force: true });
  for (const id of stackFolders()) fs.rmSync(path.join(stacksDir, id, "cdk.tf.json"), { force: true });
  process.exit(1);
}

const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
const current = new Set(Object.keys(manifest.stacks));
for (const entry of stackFolders()) {
  if (!current.has(entry)) fs.rmSync(path.join(stacksDir, entry), { recursive: true, force: true });
}
