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

function infra(...argv: string[]): CliRun {
  return runInfra(argv, (environment) => {
    const known = inventories.get(environment.name) ?? environmentInventory(environment);
    inventories.set(environment.name, known);
    return known;
  });
}

/** Runs the CLI with the given inventory source (for a configuration the repository does not ship). */
function runInfra(
  argv: readonly string[],
  inventoryOf: (environment: EnvironmentConfig) => EnvironmentInventory,
): CliRun {
  const out: string[] = [];
  const err: string[] = [];
  const executed: string[][] = [];
  const built: string[] = [];
  const runner: Runner = (command) => {
    executed.push([...command]);
    return { status: 1, stdout: "" };
  };
  const inventory = (environment: EnvironmentConfig): EnvironmentInventory => {
    built.push(environment.name);
    return inventoryOf(environment);
  };
  const deps: CliDependencies = {
    io: { out: (line) => out.push(line), err: (line) => err.push(line) },
    runner,
    inventory,
  };
  const status = main(argv, deps);
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
  const run = infra("plan", "dev", "--dry-run");
  const stacks = manifestOf({ INFRA_ENVS: "dev" });
  const order = stackOrder(run.commands, "plan");

  it("exits 0, executes nothing, and synthesizes dev first", () => {
    expect(run.status).toBe(0);
    expect(run.executed).toEqual([]);
    expect(run.commands[0]).toBe("env INFRA_ENVS=dev INFRA_SANDBOX= node scripts/app.cjs");
  });

  it("plans every layer stack of dev once (no bootstrap stack), each after its init", () => {
    expect([...order].sort()).toEqual(stacks.map((s) => s.id).sort());
    for (const id of order) {
      const init = run.commands.indexOf(`terraform -chdir=cdktf.out/stacks/${id} init -input=false`);
      const plan = run.commands.indexOf(
        `terraform -chdir=cdktf.out/stacks/${id} plan -input=false -out=../../../plans/${id}.tfplan`,
      );
      expect(init).toBeGreaterThan(0);
      expect(plan).toBe(init + 1);
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

describe("npm run infra -- deploy prod", () => {
  it("--dry-run without --confirm prod exits 2 with a clear message and prints no command", () => {
    const run = infra("deploy", "prod", "--dry-run");
    expect(run.status).toBe(2);
    expect(run.err).toContain("Refusing to deploy prod without confirmation: add --confirm prod.");
    expect(run.out).toEqual([]);
    expect(run.built).toEqual([]);
  });

  it("--confirm prod --dry-run applies every prod stack in dependency order", () => {
    const run = infra("deploy", "prod", "--confirm", "prod", "--dry-run");
    expect(run.status).toBe(0);
    const applied = stackOrder(run.commands, "apply");
    const stacks = manifestOf({ INFRA_ENVS: "prod" });
    expect([...applied].sort()).toEqual(stacks.map((s) => s.id).sort());
    for (const { id, dependencies } of stacks) {
      for (const dependency of dependencies)
        expect(applied.indexOf(dependency)).toBeLessThan(applied.indexOf(id));
    }
    expect(run.executed).toEqual([]);
  });
});

describe("npm run infra -- sandbox up|plan|down alice --dry-run", () => {
  const stacks = manifestOf({ INFRA_ENVS: "", INFRA_SANDBOX: "alice" });
  const up = infra("sandbox", "up", "alice", "--dry-run");
  const down = infra("sandbox", "down", "alice", "--dry-run");

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

  it("plan plans the sandbox's stacks without applying", () => {
    const plan = infra("sandbox", "plan", "alice", "--dry-run");
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
      expect(down.commands).toContain(
        `terraform -chdir=cdktf.out/stacks/${id} plan -destroy -input=false -out=../../../plans/${id}.destroy.tfplan`,
      );
      expect(down.commands).toContain(
        `terraform -chdir=cdktf.out/stacks/${id} apply -input=false ../../../plans/${id}.destroy.tfplan`,
      );
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
  const plan = tf("plan", "-input=false", "-out=../../../plans/bootstrap-dev.tfplan");
  const apply = tf("apply", "-input=false", "../../../plans/bootstrap-dev.tfplan");
  // dev as it is after its owner sets state.bootstrapBackend: "bucket", synthesized for real.
  const inBucket = environmentInventory(
    loadEnvironment(withChanges(ENVIRONMENTS.dev, { "state.bootstrapBackend": "bucket" })),
  );
  const bucketInfra = (...argv: string[]) => runInfra(argv, () => inBucket);

  it("shipped dev (local state): synth, then init, plan and apply of bootstrap-dev; nothing executed", () => {
    const run = infra("bootstrap", "dev", "--dry-run");
    expect(run.status).toBe(0);
    expect(run.out).toEqual([
      "# bootstrap dev: bootstrap-dev (local state .bootstrap-state/bootstrap-dev.tfstate)",
      "# dry run: these commands would run, in this order; nothing was executed",
      synth,
      "# [1/1] bootstrap-dev",
      tf("init", "-input=false"),
      plan,
      apply,
    ]);
    expect(run.executed).toEqual([]);
  });

  it("--migrate on shipped dev exits 2 naming state.bootstrapBackend and environments/dev.ts; prints nothing", () => {
    const run = infra("bootstrap", "dev", "--migrate", "--dry-run");
    expect(run.status).toBe(2);
    expect(run.err).toContain('state.bootstrapBackend of dev is "local"');
    expect(run.err).toContain('Set state.bootstrapBackend: "bucket" in environments/dev.ts');
    expect(run.out).toEqual([]);
    expect(run.executed).toEqual([]);
  });

  it('with state.bootstrapBackend "bucket": the same commands, against the S3 backend', () => {
    const run = bucketInfra("bootstrap", "dev", "--dry-run");
    expect(run.status).toBe(0);
    expect(run.out).toEqual([
      "# bootstrap dev: bootstrap-dev (state in s3://acme-platform-tfstate-dev/dev/bootstrap-dev.tfstate)",
      "# dry run: these commands would run, in this order; nothing was executed",
      synth,
      "# [1/1] bootstrap-dev",
      tf("init", "-input=false"),
      plan,
      apply,
    ]);
  });

  it('--migrate with state.bootstrapBackend "bucket": init -migrate-state -force-copy, then a plan, no apply', () => {
    const run = bucketInfra("bootstrap", "dev", "--migrate", "--dry-run");
    expect(run.status).toBe(0);
    expect(run.out).toEqual([
      "# bootstrap dev: bootstrap-dev (migrating its local state into s3://acme-platform-tfstate-dev/dev/bootstrap-dev.tfstate)",
      "# dry run: these commands would run, in this order; nothing was executed",
      synth,
      "# [1/1] bootstrap-dev",
      tf("init", "-input=false", "-migrate-state", "-force-copy"),
      plan,
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
  ])("infra %j", (argv, message) => {
    const run = infra(...argv);
    expect(run.status).toBe(2);
    expect(run.err).toContain(message);
    expect(run.out).toEqual([]);
    expect(run.executed).toEqual([]);
  });

  it("the sandbox name rule quoted is the schema's SANDBOX_NAME_PATTERN", () => {
    expect(infra("sandbox", "up", "A").err).toContain("/^[a-z0-9]{1,12}$/");
  });

  it("teardown guards act before the environment is even built", () => {
    expect(infra("destroy", "prod", "--force").built).toEqual([]);
    expect(infra("sandbox", "down", "dev").built).toEqual([]);
  });
});

describe("usage errors: usage text, exit status 2", () => {
  it.each<[string[], string]>([
    [[], "Missing command."],
    [["frobnicate"], 'Unknown command "frobnicate".'],
    [["plan"], "Missing environment: plan <env>."],
    [["deploy"], "Missing environment: deploy <env>."],
    [["sandbox"], "Missing sandbox action (up, plan or down)."],
    [["sandbox", "nuke", "alice"], 'Unknown sandbox action "nuke".'],
    [["sandbox", "up"], "Missing sandbox name: sandbox up <name>."],
    [["plan", "dev", "extra"], "Unexpected argument(s): extra."],
    [["deploy", "dev", "--force"], 'Unknown option(s) for "deploy": --force.'],
    [["plan", "dev", "--confirm", "prod"], 'Unknown option(s) for "plan": --confirm.'],
    [["plan", "dev", "--stack"], "--stack needs a value."],
  ])("infra %j", (argv, message) => {
    const run = infra(...argv);
    expect(run.status).toBe(2);
    expect(run.err).toContain(message);
    expect(run.err).toContain("Usage: npm run infra -- <command> [options]");
    expect(run.executed).toEqual([]);
  });

  it("help prints the usage and exits 0", () => {
    const run = infra("help");
    expect(run.status).toBe(0);
    expect(run.out.join("\n")).toContain("sandbox down <name>");
  });
});

describe("stacks", () => {
  it("--json prints a GitHub Actions matrix of every layer stack, per environment, in dependency order", () => {
    const run = infra("stacks", "dev", "prod", "--json");
    expect(run.status).toBe(0);
    const matrix = JSON.parse(run.out.join("\n")) as {
      include: { environment: string; stack: string; region: string }[];
    };
    const devStacks = matrix.include.filter((e) => e.environment === "dev").map((e) => e.stack);
    expect(devStacks).toEqual(stackOrder(infra("plan", "dev", "--dry-run").commands, "plan"));
    expect(matrix.include.some((e) => e.stack === "prod-network" && e.region === "eu-west-1")).toBe(true);
    expect(matrix.include.some((e) => e.stack.startsWith("bootstrap-"))).toBe(false);
  });
});

describe("a real run", () => {
  it("executes the planned commands through the runner and stops at the first failure, naming it", () => {
    const run = infra("plan", "dev");
    expect(run.status).toBe(1);
    expect(run.executed).toEqual([["env", "INFRA_ENVS=dev", "INFRA_SANDBOX=", "node", "scripts/app.cjs"]]);
    expect(run.out[0]).toContain("==> plan dev:");
    expect(run.err).toContain("Stopped: synthesis failed; not run: dev-network");
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
