import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { EnvironmentConfig } from "../../environments";
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
  readonly needs?: string | string[];
  readonly if?: string;
  readonly environment?: string | { name: string };
  readonly permissions?: Record<string, string>;
  readonly strategy?: { matrix?: unknown };
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
const allFiles = fs.readdirSync(path.join(GITHUB, "workflows")).map((file) => `workflows/${file}`);

const needsOf = (job: WorkflowJob) => [job.needs ?? []].flat();
const runs = (job: WorkflowJob) => job.steps.map((step) => step.run ?? "").join("\n");
const awsCredentials = (job: WorkflowJob) =>
  job.steps.filter((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"));
const environmentOf = (job: WorkflowJob) =>
  typeof job.environment === "string" ? job.environment : job.environment?.name;

describe("every workflow file", () => {
  it.each(allFiles)("%s stores no AWS keys and reads no secrets", (file) => {
    const text = read(file);
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/);
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key/);
    expect(text).not.toMatch(/secrets\./);
  });

  it.each(allFiles)(
    "%s pins every action to a release (a version tag or a commit), never a branch",
    (file) => {
      const uses = [...read(file).matchAll(/uses:\s*([^\s#]+)/g)].map((m) => m[1]);
      expect(uses.length).toBeGreaterThan(0);
      for (const ref of uses.filter((u) => !u.startsWith("./"))) {
        expect(ref).toMatch(/@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
      }
    },
  );

  it("workflows grant only read access by default; id-token is granted per job, only where a role is assumed", () => {
    for (const workflow of [pullRequest, deploy]) {
      expect(workflow.permissions).toEqual({ contents: "read" });
      for (const job of Object.values(workflow.jobs)) {
        expect(job.permissions?.["id-token"] === "write").toBe(awsCredentials(job).length > 0);
      }
    }
  });

  it("every AWS credential step assumes a role through OIDC", () => {
    const steps = [pullRequest, deploy].flatMap((w) => Object.values(w.jobs).flatMap(awsCredentials));
    expect(steps.length).toBeGreaterThanOrEqual(4);
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
  const jobs = [pullRequest, deploy].flatMap((w) => Object.entries(w.jobs));

  it.each(jobs)(
    "%s installs Node 20, Terraform 1.1x without the wrapper, and the locked dependencies",
    (_id, job) => {
      const node = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
      const terraform = job.steps.find((s) => s.uses?.startsWith("hashicorp/setup-terraform@"));
      expect(job.steps[0].uses).toMatch(/^actions\/checkout@/);
      expect(node?.with?.["node-version"]).toBe("20");
      expect(String(terraform?.with?.terraform_version)).toMatch(/^1\.1[0-9]\.\d+$/);
      expect(terraform?.with?.terraform_wrapper).toBe(false);
      expect(job.steps.some((s) => s.run === "npm install --no-audit --no-fund")).toBe(true);
    },
  );
});

describe("pull-request workflow", () => {
  const { jobs } = pullRequest;

  it("runs on pull requests to main", () => {
    expect(pullRequest.on).toEqual({ pull_request: { branches: ["main"] } });
  });

  it("runs npm test", () => {
    expect(jobs.test.steps.map((s) => s.run)).toContain("npm test");
  });

  it("plans after the tests pass, one job per stack from the CLI's matrix (stacks → plan)", () => {
    expect(needsOf(jobs.stacks)).toEqual(["test"]);
    expect(needsOf(jobs.plan)).toEqual(["stacks"]);
    expect(runs(jobs.stacks)).toContain("npm run --silent infra -- stacks dev stage prod --json");
    expect(jobs.stacks.outputs?.matrix).toBe("${{ steps.list.outputs.matrix }}");
    expect(jobs.plan.strategy?.matrix).toBe("${{ fromJSON(needs.stacks.outputs.matrix) }}");
  });

  it("skips the plan for forks, which get no OIDC token", () => {
    expect(jobs.stacks.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
  });

  it("plans each stack with its environment's role, and shows the plan in the job summary", () => {
    const [credentials] = awsCredentials(jobs.plan);
    expect(credentials.with?.["role-to-assume"]).toBe(
      "${{ fromJSON(vars.AWS_PLAN_ROLE_ARNS)[matrix.environment] }}",
    );
    expect(credentials.with?.["aws-region"]).toBe("${{ matrix.region }}");
    const planStep = jobs.plan.steps.find((s) => s.run?.includes("npm run infra -- plan"));
    expect(planStep?.run).toBe('npm run infra -- plan "$ENVIRONMENT" --stack "$STACK"');
    expect(jobs.plan.steps.indexOf(credentials)).toBeLessThan(
      jobs.plan.steps.indexOf(planStep as WorkflowStep),
    );
    expect(runs(jobs.plan)).toMatch(/terraform -chdir="cdktf\.out\/stacks\/\$STACK" show -no-color/);
    expect(runs(jobs.plan)).toContain('>> "$GITHUB_STEP_SUMMARY"');
  });

  it("never applies or deploys", () => {
    const text = read("workflows/pull-request.yml");
    expect(text).not.toMatch(/\bapply\b|infra -- deploy|environment:/);
  });
});

describe("deploy workflow", () => {
  const { jobs } = deploy;
  const order = ["dev", "stage", "prod"];

  it("runs on pushes to main (and by hand), one deployment at a time, never cancelled midway", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: {} });
    expect(deploy.concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
  });

  it("tests first, then deploys dev → stage → prod", () => {
    expect(jobs.test.steps.map((s) => s.run)).toContain("npm test");
    expect(needsOf(jobs["deploy-dev"])).toEqual(["test"]);
    expect(needsOf(jobs["deploy-stage"])).toEqual(["deploy-dev"]);
    expect(needsOf(jobs["deploy-prod"])).toEqual(["deploy-stage"]);
    expect(Object.keys(jobs).sort()).toEqual(["deploy-dev", "deploy-prod", "deploy-stage", "test"]);
  });

  it.each(order)("deploy-%s runs in its protected GitHub environment with that environment's role", (env) => {
    const job = jobs[`deploy-${env}`];
    expect(environmentOf(job)).toBe(env);
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    const [credentials] = awsCredentials(job);
    expect(credentials.with?.["role-to-assume"]).toBe("${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    expect(credentials.with?.["aws-region"]).toBe("${{ steps.region.outputs.region }}");
    const deployRun = `npm run infra -- deploy ${env}${env === "prod" ? " --confirm prod" : ""}`;
    const deployStep = job.steps.find((s) => s.run === deployRun);
    expect(deployStep).toBeDefined();
    expect(job.steps.indexOf(credentials)).toBeLessThan(job.steps.indexOf(deployStep as WorkflowStep));
  });
});

describe("the CLI commands in the workflows", () => {
  /** Every `npm run [--silent] infra -- ...` invocation, with the plan job's variables filled in. */
  const invocations = [read("workflows/pull-request.yml"), read("workflows/deploy.yml")]
    .flatMap((text) =>
      [...text.matchAll(/npm run (?:--silent )?infra -- ([^\n|)]+)/g)].map((m) => m[1].trim()),
    )
    .map((args) => args.replace('"$ENVIRONMENT"', "dev").replace('"$STACK"', "dev-network"));
  const inventories = new Map<string, EnvironmentInventory>();
  const inventory = (environment: EnvironmentConfig) => {
    const known = inventories.get(environment.name) ?? environmentInventory(environment);
    inventories.set(environment.name, known);
    return known;
  };

  it.each(invocations)("infra %s is accepted (checked as a dry run)", (args) => {
    const err: string[] = [];
    const out: string[] = [];
    const argv = args.split(/\s+/);
    const status = main(argv[0] === "stacks" ? argv : [...argv, "--dry-run"], {
      io: { out: (l) => out.push(l), err: (l) => err.push(l) },
      runner: () => {
        throw new Error("a dry run must not execute anything");
      },
      inventory,
    });
    expect(err.join("\n")).toBe("");
    expect(status).toBe(0);
  });
});
