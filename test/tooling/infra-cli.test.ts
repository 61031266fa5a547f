import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import {
  ENVIRONMENTS,
  ENVIRONMENT_NAMES,
  EnvironmentConfig,
  loadEnvironment,
  selectEnvironments,
} from "../../environments";
import { CliDependencies, main } from "../../scripts/infra/cli";
import { Runner } from "../../scripts/infra/executor";
import { environmentInventory } from "../../scripts/infra/inventory";
import { EnvironmentInventory } from "../../scripts/infra/planner";
import { buildApp } from "../../stacks/environment-app";
import { unregisteredEnvironmentName } from "../environments-under-test";
import { withChanges } from "../helpers";

const UNKNOWN = unregisteredEnvironmentName();

const ROOT = path.join(__dirname, "..", "..");
/** Where real runs of these tests take their environment lock (nothing else is written there). */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "infra-cli-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Inventories are synthesized once per environment for the whole file. */
const inventories = new Map<string, EnvironmentInventory>();

interface CliRun {
  readonly status: number;
  readonly out: string[];
  readonly err: string;
  /** The printed command lines (comments left out). */
  readonly commands: string[];
  /** What the CLI asked its runner to execute (the runner executes nothing and reports failure). */
  readonly executed: string[][];
  /** The environments the CLI built an inventory of. */
  readonly built: string[];
}

/** The real inventory of an environment, synthesized once per file. */
function inventoryOf(environment: EnvironmentConfig): EnvironmentInventory {
  const known = inventories.get(environment.name) ?? environmentInventory(environment);
  inventories.set(environment.name, known);
  return known;
}

function infra(...argv: string[]): Promise<CliRun> {
  return runInfra(argv, inventoryOf);
}

/** Runs the CLI with the given inventory source (for a configuration the repository does not ship). */
async function runInfra(
  argv: readonly string[],
  inventoryOf: (environment: EnvironmentConfig) => EnvironmentInventory,
  env: Record<string, string> = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const executed: string[][] = [];
  const built: string[] = [];
  const runner: Runner = (command) => {
    executed.push([...command]);
    return { result: Promise.resolve({ status: 1, stdout: "" }), signal: () => undefined };
  };
  const inventory = (environment: EnvironmentConfig): EnvironmentInventory => {
    built.push(environment.name);
    return inventoryOf(environment);
  };
  const deps: CliDependencies = {
    io: { out: (line) => out.push(line), err: (line) => err.push(line) },
    runner,
    inventory,
    env,
    interactive: false,
    root: scratch,
  };
  const status = await main(argv, deps);
  const lines = out.flatMap((line) => line.split("\n"));
  return {
    status,
    out: lines,
    err: err.join("\n"),
    commands: lines.filter((l) => !l.startsWith("#")),
    executed,
    built,
  };
}

/**
 * The environment's stacks and dependencies as `cdktf synth` records them (manifest.json), read
 * independently of the CLI: the order checks below compare the CLI against this.
 */
function manifestOf(selection: { INFRA_ENVS?: string; INFRA_SANDBOX?: string }) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "manifest-"));
  const app = new App({ outdir, stackTraces: false });
  buildApp(app, selectEnvironments(selection));
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  return Object.entries(manifest.stacks as Record<string, { dependencies: string[] }>)
    .filter(([id]) => !id.startsWith("bootstrap-"))
    .map(([id, entry]) => ({ id, dependencies: entry.dependencies }));
}

/** The stack ids in the order their `terraform <verb>` lines appear. */
function stackOrder(commands: readonly string[], verb: string): string[] {
  return commands
    .map((line) => new RegExp(`^terraform -chdir=cdktf\\.out/stacks/(\\S+) ${verb}\\b`).exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
}

describe("npm run infra -- plan dev --dry-run", () => {
  const stacks = manifestOf({ INFRA_ENVS: "dev" });
  let run: CliRun;
  let order: string[];
  beforeAll(async () => {
    run = await infra("plan", "dev", "--dry-run");
    order = stackOrder(run.commands, "plan");
  });

  it("exits 0, executes nothing, and synthesizes dev first", () => {
    expect(run.status).toBe(0);
    expect(run.executed).toEqual([]);
    expect(run.commands[0]).toBe("env INFRA_ENVS=dev INFRA_SANDBOX= node scripts/app.cjs");
  });

  it("plans every layer stack of dev once (no bootstrap stack) into plans/dev/, each after its init, and summarizes it", () => {
    expect([...order].sort()).toEqual(stacks.map((s) => s.id).sort());
    for (const id of order) {
      const init = run.commands.indexOf(`terraform -chdir=cdktf.out/stacks/${id} init -input=false`);
      const plan = run.commands.indexOf(
        `terraform -chdir=cdktf.out/stacks/${id} plan -input=false -out=../../../plans/dev/${id}.tfplan`,
      );
      expect(init).toBeGreaterThan(0);
      expect(plan).toBe(init + 2); // rm -f of the old plan file in between
      expect(run.commands[plan + 2]).toMatch(
        new RegExp(
          `^terraform -chdir=cdktf.out/stacks/${id} show -json \\.\\./\\.\\./\\.\\./plans/dev/${id}\\.tfplan`,
        ),
      );
    }
  });

  it("orders the stacks by their synthesized dependencies, network first", () => {
    expect(order[0]).toBe("dev-network");
    for (const { id, dependencies } of stacks) {
      for (const dependency of dependencies)
        expect(order.indexOf(dependency)).toBeLessThan(order.indexOf(id));
    }
  });

  it("never applies", () => {
    expect(run.commands.some((line) => / apply /.test(line))).toBe(false);
  });
});

describe("npm run infra -- deploy|apply prod", () => {
  it.each(["deploy", "apply"])(
    "%s --dry-run without --confirm prod (not at a terminal) exits 2 with a clear message and prints no command",
    async (command) => {
      const run = await infra(command, "prod", "--dry-run");
      expect(run.status).toBe(2);
      expect(run.err).toContain(
        `Refusing to ${command} prod without confirmation: not at a terminal, so add --confirm prod`,
      );
      expect(run.out).toEqual([]);
      expect(run.built).toEqual([]);
    },
  );

  it("deploy --confirm prod --dry-run applies every prod stack in dependency order", async () => {
    const run = await infra("deploy", "prod", "--confirm", "prod", "--dry-run");
    expect(run.status).toBe(0);
    const applied = stackOrder(run.commands, "apply");
    const stacks = manifestOf({ INFRA_ENVS: "prod" });
    expect([...applied].sort()).toEqual(stacks.map((s) => s.id).sort());
    for (const { id, dependencies } of stacks) {
      for (const dependency of dependencies)
        expect(applied.indexOf(dependency)).toBeLessThan(applied.indexOf(id));
    }
    expect(run.out).toContain(
      '# confirm: at a terminal, type "prod" after the summary; otherwise --confirm prod',
    );
    expect(run.executed).toEqual([]);
  });

  it("apply --confirm prod --dry-run applies the saved plans, checking each first, and plans nothing", async () => {
    const run = await infra("apply", "prod", "--confirm", "prod", "--dry-run");
    expect(run.status).toBe(0);
    expect(run.commands).toContain(
      "terraform -chdir=cdktf.out/stacks/prod-data apply -input=false ../../../plans/prod/prod-data.tfplan",
    );
    expect(run.commands.some((line) => / plan /.test(line))).toBe(false);
    expect(run.out.some((line) => line.startsWith("# check: plans/prod/prod-data.plan.json exists"))).toBe(
      true,
    );
  });

  it("bootstrap prod is refused without --confirm prod, and --confirm must name prod", async () => {
    const refused = await infra("bootstrap", "prod", "--dry-run");
    expect(refused.status).toBe(2);
    expect(refused.err).toContain("Refusing to bootstrap prod without confirmation");
    const wrong = await infra("bootstrap", "prod", "--confirm", "dev", "--dry-run");
    expect(wrong.err).toContain('--confirm must name the environment ("prod"), got "dev"');
    const confirmed = await infra("bootstrap", "prod", "--confirm", "prod", "--dry-run");
    expect(confirmed.status).toBe(0);
  });
});

describe("npm run infra -- sandbox up|plan|down alice --dry-run", () => {
  const stacks = manifestOf({ INFRA_ENVS: "", INFRA_SANDBOX: "alice" });
  let up: CliRun;
  let down: CliRun;
  beforeAll(async () => {
    up = await infra("sandbox", "up", "alice", "--dry-run");
    down = await infra("sandbox", "down", "alice", "--dry-run");
  });

  it("up synthesizes the sandbox alone, then applies its stacks in dependency order", () => {
    expect(up.status).toBe(0);
    expect(up.commands[0]).toBe("env INFRA_ENVS= INFRA_SANDBOX=alice node scripts/app.cjs");
    const applied = stackOrder(up.commands, "apply");
    expect(applied[0]).toBe("sandbox-alice-network");
    expect([...applied].sort()).toEqual(stacks.map((s) => s.id).sort());
    for (const { id, dependencies } of stacks) {
      for (const dependency of dependencies)
        expect(applied.indexOf(dependency)).toBeLessThan(applied.indexOf(id));
    }
  });

  it("plan plans the sandbox's stacks without applying", async () => {
    const plan = await infra("sandbox", "plan", "alice", "--dry-run");
    expect(plan.status).toBe(0);
    expect(stackOrder(plan.commands, "plan")).toEqual(stackOrder(up.commands, "apply"));
    expect(plan.commands.some((line) => / apply /.test(line))).toBe(false);
  });

  it("down destroys in exactly the reverse order, network last, through destroy plans", () => {
    expect(down.status).toBe(0);
    const destroyed = stackOrder(down.commands, "apply");
    expect(destroyed).toEqual([...stackOrder(up.commands, "apply")].reverse());
    expect(destroyed[destroyed.length - 1]).toBe("sandbox-alice-network");
    for (const id of destroyed) {
      const file = `../../../plans/sandbox-alice/${id}.destroy.tfplan`;
      expect(down.commands).toContain(
        `terraform -chdir=cdktf.out/stacks/${id} plan -destroy -input=false -out=${file}`,
      );
      expect(down.commands).toContain(`terraform -chdir=cdktf.out/stacks/${id} apply -input=false ${file}`);
    }
  });

  it("down removes Kubernetes load balancers before any Kubernetes stack goes, and checks for leftovers before the network goes", () => {
    const inventory = inventories.get("sandbox-alice");
    if (!inventory) throw new Error("no inventory for sandbox-alice");
    const index = (line: string) => down.commands.indexOf(line);
    for (const stack of inventory.stacks.filter((s) => s.usesKubernetes)) {
      expect(index(`terraform -chdir=cdktf.out/stacks/${stack.id} init -input=false`)).toBeGreaterThan(
        down.commands.findIndex((line) => line.includes("delete ingress --all --all-namespaces")),
      );
    }
    const networkInit = index("terraform -chdir=cdktf.out/stacks/sandbox-alice-network init -input=false");
    for (const cluster of inventory.clusterNames) {
      const check = down.commands.findIndex((line) =>
        line.includes(`Key=elbv2.k8s.aws/cluster,Values=${cluster}`),
      );
      expect(check).toBeGreaterThan(0);
      expect(check).toBeLessThan(networkInit);
    }
    expect(up.executed).toEqual([]);
    expect(down.executed).toEqual([]);
  });
});

describe("npm run infra -- bootstrap dev --dry-run", () => {
  const tf = (...args: string[]) => `terraform -chdir=cdktf.out/stacks/bootstrap-dev ${args.join(" ")}`;
  const synth = "env INFRA_ENVS=dev INFRA_SANDBOX= node scripts/app.cjs";
  const file = "../../../plans/dev/bootstrap-dev.tfplan";
  const planLines = [
    "rm -f plans/dev/bootstrap-dev.tfplan plans/dev/bootstrap-dev.plan.json",
    tf("plan", "-input=false", `-out=${file}`),
    "chmod 600 plans/dev/bootstrap-dev.tfplan",
    expect.stringMatching(
      new RegExp(`^${tf("show", "-json", file).replace(/\./g, "\\.")}  # read, never saved`),
    ),
  ];
  const gate =
    "# gate: a delete or replacement of a stateful resource stops here unless named with --allow-destroy bootstrap-dev:<address>";
  const apply = tf("apply", "-input=false", file);
  // dev as it is after its owner sets state.bootstrapBackend: "bucket", synthesized for real.
  const inBucket = environmentInventory(
    loadEnvironment(withChanges(ENVIRONMENTS.dev, { "state.bootstrapBackend": "bucket" })),
  );
  const bucketInfra = (...argv: string[]) => runInfra(argv, () => inBucket);

  it("shipped dev (local state): synth, then init, plan, summary, gate and apply of bootstrap-dev; nothing executed", async () => {
    const run = await infra("bootstrap", "dev", "--dry-run");
    expect(run.status).toBe(0);
    expect(run.out).toEqual([
      "# bootstrap dev: bootstrap-dev (local state .bootstrap-state/bootstrap-dev.tfstate)",
      "# dry run: these commands would run, in this order; nothing was executed",
      synth,
      "# [1/1] bootstrap-dev",
      tf("init", "-input=false"),
      ...planLines,
      gate,
      apply,
    ]);
    expect(run.executed).toEqual([]);
  });

  it("--migrate on shipped dev exits 2 naming state.bootstrapBackend and environments/dev.ts; prints nothing", async () => {
    const run = await infra("bootstrap", "dev", "--migrate", "--dry-run");
    expect(run.status).toBe(2);
    expect(run.err).toContain('state.bootstrapBackend of dev is "local"');
    expect(run.err).toContain('Set state.bootstrapBackend: "bucket" in environments/dev.ts');
    expect(run.out).toEqual([]);
    expect(run.executed).toEqual([]);
  });

  it('with state.bootstrapBackend "bucket": the same commands, against the S3 backend', async () => {
    const run = await bucketInfra("bootstrap", "dev", "--dry-run");
    expect(run.status).toBe(0);
    expect(run.out).toEqual([
      "# bootstrap dev: bootstrap-dev (state in s3://acme-platform-tfstate-dev/dev/bootstrap-dev.tfstate)",
      "# dry run: these commands would run, in this order; nothing was executed",
      synth,
      "# [1/1] bootstrap-dev",
      tf("init", "-input=false"),
      ...planLines,
      gate,
      apply,
    ]);
  });

  it('--migrate with state.bootstrapBackend "bucket": init -migrate-state -force-copy, then a plan, no apply', async () => {
    const run = await bucketInfra("bootstrap", "dev", "--migrate", "--dry-run");
    expect(run.status).toBe(0);
    expect(run.out).toEqual([
      "# bootstrap dev: bootstrap-dev (migrating its local state into s3://acme-platform-tfstate-dev/dev/bootstrap-dev.tfstate)",
      "# dry run: these commands would run, in this order; nothing was executed",
      synth,
      "# [1/1] bootstrap-dev",
      tf("init", "-input=false", "-migrate-state", "-force-copy"),
      ...planLines,
    ]);
    expect(run.executed).toEqual([]);
  });
});

describe("guards: nothing runs, exit status 2, a clear message", () => {
  it.each<[string[], string]>([
    [["sandbox", "down", "dev"], '"dev" is a long-lived environment, not a sandbox'],
    [["sandbox", "down", "prod", "--dry-run"], '"prod" is a long-lived environment, not a sandbox'],
    [["destroy", "prod"], 'Refusing to destroy "prod": only sandboxes (sandbox-<name>) are torn down'],
    [["destroy", "prod", "--force", "--confirm", "prod"], 'Refusing to destroy "prod"'],
    [["destroy", "dev", "--dry-run", "--skip-k8s-cleanup"], 'Refusing to destroy "dev"'],
    [["destroy", "stage"], 'Refusing to destroy "stage"'],
    [
      ["sandbox", "down", "Bad_Name"],
      '"Bad_Name" is not a valid sandbox name; use 1–12 lowercase letters or digits',
    ],
    [["sandbox", "up", "averyveryverylongname"], '"averyveryverylongname" is not a valid sandbox name'],
    [["destroy", "sandbox-Bad_Name"], '"Bad_Name" is not a valid sandbox name'],
    [["sandbox", "down", "sandbox-alice"], 'without the "sandbox-" prefix (e.g. "alice")'],
    [
      ["plan", UNKNOWN],
      `Unknown environment "${UNKNOWN}"; known: ${ENVIRONMENT_NAMES.join(", ")}, or sandbox-<name>`,
    ],
    [
      ["bootstrap", "sandbox-alice", "--dry-run"],
      'sandboxes keep their state in the dev state bucket (run "bootstrap dev")',
    ],
    [["bootstrap", "prod"], "Refusing to bootstrap prod without confirmation"],
    [["apply", "prod"], "Refusing to apply prod without confirmation"],
  ])("infra %j", async (argv, message) => {
    const run = await infra(...argv);
    expect(run.status).toBe(2);
    expect(run.err).toContain(message);
    expect(run.out).toEqual([]);
    expect(run.executed).toEqual([]);
  });

  it("the sandbox name rule quoted is the schema's SANDBOX_NAME_PATTERN", async () => {
    expect((await infra("sandbox", "up", "A")).err).toContain("/^[a-z0-9]{1,12}$/");
  });

  it("teardown guards act before the environment is even built", async () => {
    expect((await infra("destroy", "prod", "--force")).built).toEqual([]);
    expect((await infra("sandbox", "down", "dev")).built).toEqual([]);
  });
});

describe("environment variables that change what Terraform or cdktf do are refused, dry runs included", () => {
  it.each<[string, string, string]>([
    ["TF_CLI_ARGS_plan", "-destroy", "TF_CLI_ARGS_plan=-destroy turns a deploy into a teardown"],
    ["TF_CLI_ARGS", "-lock=false", "adds arguments to Terraform commands"],
    [
      "TF_CLI_ARGS_init",
      "-backend-config=key=prod/prod-data.tfstate",
      "adds arguments to Terraform commands",
    ],
    ["TF_WORKSPACE", "other", "selects another workspace"],
    ["TF_DATA_DIR", "/tmp/elsewhere", "moves .terraform"],
    ["TF_VAR_region", "us-east-1", "sets input variables outside the reviewed configuration"],
    ["TF_REATTACH_PROVIDERS", "{}", "already running provider processes"],
    ["TF_FORCE_LOCAL_BACKEND", "1", "locally instead of through the configured backend"],
    ["TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE", "1", "do not match the dependency lock file"],
    [
      "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS",
      "true",
      "turns policy-pack errors into a synthesis that succeeds",
    ],
    ["CDKTF_OUTDIR", "/tmp/out", "write somewhere else"],
    ["SYNTH_HCL_OUTPUT", "true", "switches the synthesis to HCL"],
    ["AWS_ENDPOINT_URL_S3", "http://localhost:4566", "another endpoint than AWS"],
  ])("%s=%s", async (name, value, why) => {
    for (const argv of [
      ["deploy", "dev"],
      ["sandbox", "down", "alice", "--dry-run"],
      ["stacks", "dev"],
    ]) {
      const run = await runInfra(
        argv,
        () => {
          throw new Error("nothing may be built");
        },
        { [name]: value },
      );
      expect(run.status).toBe(2);
      expect(run.err).toMatch(new RegExp(`\\n  - ${name}: .*${why.replace(/[.()]/g, "\\$&")}`));
      expect(run.err).toContain(`unset ${name}`);
      expect(run.out).toEqual([]);
      expect(run.executed).toEqual([]);
    }
  });

  it("lists every refused variable at once", async () => {
    const run = await runInfra(
      ["plan", "dev"],
      () => {
        throw new Error("nothing may be built");
      },
      { TF_WORKSPACE: "x", TF_CLI_ARGS_apply: "-auto-approve" },
    );
    expect(run.err).toContain("these environment variables");
    expect(run.err).toContain("unset TF_CLI_ARGS_apply TF_WORKSPACE");
  });

  it("leaves logging, automation and credentials alone", async () => {
    const run = await runInfra(["plan", "dev", "--dry-run"], inventoryOf, {
      TF_LOG: "debug",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      TF_PLUGIN_CACHE_DIR: "/tmp/cache",
      TF_CLI_CONFIG_FILE: "/tmp/terraformrc",
      AWS_PROFILE: "dev",
      CHECKPOINT_DISABLE: "1",
    });
    expect(run.status).toBe(0);
  });
});

describe("npm swallows --dry-run without --", () => {
  it("npm_config_dry_run=true makes it a dry run that says so and executes nothing", async () => {
    const run = await runInfra(["plan", "dev"], inventoryOf, { npm_config_dry_run: "true" });
    expect(run.status).toBe(0);
    expect(run.executed).toEqual([]);
    expect(run.out[0]).toBe(
      '# npm took --dry-run for itself (npm_config_dry_run=true), so this is a dry run. Pass options after "--": npm run infra -- plan dev --dry-run',
    );
    expect(run.out).toContain("# dry run: these commands would run, in this order; nothing was executed");
  });
});

describe("one run per environment in a checkout", () => {
  const lockFile = path.join(scratch, "cdktf.out", ".locks", "dev.lock");

  it("a second run of the same environment is refused while the first one is alive", async () => {
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    fs.writeFileSync(
      lockFile,
      JSON.stringify({ pid: process.pid, command: "infra deploy dev", started: "2026-01-01T00:00:00.000Z" }),
    );
    try {
      const run = await infra("plan", "dev");
      expect(run.status).toBe(2);
      expect(run.err).toContain(
        `Another run on dev is in progress in this checkout: "infra deploy dev" (pid ${process.pid}`,
      );
      expect(run.err).toContain("Runs of other environments can go side by side.");
      expect(run.executed).toEqual([]);
      expect((await infra("plan", "stage")).executed).not.toEqual([]);
    } finally {
      fs.rmSync(lockFile, { force: true });
    }
  });

  it("a lock left by a process that no longer exists is taken over, and released at the end", async () => {
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    fs.writeFileSync(
      lockFile,
      JSON.stringify({ pid: 2 ** 22 + 12345, command: "infra plan dev", started: "x" }),
    );
    const run = await infra("plan", "dev");
    expect(run.executed).not.toEqual([]);
    expect(fs.existsSync(lockFile)).toBe(false);
  });
});

describe("usage errors: usage text, exit status 2", () => {
  it.each<[string[], string]>([
    [[], "Missing command."],
    [["frobnicate"], 'Unknown command "frobnicate".'],
    [["plan"], "Missing environment: plan <env>."],
    [["deploy"], "Missing environment: deploy <env>."],
    [["apply"], "Missing environment: apply <env>."],
    [["sandbox"], "Missing sandbox action (up, plan or down)."],
    [["sandbox", "nuke", "alice"], 'Unknown sandbox action "nuke".'],
    [["sandbox", "up"], "Missing sandbox name: sandbox up <name>."],
    [["plan", "dev", "extra"], "Unexpected argument(s): extra."],
    [["deploy", "dev", "--force"], 'Unknown option(s) for "deploy": --force.'],
    [["plan", "dev", "--confirm", "prod"], 'Unknown option(s) for "plan": --confirm.'],
    [
      ["plan", "dev", "--allow-destroy", "dev-data:aws_s3_bucket.x"],
      'Unknown option(s) for "plan": --allow-destroy.',
    ],
    [["plan", "dev", "--stack"], "--stack needs a value."],
    [
      ["deploy", "dev", "--allow-destroy", "aws_db_instance.x"],
      "--allow-destroy needs <stack>:<resource address>",
    ],
    [["deploy", "dev", "--parallel", "0"], '--parallel must be a whole number from 1 to 99, got "0".'],
    [
      ["apply", "dev", "--lock-timeout", "ten"],
      '--lock-timeout must be a duration such as 30s, 10m or 1h, got "ten".',
    ],
    [
      ["plan", "dev", "--no-lock", "--lock-timeout", "5m"],
      "--no-lock and --lock-timeout exclude each other.",
    ],
    [["deploy", "dev", "--no-lock"], 'Unknown option(s) for "deploy": --no-lock.'],
  ])("infra %j", async (argv, message) => {
    const run = await infra(...argv);
    expect(run.status).toBe(2);
    expect(run.err).toContain(message);
    expect(run.err).toContain("Usage: npm run infra -- <command> [options]");
    expect(run.executed).toEqual([]);
  });

  it("help prints the usage and exits 0", async () => {
    const run = await infra("help");
    expect(run.status).toBe(0);
    expect(run.out.join("\n")).toContain("sandbox down <name>");
  });
});

describe("stacks", () => {
  it("--json prints a GitHub Actions matrix of every layer stack, per environment, in dependency order", async () => {
    const run = await infra("stacks", "dev", "prod", "--json");
    expect(run.status).toBe(0);
    const matrix = JSON.parse(run.out.join("\n")) as {
      include: { environment: string; stack: string; region: string }[];
    };
    const devStacks = matrix.include.filter((e) => e.environment === "dev").map((e) => e.stack);
    expect(devStacks).toEqual(stackOrder((await infra("plan", "dev", "--dry-run")).commands, "plan"));
    expect(matrix.include.some((e) => e.stack === "prod-network" && e.region === "eu-west-1")).toBe(true);
    expect(matrix.include.some((e) => e.stack.startsWith("bootstrap-"))).toBe(false);
  });
});

describe("a real run", () => {
  it("executes through the runner; a failed synthesis runs no stack and names what did not run", async () => {
    const run = await infra("plan", "dev");
    expect(run.status).toBe(1);
    expect(run.executed).toEqual([["env", "INFRA_ENVS=dev", "INFRA_SANDBOX=", "node", "scripts/app.cjs"]]);
    expect(run.out[0]).toContain("==> plan dev:");
    expect(run.err).toMatch(/not run\s+dev-network/);
  });
});

describe("the npm script", () => {
  const npm = (...args: string[]) =>
    spawnSync("npm", ["run", "--silent", "infra", "--", ...args], { cwd: ROOT, encoding: "utf8" });

  it("npm run infra -- sandbox down alice --dry-run prints the commands and exits 0", () => {
    const result = npm("sandbox", "down", "alice", "--dry-run");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      "terraform -chdir=cdktf.out/stacks/sandbox-alice-network apply -input=false",
    );
  });

  it("npm run infra -- sandbox down dev exits non-zero with the refusal", () => {
    const result = npm("sandbox", "down", "dev");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('"dev" is a long-lived environment, not a sandbox');
    expect(result.stdout).toBe("");
  });
});
