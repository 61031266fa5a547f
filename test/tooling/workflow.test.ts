import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ENVIRONMENT_NAMES, EnvironmentConfig, selectEnvironments } from "../../environments";
import { main } from "../../scripts/infra/cli";
import { environmentInventory } from "../../scripts/infra/inventory";
import { EnvironmentInventory } from "../../scripts/infra/planner";

const GITHUB = path.join(__dirname, "..", "..", ".github");

interface WorkflowStep {
  readonly uses?: string;
  readonly run?: string;
  readonly id?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface WorkflowJob {
  readonly uses?: string;
  readonly "runs-on"?: string | string[];
  readonly with?: Record<string, unknown>;
  readonly needs?: string | string[];
  readonly if?: string;
  readonly environment?: string | { name: string };
  readonly permissions?: Record<string, string>;
  readonly strategy?: { matrix?: unknown; "max-parallel"?: number; "fail-fast"?: boolean };
  readonly concurrency?: { group: string; "cancel-in-progress": boolean };
  readonly outputs?: Record<string, string>;
  readonly steps: WorkflowStep[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly concurrency?: { group: string; "cancel-in-progress": boolean };
  readonly jobs: Record<string, WorkflowJob>;
}

const read = (file: string) => fs.readFileSync(path.join(GITHUB, file), "utf8");
const pullRequest = parse(read("workflows/pull-request.yml")) as Workflow;
const deploy = parse(read("workflows/deploy.yml")) as Workflow;
const deployEnvironment = parse(read("workflows/deploy-environment.yml")) as Workflow;
const sandbox = parse(read("workflows/sandbox.yml")) as Workflow;
/** The workflows whose jobs run steps (deploy.yml's deploy job calls deploy-environment.yml). */
const stepWorkflows = [pullRequest, deploy, deployEnvironment, sandbox];
const stepJobs = (workflow: Workflow) =>
  Object.entries(workflow.jobs).filter(([, job]) => job.uses === undefined);
const allFiles = fs.readdirSync(path.join(GITHUB, "workflows")).map((file) => `workflows/${file}`);
const allWorkflows = allFiles.map((file) => parse(read(file)) as Workflow);

const needsOf = (job: WorkflowJob) => [job.needs ?? []].flat();
const runs = (job: WorkflowJob) => job.steps.map((step) => step.run ?? "").join("\n");
const awsCredentials = (job: WorkflowJob) =>
  job.steps.filter((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"));
const environmentOf = (job: WorkflowJob) =>
  typeof job.environment === "string" ? job.environment : job.environment?.name;

/** The commit each pinned action's release tag points to (read from the actions' repositories). */
const PINNED: Record<string, string> = {
  "actions/checkout": "11d5960a326750d5838078e36cf38b85af677262 # v4.4.0",
  "actions/setup-node": "49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0",
  "hashicorp/setup-terraform": "b9cd54a3c349d3f38e8881555d616ced269862dd # v3.1.2",
  "aws-actions/configure-aws-credentials": "61815dcd50bd041e203e49132bacad1fd04d2708 # v5.1.1",
  "actions/upload-artifact": "ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2",
  "actions/download-artifact": "d3f86a106a0bac45b974a628896c90dbdf5c8093 # v4.3.0",
};

const stepRunning = (job: WorkflowJob, command: string) => {
  const step = job.steps.find((s) => s.run?.includes(command));
  if (!step) throw new Error(`no step runs ${command}`);
  return step;
};

describe("every workflow file", () => {
  it.each(allFiles)("%s stores no AWS keys and reads no secrets", (file) => {
    const text = read(file);
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/);
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key/);
    expect(text).not.toMatch(/secrets\./);
  });

  it.each(allFiles)(
    "%s pins every third-party action to a full commit SHA, with its release as a comment",
    (file) => {
      const uses = [...read(file).matchAll(/uses:\s*([^\s#]+)(\s*#.*)?/g)].map((m) => [
        m[1],
        (m[2] ?? "").trim(),
      ]);
      expect(uses.length).toBeGreaterThan(0);
      for (const [ref, comment] of uses.filter(([u]) => !u.startsWith("./"))) {
        const [action, sha] = ref.split("@");
        expect(`${sha} ${comment}`).toBe(PINNED[action]);
      }
    },
  );

  it("workflows grant only read access by default; id-token is granted per job, only where a role is assumed", () => {
    for (const workflow of stepWorkflows) {
      expect(workflow.permissions).toEqual({ contents: "read" });
      for (const [, job] of stepJobs(workflow)) {
        expect(job.permissions?.["id-token"] === "write").toBe(awsCredentials(job).length > 0);
      }
    }
    // A caller grants what the called workflow's jobs need, no more.
    expect(deploy.jobs.deploy.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  it("every AWS credential step assumes a role through OIDC", () => {
    const steps = stepWorkflows.flatMap((w) => stepJobs(w).flatMap(([, job]) => awsCredentials(job)));
    expect(steps.length).toBeGreaterThanOrEqual(2);
    for (const step of steps) {
      expect(step.with?.["role-to-assume"]).toMatch(/^\$\{\{ .*vars.*\}\}$/);
      expect(step.with?.["aws-region"]).toBeTruthy();
      expect(Object.keys(step.with ?? {}).sort()).toEqual([
        "aws-region",
        "role-session-name",
        "role-to-assume",
      ]);
    }
  });
});

describe("every job's toolchain", () => {
  const jobs = stepWorkflows.flatMap(stepJobs);

  /** Jobs that run the project's code (npm scripts); the record job only tags a commit. */
  const nodeJobs = jobs.filter(([, job]) => job.steps.some((s) => s.run?.includes("npm ")));
  /** Jobs that run Terraform: the tests (HCL check), plans and applies. */
  const terraformJobs = nodeJobs.filter(([, job]) =>
    job.steps.some((s) =>
      /npm test|infra -- (plan|apply|deploy|destroy|sandbox|bootstrap)|\$ACTION/.test(s.run ?? ""),
    ),
  );

  it.each(nodeJobs)("%s installs a supported Node LTS and exactly the lockfile", (_id, job) => {
    const node = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(job.steps[0].uses).toMatch(/^actions\/checkout@/);
    expect(["22", "24"]).toContain(node?.with?.["node-version"]);
    expect(job.steps.some((s) => s.run === "npm ci --no-audit --no-fund")).toBe(true);
    expect(job.steps.some((s) => s.run?.includes("npm install"))).toBe(false);
  });

  it.each(terraformJobs)("%s installs Terraform 1.1x without the wrapper", (_id, job) => {
    const terraform = job.steps.find((s) => s.uses?.startsWith("hashicorp/setup-terraform@"));
    expect(String(terraform?.with?.terraform_version)).toMatch(/^1\.1[0-9]\.\d+$/);
    expect(terraform?.with?.terraform_wrapper).toBe(false);
  });

  it("only the jobs that run Terraform set it up (the diff, promotion and record jobs do not)", () => {
    const withTerraform = jobs.filter(([, job]) =>
      job.steps.some((s) => s.uses?.startsWith("hashicorp/setup-terraform@")),
    );
    expect(withTerraform).toEqual(expect.arrayContaining(terraformJobs));
    expect(terraformJobs.map(([id]) => id)).toEqual(expect.arrayContaining(["test", "plan", "apply"]));
    const ids = withTerraform.map(([id]) => id);
    for (const id of ["diff", "promotion", "record"]) expect(ids).not.toContain(id);
  });

  it("the Node version of the workflows satisfies package.json's engines", () => {
    const engines = JSON.parse(fs.readFileSync(path.join(GITHUB, "..", "package.json"), "utf8")).engines.node;
    const minimum = /^>=(\d+)/.exec(engines)?.[1];
    for (const [, job] of nodeJobs) {
      const node = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
      expect(Number(node?.with?.["node-version"])).toBeGreaterThanOrEqual(Number(minimum));
    }
  });
});

describe("pull-request workflow", () => {
  const { jobs } = pullRequest;

  it("runs on pull requests to main; a newer push waits instead of cancelling a plan halfway", () => {
    expect(pullRequest.on).toEqual({ pull_request: { branches: ["main"] } });
    expect(pullRequest.concurrency).toEqual({
      group: "pull-request-${{ github.event.pull_request.number }}",
      "cancel-in-progress": false,
    });
  });

  it("runs npm test", () => {
    expect(jobs.test.steps.map((s) => s.run)).toContain("npm test");
  });

  it("plans after the tests pass, one job per stack from the CLI's matrix (stacks → plan)", () => {
    expect(needsOf(jobs.stacks)).toEqual(["test"]);
    expect(needsOf(jobs.plan)).toEqual(["stacks"]);
    // Every registered environment, from the registry: no list of environments in the workflow.
    expect(runs(jobs.stacks)).toContain("npm run --silent infra -- stacks --json");
    for (const env of ENVIRONMENT_NAMES)
      expect(JSON.stringify(pullRequest)).not.toMatch(new RegExp(`\\b${env}\\b`));
    expect(jobs.stacks.outputs?.matrix).toBe("${{ steps.list.outputs.matrix }}");
    expect(jobs.plan.strategy?.matrix).toBe("${{ fromJSON(needs.stacks.outputs.matrix) }}");
  });

  it("skips the plan for forks, which get no OIDC token", () => {
    expect(jobs.stacks.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
  });

  it("plans each stack without the state lock, with its environment's role, and shows summary and plan", () => {
    const [credentials] = awsCredentials(jobs.plan);
    expect(credentials.with?.["role-to-assume"]).toBe(
      "${{ fromJSON(vars.AWS_PLAN_ROLE_ARNS)[matrix.environment] }}",
    );
    expect(credentials.with?.["aws-region"]).toBe("${{ matrix.region }}");
    const planStep = stepRunning(jobs.plan, "npm run infra -- plan");
    expect(planStep.run).toContain(
      'if npm run infra -- plan "$ENVIRONMENT" --stack "$STACK" --no-lock; then exit 0; fi',
    );
    expect(jobs.plan.steps.indexOf(credentials)).toBeLessThan(jobs.plan.steps.indexOf(planStep));
    expect(runs(jobs.plan)).toContain('cat "plans/$ENVIRONMENT/summary.md"');
    expect(runs(jobs.plan)).toContain(
      'terraform -chdir="cdktf.out/stacks/$STACK" show -no-color "../../../plans/$ENVIRONMENT/$STACK.tfplan"',
    );
    expect(runs(jobs.plan)).toContain('>> "$GITHUB_STEP_SUMMARY"');
  });

  it("a failed plan that only waits for an upstream's new output is reported as waiting, not failed", () => {
    const planStep = stepRunning(jobs.plan, "npm run infra -- plan");
    expect(planStep.run).toContain(
      'npm run --silent infra -- waits-for "$ENVIRONMENT" "$STACK" --base "$BASE"',
    );
    expect(planStep.run).toMatch(/if \[ -z "\$waits" \]; then exit 1; fi/);
    expect(planStep.env?.BASE).toBe("origin/${{ github.base_ref }}");
    expect(jobs.plan.steps[0].with?.["fetch-depth"]).toBe(0);
  });

  it("shows the offline diff of every environment, without credentials, failing on stateful changes unless labelled", () => {
    const job = jobs.diff;
    expect(needsOf(job)).toEqual([]);
    expect(job.permissions).toBeUndefined();
    expect(awsCredentials(job)).toEqual([]);
    expect(job.steps[0].with?.["fetch-depth"]).toBe(0);
    const step = stepRunning(job, "infra -- diff");
    expect(step.run).toContain(
      'npm run --silent infra -- diff --base "$BASE" $flag | tee -a "$GITHUB_STEP_SUMMARY"',
    );
    expect(step.run).toContain('flag="--fail-on-stateful"');
    expect(step.env?.FAIL_ON_STATEFUL).toBe(
      "${{ !contains(github.event.pull_request.labels.*.name, 'stateful-change-reviewed') }}",
    );
  });

  it("runs each stack's plan on the runner the matrix names (the environment's runner for cluster stacks)", () => {
    expect(jobs.plan["runs-on"]).toBe("${{ matrix.runner }}");
    for (const id of ["test", "stacks"]) expect(jobs[id]["runs-on"]).toBe("ubuntu-latest");
  });

  it("never applies, deploys or uploads plan files", () => {
    const text = read("workflows/pull-request.yml");
    expect(text).not.toMatch(/\bapply\b|infra -- deploy|environment:|upload-artifact/);
  });
});

describe("deploy workflow", () => {
  const { jobs } = deploy;

  it("runs on pushes to main (and by hand), with no workflow-wide concurrency group (one per environment instead)", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: {} });
    expect(deploy.concurrency).toBeUndefined();
  });

  it("tests first, then deploys every registered environment, one at a time, in promotion order", () => {
    expect(jobs.test.steps.map((s) => s.run)).toContain("npm test");
    expect(runs(jobs.test)).toContain("npm run --silent infra -- environments --json");
    expect(jobs.test.outputs?.environments).toBe("${{ steps.list.outputs.environments }}");
    expect(needsOf(jobs.deploy)).toEqual(["test"]);
    expect(jobs.deploy.strategy).toEqual({
      "max-parallel": 1,
      "fail-fast": true,
      matrix: "${{ fromJSON(needs.test.outputs.environments) }}",
    });
    expect(jobs.deploy.uses).toBe("./.github/workflows/deploy-environment.yml");
    expect(jobs.deploy.with).toEqual({
      environment: "${{ matrix.environment }}",
      region: "${{ matrix.region }}",
      runner: "${{ matrix.runner }}",
    });
    expect(Object.keys(jobs).sort()).toEqual(["deploy", "test"]);
    for (const env of ENVIRONMENT_NAMES)
      expect(JSON.stringify(deploy)).not.toMatch(new RegExp(`\\b${env}\\b`));
  });

  it("the environments matrix lists every registered environment in registry order, with its region", async () => {
    const out: string[] = [];
    const status = await main(["environments", "--json"], {
      io: { out: (l) => out.push(l), err: () => undefined },
      env: {},
    });
    expect(status).toBe(0);
    const matrix = JSON.parse(out.join(""));
    expect(matrix.include.map((e: { environment: string }) => e.environment)).toEqual(ENVIRONMENT_NAMES);
    for (const entry of matrix.include) expect(entry.region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    // Each environment deploys from the runner with a network path to its cluster API.
    for (const entry of matrix.include) {
      expect(entry.runner).toBe(selectEnvironments({ INFRA_ENVS: entry.environment })[0].ci.runnerLabel);
    }
  });

  it("deploy-environment takes the environment and its region", () => {
    expect(deployEnvironment.on).toEqual({
      workflow_call: {
        inputs: {
          environment: expect.objectContaining({ required: true, type: "string" }),
          region: expect.objectContaining({ required: true, type: "string" }),
          runner: expect.objectContaining({ required: true, type: "string" }),
        },
      },
    });
    expect(Object.keys(deployEnvironment.jobs)).toEqual(["promotion", "plan", "apply", "record"]);
  });

  it("promotion: the plan waits for the check that the previous environment deployed this commit", () => {
    const job = deployEnvironment.jobs.promotion;
    expect(needsOf(deployEnvironment.jobs.plan)).toEqual(["promotion"]);
    expect(job.permissions).toEqual({ contents: "read", deployments: "read" });
    const step = stepRunning(job, "promotion-check");
    expect(step.run).toBe('npm run infra -- promotion-check "$ENVIRONMENT" --sha "$GITHUB_SHA"');
    expect(step.env).toEqual({
      ENVIRONMENT: "${{ inputs.environment }}",
      GITHUB_TOKEN: "${{ github.token }}",
    });
  });

  it("record: after the apply, tags the applied commit deployed/<env> and writes it to the job summary", () => {
    const job = deployEnvironment.jobs.record;
    expect(needsOf(job)).toEqual(["apply"]);
    expect(job.permissions).toEqual({ contents: "write" });
    expect(awsCredentials(job)).toEqual([]);
    expect(runs(job)).toContain('git tag --force "deployed/$ENVIRONMENT" "$GITHUB_SHA"');
    expect(runs(job)).toContain('git push --force origin "refs/tags/deployed/$ENVIRONMENT"');
    expect(runs(job)).toContain('>> "$GITHUB_STEP_SUMMARY"');
  });

  it("plan and apply of an environment share one concurrency group, never cancelled", () => {
    for (const job of [deployEnvironment.jobs.plan, deployEnvironment.jobs.apply]) {
      expect(job.concurrency).toEqual({
        group: "deploy-${{ inputs.environment }}",
        "cancel-in-progress": false,
      });
    }
  });

  it("plan: in the environment with its deploy role (the only role main may plan with), on its runner; uploads the plans and shows their summary", () => {
    const job = deployEnvironment.jobs.plan;
    expect(environmentOf(job)).toBe("${{ inputs.environment }}");
    expect(job["runs-on"]).toBe("${{ inputs.runner }}");
    const [credentials] = awsCredentials(job);
    expect(credentials.with?.["role-to-assume"]).toBe("${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    expect(credentials.with?.["aws-region"]).toBe("${{ inputs.region }}");
    const planStep = stepRunning(job, "npm run infra -- plan");
    expect(planStep.run).toBe('npm run infra -- plan "$ENVIRONMENT" --lock-timeout 10m');
    expect(planStep.env).toEqual({ ENVIRONMENT: "${{ inputs.environment }}" });
    expect(runs(job)).toContain('cat "plans/$ENVIRONMENT/summary.md" >> "$GITHUB_STEP_SUMMARY"');
    const upload = job.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.with).toEqual({
      name: "plans-${{ inputs.environment }}",
      path: "plans/${{ inputs.environment }}/",
      "retention-days": 1,
      "if-no-files-found": "error",
    });
    expect(job.steps.indexOf(credentials)).toBeLessThan(job.steps.indexOf(planStep));
    expect(job.steps.indexOf(planStep)).toBeLessThan(job.steps.indexOf(upload as WorkflowStep));
    expect(runs(job)).not.toMatch(/infra -- (apply|deploy)/);
  });

  it("apply: after the plan, in the protected environment with its deploy role, applies exactly the uploaded plans", () => {
    const job = deployEnvironment.jobs.apply;
    expect(job["runs-on"]).toBe("${{ inputs.runner }}");
    expect(needsOf(job)).toEqual(["plan"]);
    expect(environmentOf(job)).toBe("${{ inputs.environment }}");
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    const [credentials] = awsCredentials(job);
    expect(credentials.with?.["role-to-assume"]).toBe("${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    expect(credentials.with?.["aws-region"]).toBe("${{ inputs.region }}");
    const download = job.steps.find((s) => s.uses?.startsWith("actions/download-artifact@"));
    expect(download?.with).toEqual({
      name: "plans-${{ inputs.environment }}",
      path: "plans/${{ inputs.environment }}",
    });
    const applyStep = stepRunning(job, "npm run infra -- apply");
    expect(applyStep.run).toBe(
      'npm run infra -- apply "$ENVIRONMENT" --confirm "$ENVIRONMENT" --lock-timeout 10m',
    );
    expect(applyStep.env).toEqual({ ENVIRONMENT: "${{ inputs.environment }}" });
    const order = [download, credentials, applyStep].map((s) => job.steps.indexOf(s as WorkflowStep));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(runs(job)).not.toMatch(/infra -- (plan|deploy)/);
  });
});

describe("sandbox workflow", () => {
  const job = sandbox.jobs.sandbox;

  it("runs by hand only, one run per sandbox at a time, never cancelled midway", () => {
    expect(Object.keys(sandbox.on)).toEqual(["workflow_dispatch"]);
    expect(sandbox.concurrency).toEqual({ group: "sandbox-${{ inputs.name }}", "cancel-in-progress": false });
  });

  it("runs like its host environment: its GitHub environment, deploy role and runner", () => {
    const environment = selectEnvironments({ INFRA_ENVS: "", INFRA_SANDBOX: "alice" })[0];
    expect(environmentOf(job)).toBe(environment.ci.githubEnvironment);
    expect(job["runs-on"]).toBe(environment.ci.runnerLabel);
    expect(awsCredentials(job)[0].with?.["role-to-assume"]).toBe("${{ vars.AWS_DEPLOY_ROLE_ARN }}");
  });

  it("passes the inputs to the CLI as variables, never as code in the script", () => {
    const step = job.steps.find((s) => s.run?.includes("infra -- sandbox"));
    expect(step?.run).toBe('npm run infra -- sandbox "$ACTION" "$NAME"');
    expect(step?.env).toEqual({ ACTION: "${{ inputs.action }}", NAME: "${{ inputs.name }}" });
    expect(runs(job)).not.toContain("${{ inputs.");
  });
});

describe("the CLI commands in the workflows", () => {
  /** Every `npm run [--silent] infra -- ...` invocation, with the plan job's variables filled in. */
  const invocations = allWorkflows
    .flatMap((workflow) =>
      Object.values(workflow.jobs).flatMap((job) => (job.steps ?? []).map((s) => s.run ?? "")),
    )
    .flatMap((text) =>
      [...text.matchAll(/npm run (?:--silent )?infra -- ([^\n|);]+)/g)].map((m) => m[1].trim()),
    )
    // Commands that read git or GitHub rather than plan anything are checked where they are tested.
    .filter((args) => !/^(diff|waits-for|promotion-check)\b/.test(args))
    .flatMap((args) =>
      args.includes('"$ENVIRONMENT"')
        ? ENVIRONMENT_NAMES.map((env) =>
            args.replaceAll('"$ENVIRONMENT"', env).replaceAll('"$STACK"', `${env}-network`),
          )
        : [args.replace('"$ACTION"', "plan").replace('"$NAME"', "alice")],
    );
  const inventories = new Map<string, EnvironmentInventory>();
  const inventory = (environment: EnvironmentConfig) => {
    const known = inventories.get(environment.name) ?? environmentInventory(environment);
    inventories.set(environment.name, known);
    return known;
  };

  it.each(invocations)("infra %s is accepted (checked as a dry run)", async (args) => {
    const err: string[] = [];
    const out: string[] = [];
    const argv = args.split(/\s+/);
    const status = await main(["stacks", "environments"].includes(argv[0]) ? argv : [...argv, "--dry-run"], {
      io: { out: (l) => out.push(l), err: (l) => err.push(l) },
      runner: () => {
        throw new Error("a dry run must not execute anything");
      },
      inventory,
      env: {},
      interactive: false,
    });
    expect(err.join("\n")).toBe("");
    expect(status).toBe(0);
  });
});
