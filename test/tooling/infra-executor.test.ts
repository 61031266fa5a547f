import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RefusalError } from "../../scripts/infra/errors";
import {
  Io,
  RunResult,
  Runner,
  commandLine,
  executePlan,
  renderPlan,
  shellQuote,
} from "../../scripts/infra/executor";
import { EnvironmentInventory, OperationPlan, StackInfo, planOperation } from "../../scripts/infra/planner";

function stack(id: string, dependencies: string[] = [], extra: Partial<StackInfo> = {}): StackInfo {
  return { id, dependencies, usesKubernetes: false, declaresVpc: false, ...extra };
}

const sandbox: EnvironmentInventory = {
  name: "sandbox-alice",
  sandbox: true,
  region: "eu-west-1",
  stacks: [
    stack("sandbox-alice-network", [], { declaresVpc: true }),
    stack("sandbox-alice-cluster", ["sandbox-alice-network"]),
    stack("sandbox-alice-platform", ["sandbox-alice-cluster"], { usesKubernetes: true }),
  ],
  clusterNames: ["sandbox-alice"],
  hasComputedClusterName: false,
};

/** A project root with the manifest a successful synthesis of the sandbox leaves behind. */
function fakeRoot(stacks: readonly string[] = sandbox.stacks.map((s) => s.id)): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "infra-root-"));
  fs.mkdirSync(path.join(root, "cdktf.out"));
  fs.writeFileSync(
    path.join(root, "cdktf.out", "manifest.json"),
    JSON.stringify({ stacks: Object.fromEntries(stacks.map((id) => [id, {}])) }),
  );
  return root;
}

/** Records every command; `answer` decides each one's result (default: success, empty output). */
function recorder(answer: (line: string) => Partial<RunResult> = () => ({})) {
  const ran: string[] = [];
  const runner: Runner = (argv) => {
    const line = commandLine(argv);
    ran.push(line);
    return { status: 0, stdout: "", ...answer(line) };
  };
  return { ran, runner };
}

function capture(): Io & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out: (l) => out_.push(l), err: (l) => err_.push(l), out_, err_ };
}

/** What kubectl / aws print when nothing is there. */
const emptyAnswers = (line: string): Partial<RunResult> =>
  line.includes("get services")
    ? { stdout: '{"items":[]}' }
    : line.startsWith("aws ")
      ? { stdout: "[]" }
      : {};

describe("renderPlan (the dry run)", () => {
  const plan = planOperation(sandbox, { kind: "destroy" });
  const rendered = renderPlan(plan);

  it("starts with what runs and that nothing was executed, as comments", () => {
    expect(rendered[0]).toBe(`# ${plan.title}`);
    expect(rendered[1]).toContain("nothing was executed");
  });

  it("prints one shell-quoted command per line, comments marked with #, grouped by stack with progress", () => {
    expect(rendered).toContain("# [1/3] sandbox-alice-platform");
    expect(rendered).toContain("# [3/3] sandbox-alice-network");
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

describe("executePlan", () => {
  it("runs every command of the plan in order, with a progress line per step, and prints the epilogue", () => {
    const plan = planOperation({ ...sandbox, stacks: sandbox.stacks.slice(0, 2) }, { kind: "deploy" });
    const { ran, runner } = recorder();
    const io = capture();
    expect(executePlan(plan, io, runner, fakeRoot())).toBe(0);
    expect(ran).toEqual(renderPlan(plan).filter((line) => !line.startsWith("#")));
    expect(io.out_).toContain(
      "[2/2] sandbox-alice-cluster: terraform -chdir=cdktf.out/stacks/sandbox-alice-cluster apply -input=false ../../../plans/sandbox-alice-cluster.tfplan",
    );
    expect(io.out_[io.out_.length - 1]).toBe(plan.epilogue[plan.epilogue.length - 1]);
  });

  it("stops at the first failure, naming the stack and the stacks not run", () => {
    const plan = planOperation(sandbox, { kind: "deploy" });
    const { ran, runner } = recorder((line) => (line.includes("cluster plan") ? { status: 1 } : {}));
    const io = capture();
    expect(executePlan(plan, io, runner, fakeRoot())).toBe(1);
    expect(ran[ran.length - 1]).toContain("-chdir=cdktf.out/stacks/sandbox-alice-cluster plan");
    expect(ran.some((line) => line.includes("sandbox-alice-platform"))).toBe(false);
    expect(io.err_.join("\n")).toContain("✗ [2/3] sandbox-alice-cluster:");
    expect(io.err_.join("\n")).toContain("failed (exit 1)");
    expect(io.err_.join("\n")).toContain(
      "Stopped: stack sandbox-alice-cluster failed; not run: sandbox-alice-platform.",
    );
  });

  it("says which program is missing when a command cannot start", () => {
    const plan = planOperation(sandbox, { kind: "plan" });
    const { runner } = recorder((line) =>
      line.startsWith("terraform") ? { status: 127, error: "terraform is not on PATH" } : {},
    );
    const io = capture();
    expect(executePlan(plan, io, runner, fakeRoot())).toBe(1);
    expect(io.err_.join("\n")).toContain("could not run: terraform is not on PATH");
  });

  it("fails after the synthesis when a planned stack was not synthesized", () => {
    const plan = planOperation(sandbox, { kind: "plan" });
    const { ran, runner } = recorder();
    const io = capture();
    expect(executePlan(plan, io, runner, fakeRoot(["sandbox-alice-network"]))).toBe(1);
    expect(ran).toHaveLength(1);
    expect(io.err_.join("\n")).toContain(
      "did not produce the planned stack(s) sandbox-alice-cluster, sandbox-alice-platform",
    );
  });

  it("deletes only the Services of type LoadBalancer, each by namespace and name", () => {
    const services = {
      items: [
        { metadata: { namespace: "web", name: "shop" }, spec: { type: "LoadBalancer" } },
        { metadata: { namespace: "default", name: "kubernetes" }, spec: { type: "ClusterIP" } },
      ],
    };
    const { ran, runner } = recorder((line) =>
      line.includes("get services") ? { stdout: JSON.stringify(services) } : emptyAnswers(line),
    );
    expect(executePlan(planOperation(sandbox, { kind: "destroy" }), capture(), runner, fakeRoot())).toBe(0);
    const deletes = ran.filter((line) => line.includes("delete service"));
    expect(deletes).toEqual([
      "kubectl --kubeconfig cdktf.out/sandbox-alice.kubeconfig delete service --wait=true --timeout=10m --namespace web shop",
    ]);
    expect(ran.indexOf(deletes[0])).toBeLessThan(
      ran.indexOf("terraform -chdir=cdktf.out/stacks/sandbox-alice-platform init -input=false"),
    );
  });

  it("reports leftover load balancers and ENIs and stops before destroying the network", () => {
    const { ran, runner } = recorder((line) =>
      line.includes("Key=elbv2.k8s.aws/cluster")
        ? { stdout: '["arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/k8s-web/1"]' }
        : line.includes("cluster.k8s.amazonaws.com/name")
          ? { stdout: '["eni-0abc"]' }
          : emptyAnswers(line),
    );
    const io = capture();
    expect(executePlan(planOperation(sandbox, { kind: "destroy" }), io, runner, fakeRoot())).toBe(1);
    const report = io.err_.join("\n");
    expect(report).toContain("✗ [3/3] sandbox-alice-network");
    expect(report).toContain(
      "load balancers of the AWS Load Balancer Controller: arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/k8s-web/1",
    );
    expect(report).toContain("network interfaces of the VPC CNI: eni-0abc");
    expect(ran.some((line) => line.includes("sandbox-alice-network") && line.startsWith("terraform"))).toBe(
      false,
    );
  });

  it.each<[string, Partial<OperationPlan>]>([
    ["a teardown of a long-lived environment", { environment: "dev" }],
    ["a sandbox teardown that touches another environment's stack", { environment: "sandbox-bob" }],
  ])("refuses to execute %s, whatever produced the plan", (_label, overrides) => {
    const plan = { ...planOperation(sandbox, { kind: "destroy" }), ...overrides };
    const { ran, runner } = recorder();
    expect(() => executePlan(plan, capture(), runner, fakeRoot())).toThrow(RefusalError);
    expect(ran).toEqual([]);
  });
});
