import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
// cdktf-cli's own HCL parser (a dependency of the pinned cdktf-cli): reads HCL back into Terraform JSON.
import { parse as parseHcl } from "@cdktf/hcl2json";
import { escapeTemplate, repairCdktfHcl } from "../../scripts/synth-hcl";

const ROOT = path.join(__dirname, "..", "..");

/**
 * The Terraform binary on PATH. The suite needs it (README, Prerequisites): without it these checks
 * fail, saying so, rather than pass without having checked anything.
 */
const TERRAFORM_AVAILABLE = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;

describe("escapeTemplate", () => {
  it("escapes quotes and backslashes in literal parts and keeps ${...} sequences as they are", () => {
    expect(escapeTemplate('{"Resource":"${aws_s3_bucket.b.arn}/*","Path":"a\\b"}')).toBe(
      '{\\"Resource\\":\\"${aws_s3_bucket.b.arn}/*\\",\\"Path\\":\\"a\\\\b\\"}',
    );
  });

  it("keeps quoted strings and braces inside an interpolation", () => {
    expect(escapeTemplate('x"${lookup(var.m, "k}", "d")}"')).toBe('x\\"${lookup(var.m, "k}", "d")}\\"');
  });

  it("keeps $${ and %%{ escapes and %{ directives", () => {
    expect(escapeTemplate('$${literal} %{ if true }"%{ endif }')).toBe(
      '$${literal} %{ if true }\\"%{ endif }',
    );
  });

  it("fails loudly on an unterminated interpolation", () => {
    expect(() => escapeTemplate("${oops")).toThrow("Unterminated template sequence");
  });
});

describe("repairCdktfHcl", () => {
  const broken = [
    "terraform {",
    "required_providers {",
    "}",
    '  0 = "required_version"',
    "}",
    'resource "aws_iam_role" "R" {',
    'assume_role_policy = "{"Statement":[{"Principal":{"AWS":"${data.aws_caller_identity.c.account_id}"}}]}"',
    'vpc_id = "${aws_vpc.v.id}"',
    "user_data = <<EOF",
    'echo "${var.x}"',
    "EOF",
    "}",
  ].join("\n");
  const repaired = repairCdktfHcl(broken, { required_version: ">= 1.10" }).split("\n");

  it("renders the terraform block's attributes with their values", () => {
    expect(repaired[3]).toBe('  required_version = ">= 1.10"');
  });

  it("escapes JSON documents that contain references", () => {
    expect(repaired[6]).toBe(
      'assume_role_policy = "{\\"Statement\\":[{\\"Principal\\":{\\"AWS\\":\\"${data.aws_caller_identity.c.account_id}\\"}}]}"',
    );
  });

  it("leaves correct lines and heredoc bodies alone", () => {
    expect(repaired[7]).toBe('vpc_id = "${aws_vpc.v.id}"');
    expect(repaired[9]).toBe('echo "${var.x}"');
  });
});

/** Every scalar of a Terraform JSON document, metadata ("//") left out, as sorted strings. */
function scalars(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => scalars(item, out));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) if (key !== "//") scalars(item, out);
  } else out.push(String(value).replace(/\n$/, ""));
  return out.sort();
}

/**
 * The HCL document with its `moved` blocks' addresses as JSON writes them: HCL has bare references
 * (`from = aws_sns_topic.a`), which read back as `${aws_sns_topic.a}`.
 */
function withPlainMoves(json: Record<string, any>): Record<string, any> {
  const moved = ([] as Record<string, string>[]).concat(json.moved ?? []);
  const plain = (address: string) => address.replace(/^\$\{([^}]+)\}$/, "$1");
  return json.moved === undefined
    ? json
    : { ...json, moved: moved.map((m) => ({ ...m, from: plain(m.from), to: plain(m.to) })) };
}

/** Resource and data source addresses (`type.name`) of a Terraform JSON document. */
function addresses(json: Record<string, any>): string[] {
  return ["resource", "data"]
    .flatMap((kind) =>
      Object.entries((json[kind] ?? {}) as Record<string, Record<string, unknown>>).flatMap(
        ([type, byName]) => Object.keys(byName).map((name) => `${kind}.${type}.${name}`),
      ),
    )
    .sort();
}

const itWithTerraform = TERRAFORM_AVAILABLE
  ? it
  : (name: string) =>
      it(name, () => {
        throw new Error(
          "no terraform on PATH: install Terraform >= 1.10 (README, Prerequisites) to run this check",
        );
      });

describe("npm run synth:hcl (INFRA_ENVS=dev)", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hcl-"));
  const hclDir = path.join(tmp, "hcl");
  const jsonDir = path.join(tmp, "json");
  let synth: ReturnType<typeof spawnSync> | undefined;
  let stacks: string[] = [];

  beforeAll(() => {
    if (!TERRAFORM_AVAILABLE) return;
    const env = { ...process.env, INFRA_ENVS: "dev", INFRA_SANDBOX: "" };
    synth = spawnSync("npm", ["run", "--silent", "synth:hcl"], {
      cwd: ROOT,
      env: { ...env, HCL_OUTDIR: hclDir },
      encoding: "utf8",
    });
    spawnSync(process.execPath, [path.join(ROOT, "scripts", "app.cjs")], {
      env: { ...env, CDKTF_OUTDIR: jsonDir },
    });
    stacks = fs.existsSync(path.join(jsonDir, "stacks"))
      ? fs.readdirSync(path.join(jsonDir, "stacks")).sort()
      : [];
  });

  itWithTerraform("writes one formatted cdk.tf per stack of dev", () => {
    expect(synth?.stderr).not.toContain("synth:hcl failed");
    expect(synth?.status).toBe(0);
    expect(stacks).toEqual(expect.arrayContaining(["bootstrap-dev", "dev-network"]));
    for (const id of stacks) expect(fs.existsSync(path.join(hclDir, "stacks", id, "cdk.tf"))).toBe(true);
  });

  itWithTerraform("every file parses and is canonical (terraform fmt -check)", () => {
    const check = spawnSync("terraform", ["fmt", "-check", "-recursive", "-diff", "-no-color", hclDir], {
      encoding: "utf8",
    });
    // Non-canonical files and their diffs go to stdout; parse errors to stderr with a non-zero status.
    const problems = {
      status: check.status,
      stdout: check.stdout,
      stderr: check.status === 0 ? "" : check.stderr,
    };
    expect(problems).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  itWithTerraform("the HCL holds the same resources and values as the JSON synthesis", async () => {
    for (const id of stacks) {
      const json = JSON.parse(fs.readFileSync(path.join(jsonDir, "stacks", id, "cdk.tf.json"), "utf8"));
      const hcl = withPlainMoves(
        await parseHcl("cdk.tf", fs.readFileSync(path.join(hclDir, "stacks", id, "cdk.tf"), "utf8")),
      );
      expect({ id, addresses: addresses(hcl) }).toEqual({ id, addresses: addresses(json) });
      expect({ id, values: scalars(hcl) }).toEqual({ id, values: scalars(json) });
    }
  });
});
