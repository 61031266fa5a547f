import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ENVIRONMENT_NAMES, selectEnvironments } from "../../environments";
import { unregisteredEnvironmentName } from "../environments-under-test";

const UNKNOWN = unregisteredEnvironmentName();

const APP = path.join(__dirname, "..", "..", "scripts", "app.cjs");
const CHECK = path.join(__dirname, "..", "..", "scripts", "check.cjs");

/** Runs the real app command (as `npm run synth` and `cdktf synth` do) into a fresh output folder. */
const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh output folder, removed after the file's tests. */
function scratchOutdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "app-"));
  outdirs.push(dir);
  return dir;
}

function runApp(env: Record<string, string>, outdir = scratchOutdir()) {
  const result = spawnSync(process.execPath, [APP], {
    env: { PATH: process.env.PATH ?? "", CDKTF_OUTDIR: outdir, ...env },
    encoding: "utf8",
  });
  const stacksDir = path.join(outdir, "stacks");
  const manifestPath = path.join(outdir, "manifest.json");
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    manifest: fs.existsSync(manifestPath),
    manifestStacks: fs.existsSync(manifestPath)
      ? (JSON.parse(fs.readFileSync(manifestPath, "utf8")).stacks as Record<string, unknown>)
      : {},
    stacks: fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).sort() : [],
    outdir,
  };
}

describe("the app command", () => {
  /** One output folder shared by the tests below, in order: prod (+ sandbox alice), then dev. */
  let shared: ReturnType<typeof runApp>;

  it("INFRA_ENVS=prod synthesizes only prod (plus a sandbox with INFRA_SANDBOX) and their accounts' baselines, and prints the stacks written", () => {
    shared = runApp({ INFRA_ENVS: "prod", INFRA_SANDBOX: "alice" });
    expect(shared.status).toBe(0);
    const selected = selectEnvironments({ INFRA_ENVS: "prod", INFRA_SANDBOX: "alice" });
    const baselines = [...new Set(selected.map((env) => `account-${env.accountId}`))];
    const ownedBySelection = (id: string) =>
      baselines.includes(id) ||
      id === "bootstrap-prod" ||
      id.startsWith("prod-") ||
      id.startsWith("sandbox-alice-");
    expect(shared.stacks.every(ownedBySelection)).toBe(true);
    expect(shared.stacks).toEqual(
      expect.arrayContaining([...baselines, "bootstrap-prod", "prod-network", "sandbox-alice-network"]),
    );
    const written = /^Synthesized (\d+) stack\(s\) of prod, sandbox-alice into \S*stacks\/: (.*)$/m.exec(
      shared.stdout,
    );
    expect(Number(written?.[1])).toBe(shared.stacks.length);
    expect(written?.[2].split(", ").sort()).toEqual(shared.stacks);
    expect(shared.stdout).toContain("  no warnings, no waivers");
  });

  it("a synthesis of one environment keeps the other environments' folders, .terraform and manifest entries", () => {
    const killedMidway = path.join(shared.outdir, `.synth-${2 ** 22 + 4321}-1`);
    fs.mkdirSync(path.join(killedMidway, "stacks"), { recursive: true });
    const terraformDir = path.join(shared.outdir, "stacks", "prod-data", ".terraform");
    fs.mkdirSync(terraformDir);
    fs.writeFileSync(path.join(terraformDir, "terraform.tfstate"), "backend cache");
    const before = fs.readFileSync(path.join(shared.outdir, "stacks", "prod-data", "cdk.tf.json"), "utf8");
    const second = runApp({ INFRA_ENVS: "dev" }, shared.outdir);
    expect(second.status).toBe(0);
    expect(second.stacks).toEqual(
      expect.arrayContaining(["prod-data", "sandbox-alice-network", "dev-network", "bootstrap-prod"]),
    );
    expect(fs.readFileSync(path.join(terraformDir, "terraform.tfstate"), "utf8")).toBe("backend cache");
    expect(fs.readFileSync(path.join(shared.outdir, "stacks", "prod-data", "cdk.tf.json"), "utf8")).toBe(
      before,
    );
    expect(Object.keys(second.manifestStacks).sort()).toEqual(second.stacks);
    expect(fs.readdirSync(shared.outdir).filter((name) => name.startsWith(".synth-"))).toEqual([]);
    shared = second;
  });

  it("prints every warning and every waiver with its reason", () => {
    const run = runApp({
      INFRA_ENVS: "dev",
      TEST_ANNOTATIONS: "warnings",
      NODE_OPTIONS: `--require ${path.join(__dirname, "fixtures", "annotations.cjs")}`,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("  warning dev-network dev-network: [TEST-002] a warning on dev-network");
    expect(run.stdout).toContain(
      "  waiver  dev-network dev-network: [TEST-003] waived: accepted for this test (finding: something)",
    );
    expect(run.stdout).toContain("  2 warning(s) and waiver(s) above");
  });

  it("two environments synthesized side by side into one folder both land, with one manifest holding both", async () => {
    const outdir = scratchOutdir();
    const [dev, prod] = await Promise.all(
      ["dev", "prod"].map(
        (env) =>
          new Promise<number | null>((resolve) =>
            spawn(process.execPath, [APP], {
              env: { PATH: process.env.PATH ?? "", CDKTF_OUTDIR: outdir, INFRA_ENVS: env },
              stdio: "ignore",
            }).on("close", resolve),
          ),
      ),
    );
    expect([dev, prod]).toEqual([0, 0]);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks)).toEqual(expect.arrayContaining(["dev-network", "prod-network"]));
    for (const entry of Object.values(manifest.stacks) as { synthesizedStackPath: string }[]) {
      expect(fs.existsSync(path.join(outdir, entry.synthesizedStackPath))).toBe(true);
    }
  });

  it.each([
    [
      { INFRA_ENVS: UNKNOWN },
      `INFRA_ENVS: unknown environment "${UNKNOWN}"; known: ${ENVIRONMENT_NAMES.join(", ")}`,
    ],
    [{ INFRA_SANDBOX: "Bad_Name" }, 'INFRA_SANDBOX: "Bad_Name" is not a valid sandbox name'],
  ])("%j fails with a clear message and changes nothing", (env, message) => {
    const previous = shared;
    const run = runApp(env, previous.outdir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // the message, not a stack trace
    expect(run.manifestStacks).toEqual(previous.manifestStacks);
  });

  it("a failed synthesis of an environment removes that environment's configuration and manifest entries only", () => {
    const previous = shared;
    // The policy pack turned off from outside: ignored, so the policy error still fails the synthesis.
    const run = runApp(
      {
        INFRA_ENVS: "prod",
        CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true",
        TEST_ANNOTATIONS: "error",
        NODE_OPTIONS: `--require ${path.join(__dirname, "fixtures", "annotations.cjs")}`,
      },
      previous.outdir,
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("[TEST-001] an error on prod-data");
    expect(Object.keys(run.manifestStacks).every((id) => !id.includes("prod"))).toBe(true);
    expect(fs.existsSync(path.join(run.outdir, "stacks", "prod-data", "cdk.tf.json"))).toBe(false);
    expect(fs.existsSync(path.join(run.outdir, "stacks", "dev-data", "cdk.tf.json"))).toBe(true);
  });

  it.each<[string, Record<string, string>]>([
    ["a configuration error", { INFRA_ENVS: UNKNOWN }],
    [
      "a policy-pack error (with the escape hatch set, which is ignored)",
      {
        INFRA_ENVS: "prod",
        CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true",
        TEST_ANNOTATIONS: "error",
        NODE_OPTIONS: `--require ${path.join(__dirname, "fixtures", "annotations.cjs")}`,
      },
    ],
    ["a refused variable", { INFRA_ENVS: "dev", TF_WORKSPACE: "other" }],
  ])(
    "%s into a new output folder leaves nothing behind: no stack folder, chart asset or manifest",
    (_case, env) => {
      const outdir = path.join(scratchOutdir(), "out");
      const run = runApp(env, outdir);
      expect(run.status).toBe(1);
      expect(fs.existsSync(outdir) ? fs.readdirSync(outdir, { recursive: true }) : []).toEqual([]);
    },
  );

  it.each([
    ["TF_CLI_ARGS_plan", "-destroy"],
    ["TF_WORKSPACE", "other"],
    ["TF_DATA_DIR", "/tmp/x"],
  ])(
    "%s is refused by the app itself (npm run synth, and the cdktf CLI, which runs it first)",
    (name, value) => {
      const run = runApp({ INFRA_ENVS: "dev", [name]: value });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`  - ${name}: `);
      expect(run.manifest).toBe(false);
    },
  );

  it("npm run check prints a per-stack summary of policy findings", () => {
    const result = spawnSync(process.execPath, [CHECK], {
      env: { PATH: process.env.PATH ?? "", INFRA_ENVS: "dev" },
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^stack\s+errors\s+warnings\s+waived$/m);
    expect(result.stdout).toMatch(/^dev-network\s+0\s+0\s+0$/m);
    expect(result.stdout).toContain("policy: 0 error(s) in");
  });
});
