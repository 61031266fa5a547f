/**
 * Faults with real processes: the infra CLI, npm and the cdktf CLI run in a scratch copy of the
 * project with fake
 * `terraform`, `aws` and `kubectl` programs first on PATH (test/tooling/fixtures/bin). They log
 * every call to $FAKE_LOG; the apply of the stack named in $FAKE_HANG runs until a signal arrives.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(__dirname, "fixtures", "bin");
/**
 * Linked, not copied (unlike test/scratch-copy.ts): the sources keep their real paths, so the swc
 * transpile cache (keyed by file name) stays warm. scripts/ is copied, so the copy is the project root.
 */
const LINKED = [
  "node_modules",
  "constructs",
  "stacks",
  "environments",
  "package.json",
  "cdktf.json",
  "tsconfig.json",
  "main.ts",
];

let project: string;
let log: string;

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), "infra-faults-"));
  for (const name of LINKED) fs.symlinkSync(path.join(ROOT, name), path.join(project, name));
  fs.cpSync(path.join(ROOT, "scripts"), path.join(project, "scripts"), { recursive: true });
  log = path.join(project, "fake.log");
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ""}`,
    HOME: process.env.HOME,
    FAKE_LOG: log,
    CHECKPOINT_DISABLE: "1",
    ...extra,
  };
}

const logLines = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []);

const INFRA = ["-r", "./scripts/register.cjs", "scripts/infra.ts"];

function infra(args: string[], extra: Record<string, string> = {}) {
  return spawnSync(process.execPath, [...INFRA, ...args], {
    cwd: project,
    env: environment(extra),
    encoding: "utf8",
  });
}

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The fake log as it was when the CLI exited. */
  readonly logAtExit: string[];
}

/**
 * Starts the CLI in the background, directly (as a terminal's Ctrl-C reaches it: the whole
 * foreground process group gets the signal) or through `npm run infra` (as a supervisor's signal
 * reaches it: only npm gets it, and forwards it); resolves when it exits.
 */
function start(args: string[], extra: Record<string, string> = {}, through: "node" | "npm" = "node") {
  const argv =
    through === "npm"
      ? ["npm", "run", "--silent", "infra", "--", ...args]
      : [process.execPath, ...INFRA, ...args];
  const child: ChildProcess = spawn(argv[0], argv.slice(1), {
    cwd: project,
    env: environment(extra),
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const finished = new Promise<Finished>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr, logAtExit: logLines() })),
  );
  return { child, finished };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    if (waited > 20_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeEach(() => fs.rmSync(log, { force: true }));

describe("a signal during an apply", () => {
  it("SIGINT: Terraform gets it once, the CLI waits for it to release its lock, starts nothing after, exits 130", async () => {
    const run = start(["deploy", "dev"], { FAKE_HANG: "dev-cluster" });
    await until(() => logLines().includes("dev-cluster applying"), "the apply of dev-cluster");
    run.child.kill("SIGINT");
    const result = await run.finished;
    expect(result.code).toBe(130);
    expect(result.logAtExit.filter((line) => line.startsWith("dev-cluster got"))).toEqual([
      "dev-cluster got SIGINT",
    ]);
    expect(result.logAtExit).toContain("dev-cluster released its lock");
    expect(result.logAtExit.some((line) => line.startsWith("dev-platform"))).toBe(false);
    expect(result.stderr).toContain("SIGINT received: forwarded to");
    expect(result.stderr).toMatch(/applied\s+dev-network/);
    expect(result.stderr).toMatch(/interrupted\s+dev-cluster/);
    expect(result.stderr).toMatch(/not run\s+dev-platform/);
  });

  it("SIGTERM to npm run infra (a supervisor, a container stop): the same, exit 143; meanwhile a second run of dev is refused and a run of stage works side by side", async () => {
    const run = start(["deploy", "dev"], { FAKE_HANG: "dev-cluster" }, "npm");
    await until(() => logLines().includes("dev-cluster applying"), "the apply of dev-cluster");

    const second = infra(["plan", "dev"]);
    expect(second.status).toBe(2);
    expect(second.stderr).toContain('Another run on dev is in progress in this checkout: "infra deploy dev"');

    const stage = infra(["plan", "stage"]);
    expect(stage.status).toBe(0);
    expect(fs.existsSync(path.join(project, "plans", "stage", "summary.md"))).toBe(true);
    // stage's synthesis left dev's folders, their .terraform and the running apply alone
    for (const id of ["dev-network", "dev-cluster", "dev-data"]) {
      expect(fs.existsSync(path.join(project, "cdktf.out", "stacks", id, ".terraform", "initialized"))).toBe(
        true,
      );
      expect(fs.existsSync(path.join(project, "cdktf.out", "stacks", id, "cdk.tf.json"))).toBe(true);
    }

    run.child.kill("SIGTERM");
    const result = await run.finished;
    expect(result.code).toBe(143);
    expect(result.logAtExit.filter((line) => line.startsWith("dev-cluster got"))).toEqual([
      "dev-cluster got SIGTERM",
    ]);
    expect(result.logAtExit).toContain("dev-cluster released its lock");
    expect(result.logAtExit.some((line) => line.startsWith("dev-platform"))).toBe(false);
    expect(fs.existsSync(path.join(project, "cdktf.out", ".locks", "dev.lock"))).toBe(false);
  });
});

describe("npm run infra plan dev --dry-run (without --)", () => {
  it("executes nothing: npm's swallowed --dry-run is detected", () => {
    const result = spawnSync("npm", ["run", "infra", "plan", "dev", "--dry-run"], {
      cwd: project,
      env: environment(),
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      "npm took --dry-run for itself (npm_config_dry_run=true), so this is a dry run",
    );
    expect(result.stdout).toContain("terraform -chdir=cdktf.out/stacks/dev-network plan");
    expect(logLines()).toEqual([]);
  });
});

describe("sandbox down when the cluster is already gone", () => {
  it("skips the Kubernetes cleanup, still checks for leftovers, and destroys every stack", () => {
    const result = infra(["sandbox", "down", "alice"], { FAKE_NO_CLUSTER: "1" });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("cluster sandbox-alice does not exist: nothing to clean in Kubernetes");
    const calls = logLines();
    expect(calls.some((line) => line.startsWith("kubectl"))).toBe(false);
    expect(calls.some((line) => line.includes("resourcegroupstaggingapi get-resources"))).toBe(true);
    expect(calls.filter((line) => / apply$/.test(line))).toEqual([
      "sandbox-alice-platform apply",
      expect.stringMatching(/^sandbox-alice-(cluster|data) apply$/),
      expect.stringMatching(/^sandbox-alice-(cluster|data) apply$/),
      "sandbox-alice-network apply",
    ]);
    const planFile = path.join(project, "plans", "sandbox-alice", "sandbox-alice-network.destroy.tfplan");
    expect(fs.statSync(planFile).mode & 0o777).toBe(0o600);
  });
});

describe("the plain cdktf CLI after switching the selection", () => {
  it("npx cdktf plan dev-network works after synths of prod then dev, and prod's folders stay", () => {
    const synth = (envs: string) =>
      spawnSync(process.execPath, ["scripts/app.cjs"], {
        cwd: project,
        env: environment({ INFRA_ENVS: envs }),
        encoding: "utf8",
      });
    expect(synth("prod").status).toBe(0);
    const prodCache = path.join(project, "cdktf.out", "stacks", "prod-data", ".terraform");
    fs.mkdirSync(prodCache, { recursive: true });
    fs.writeFileSync(path.join(prodCache, "terraform.tfstate"), "prod backend cache");
    expect(synth("dev").status).toBe(0);

    const cdktf = spawnSync("npx", ["cdktf", "plan", "dev-network"], {
      cwd: project,
      env: environment({ INFRA_ENVS: "dev", CI: "1" }),
      encoding: "utf8",
    });
    expect(cdktf.stderr + cdktf.stdout).not.toContain("ENOENT");
    expect(cdktf.status).toBe(0);
    expect(logLines()).toEqual(expect.arrayContaining(["dev-network init", "dev-network plan"]));
    expect(fs.readFileSync(path.join(prodCache, "terraform.tfstate"), "utf8")).toBe("prod backend cache");
    expect(fs.existsSync(path.join(project, "cdktf.out", "stacks", "prod-data", "cdk.tf.json"))).toBe(true);
  });

  it("npx cdktf plan refuses TF_CLI_ARGS_plan: the app it runs first refuses it, so Terraform never starts", () => {
    fs.rmSync(log, { force: true });
    const cdktf = spawnSync("npx", ["cdktf", "plan", "dev-network"], {
      cwd: project,
      env: environment({ INFRA_ENVS: "dev", CI: "1", TF_CLI_ARGS_plan: "-destroy" }),
      encoding: "utf8",
    });
    expect(cdktf.status).not.toBe(0);
    expect(cdktf.stdout + cdktf.stderr).toContain("TF_CLI_ARGS_plan: adds arguments to Terraform commands");
    expect(logLines().filter((line) => !/ (version|-v)$/.test(line))).toEqual([]);
  });
});
