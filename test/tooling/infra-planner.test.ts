import { RefusalError } from "../../scripts/infra/errors";
import { commandLine, stepLines } from "../../scripts/infra/executor";
import {
  EnvironmentInventory,
  Operation,
  OperationPlan,
  StackInfo,
  dependencyOrder,
  needsConfirmation,
  planOperation,
} from "../../scripts/infra/planner";
import { ENVIRONMENTS } from "../../environments";
import { expectErrorContaining } from "../helpers";

function stack(id: string, dependencies: string[] = [], extra: Partial<StackInfo> = {}): StackInfo {
  return { id, dependencies, usesKubernetes: false, declaresVpc: false, ...extra };
}

/** A full environment as the layers will be: platform on cluster and data, both on network. */
function inventory(name: string, overrides: Partial<EnvironmentInventory> = {}): EnvironmentInventory {
  return {
    name,
    sandbox: name.startsWith("sandbox-"),
    // As the shipped configuration has it: prod is on the production policy profile.
    confirmationRequired: name === "prod",
    region: "eu-west-1",
    // Construction order deliberately not the dependency order.
    stacks: [
      stack(`${name}-platform`, [`${name}-cluster`, `${name}-data`], { usesKubernetes: true }),
      stack(`${name}-network`, [], { declaresVpc: true }),
      stack(`${name}-cluster`, [`${name}-network`]),
      stack(`${name}-data`, [`${name}-network`]),
    ],
    bootstrapStack: name.startsWith("sandbox-") ? undefined : stack(`bootstrap-${name}`),
    bootstrapBackend: name.startsWith("sandbox-")
      ? undefined
      : { type: "local", config: { path: `../../../.bootstrap-state/bootstrap-${name}.tfstate` } },
    stateBackend: {
      bucket: "acme-tfstate-dev",
      key: `${name}/${name}-network.tfstate`,
      region: "eu-west-1",
      encrypt: true,
      use_lockfile: true,
    },
    clusterNames: [name],
    hasComputedClusterName: false,
    ...overrides,
  };
}

const steps = (plan: OperationPlan) => [
  ...plan.prepare,
  ...plan.stacks.flatMap((run) => run.steps),
  ...plan.finish,
];
/** Every line the dry run would print for the plan's steps (no header), comments included. */
const lines = (plan: OperationPlan) => steps(plan).flatMap(stepLines);
/** The synthesis and Terraform commands, in order, without trailing comments. */
const commands = (plan: OperationPlan) =>
  lines(plan)
    .filter((line) => /^(env|terraform) /.test(line))
    .map((line) => line.replace(/ {2}# .*$/, ""));
const tf = (stackId: string, ...args: string[]) =>
  commandLine(["terraform", `-chdir=cdktf.out/stacks/${stackId}`, ...args]);

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RefusalError);
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("dependencyOrder", () => {
  it("puts every stack after the stacks it depends on, otherwise keeping construction order", () => {
    const order = dependencyOrder(inventory("dev").stacks).map((s) => s.id);
    expect(order).toEqual(["dev-network", "dev-cluster", "dev-data", "dev-platform"]);
  });

  it("reports a dependency cycle with its path", () => {
    expectErrorContaining(
      () => dependencyOrder([stack("a", ["b"]), stack("b", ["a"])]),
      "cycle",
      "a → b → a",
    );
  });

  it("reports a dependency on a stack outside the environment", () => {
    expectErrorContaining(
      () => dependencyOrder([stack("dev-cluster", ["prod-network"])]),
      "dev-cluster depends on prod-network",
      "not a stack of the same environment",
    );
  });
});

describe("plan", () => {
  const plan = planOperation(inventory("dev"), { kind: "plan" });

  it("synthesizes the environment first, then inits and plans each stack in dependency order", () => {
    expect(commands(plan)).toEqual([
      "env INFRA_ENVS=dev INFRA_SANDBOX= node scripts/app.cjs",
      ...["dev-network", "dev-cluster", "dev-data", "dev-platform"].flatMap((id) => [
        tf(id, "init", "-input=false"),
        tf(id, "plan", "-input=false", `-out=../../../plans/dev/${id}.tfplan`),
        tf(id, "show", "-json", `../../../plans/dev/${id}.tfplan`),
      ]),
    ]);
  });

  it("removes each plan file and its summary before planning, and makes the new plan file 0600", () => {
    const network = lines(plan);
    const planLine = network.indexOf(
      tf("dev-network", "plan", "-input=false", "-out=../../../plans/dev/dev-network.tfplan"),
    );
    expect(network[planLine - 1]).toBe("rm -f plans/dev/dev-network.tfplan plans/dev/dev-network.plan.json");
    expect(network[planLine + 1]).toBe("chmod 600 plans/dev/dev-network.tfplan");
  });

  it("summarizes each plan into plans/<env>/<stack>.plan.json and all of them into plans/<env>/summary.md", () => {
    const summarize = plan.stacks[0].steps.find((step) => step.kind === "summarize");
    expect(summarize).toMatchObject({
      summaryFile: "plans/dev/dev-network.plan.json",
      configFile: "cdktf.out/stacks/dev-network/cdk.tf.json",
    });
    expect(plan.finish).toEqual([
      expect.objectContaining({ kind: "write-summary", file: "plans/dev/summary.md" }),
    ]);
  });

  it("runs each stack after the stacks it depends on: cluster and data both after network only", () => {
    expect(Object.fromEntries(plan.stacks.map((run) => [run.stack, run.after]))).toEqual({
      "dev-network": [],
      "dev-cluster": ["dev-network"],
      "dev-data": ["dev-network"],
      "dev-platform": ["dev-cluster", "dev-data"],
    });
  });

  it("never applies", () => {
    expect(commands(plan).some((line) => line.includes(" apply "))).toBe(false);
  });

  it("numbers the stacks for progress lines", () => {
    const last = plan.stacks[plan.stacks.length - 1];
    expect([last.stack, last.position, last.total]).toEqual(["dev-platform", 4, 4]);
  });

  it("--stack plans one stack only", () => {
    expect(commands(planOperation(inventory("dev"), { kind: "plan", stack: "dev-data" }))).toEqual([
      "env INFRA_ENVS=dev INFRA_SANDBOX= node scripts/app.cjs",
      tf("dev-data", "init", "-input=false"),
      tf("dev-data", "plan", "-input=false", "-out=../../../plans/dev/dev-data.tfplan"),
      tf("dev-data", "show", "-json", "../../../plans/dev/dev-data.tfplan"),
    ]);
  });

  it("--stack with a stack of another environment is refused, listing the environment's stacks", () => {
    const message = refusal(() => planOperation(inventory("dev"), { kind: "plan", stack: "prod-data" }));
    expect(message).toContain('Stack "prod-data" is not a stack of dev');
    expect(message).toContain("dev-network, dev-cluster, dev-data, dev-platform");
  });

  it("selects a sandbox through INFRA_SANDBOX for the synthesis", () => {
    expect(commands(planOperation(inventory("sandbox-alice"), { kind: "plan" }))[0]).toBe(
      "env INFRA_ENVS= INFRA_SANDBOX=alice node scripts/app.cjs",
    );
  });
});

describe("deploy", () => {
  const plan = planOperation(inventory("stage"), { kind: "deploy" });

  it("per stack: init, plan to a file, summary, gate, apply of that file; in dependency order", () => {
    expect(commands(plan)).toEqual([
      "env INFRA_ENVS=stage INFRA_SANDBOX= node scripts/app.cjs",
      ...["stage-network", "stage-cluster", "stage-data", "stage-platform"].flatMap((id) => [
        tf(id, "init", "-input=false"),
        tf(id, "plan", "-input=false", `-out=../../../plans/stage/${id}.tfplan`),
        tf(id, "show", "-json", `../../../plans/stage/${id}.tfplan`),
        tf(id, "apply", "-input=false", `../../../plans/stage/${id}.tfplan`),
      ]),
    ]);
    expect(plan.stacks[0].steps.map((step) => step.kind)).toEqual([
      "run",
      "plan",
      "summarize",
      "gate",
      "run",
    ]);
    expect(plan.destroys).toBe(false);
  });

  it("stage's gate refuses stateful losses (no sandbox) and asks no confirmation", () => {
    const gate = plan.stacks[0].steps.find((step) => step.kind === "gate");
    expect(gate).toEqual({
      kind: "gate",
      stack: "stage-network",
      summaryFile: "plans/stage/stage-network.plan.json",
      sandbox: false,
      allowDestroy: [],
    });
  });

  it("prod without --confirm is refused when not at a terminal, saying how to confirm", () => {
    expect(refusal(() => planOperation(inventory("prod"), { kind: "deploy" }))).toContain(
      "add --confirm prod",
    );
  });

  it("prod at a terminal needs no --confirm: every gate asks for the confirmation after the summary", () => {
    const interactive = planOperation(inventory("prod"), { kind: "deploy" }, true);
    const gates = interactive.stacks.flatMap((run) => run.steps.filter((step) => step.kind === "gate"));
    expect(gates).toHaveLength(4);
    for (const gate of gates) expect(gate).toMatchObject({ confirm: "prod" });
  });

  it("prod with --confirm naming another environment is refused", () => {
    expect(refusal(() => planOperation(inventory("prod"), { kind: "deploy", confirm: "dev" }))).toContain(
      '--confirm must name the environment ("prod"), got "dev"',
    );
  });

  it("prod with --confirm prod deploys", () => {
    const plan = planOperation(inventory("prod"), { kind: "deploy", confirm: "prod" });
    expect(commands(plan)).toContain(
      tf("prod-network", "apply", "-input=false", "../../../plans/prod/prod-network.tfplan"),
    );
  });

  it("the confirmation follows the production policy profile, not the name: an environment made from prod needs it", () => {
    const dr = inventory("dr", { confirmationRequired: true });
    expect(refusal(() => planOperation(dr, { kind: "deploy" }))).toContain("add --confirm dr");
    expect(commands(planOperation(dr, { kind: "deploy", confirm: "dr" })).length).toBeGreaterThan(0);
    expect(() => planOperation(inventory("stage"), { kind: "deploy" })).not.toThrow();
  });

  it("the shipped environments: prod needs the confirmation, stage and dev do not", () => {
    const shipped = Object.fromEntries(
      Object.values(ENVIRONMENTS).map((env) => [env.name, needsConfirmation(env)]),
    );
    expect(shipped).toMatchObject({ dev: false, stage: false, prod: true });
  });

  it("passes every --allow-destroy address to the gates", () => {
    const allowed = planOperation(inventory("stage"), {
      kind: "deploy",
      allowDestroy: ["stage-data:aws_db_instance.db"],
    });
    const gate = allowed.stacks[0].steps.find((step) => step.kind === "gate");
    expect(gate).toMatchObject({ allowDestroy: ["stage-data:aws_db_instance.db"] });
  });
});

describe("state locks", () => {
  it("--no-lock plans without the state lock (pull requests), and nothing else changes", () => {
    const plan = planOperation(inventory("dev"), { kind: "plan", noLock: true });
    expect(commands(plan)).toContain(
      tf("dev-data", "plan", "-input=false", "-lock=false", "-out=../../../plans/dev/dev-data.tfplan"),
    );
    expect(commands(plan).filter((line) => line.includes("-lock"))).toHaveLength(4);
  });

  it("--lock-timeout makes every plan and apply wait for a held lock", () => {
    const plan = planOperation(inventory("dev"), { kind: "deploy", lockTimeout: "10m" });
    const planAndApply = commands(plan).filter((line) => / (plan|apply) /.test(line));
    expect(planAndApply).toHaveLength(8);
    for (const line of planAndApply) expect(line).toContain(" -lock-timeout=10m ");
    const applied = planOperation(inventory("prod"), { kind: "apply", confirm: "prod", lockTimeout: "5m" });
    expect(commands(applied)).toContain(
      tf("prod-data", "apply", "-input=false", "-lock-timeout=5m", "../../../plans/prod/prod-data.tfplan"),
    );
  });
});

describe("apply", () => {
  const plan = planOperation(inventory("dev"), { kind: "apply" });

  it("synthesizes, then per stack: lock file back, init, verify the saved plan, gate, apply exactly that file", () => {
    expect(plan.stacks[0].steps).toEqual([
      {
        kind: "copy",
        from: "plans/dev/dev-network.terraform.lock.hcl",
        to: "cdktf.out/stacks/dev-network/.terraform.lock.hcl",
      },
      { kind: "run", argv: ["terraform", "-chdir=cdktf.out/stacks/dev-network", "init", "-input=false"] },
      {
        kind: "verify",
        stack: "dev-network",
        planFile: "plans/dev/dev-network.tfplan",
        summaryFile: "plans/dev/dev-network.plan.json",
        configFile: "cdktf.out/stacks/dev-network/cdk.tf.json",
        replan: "npm run infra -- plan dev",
      },
      expect.objectContaining({ kind: "gate", stack: "dev-network" }),
      {
        kind: "run",
        argv: [
          "terraform",
          "-chdir=cdktf.out/stacks/dev-network",
          "apply",
          "-input=false",
          "../../../plans/dev/dev-network.tfplan",
        ],
      },
    ]);
    expect(commands(plan)[0]).toBe("env INFRA_ENVS=dev INFRA_SANDBOX= node scripts/app.cjs");
  });

  it("never plans: a plan is only ever made by plan or deploy", () => {
    expect(commands(plan).some((line) => / plan /.test(line))).toBe(false);
  });

  it("prod needs the confirmation like deploy", () => {
    expect(refusal(() => planOperation(inventory("prod"), { kind: "apply" }))).toContain(
      "add --confirm prod",
    );
  });
});

describe("destroy", () => {
  const plan = planOperation(inventory("sandbox-alice"), { kind: "destroy" });
  const all = lines(plan);
  const kubeconfig = "cdktf.out/sandbox-alice.kubeconfig";
  const indexOf = (line: string) => {
    const index = all.indexOf(line);
    if (index < 0) throw new Error(`missing line: ${line}`);
    return index;
  };
  const destroyPlan = (id: string) =>
    tf(id, "plan", "-destroy", "-input=false", `-out=../../../plans/sandbox-alice/${id}.destroy.tfplan`);
  const destroyApply = (id: string) =>
    tf(id, "apply", "-input=false", `../../../plans/sandbox-alice/${id}.destroy.tfplan`);

  it("a stack is destroyed only after the stacks that depend on it", () => {
    expect(Object.fromEntries(plan.stacks.map((run) => [run.stack, run.after]))).toEqual({
      "sandbox-alice-platform": [],
      "sandbox-alice-data": ["sandbox-alice-platform"],
      "sandbox-alice-cluster": ["sandbox-alice-platform"],
      "sandbox-alice-network": ["sandbox-alice-cluster", "sandbox-alice-data"],
    });
  });

  it("the gate of a sandbox lets stateful resources go, and asks nothing", () => {
    const gate = plan.stacks[0].steps.find((step) => step.kind === "gate");
    expect(gate).toMatchObject({
      sandbox: true,
      summaryFile: "plans/sandbox-alice/sandbox-alice-platform.destroy.plan.json",
    });
    expect(gate).not.toHaveProperty("confirm");
  });

  it("destroys platform, then cluster and data, then network, each through a saved destroy plan", () => {
    const ids = [
      "sandbox-alice-platform",
      "sandbox-alice-data",
      "sandbox-alice-cluster",
      "sandbox-alice-network",
    ];
    const positions = ids.map((id) => indexOf(destroyApply(id)));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const id of ids) expect(indexOf(destroyPlan(id))).toBeLessThan(indexOf(destroyApply(id)));
    expect(plan.destroys).toBe(true);
  });

  it("before touching the platform stack, deletes Ingresses and LoadBalancer Services and waits for them", () => {
    const describe = indexOf(
      commandLine([
        "aws",
        "eks",
        "describe-cluster",
        "--name",
        "sandbox-alice",
        "--region",
        "eu-west-1",
        "--query",
        "cluster.status",
        "--output",
        "json",
      ]),
    );
    const update = indexOf(
      commandLine([
        "aws",
        "eks",
        "update-kubeconfig",
        "--name",
        "sandbox-alice",
        "--region",
        "eu-west-1",
        "--kubeconfig",
        kubeconfig,
      ]),
    );
    const ingresses = indexOf(
      commandLine([
        "kubectl",
        "--kubeconfig",
        kubeconfig,
        "delete",
        "ingress",
        "--all",
        "--all-namespaces",
        "--wait=true",
        "--timeout=10m",
      ]),
    );
    const services = indexOf(
      commandLine([
        "kubectl",
        "--kubeconfig",
        kubeconfig,
        "get",
        "services",
        "--all-namespaces",
        "--output",
        "json",
      ]),
    );
    const platformInit = indexOf(tf("sandbox-alice-platform", "init", "-input=false"));
    expect(describe).toBeLessThan(update);
    expect(update).toBeLessThan(ingresses);
    expect(ingresses).toBeLessThan(services);
    expect(services).toBeLessThan(platformInit);
    expect(all[services + 1]).toContain(
      "for each Service of type LoadBalancer listed: kubectl --kubeconfig cdktf.out/sandbox-alice.kubeconfig delete service --wait=true --timeout=10m --namespace <namespace> <name>",
    );
  });

  it("after the cluster is gone and before the network goes, checks for load balancers, security groups and ENIs tagged for the cluster", () => {
    const network = plan.stacks.find((run) => run.stack === "sandbox-alice-network");
    const check = network?.steps.find((step) => step.kind === "check-leftovers");
    if (check?.kind !== "check-leftovers") throw new Error("no leftover check");
    const queries = check.queries.map((q) => commandLine(q.argv));
    expect(queries).toEqual([
      "aws resourcegroupstaggingapi get-resources --region eu-west-1 --resource-type-filters elasticloadbalancing:loadbalancer --tag-filters Key=elbv2.k8s.aws/cluster,Values=sandbox-alice --query 'ResourceTagMappingList[].ResourceARN' --output json",
      "aws resourcegroupstaggingapi get-resources --region eu-west-1 --resource-type-filters elasticloadbalancing:loadbalancer --tag-filters Key=kubernetes.io/cluster/sandbox-alice --query 'ResourceTagMappingList[].ResourceARN' --output json",
      "aws ec2 describe-security-groups --region eu-west-1 --filters Name=tag:elbv2.k8s.aws/cluster,Values=sandbox-alice --query 'SecurityGroups[].GroupId' --output json",
      "aws ec2 describe-network-interfaces --region eu-west-1 --filters Name=tag:cluster.k8s.amazonaws.com/name,Values=sandbox-alice --query 'NetworkInterfaces[].NetworkInterfaceId' --output json",
      "aws ec2 describe-network-interfaces --region eu-west-1 --filters Name=tag-key,Values=kubernetes.io/cluster/sandbox-alice --query 'NetworkInterfaces[].NetworkInterfaceId' --output json",
    ]);
    expect(indexOf(destroyApply("sandbox-alice-cluster"))).toBeLessThan(indexOf(queries[0]));
    expect(indexOf(queries[4])).toBeLessThan(indexOf(tf("sandbox-alice-network", "init", "-input=false")));
  });

  it("points kubectl at the deploy role when the environment has one", () => {
    const role = "arn:aws:iam::111111111111:role/deploy";
    const withRole = lines(
      planOperation(inventory("sandbox-alice", { deployRoleArn: role }), { kind: "destroy" }),
    );
    expect(withRole.find((line) => line.includes("update-kubeconfig"))).toContain(`--role-arn ${role}`);
  });

  it("--skip-k8s-cleanup leaves kubectl out but still checks for leftovers", () => {
    const skipped = planOperation(inventory("sandbox-alice"), {
      kind: "destroy",
      skipKubernetesCleanup: true,
    });
    expect(lines(skipped).some((line) => line.startsWith("kubectl") || line.includes("eks "))).toBe(false);
    expect(steps(skipped).some((step) => step.kind === "check-leftovers")).toBe(true);
  });

  it("refuses the Kubernetes cleanup when the cluster's name is not a literal, pointing to --skip-k8s-cleanup", () => {
    const computed = inventory("sandbox-alice", { clusterNames: [], hasComputedClusterName: true });
    expect(refusal(() => planOperation(computed, { kind: "destroy" }))).toContain("--skip-k8s-cleanup");
  });

  it("an environment without a cluster is destroyed without kubectl and without leftover checks", () => {
    const networkOnly = inventory("sandbox-bob", {
      stacks: [stack("sandbox-bob-network", [], { declaresVpc: true })],
      clusterNames: [],
    });
    const plan = planOperation(networkOnly, { kind: "destroy" });
    const file = "../../../plans/sandbox-bob/sandbox-bob-network.destroy.tfplan";
    expect(commands(plan)).toEqual([
      "env INFRA_ENVS= INFRA_SANDBOX=bob node scripts/app.cjs",
      tf("sandbox-bob-network", "init", "-input=false"),
      tf("sandbox-bob-network", "plan", "-destroy", "-input=false", `-out=${file}`),
      tf("sandbox-bob-network", "show", "-json", file),
      tf("sandbox-bob-network", "apply", "-input=false", file),
    ]);
  });

  it.each<[string, Partial<EnvironmentInventory>, Operation]>([
    ["prod", {}, { kind: "destroy" }],
    ["dev", { sandbox: true }, { kind: "destroy" }],
    ["sandbox-alice", { sandbox: false }, { kind: "destroy", skipKubernetesCleanup: true }],
  ])("refuses to destroy %s (%j) whatever the flags", (name, overrides, operation) => {
    expect(refusal(() => planOperation(inventory(name, overrides), operation))).toContain(
      "only sandboxes (sandbox-<name>) are torn down",
    );
  });
});

describe("bootstrap", () => {
  const inBucket: Partial<EnvironmentInventory> = {
    bootstrapBackend: {
      type: "s3",
      config: {
        bucket: "acme-tfstate-dev",
        key: "dev/bootstrap-dev.tfstate",
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
      },
    },
  };
  const init = tf("bootstrap-dev", "init", "-input=false");
  const plan = tf("bootstrap-dev", "plan", "-input=false", "-out=../../../plans/dev/bootstrap-dev.tfplan");
  const show = tf("bootstrap-dev", "show", "-json", "../../../plans/dev/bootstrap-dev.tfplan");
  const apply = tf("bootstrap-dev", "apply", "-input=false", "../../../plans/dev/bootstrap-dev.tfplan");
  const synth = "env INFRA_ENVS=dev INFRA_SANDBOX= node scripts/app.cjs";

  it("with local state: synth, init, plan, apply; says how to move the state into the bucket", () => {
    const result = planOperation(inventory("dev"), { kind: "bootstrap" });
    expect(commands(result)).toEqual([synth, init, plan, show, apply]);
    expect(result.title).toBe(
      "bootstrap dev: bootstrap-dev (local state .bootstrap-state/bootstrap-dev.tfstate)",
    );
    const epilogue = result.epilogue.join("\n");
    expect(epilogue).toContain('set state.bootstrapBackend: "bucket" in environments/dev.ts');
    expect(epilogue).toContain("npm run infra -- bootstrap dev --migrate");
  });

  it('with state.bootstrapBackend "bucket": the same commands against the S3 backend, nothing written', () => {
    const result = planOperation(inventory("dev", inBucket), { kind: "bootstrap" });
    expect(commands(result)).toEqual([synth, init, plan, show, apply]);
    expect(result.title).toBe(
      "bootstrap dev: bootstrap-dev (state in s3://acme-tfstate-dev/dev/bootstrap-dev.tfstate)",
    );
    expect(steps(result).some((step) => step.kind === "copy" || step.kind === "write-summary")).toBe(false);
  });

  it("--migrate: init -migrate-state -force-copy (Terraform copies the local state), then a plan to review, no apply", () => {
    const result = planOperation(inventory("dev", inBucket), { kind: "bootstrap", migrate: true });
    expect(commands(result)).toEqual([
      synth,
      tf("bootstrap-dev", "init", "-input=false", "-migrate-state", "-force-copy"),
      plan,
      show,
    ]);
    const epilogue = result.epilogue.join("\n");
    expect(epilogue).toContain("now in s3://acme-tfstate-dev/dev/bootstrap-dev.tfstate");
    expect(epilogue).toContain(
      "state list), then delete the local copy .bootstrap-state/bootstrap-dev.tfstate",
    );
    expect(epilogue).toContain("If it plans to create the bucket");
  });

  it('--migrate is refused while state.bootstrapBackend is "local", naming the field and the file to edit', () => {
    const message = refusal(() => planOperation(inventory("dev"), { kind: "bootstrap", migrate: true }));
    expect(message).toContain('state.bootstrapBackend of dev is "local"');
    expect(message).toContain('Set state.bootstrapBackend: "bucket" in environments/dev.ts');
  });

  it("prod: refused without --confirm prod when not at a terminal; its gate asks for the confirmation", () => {
    expect(refusal(() => planOperation(inventory("prod"), { kind: "bootstrap" }))).toContain(
      "Refusing to bootstrap prod without confirmation",
    );
    const confirmed = planOperation(inventory("prod"), { kind: "bootstrap", confirm: "prod" });
    expect(steps(confirmed).find((step) => step.kind === "gate")).toMatchObject({
      confirm: "prod",
      stack: "bootstrap-prod",
    });
  });

  it("prod --migrate needs --confirm prod even at a terminal: the state moves before any plan exists", () => {
    const inProdBucket: Partial<EnvironmentInventory> = {
      bootstrapBackend: {
        type: "s3",
        config: { bucket: "acme-tfstate-prod", key: "prod/bootstrap-prod.tfstate" },
      },
    };
    expect(
      refusal(() =>
        planOperation(inventory("prod", inProdBucket), { kind: "bootstrap", migrate: true }, true),
      ),
    ).toContain("Refusing to migrate the state of prod without confirmation: add --confirm prod");
    expect(
      planOperation(
        inventory("prod", inProdBucket),
        { kind: "bootstrap", migrate: true, confirm: "prod" },
        true,
      ).title,
    ).toContain("migrating its local state");
  });

  it("is refused for sandboxes, which use the dev bucket", () => {
    expect(refusal(() => planOperation(inventory("sandbox-alice"), { kind: "bootstrap" }))).toContain(
      'run "bootstrap dev"',
    );
  });
});
