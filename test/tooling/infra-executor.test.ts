import * as fs from "node:fs";
import * as path from "node:path";
import { RefusalError } from "../../scripts/infra/errors";
import { executePlan, renderPlan, shellQuote } from "../../scripts/infra/executor";
import { ResourceChange } from "../../scripts/infra/plan-summary";
import { EnvironmentInventory, OperationPlan, StackInfo, planOperation } from "../../scripts/infra/planner";
import { capture, context, fakeRoot, fakeRunner, writeConfig } from "./infra-fakes";

function stack(id: string, dependencies: string[] = [], extra: Partial<StackInfo> = {}): StackInfo {
  return { id, dependencies, usesKubernetes: false, declaresVpc: false, ...extra };
}

function environment(name: string, sandbox = name.startsWith("sandbox-")): EnvironmentInventory {
  return {
    name,
    sandbox,
    // As the shipped configuration has it: prod is on the production policy profile.
    confirmationRequired: name === "prod",
    region: "eu-west-1",
    stacks: [
      stack(`${name}-network`, [], { declaresVpc: true }),
      stack(`${name}-cluster`, [`${name}-network`]),
      stack(`${name}-data`, [`${name}-network`]),
      stack(`${name}-platform`, [`${name}-cluster`, `${name}-data`], { usesKubernetes: true }),
    ],
    bootstrapStack: sandbox ? undefined : stack(`bootstrap-${name}`),
    clusterNames: [name],
    hasComputedClusterName: false,
  };
}

const dev = environment("dev");
const alice = environment("sandbox-alice");
const ids = (inventory: EnvironmentInventory) => [
  ...inventory.stacks.map((s) => s.id),
  ...(inventory.bootstrapStack ? [inventory.bootstrapStack.id] : []),
];

/** What kubectl / aws print when nothing is there. */
const nothingThere = (line: string) =>
  line.includes("get services")
    ? { stdout: '{"items":[]}' }
    : line.startsWith("aws ")
      ? { stdout: "[]" }
      : {};

const database: ResourceChange = {
  address: "aws_db_instance.database",
  type: "aws_db_instance",
  actions: ["delete", "create"],
};

describe("renderPlan (the dry run)", () => {
  const plan = planOperation(alice, { kind: "destroy" });
  const rendered = renderPlan(plan);

  it("starts with what runs and that nothing was executed, as comments", () => {
    expect(rendered[0]).toBe(`# ${plan.title}`);
    expect(rendered[1]).toContain("nothing was executed");
  });

  it("prints one shell-quoted command per line, comments marked with #, grouped by stack with what it waits for", () => {
    expect(rendered).toContain("# [1/4] sandbox-alice-platform");
    expect(rendered).toContain(
      "# [4/4] sandbox-alice-network (after sandbox-alice-cluster, sandbox-alice-data)",
    );
    const commands = rendered.filter((line) => !line.startsWith("#"));
    expect(commands.every((line) => !line.includes("\n"))).toBe(true);
    expect(commands).toContain(
      "aws ec2 describe-security-groups --region eu-west-1 --filters Name=tag:elbv2.k8s.aws/cluster,Values=sandbox-alice --query 'SecurityGroups[].GroupId' --output json",
    );
  });

  it("quotes only what a shell would otherwise change", () => {
    expect(shellQuote("-chdir=cdktf.out/stacks/dev-network")).toBe("-chdir=cdktf.out/stacks/dev-network");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe("executePlan: plans, summaries and the order of work", () => {
  it("plan: runs the printed commands, writes each plan 0600 with its summary, and summary.md", async () => {
    const root = fakeRoot(ids(dev));
    const fake = fakeRunner(root, {
      changes: {
        "dev-data": [{ address: "aws_s3_bucket.logs", type: "aws_s3_bucket", actions: ["create"] }],
      },
    });
    const io = capture();
    const plan = planOperation(dev, { kind: "plan" });
    expect(await executePlan(plan, context(root, fake.runner, io, { parallel: 1 }))).toBe(0);
    expect(fake.lines()).toEqual(
      renderPlan(plan)
        .filter((line) => /^(env|terraform) /.test(line))
        .map((line) => line.replace(/ {2}# .*$/, "")),
    );
    for (const id of ["dev-network", "dev-data"]) {
      const file = path.join(root, "plans", "dev", `${id}.tfplan`);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(root, "plans", "dev", `${id}.plan.json`)).mode & 0o777).toBe(0o600);
    }
    const summary = fs.readFileSync(path.join(root, "plans", "dev", "summary.md"), "utf8");
    expect(summary).toContain("dev-data: 1 to create, 0 to update, 0 to replace, 0 to delete");
    expect(summary).toContain("  + aws_s3_bucket.logs");
    expect(summary).toContain("dev-network: no changes");
    expect(io.outLines).toContain("[dev-data] dev-data: 1 to create, 0 to update, 0 to replace, 0 to delete");
  });

  it("prints an elapsed time per command and a summary per stack at the end", async () => {
    const root = fakeRoot(ids(dev));
    const io = capture();
    await executePlan(planOperation(dev, { kind: "plan" }), context(root, fakeRunner(root).runner, io));
    expect(io.outLines.filter((line) => /: done in \d+\.\d s$/.test(line)).length).toBe(1 + 4 * 3);
    const summaryStart = io.outLines.findIndex((line) => line.startsWith("Summary of plan dev ("));
    expect(
      io.outLines.slice(summaryStart + 1, summaryStart + 5).map((l) => l.trim().split(/\s+/)[0]),
    ).toEqual(["planned", "planned", "planned", "planned"]);
  });

  it("a plan that exits 0 without writing its file fails the stack; an older plan file was removed first", async () => {
    const root = fakeRoot(ids(dev));
    fs.mkdirSync(path.join(root, "plans", "dev"), { recursive: true });
    const old = path.join(root, "plans", "dev", "dev-network.tfplan");
    fs.writeFileSync(old, "an older plan");
    const fake = fakeRunner(root, { writesPlan: false });
    const io = capture();
    expect(await executePlan(planOperation(dev, { kind: "deploy" }), context(root, fake.runner, io))).toBe(1);
    expect(fs.existsSync(old)).toBe(false);
    expect(io.all()).toContain(
      "exited 0 but wrote no plan file plans/dev/dev-network.tfplan; nothing is applied",
    );
    expect(fake.lines().some((line) => line.includes(" apply "))).toBe(false);
  });

  it("an unexpected error in one stack fails that stack only; the stack beside it still finishes", async () => {
    const root = fakeRoot(ids(dev));
    // dev-data's configuration is missing: its summary step throws on reading it.
    fs.rmSync(path.join(root, "cdktf.out", "stacks", "dev-data"), { recursive: true });
    fs.mkdirSync(path.join(root, "cdktf.out", "stacks", "dev-data", "cdk.tf.json"), { recursive: true });
    const fake = fakeRunner(root, { delay: (line) => (line.includes("dev-cluster apply") ? 50 : 0) });
    const io = capture();
    expect(await executePlan(planOperation(dev, { kind: "deploy" }), context(root, fake.runner, io))).toBe(1);
    expect(io.all()).toMatch(/failed\s+dev-data/);
    expect(io.all()).toMatch(/applied\s+dev-cluster/);
    expect(fake.commands.find((c) => c.line.includes("dev-cluster apply"))?.ended).toBeDefined();
  });

  it("says which program is missing when a command cannot start", async () => {
    const root = fakeRoot(ids(alice));
    const fake = fakeRunner(root, {
      answer: (line) =>
        line.startsWith("terraform") ? { status: 127, error: "terraform is not on PATH" } : {},
    });
    const io = capture();
    expect(await executePlan(planOperation(alice, { kind: "plan" }), context(root, fake.runner, io))).toBe(1);
    expect(io.all()).toContain("could not run: terraform is not on PATH");
  });

  it("fails after the synthesis when a planned stack was not synthesized; no stack runs", async () => {
    const root = fakeRoot(["dev-network"]);
    const fake = fakeRunner(root);
    const io = capture();
    expect(await executePlan(planOperation(dev, { kind: "plan" }), context(root, fake.runner, io))).toBe(1);
    expect(fake.lines()).toHaveLength(1);
    expect(io.all()).toContain("did not produce the planned stack(s) dev-cluster, dev-data, dev-platform");
    expect(io.all()).toMatch(/not run\s+dev-network/);
  });
});

describe("executePlan: independent stacks side by side", () => {
  /** Apply durations in the proportions of a real environment: network 2, cluster 10, data 15, platform 3. */
  const durations = { network: 20, cluster: 100, data: 150, platform: 30 };
  const delay = (line: string) => {
    const layer = /stacks\/dev-(\w+) apply/.exec(line)?.[1] as keyof typeof durations | undefined;
    return layer ? durations[layer] : 0;
  };

  async function deploy(parallel: number, answer?: (line: string) => { status: number }) {
    const root = fakeRoot(ids(dev));
    const fake = fakeRunner(root, { delay, answer });
    const io = capture();
    const started = Date.now();
    const status = await executePlan(
      planOperation(dev, { kind: "deploy" }),
      context(root, fake.runner, io, { parallel }),
    );
    return { status, fake, io, wallMs: Date.now() - started };
  }
  const applyOf = (fake: ReturnType<typeof fakeRunner>, layer: string) =>
    fake.commands.find((c) => c.line.includes(`stacks/dev-${layer} apply`));

  it("cluster and data run at the same time, both after network; platform after both", async () => {
    const { status, fake } = await deploy(4);
    expect(status).toBe(0);
    const [network, cluster, data, platform] = ["network", "cluster", "data", "platform"].map((l) =>
      applyOf(fake, l),
    );
    expect(cluster?.started).toBeGreaterThanOrEqual(network?.ended ?? Infinity);
    expect(data?.started).toBeLessThan(cluster?.ended ?? 0);
    expect(cluster?.started).toBeLessThan(data?.ended ?? 0);
    expect(platform?.started).toBeGreaterThanOrEqual(Math.max(cluster?.ended ?? 0, data?.ended ?? 0));
  });

  it("--parallel 1 runs the stacks strictly one after another", async () => {
    const { fake } = await deploy(1);
    const stacks = fake.commands
      .filter((c) => c.line.startsWith("terraform"))
      .map((c) => /stacks\/(\S+)/.exec(c.line)?.[1]);
    expect([...new Set(stacks)]).toEqual(["dev-network", "dev-cluster", "dev-data", "dev-platform"]);
    const cluster = applyOf(fake, "cluster");
    const dataInit = fake.commands.find((c) => c.line.includes("stacks/dev-data init"));
    expect(dataInit?.started).toBeGreaterThanOrEqual(cluster?.ended ?? Infinity);
  });

  it("a failure in data stops only what waits for it: cluster still applies, platform does not run", async () => {
    const { status, fake, io } = await deploy(4, (line) => ({
      status: line.includes("stacks/dev-data plan") ? 1 : 0,
    }));
    expect(status).toBe(1);
    expect(applyOf(fake, "cluster")?.ended).toBeDefined();
    expect(fake.lines().some((line) => line.includes("dev-platform"))).toBe(false);
    const report = io.errLines.join("\n");
    expect(report).toContain("✗ [3/4] dev-data: terraform -chdir=cdktf.out/stacks/dev-data plan");
    expect(report).toMatch(/applied\s+dev-network/);
    expect(report).toMatch(/applied\s+dev-cluster/);
    expect(report).toMatch(/failed\s+dev-data/);
    expect(report).toMatch(/not run\s+dev-platform.*: waits for dev-data, which failed/);
  });

  it("in parallel the deploy takes the longest path, not the sum (measured against --parallel 1)", async () => {
    const parallel = await deploy(4);
    const sequential = await deploy(1);
    // network + max(cluster, data) + platform = 200 ms vs the sum 300 ms.
    expect(parallel.wallMs).toBeLessThan(sequential.wallMs * 0.85);
  });
});

describe("executePlan: reviewed plans", () => {
  async function planThenApply(
    inventory: EnvironmentInventory,
    changes: Record<string, ResourceChange[]>,
    between: (root: string) => void,
    apply = planOperation(inventory, { kind: "apply" }),
  ) {
    const root = fakeRoot(ids(inventory));
    const planned = fakeRunner(root, { changes });
    expect(
      await executePlan(planOperation(inventory, { kind: "plan" }), context(root, planned.runner, capture())),
    ).toBe(0);
    between(root);
    const applied = fakeRunner(root, { changes });
    const io = capture();
    const status = await executePlan(apply, context(root, applied.runner, io));
    return { status, io, applied: applied.lines() };
  }

  it("apply applies exactly the saved plan files, after checking them", async () => {
    const { status, applied, io } = await planThenApply(dev, {}, () => undefined);
    expect(status).toBe(0);
    expect(applied.filter((line) => / apply /.test(line))).toEqual(
      ["dev-network", "dev-cluster", "dev-data", "dev-platform"].map(
        (id) => `terraform -chdir=cdktf.out/stacks/${id} apply -input=false ../../../plans/dev/${id}.tfplan`,
      ),
    );
    expect(applied.some((line) => / plan /.test(line))).toBe(false);
    expect(io.outLines).toContain(
      "[1/4] dev-network: plans/dev/dev-network.tfplan is the reviewed plan for the current cdktf.out/stacks/dev-network/cdk.tf.json",
    );
  });

  it("a plan made for another configuration is refused as stale; nothing of that stack or after it is applied", async () => {
    const { status, applied, io } = await planThenApply(dev, {}, (root) =>
      writeConfig(root, "dev-data", '{"resource":{"changed":{}}}'),
    );
    expect(status).toBe(1);
    expect(io.all()).toContain("stale plan: plans/dev/dev-data.tfplan was made for another configuration");
    expect(io.all()).toContain('Plan again: "npm run infra -- plan dev"');
    expect(applied.some((line) => /dev-data apply/.test(line))).toBe(false);
    expect(applied.some((line) => /dev-platform apply/.test(line))).toBe(false);
  });

  it("a plan file replaced after its summary was written is refused", async () => {
    const { status, io } = await planThenApply(dev, {}, (root) =>
      fs.writeFileSync(path.join(root, "plans", "dev", "dev-network.tfplan"), "another plan"),
    );
    expect(status).toBe(1);
    expect(io.all()).toContain("plans/dev/dev-network.tfplan is not the plan its summary");
  });

  it("apply without plans says to plan first", async () => {
    const root = fakeRoot(ids(dev));
    const io = capture();
    const fake = fakeRunner(root);
    expect(await executePlan(planOperation(dev, { kind: "apply" }), context(root, fake.runner, io))).toBe(1);
    expect(io.all()).toContain("no reviewed plan for dev-network (plans/dev/dev-network.tfplan");
    expect(fake.lines().some((line) => / apply /.test(line))).toBe(false);
  });

  it("a stateful replacement is refused without --allow-destroy, naming the exact option", async () => {
    const { status, io, applied } = await planThenApply(dev, { "dev-data": [database] }, () => undefined);
    expect(status).toBe(1);
    expect(io.all()).toContain("the plan deletes or replaces stateful resources; nothing was applied");
    expect(io.all()).toContain("--allow-destroy dev-data:aws_db_instance.database");
    expect(applied.some((line) => /dev-data apply/.test(line))).toBe(false);
    expect(applied.some((line) => /dev-cluster apply/.test(line))).toBe(true);
  });

  it("the plan summary flags the stateful replacement", async () => {
    const root = fakeRoot(ids(dev));
    const io = capture();
    await executePlan(
      planOperation(dev, { kind: "plan" }),
      context(root, fakeRunner(root, { changes: { "dev-data": [database] } }).runner, io),
    );
    expect(fs.readFileSync(path.join(root, "plans", "dev", "summary.md"), "utf8")).toContain(
      "-/+ aws_db_instance.database  ⚠ replaces a stateful aws_db_instance: refused outside sandboxes unless --allow-destroy dev-data:aws_db_instance.database",
    );
  });

  it("the same replacement is applied when that exact address is named", async () => {
    const allow = planOperation(dev, { kind: "apply", allowDestroy: ["dev-data:aws_db_instance.database"] });
    const { status, applied } = await planThenApply(dev, { "dev-data": [database] }, () => undefined, allow);
    expect(status).toBe(0);
    expect(applied.some((line) => /dev-data apply/.test(line))).toBe(true);
  });

  it("naming another address does not allow it", async () => {
    const allow = planOperation(dev, { kind: "apply", allowDestroy: ["dev-data:aws_db_instance.other"] });
    const { status } = await planThenApply(dev, { "dev-data": [database] }, () => undefined, allow);
    expect(status).toBe(1);
  });

  it("a sandbox may lose stateful resources without naming them", async () => {
    const { status } = await planThenApply(alice, { "sandbox-alice-data": [database] }, () => undefined);
    expect(status).toBe(0);
  });
});

describe("executePlan: the prod confirmation", () => {
  const prod = environment("prod");
  const withChanges = {
    "prod-network": [{ address: "aws_vpc.main", type: "aws_vpc", actions: ["update"] }],
  };

  it("at a terminal: asked after the summary; a wrong answer applies nothing of that stack", async () => {
    const root = fakeRoot(ids(prod));
    const fake = fakeRunner(root, { changes: withChanges });
    const io = capture();
    const questions: string[] = [];
    const ask = (question: string) => {
      questions.push(question);
      expect(io.outLines.join("\n")).toContain("prod-network: 0 to create, 1 to update");
      return Promise.resolve("yes");
    };
    const status = await executePlan(
      planOperation(prod, { kind: "deploy" }, true),
      context(root, fake.runner, io, { interactive: true, ask }),
    );
    expect(status).toBe(1);
    expect(questions).toEqual(['Apply the plan of prod-network above to prod? Type "prod" to confirm: ']);
    expect(io.all()).toContain('not confirmed ("yes"); nothing was applied');
    expect(fake.lines().some((line) => / apply /.test(line))).toBe(false);
  });

  it("at a terminal: typing prod applies; stacks without changes are applied without a question", async () => {
    const root = fakeRoot(ids(prod));
    const fake = fakeRunner(root, { changes: withChanges });
    const ask = jest.fn(() => Promise.resolve("prod"));
    const status = await executePlan(
      planOperation(prod, { kind: "deploy" }, true),
      context(root, fake.runner, capture(), { interactive: true, ask }),
    );
    expect(status).toBe(0);
    expect(ask).toHaveBeenCalledTimes(1);
    expect(fake.lines().filter((line) => / apply /.test(line))).toHaveLength(4);
  });

  it("not at a terminal: --confirm prod is the confirmation", async () => {
    const root = fakeRoot(ids(prod));
    const io = capture();
    const status = await executePlan(
      planOperation(prod, { kind: "deploy", confirm: "prod" }),
      context(root, fakeRunner(root, { changes: withChanges }).runner, io, { confirmed: "prod" }),
    );
    expect(status).toBe(0);
    expect(io.outLines).toContain("[1/4] prod-network: confirmed by --confirm prod");
  });

  it("bootstrap prod goes through the same gate", async () => {
    const root = fakeRoot(ids(prod));
    const fake = fakeRunner(root, {
      changes: {
        "bootstrap-prod": [{ address: "aws_s3_bucket.state", type: "aws_s3_bucket", actions: ["update"] }],
      },
    });
    const io = capture();
    const ask = jest.fn(() => Promise.resolve("no"));
    const status = await executePlan(
      planOperation(prod, { kind: "bootstrap" }, true),
      context(root, fake.runner, io, { interactive: true, ask }),
    );
    expect(status).toBe(1);
    expect(ask).toHaveBeenCalledTimes(1);
    expect(fake.lines().some((line) => / apply /.test(line))).toBe(false);
  });
});

describe("executePlan: signals", () => {
  async function interrupted(signal: NodeJS.Signals) {
    const root = fakeRoot(ids(dev));
    const fake = fakeRunner(root, { hangs: (line) => line.includes("stacks/dev-cluster apply") });
    const io = capture();
    const ctx = context(root, fake.runner, io);
    const run = executePlan(planOperation(dev, { kind: "deploy" }), ctx);
    while (!fake.lines().some((line) => line.includes("dev-cluster apply"))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    ctx.signals.emit(signal, signal);
    ctx.signals.emit(signal, signal); // a second one (npm forwards a terminal's Ctrl-C too)
    const status = await run;
    return { status, fake, io };
  }

  it.each<[NodeJS.Signals, number]>([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ])(
    "%s during an apply: forwarded once, waited for, nothing starts after, summary, exit %i",
    async (signal, code) => {
      const { status, fake, io } = await interrupted(signal);
      expect(status).toBe(code);
      const apply = fake.commands.find((c) => c.line.includes("dev-cluster apply"));
      expect(apply?.signals).toEqual([signal]);
      expect(apply?.ended).toBeDefined();
      // dev-data was planned side by side; whatever was running got the signal, nothing started later.
      const lastStart = Math.max(...fake.commands.map((c) => c.started));
      expect(lastStart).toBeLessThanOrEqual(apply?.ended ?? 0);
      expect(fake.lines().some((line) => line.includes("dev-platform"))).toBe(false);
      const report = io.errLines.join("\n");
      expect(report).toContain(`${signal} received: forwarded to`);
      expect(report).toContain(`${signal} received again: still waiting`);
      expect(report).toMatch(/applied\s+dev-network/);
      expect(report).toMatch(/interrupted\s+dev-cluster/);
      expect(report).toMatch(/not run\s+dev-platform/);
    },
  );
});

describe("executePlan: sandbox teardown", () => {
  it("deletes only the Services of type LoadBalancer, each by namespace and name, before the platform goes", async () => {
    const services = {
      items: [
        { metadata: { namespace: "web", name: "shop" }, spec: { type: "LoadBalancer" } },
        { metadata: { namespace: "default", name: "kubernetes" }, spec: { type: "ClusterIP" } },
      ],
    };
    const root = fakeRoot(ids(alice));
    const fake = fakeRunner(root, {
      answer: (line) =>
        line.includes("get services") ? { stdout: JSON.stringify(services) } : nothingThere(line),
    });
    expect(
      await executePlan(planOperation(alice, { kind: "destroy" }), context(root, fake.runner, capture())),
    ).toBe(0);
    const ran = fake.lines();
    const deletes = ran.filter((line) => line.includes("delete service"));
    expect(deletes).toEqual([
      "kubectl --kubeconfig cdktf.out/sandbox-alice.kubeconfig delete service --wait=true --timeout=10m --namespace web shop",
    ]);
    expect(ran.indexOf(deletes[0])).toBeLessThan(
      ran.indexOf("terraform -chdir=cdktf.out/stacks/sandbox-alice-platform init -input=false"),
    );
  });

  it("a cluster that no longer exists means nothing to clean in Kubernetes; the leftover check still runs", async () => {
    const root = fakeRoot(ids(alice));
    const fake = fakeRunner(root, {
      answer: (line) =>
        line.includes("describe-cluster")
          ? {
              status: 254,
              stderr:
                "An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: sandbox-alice.",
            }
          : nothingThere(line),
    });
    const io = capture();
    expect(await executePlan(planOperation(alice, { kind: "destroy" }), context(root, fake.runner, io))).toBe(
      0,
    );
    expect(io.outLines).toContain(
      "[1/4] sandbox-alice-platform: cluster sandbox-alice does not exist: nothing to clean in Kubernetes (the leftover check before the network still runs)",
    );
    expect(
      fake.lines().some((line) => line.startsWith("kubectl") || line.includes("update-kubeconfig")),
    ).toBe(false);
    expect(fake.lines().some((line) => line.includes("Key=elbv2.k8s.aws/cluster,Values=sandbox-alice"))).toBe(
      true,
    );
  });

  it("any other describe-cluster failure (credentials, network) stops before the platform is destroyed", async () => {
    const root = fakeRoot(ids(alice));
    const fake = fakeRunner(root, {
      answer: (line) =>
        line.includes("describe-cluster")
          ? { status: 255, stderr: "Unable to locate credentials" }
          : nothingThere(line),
    });
    const io = capture();
    expect(await executePlan(planOperation(alice, { kind: "destroy" }), context(root, fake.runner, io))).toBe(
      1,
    );
    expect(io.all()).toContain("Unable to locate credentials");
    expect(fake.lines().some((line) => line.startsWith("terraform -chdir"))).toBe(false);
  });

  it("reports leftover load balancers and ENIs and stops before destroying the network", async () => {
    const root = fakeRoot(ids(alice));
    const fake = fakeRunner(root, {
      answer: (line) =>
        line.includes("Key=elbv2.k8s.aws/cluster")
          ? { stdout: '["arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/k8s-web/1"]' }
          : line.includes("cluster.k8s.amazonaws.com/name")
            ? { stdout: '["eni-0abc"]' }
            : nothingThere(line),
    });
    const io = capture();
    expect(await executePlan(planOperation(alice, { kind: "destroy" }), context(root, fake.runner, io))).toBe(
      1,
    );
    const report = io.errLines.join("\n");
    expect(report).toContain("✗ [4/4] sandbox-alice-network");
    expect(report).toContain(
      "load balancers of the AWS Load Balancer Controller: arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/k8s-web/1",
    );
    expect(report).toContain("network interfaces of the VPC CNI: eni-0abc");
    expect(fake.lines().some((l) => l.includes("sandbox-alice-network") && l.startsWith("terraform"))).toBe(
      false,
    );
  });

  it.each(["", "   \n", "null", "{}"])(
    "a leftover query that prints %j instead of a JSON list stops the teardown",
    async (printed) => {
      const root = fakeRoot(ids(alice));
      const fake = fakeRunner(root, {
        answer: (line) =>
          line.includes("describe-security-groups") ? { stdout: printed } : nothingThere(line),
      });
      const io = capture();
      expect(
        await executePlan(planOperation(alice, { kind: "destroy" }), context(root, fake.runner, io)),
      ).toBe(1);
      expect(io.all()).toContain("did not print a JSON list");
      expect(fake.lines().some((l) => l.includes("sandbox-alice-network") && l.startsWith("terraform"))).toBe(
        false,
      );
    },
  );

  it.each<[string, Partial<OperationPlan>]>([
    ["a teardown of a long-lived environment", { environment: "dev" }],
    ["a sandbox teardown that touches another environment's stack", { environment: "sandbox-bob" }],
  ])("refuses to execute %s, whatever produced the plan", async (_label, overrides) => {
    const plan = { ...planOperation(alice, { kind: "destroy" }), ...overrides };
    const root = fakeRoot(ids(alice));
    const fake = fakeRunner(root);
    await expect(executePlan(plan, context(root, fake.runner, capture()))).rejects.toThrow(RefusalError);
    expect(fake.lines()).toEqual([]);
  });
});
