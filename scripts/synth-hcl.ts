/**
 * `npm run synth:hcl`: the exit hatch for teams that leave cdktf. Synthesizes the selected
 * environments (INFRA_ENVS / INFRA_SANDBOX, as `npm run synth`) as HCL, the way `cdktf synth --hcl`
 * does (the app command with `SYNTH_HCL_OUTPUT=true`), into `cdktf.out.hcl/stacks/<id>/cdk.tf`
 * (or `$HCL_OUTDIR`), repairs what cdktf 0.21's HCL renderer gets wrong, then formats the files
 * canonically with `terraform fmt -recursive`.
 *
 * cdktf 0.21's HCL output is not valid as is for this code base:
 * - Attributes of the `terraform` block other than `required_providers`/`backend`/`cloud` are
 *   rendered as `0 = "required_version"` (the renderer prints the list of keys, not the values).
 *   They are rendered again from the stack's `metadata.json`, which holds the real values.
 * - Strings that contain `${...}` are written inside quotes without escaping their literal parts,
 *   so every JSON policy document with a reference breaks the file
 *   (https://github.com/hashicorp/terraform-cdk/issues/3911). Their literal parts are escaped
 *   (`"` → `\"`, `\` → `\\`); the `${...}` / `%{...}` sequences are kept as they are.
 * The test (test/tooling/hcl.test.ts) checks with the real Terraform binary that every file parses
 * and is canonical, and that the HCL holds the same values as the JSON synthesis.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The first line of each top-level block except `terraform`: the terraform block ends before it. */
const TOP_LEVEL_BLOCK =
  /^(provider|resource|data|output|module|locals|variable|moved|import|check|removed)\b/;

/** Renders a JSON value as an HCL expression. */
export function hclValue(value: unknown): string {
  if (typeof value === "string") return `"${escapeTemplate(value)}"`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(hclValue).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([key, item]) => `${JSON.stringify(key)} = ${hclValue(item)}`,
  );
  return `{\n${entries.join("\n")}\n}`;
}

/** The index just after the `}` that closes a `${` / `%{` sequence whose body starts at `start`. */
function endOfTemplateSequence(text: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i = endOfQuotedString(text, i + 1);
      continue;
    }
    if (c === "{") depth++;
    if (c === "}" && --depth === 0) return i + 1;
    i++;
  }
  throw new Error(`Unterminated template sequence in ${JSON.stringify(text)}`);
}

/** The index just after the `"` that closes a quoted string (inside an expression) starting at `start`. */
function endOfQuotedString(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    if (text[i] === "\\") i += 2;
    else if (text[i] === '"') return i + 1;
    else if (text.startsWith("${", i) || text.startsWith("%{", i)) i = endOfTemplateSequence(text, i + 2);
    else i++;
  }
  throw new Error(`Unterminated string in ${JSON.stringify(text)}`);
}

/**
 * A Terraform template (as a JSON string holds it) as the body of an HCL quoted string: literal
 * parts escaped, `${...}`/`%{...}` sequences and their `$${`/`%%{` escapes kept.
 */
export function escapeTemplate(raw: string): string {
  const escapes: Record<string, string> = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  let out = "";
  let i = 0;
  while (i < raw.length) {
    if (raw.startsWith("$${", i) || raw.startsWith("%%{", i)) {
      out += raw.slice(i, i + 3);
      i += 3;
    } else if (raw.startsWith("${", i) || raw.startsWith("%{", i)) {
      const end = endOfTemplateSequence(raw, i + 2);
      out += raw.slice(i, end);
      i = end;
    } else {
      out += escapes[raw[i]] ?? raw[i];
      i++;
    }
  }
  return out;
}

/** A line that cdktf rendered as `[key =] "<template>"[,]` with the template unescaped. */
const QUOTED_TEMPLATE_LINE = /^(\s*(?:(?:[\w-]+|"[^"]*")\s*=\s*)?)"(.*)"(,?)\s*$/;
/** cdktf's rendering of a `terraform` block attribute: its index and its name instead of its value. */
const BROKEN_TERRAFORM_ATTRIBUTE = /^\s*\d+ = "([A-Za-z_][\w-]*)"\s*$/;

/** Repairs one `cdk.tf` written by cdktf 0.21 (see the file comment); `terraformBlock` from metadata.json. */
export function repairCdktfHcl(hcl: string, terraformBlock: Readonly<Record<string, unknown>>): string {
  let heredocEnd: string | undefined;
  let inTerraformPreamble = true;
  return hcl
    .split("\n")
    .map((line) => {
      if (heredocEnd !== undefined) {
        if (line.trim() === heredocEnd) heredocEnd = undefined;
        return line;
      }
      const heredoc = /<<-?([A-Za-z_]\w*)\s*$/.exec(line);
      if (heredoc) {
        heredocEnd = heredoc[1];
        return line;
      }
      if (TOP_LEVEL_BLOCK.test(line)) inTerraformPreamble = false;
      const broken = inTerraformPreamble ? BROKEN_TERRAFORM_ATTRIBUTE.exec(line) : null;
      if (broken && broken[1] in terraformBlock) {
        return `  ${broken[1]} = ${hclValue(terraformBlock[broken[1]])}`;
      }
      const quoted = line.includes("${") ? QUOTED_TEMPLATE_LINE.exec(line) : null;
      if (quoted) return `${quoted[1]}"${escapeTemplate(quoted[2])}"${quoted[3]}`;
      return line;
    })
    .join("\n");
}

/** Repairs every stack's `cdk.tf` under `outdir` (per its manifest). */
export function repairOutdir(outdir: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string; stackMetadataPath: string }>;
  };
  return Object.values(manifest.stacks).map((stack) => {
    const file = path.join(outdir, stack.synthesizedStackPath);
    const metadata = JSON.parse(fs.readFileSync(path.join(outdir, stack.stackMetadataPath), "utf8")) as {
      terraform?: Record<string, unknown>;
    };
    fs.writeFileSync(file, repairCdktfHcl(fs.readFileSync(file, "utf8"), metadata.terraform ?? {}));
    return file;
  });
}

function run(argv: readonly string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(argv[0], argv.slice(1), { stdio: "inherit", env });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit ${result.status}`;
    throw new Error(`${argv.join(" ")} failed (${why})`);
  }
}

/** Synthesizes HCL into `outdir`, repairs and formats it. */
export function synthHcl(outdir: string): void {
  const root = path.resolve(__dirname, "..");
  const env = { ...process.env, SYNTH_HCL_OUTPUT: "true", CDKTF_OUTDIR: path.resolve(outdir) };
  run([process.execPath, path.join(root, "scripts", "app.cjs")], env);
  const files = repairOutdir(outdir);
  run(["terraform", "fmt", "-recursive", "-list=false", path.resolve(outdir)], process.env);
  process.stdout.write(`HCL written and formatted: ${files.map((f) => path.relative(root, f)).join(", ")}\n`);
}

if (require.main === module) {
  try {
    synthHcl(process.env.HCL_OUTDIR ?? path.resolve(__dirname, "..", "cdktf.out.hcl"));
  } catch (error) {
    process.stderr.write(`synth:hcl failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
