import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ENVIRONMENTS, ENVIRONMENT_NAMES } from "../../environments";
import { main } from "../../scripts/infra/cli";
import { HOSTED_ZONE_PLACEHOLDER } from "../../scripts/infra/env-new";
import { removeScratchCopies, scratchCopy } from "../scratch-copy";

afterAll(removeScratchCopies);

async function envNew(root: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(["env", "new", ...args], {
    io: { out: (line) => out.push(line), err: (line) => err.push(line) },
    root,
    runner: () => {
      throw new Error("env new runs no command");
    },
    env: {},
  });
  return { status, out: out.join("\n"), err: err.join("\n") };
}

const QA = ["qa", "--from", "stage", "--account", "444444444444", "--cidr", "10.40.0.0/16"];
const read = (root: string, file: string) => fs.readFileSync(path.join(root, file), "utf8");

describe("infra env new (in a scratch copy)", () => {
  // One copy for these cases; each case starts from its environments/ as copied.
  const root = scratchCopy();
  const pristine = fs.mkdtempSync(path.join(os.tmpdir(), "env-new-pristine-"));
  fs.cpSync(path.join(root, "environments"), pristine, { recursive: true });
  afterAll(() => fs.rmSync(pristine, { recursive: true, force: true }));
  beforeEach(() => {
    fs.rmSync(path.join(root, "environments"), { recursive: true, force: true });
    fs.cpSync(pristine, path.join(root, "environments"), { recursive: true });
  });

  it("writes a copy of the source with its own identity, and registers it after the source", async () => {
    const run = await envNew(
      root,
      ...QA,
      "--domain",
      "qa.platform.example.com",
      "--hosted-zone-id",
      "Z0QA0000000000000000001",
    );
    expect(run).toMatchObject({ status: 0, err: "" });
    expect(run.out).toContain("wrote environments/qa.ts");
    const written = read(root, "environments/qa.ts");
    expect(written).toContain("export const qa: EnvironmentInput = defineEnvironment(base, {");
    expect(written).toContain('name: "qa"');
    expect(written).toContain('accountId: "444444444444"');
    // The state bucket follows from the name (acme-platform-tfstate-qa): the file does not restate it.
    expect(written).not.toContain("bucket:");
    expect(written).toContain('cidr: "10.40.0.0/16"');
    // Role ARNs follow from accountId (accountRole in base.ts): the file states no account id twice.
    expect(written).not.toContain("arn:");
    expect(written).toContain('hostedZoneId: "Z0QA0000000000000000001"');
    // Its own GitHub environment (which its deploy role trusts) and runner.
    expect(written).toContain('githubEnvironment: "qa"');
    expect(written).toContain('runnerLabel: "qa-platform"');
    // Nothing of the source's identity is left: no string names stage (as a word) or its account.
    expect(written).not.toMatch(/"(?:[^"\n]*[.\-_/:])?stage(?:[.\-_/:][^"\n]*)?"/);
    expect(written).not.toContain(ENVIRONMENTS.stage.accountId);
    expect(written).not.toContain(ENVIRONMENTS.stage.state.bucket);
    expect(written).not.toContain(ENVIRONMENTS.stage.platform.domain?.hostedZoneId);
    const registry = read(root, "environments/registry.ts");
    expect(registry).toContain('import { qa } from "./qa";');
    const order: string[] = [...ENVIRONMENT_NAMES];
    order.splice(order.indexOf("stage") + 1, 0, "qa");
    expect(registry).toContain(`export const ENVIRONMENTS = { ${order.join(", ")} };`);
  });

  it("does not make a copy of the sandboxes' host a second host", async () => {
    const host = ENVIRONMENT_NAMES.find((name) => ENVIRONMENTS[name].ci.hostsSandboxes) as string;
    expect(
      (await envNew(root, "qa", "--from", host, "--account", "444444444444", "--cidr", "10.40.0.0/16"))
        .status,
    ).toBe(0);
    const written = read(root, "environments/qa.ts");
    expect(written).toContain("hostsSandboxes: false");
    expect(written).toContain(`githubEnvironment: "qa"`);
  });

  it("writes files prettier accepts as they are", async () => {
    expect((await envNew(root, ...QA)).status).toBe(0);
    const prettier = require.resolve("prettier/bin/prettier.cjs");
    const check = spawnSync(
      process.execPath,
      // --cache: without it prettier deletes the shared cache file (node_modules is linked).
      [prettier, "--cache", "--check", "environments/qa.ts", "environments/registry.ts"],
      { cwd: root, encoding: "utf8" },
    );
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
  });

  it("drops the source's domain (its hosted zone belongs to the source's account) unless --domain is given", async () => {
    expect((await envNew(root, ...QA)).status).toBe(0);
    expect(read(root, "environments/qa.ts")).not.toMatch(/domain:/);
  });

  it("places the new environment after --after", async () => {
    expect((await envNew(root, ...QA, "--after", "dev")).status).toBe(0);
    expect(read(root, "environments/registry.ts")).toMatch(/ENVIRONMENTS = \{ dev, qa, /);
  });

  it("leaves a hosted zone it cannot know as a placeholder that fails validation, and says so", async () => {
    const run = await envNew(root, ...QA, "--domain", "qa.platform.example.com");
    expect(run.status).toBe(0);
    expect(run.out).toContain("platform.domain.hostedZoneId");
    expect(read(root, "environments/qa.ts")).toContain(`hostedZoneId: "${HOSTED_ZONE_PLACEHOLDER}"`);
    const synth = spawnSync(process.execPath, ["scripts/app.cjs"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", INFRA_ENVS: "qa", CDKTF_OUTDIR: path.join(root, "out") },
      encoding: "utf8",
    });
    expect(synth.status).toBe(1);
    expect(synth.stderr).toContain(
      `Environment 'qa': 'platform.domain.hostedZoneId' must be a Route 53 hosted zone id`,
    );
  });

  it("--dry-run prints the files and writes nothing", async () => {
    const before = read(root, "environments/registry.ts");
    const run = await envNew(root, ...QA, "--dry-run");
    expect(run.status).toBe(0);
    expect(run.out).toContain("would write environments/qa.ts:");
    expect(run.out).toContain('name: "qa"');
    expect(fs.existsSync(path.join(root, "environments/qa.ts"))).toBe(false);
    expect(read(root, "environments/registry.ts")).toBe(before);
  });

  it.each<[string, string[], string]>([
    [
      "an existing name",
      ["stage", "--from", "dev", "--account", "444444444444", "--cidr", "10.40.0.0/16"],
      'environment "stage" exists already',
    ],
    [
      "a name that is not a valid environment name",
      ["QA", "--from", "stage", "--account", "444444444444", "--cidr", "10.40.0.0/16"],
      '"QA" is not a valid environment name',
    ],
    [
      "a sandbox-style name",
      ["sandbox2", "--from", "stage", "--account", "444444444444", "--cidr", "10.40.0.0/16"],
      '"sandbox2" is not a valid environment name',
    ],
    [
      "a reserved word",
      ["new", "--from", "stage", "--account", "444444444444", "--cidr", "10.40.0.0/16"],
      '"new" is not a valid environment name',
    ],
    [
      "an unknown source",
      ["qa", "--from", "staging", "--account", "444444444444", "--cidr", "10.40.0.0/16"],
      "--from must name a registered environment",
    ],
    [
      "an invalid account",
      ["qa", "--from", "stage", "--account", "4444", "--cidr", "10.40.0.0/16"],
      "'accountId' must be a 12-digit AWS account id",
    ],
    [
      "an overlapping network",
      ["qa", "--from", "stage", "--account", "444444444444", "--cidr", "10.20.0.0/16"],
      "'network.cidr' must not overlap environment 'stage'",
    ],
    [
      "a public network",
      ["qa", "--from", "stage", "--account", "444444444444", "--cidr", "8.8.0.0/16"],
      "'network.cidr' must be a private /16–/20 IPv4 block",
    ],
  ])("refuses %s and writes nothing", async (_case, args, message) => {
    const before = read(root, "environments/registry.ts");
    const files = fs.readdirSync(path.join(root, "environments")).sort();
    const run = await envNew(root, ...args);
    expect(run.status).toBe(2);
    expect(run.err).toContain(message);
    expect(fs.readdirSync(path.join(root, "environments")).sort()).toEqual(files);
    expect(read(root, "environments/registry.ts")).toBe(before);
  });

  it.each([["--from"], ["--account"], ["--cidr"]])("needs %s", async (option) => {
    const args = [...QA];
    args.splice(args.indexOf(option), 2);
    const run = await envNew(root, ...args);
    expect(run.status).toBe(2);
    expect(run.err).toContain(`env new needs ${option}.`);
  });
});

describe("a new environment needs no other edit", () => {
  it("after env new, the environment tests and the stack tests pass in the copy, with only new snapshots", async () => {
    const root = scratchCopy();
    const created = spawnSync(
      process.execPath,
      ["-r", "./scripts/register.cjs", "scripts/infra.ts", "env", "new", ...QA],
      { cwd: root, encoding: "utf8" },
    );
    expect(created.stderr).toBe("");
    expect(created.status).toBe(0);
    const jest = spawnSync(
      process.execPath,
      [
        require.resolve("jest/bin/jest"),
        "--ci=false",
        "--runInBand",
        "test/environments/environments.test.ts",
        "test/stacks/environments.test.ts",
      ],
      { cwd: root, encoding: "utf8", env: { ...process.env, CI: "" } },
    );
    const output = jest.stderr;
    expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(output).not.toMatch(/failed|obsolete|updated/);
    // The new environment's five stacks are the only new snapshots.
    expect(output).toMatch(/Snapshots:\s+5 written, \d+ passed, \d+ total/);
    expect(jest.status).toBe(0);
  });
});
