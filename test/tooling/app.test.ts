import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ENVIRONMENT_NAMES } from "../../environments";
import { unregisteredEnvironmentName } from "../environments-under-test";

const UNKNOWN = unregisteredEnvironmentName();

const APP = path.join(__dirname, "..", "..", "scripts", "app.cjs");
const CHECK = path.join(__dirname, "..", "..", "scripts", "check.cjs");

/** Runs the real app command (as `npm run synth` and `cdktf synth` do) into a fresh output folder. */
function runApp(env: Record<string, string>, outdir = fs.mkdtempSync(path.join(os.tmpdir(), "app-"))) {
  const result = spawnSync(process.execPath, [APP], {
    env: { PATH: process.env.PATH ?? "", CDKTF_OUTDIR: outdir, ...env },
    encoding: "utf8",
  });
  const stacksDir = path.join(outdir, "stacks");
  return {
    status: result.status,
    stderr: result.stderr,
    manifest: fs.existsSync(path.join(outdir, "manifest.json")),
    stacks: fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).sort() : [],
    outdir,
  };
}

describe("the app command", () => {
  it("INFRA_ENVS=prod synthesizes only prod and its account's baseline", () => {
    const run = runApp({ INFRA_ENVS: "prod" });
    expect(run.status).toBe(0);
    expect(run.stacks.length).toBeGreaterThanOrEqual(2);
    const prodOnly = (id: string) =>
      id === "bootstrap-prod" || id === "account-333333333333" || id.startsWith("prod-");
    expect(run.stacks.every(prodOnly)).toBe(true);
    expect(run.stacks).toEqual(
      expect.arrayContaining(["account-333333333333", "bootstrap-prod", "prod-network"]),
    );
  });

  it("INFRA_SANDBOX=alice adds the sandbox's stacks, and a re-run removes stacks no longer selected", () => {
    const withSandbox = runApp({ INFRA_ENVS: "dev", INFRA_SANDBOX: "alice" });
    expect(withSandbox.status).toBe(0);
    expect(withSandbox.stacks).toEqual(expect.arrayContaining(["dev-network", "sandbox-alice-network"]));
    const rerun = runApp({ INFRA_ENVS: "dev" }, withSandbox.outdir);
    expect(rerun.status).toBe(0);
    expect(rerun.stacks.some((id) => id.startsWith("sandbox-alice"))).toBe(false);
  });

  it.each([
    [
      { INFRA_ENVS: UNKNOWN },
      `INFRA_ENVS: unknown environment "${UNKNOWN}"; known: ${ENVIRONMENT_NAMES.join(", ")}`,
    ],
    [{ INFRA_SANDBOX: "Bad_Name" }, 'INFRA_SANDBOX: "Bad_Name" is not a valid sandbox name'],
  ])("%j fails with a clear message and leaves nothing that looks valid", (env, message) => {
    const previous = runApp({ INFRA_ENVS: "dev" });
    expect(previous.manifest).toBe(true);
    const run = runApp(env, previous.outdir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // the message, not a stack trace
    expect(run.manifest).toBe(false);
    for (const id of run.stacks)
      expect(fs.existsSync(path.join(run.outdir, "stacks", id, "cdk.tf.json"))).toBe(false);
  });

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
