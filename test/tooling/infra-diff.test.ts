import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../scripts/infra/cli";
import { diffStack, diffTrees, renderDiff, waitsFor } from "../../scripts/infra/diff";
import { gitIn, removeScratchCopies, scratchCopy } from "../scratch-copy";

afterAll(removeScratchCopies);

const database = (identifier: string, extra: Record<string, unknown> = {}) => ({
  "//": { metadata: { path: "dev-data/Database/Instance" } },
  identifier,
  engine: "postgres",
  instance_class: "db.t4g.micro",
  tags: { team: "orders" },
  ...extra,
});
const stack = (resource: Record<string, Record<string, unknown>>, output: Record<string, unknown> = {}) => ({
  resource,
  output,
});

describe("diffStack", () => {
  it("reports a database whose address is gone (a renamed construct id) as a stateful destroy", () => {
    const d = diffStack(
      "dev-data",
      stack({ aws_db_instance: { Database_Instance_1: database("dev-postgres") } }),
      stack({ aws_db_instance: { Db_Instance_2: database("dev-postgres") } }),
    );
    expect(d.added).toEqual(["aws_db_instance.Db_Instance_2"]);
    expect(d.removed).toEqual(["aws_db_instance.Database_Instance_1"]);
    expect(d.stateful).toEqual([
      expect.objectContaining({
        address: "aws_db_instance.Database_Instance_1",
        kind: "database",
        action: "destroy",
      }),
    ]);
  });

  it.each<[string, string, unknown, unknown]>([
    ["aws_db_instance", "identifier", "dev-postgres", "dev-pg"],
    ["aws_db_instance", "storage_encrypted", true, false],
    ["aws_db_instance", "kms_key_id", "arn:a", "arn:b"],
    ["aws_s3_bucket", "bucket", "orders-a", "orders-b"],
    ["aws_eks_cluster", "name", "dev", "dev2"],
    ["aws_kms_key", "customer_master_key_spec", "SYMMETRIC_DEFAULT", "RSA_2048"],
    ["aws_cloudwatch_log_group", "name", "/a", "/b"],
  ])("reports a change of %s.%s as a stateful replacement", (type, attribute, before, after) => {
    const d = diffStack(
      "dev-data",
      stack({ [type]: { Main: { [attribute]: before, tags: {} } } }),
      stack({ [type]: { Main: { [attribute]: after, tags: {} } } }),
    );
    expect(d.changed).toEqual([
      { address: `${type}.Main`, changes: [{ path: attribute, before, after }], replacedBy: [attribute] },
    ]);
    expect(d.stateful).toEqual([expect.objectContaining({ address: `${type}.Main`, action: "replace" })]);
  });

  it("reports a tag value change as an in-place change, not a stateful one", () => {
    const d = diffStack(
      "dev-data",
      stack({ aws_db_instance: { Main: database("dev-postgres") } }),
      stack({ aws_db_instance: { Main: database("dev-postgres", { tags: { team: "payments" } }) } }),
    );
    expect(d.changed).toEqual([
      {
        address: "aws_db_instance.Main",
        changes: [{ path: "tags.team", before: "orders", after: "payments" }],
        replacedBy: [],
      },
    ]);
    expect(d.stateful).toEqual([]);
  });

  it("ignores cdktf's metadata", () => {
    const after = database("dev-postgres", { "//": { metadata: { path: "elsewhere" } } });
    expect(
      diffTrees(
        { "dev-data": stack({ aws_db_instance: { Main: database("dev-postgres") } }) },
        { "dev-data": stack({ aws_db_instance: { Main: after } }) },
      ),
    ).toEqual([]);
  });

  it("follows a moved block: a move, not a destroy, and the moved resource's changes", () => {
    const after = {
      ...stack({
        aws_db_instance: { Db_Instance_2: database("dev-postgres", { instance_class: "db.t4g.small" }) },
      }),
      moved: [{ from: "aws_db_instance.Database_Instance_1", to: "aws_db_instance.Db_Instance_2" }],
    };
    const d = diffStack(
      "dev-data",
      stack({ aws_db_instance: { Database_Instance_1: database("dev-postgres") } }),
      after,
    );
    expect(d).toMatchObject({
      added: [],
      removed: [],
      moved: [{ from: "aws_db_instance.Database_Instance_1", to: "aws_db_instance.Db_Instance_2" }],
      stateful: [],
    });
    expect(d.changed[0].changes).toEqual([
      { path: "instance_class", before: "db.t4g.micro", after: "db.t4g.small" },
    ]);
  });

  it("calls a bucket of a bootstrap stack a state bucket, and reports a removed stack's stateful resources", () => {
    const d = diffStack(
      "bootstrap-dev",
      stack({ aws_s3_bucket: { State: { bucket: "tfstate" } } }),
      undefined,
    );
    expect(d.status).toBe("removed");
    expect(d.stateful).toEqual([expect.objectContaining({ kind: "state bucket", action: "destroy" })]);
  });

  it("reports added and removed outputs, and provider changes (default tags reach every resource)", () => {
    const before = {
      ...stack({}, { a: { value: 1 } }),
      provider: { aws: [{ default_tags: [{ tags: { owner: "x" } }] }] },
    };
    const after = {
      ...stack({}, { b: { value: 1 } }),
      provider: { aws: [{ default_tags: [{ tags: { owner: "y" } }] }] },
    };
    const d = diffStack("dev-network", before, after);
    expect([d.outputsAdded, d.outputsRemoved]).toEqual([["b"], ["a"]]);
    expect(d.changed).toEqual([
      {
        address: "provider.aws",
        changes: [{ path: "default_tags[0].tags.owner", before: "x", after: "y" }],
        replacedBy: [],
      },
    ]);
    expect(renderDiff([d], "main").join("\n")).toContain(
      "~ provider.aws (provider: every resource it manages sees the change)",
    );
  });
});

describe("waitsFor", () => {
  const network = (outputs: string[]) => ({
    output: Object.fromEntries(outputs.map((o) => [o, { value: 1 }])),
  });
  const reader = {
    data: {
      terraform_remote_state: {
        net: { backend: "s3" },
      },
    },
    resource: {
      aws_instance: { x: { subnet_id: "${data.terraform_remote_state.net.outputs.runner_subnet_id}" } },
    },
  };

  it("names the upstream whose new output the stack reads: its plan waits for that apply", () => {
    const diffs = diffTrees(
      { "dev-network": network(["vpc_id"]) },
      { "dev-network": network(["vpc_id", "runner_subnet_id"]) },
    );
    expect(waitsFor(diffs, "dev-cluster", reader)).toEqual(["dev-network"]);
  });

  it("names nothing when the stack reads none of the new outputs, or nothing was added", () => {
    const diffs = diffTrees(
      { "dev-network": network(["vpc_id"]) },
      { "dev-network": network(["vpc_id", "other"]) },
    );
    expect(waitsFor(diffs, "dev-cluster", reader)).toEqual([]);
    expect(waitsFor([], "dev-cluster", reader)).toEqual([]);
  });
});

describe("infra diff on a change (a scratch repository)", () => {
  const root = scratchCopy({ git: true });
  /** `npm run infra -- diff ...` as a user runs it, in the scratch repository. */
  const infraProcess = (...args: string[]) =>
    spawnSync(process.execPath, ["-r", "./scripts/register.cjs", "scripts/infra.ts", "diff", ...args], {
      cwd: root,
      encoding: "utf8",
    });
  /** The same command through the CLI's entry point in this process (the scratch repository as root). */
  const infra = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const status = await main(["diff", ...args], {
      io: { out: (line) => out.push(line), err: (line) => err.push(line) },
      root,
    });
    return { status, stdout: out.join("\n"), stderr: err.join("\n") };
  };
  const edit = (file: string, from: string, to: string) => {
    const full = path.join(root, file);
    const text = fs.readFileSync(full, "utf8");
    expect(text).toContain(from);
    fs.writeFileSync(full, text.replace(from, to));
  };
  afterEach(() => gitIn(root, "checkout", "--quiet", "--", "."));

  it("with no change, reports none and exits 0", () => {
    const run = infraProcess("dev", "--fail-on-stateful");
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("No change to any synthesized stack against the merge base with main");
    expect(run.status).toBe(0);
  });

  it("a renamed database construct id: a stateful destroy, exit 1 with --fail-on-stateful", async () => {
    edit("stacks/data-stack.ts", 'new PostgresDatabase(this, "Database"', 'new PostgresDatabase(this, "Db"');
    const run = await infra("dev", "--fail-on-stateful");
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/- aws_db_instance\.Database_Instance_\w+ +!! STATEFUL DESTROY: database/);
    expect(run.stdout).toMatch(/!! {3}dev-data: destroy database aws_db_instance\.Database_Instance_\w+/);
    expect(run.status).toBe(1);
  });

  it("a changed database identifier: a stateful replacement; --json carries it for machines, exit 0 without --fail-on-stateful", async () => {
    edit("stacks/data-stack.ts", "identifier: `${name}-postgres`", "identifier: `${name}-pg`");
    const run = await infra("dev", "--fail-on-stateful");
    expect(run.stdout).toMatch(
      /~ aws_db_instance\.Database_Instance_\w+ \(replaced\) +!! STATEFUL REPLACE: database; identifier/,
    );
    expect(run.stdout).toContain('identifier: "dev-postgres" → "dev-pg"');
    expect(run.status).toBe(1);
    const json = await infra("dev", "--json");
    expect(json.status).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.base).toBe("the merge base with main");
    const data = result.stacks.find((s: { stack: string }) => s.stack === "dev-data");
    expect(data.stateful).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: "database", action: "replace" })]),
    );
  });

  it("a tag value: an in-place change of every stack's provider, nothing stateful", async () => {
    edit("environments/base.ts", 'owner: "platform-team"', 'owner: "payments-team"');
    const run = await infra("dev", "--fail-on-stateful");
    expect(run.stdout).toContain('default_tags[0].tags.owner: "platform-team" → "payments-team"');
    expect(run.stdout).not.toContain("STATEFUL");
    expect(run.status).toBe(0);
  });
});
