import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { EnvironmentConfig, longLivedEnvironments, selectEnvironments } from "../../environments";
import {
  DEPLOY_LINKS,
  DeployLink,
  DeployabilityInput,
  PlanMatrixEntry,
  WorkflowFile,
  deployabilityProblems,
  formatProblems,
} from "../../scripts/deployability";
import { main } from "../../scripts/infra/cli";
import { EnvironmentInventory } from "../../scripts/infra/planner";
import { ciRoles, stateKeyAliasArn } from "../../stacks/deploy-identity";
import { buildApp } from "../../stacks/environment-app";
import { resourcesOf, synthAppWithAnnotations } from "../helpers";

// Every shipped environment, one sandbox and their account baselines, synthesized once as main.ts does.
const environments = selectEnvironments({ INFRA_SANDBOX: "alice" });
const { stacks, annotations } = synthAppWithAnnotations((app) =>
  buildApp(app, environments, { accountBaselines: longLivedEnvironments() }),
);
const byName = Object.fromEntries(environments.map((env) => [env.name, env])) as Record<
  string,
  EnvironmentConfig
>;

const WORKFLOWS = path.join(__dirname, "..", "..", ".github", "workflows");
const workflows: Record<string, WorkflowFile> = Object.fromEntries(
  fs.readdirSync(WORKFLOWS).map((file) => [file, parse(fs.readFileSync(path.join(WORKFLOWS, file), "utf8"))]),
);

/** The pull-request matrix exactly as the workflow computes it (`infra stacks dev stage prod --json`), from this synthesis. */
function planMatrix(): PlanMatrixEntry[] {
  const out: string[] = [];
  const inventory = (environment: EnvironmentConfig): EnvironmentInventory => ({
    name: environment.name,
    sandbox: environment.sandbox,
    region: environment.region,
    stacks: Object.entries(stacks)
      .filter(([id]) => id.startsWith(`${environment.name}-`))
      .map(([id, json]) => ({
        id,
        dependencies: [],
        usesKubernetes: Object.keys(json.provider ?? {}).some((p) => p === "kubernetes" || p === "helm"),
        declaresVpc: "aws_vpc" in (json.resource ?? {}),
      })),
    clusterNames: [],
    hasComputedClusterName: false,
  });
  const status = main(["stacks", "dev", "stage", "prod", "--json"], {
    io: { out: (line) => out.push(line), err: (line) => out.push(line) },
    runner: () => {
      throw new Error("listing stacks runs nothing");
    },
    inventory,
  });
  expect(status).toBe(0);
  return JSON.parse(out.join("\n")).include;
}
const matrix = planMatrix();
const input: DeployabilityInput = { environments, stacks, workflows, planMatrix: matrix };

interface Mutable {
  /** A deep copy of one synthesized stack, replacing it in the input. */
  stack(id: string): any;
  workflows: Record<string, any>;
  planMatrix: PlanMatrixEntry[];
}

/** The input with `change` applied to deep copies of the stacks it touches, the workflows and the matrix. */
function broken(change: (copy: Mutable) => void): DeployabilityInput {
  const changed: Record<string, any> = { ...stacks };
  const copy: Mutable = {
    stack: (id) => (changed[id] = structuredClone(stacks[id])),
    ...structuredClone({ workflows, planMatrix: matrix }),
  };
  change(copy);
  return { environments, stacks: changed, workflows: copy.workflows, planMatrix: copy.planMatrix };
}

const entryOf = (json: any, type: string, match: (body: any) => boolean): string => {
  const found = Object.entries(json.resource?.[type] ?? {}).find(([, body]) => match(body));
  if (!found) throw new Error(`no ${type} matched`);
  return found[0];
};

describe("deployability (test tier 5)", () => {
  it("covers dev, stage, prod and a sandbox", () => {
    expect(environments.map((env) => env.name)).toEqual(["dev", "stage", "prod", "sandbox-alice"]);
  });

  it("every environment's applier is authorized on, and has a network path to, what its stacks talk to", () => {
    expect(formatProblems(deployabilityProblems(input))).toBe("");
  });

  type Breakage = [environment: string, link: DeployLink, change: (copy: Mutable) => void];
  const breakages: Breakage[] = [
    [
      "stage",
      "deploy-role",
      (copy) => {
        const baseline = copy.stack("account-222222222222");
        delete baseline.resource.aws_iam_role[
          entryOf(baseline, "aws_iam_role", (r) => r.name === "terraform-deploy-stage")
        ];
      },
    ],
    [
      "prod",
      "plan-role",
      (copy) => {
        const baseline = copy.stack("account-333333333333");
        const role =
          baseline.resource.aws_iam_role[
            entryOf(baseline, "aws_iam_role", (r) => r.name === "terraform-plan-prod")
          ];
        role.assume_role_policy = role.assume_role_policy.replace(
          "repo:acme/aws-platform:pull_request",
          "repo:acme/aws-platform:ref:refs/heads/main",
        );
      },
    ],
    [
      "sandbox-alice",
      "state-key",
      (copy) => {
        delete copy.stack("sandbox-alice-data").terraform.backend.s3.kms_key_id;
      },
    ],
    [
      "dev",
      "deploy-access-entry",
      (copy) => {
        const cluster = copy.stack("dev-cluster");
        const key = entryOf(cluster, "aws_eks_access_policy_association", (a) =>
          a.principal_arn.includes("terraform-deploy-dev"),
        );
        delete cluster.resource.aws_eks_access_policy_association[key];
      },
    ],
    [
      "stage",
      "plan-access-entry",
      (copy) => {
        const cluster = copy.stack("stage-cluster");
        const key = entryOf(cluster, "aws_eks_access_policy_association", (a) =>
          a.principal_arn.includes("terraform-plan-stage"),
        );
        cluster.resource.aws_eks_access_policy_association[key].policy_arn =
          "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
      },
    ],
    [
      "prod",
      "runner-security-group",
      (copy) => {
        // The runner cannot get out: no HTTPS to GitHub, AWS or the cluster API.
        const network = copy.stack("prod-network");
        const key = entryOf(network, "aws_vpc_security_group_egress_rule", (r) =>
          String(r.security_group_id).includes("RunnerSecurityGroup"),
        );
        delete network.resource.aws_vpc_security_group_egress_rule[key];
      },
    ],
    [
      "stage",
      "api-ingress-rule",
      (copy) => {
        const cluster = copy.stack("stage-cluster");
        const key = entryOf(
          cluster,
          "aws_vpc_security_group_ingress_rule",
          (r) => r.description === "ci-runners to the Kubernetes API",
        );
        delete cluster.resource.aws_vpc_security_group_ingress_rule[key];
      },
    ],
    [
      "dev",
      "public-endpoint-cidrs",
      (copy) => {
        const cluster = copy.stack("dev-cluster").resource.aws_eks_cluster;
        const [body] = Object.values(cluster) as any[];
        body.vpc_config.public_access_cidrs = body.vpc_config.public_access_cidrs.filter(
          (c: string) => c !== "198.51.100.0/28",
        );
      },
    ],
    [
      "prod",
      "workflow-runner",
      ({ workflows: w }) => {
        w["deploy.yml"].jobs["deploy-prod"]["runs-on"] = "ubuntu-latest";
      },
    ],
    [
      "sandbox-alice",
      "workflow-environment",
      ({ workflows: w }) => {
        w["sandbox.yml"].jobs.sandbox.environment = "sandbox";
      },
    ],
    [
      "stage",
      "plan-runner",
      ({ planMatrix: m }) => {
        const entry = m.find((e) => e.stack === "stage-platform");
        Object.assign(entry as object, { runner: "ubuntu-latest" });
      },
    ],
  ];

  it("has one breakage test per link", () => {
    expect(breakages.map(([, link]) => link).sort()).toEqual([...DEPLOY_LINKS].sort());
  });

  it.each(breakages)(
    "%s: breaking '%s' fails, naming the environment and the link",
    (environment, link, change) => {
      const problems = deployabilityProblems(broken(change));
      expect(problems.map((p) => `${p.environment} ${p.link}`)).toEqual([`${environment} ${link}`]);
      expect(formatProblems(problems)).toMatch(
        new RegExp(`^Environment '${environment}': missing link '${link}': .+`),
      );
    },
  );
});

describe("account baselines", () => {
  const baseline = (account: string) => stacks[`account-${account}`];
  const baselineIds = Object.keys(stacks).filter((id) => id.startsWith("account-"));

  it.each(baselineIds)("%s matches its snapshot", (id) => {
    expect(stacks[id]).toMatchSnapshot();
  });

  it.each(baselineIds)("%s has no policy finding and no waiver", (id) => {
    expect(annotations[id].map((a) => `${a.level} ${a.constructPath}: ${a.message}`)).toEqual([]);
  });

  it("one per account, with the GitHub OIDC provider (audience sts.amazonaws.com)", () => {
    expect(
      Object.keys(stacks)
        .filter((id) => id.startsWith("account-"))
        .sort(),
    ).toEqual(["account-111111111111", "account-222222222222", "account-333333333333"]);
    for (const account of ["111111111111", "222222222222", "333333333333"]) {
      expect(Object.values(resourcesOf(baseline(account), "aws_iam_openid_connect_provider"))).toEqual([
        expect.objectContaining({
          url: "https://token.actions.githubusercontent.com",
          client_id_list: ["sts.amazonaws.com"],
        }),
      ]);
    }
  });

  it.each(["dev", "stage", "prod"])(
    "%s: the deploy role trusts the GitHub environment only, the plan role pull requests only",
    (name) => {
      const env = byName[name];
      const roles = Object.values(resourcesOf(baseline(env.accountId), "aws_iam_role"));
      const trustOf = (roleName: string) =>
        JSON.parse(roles.find((r) => r.name === roleName).assume_role_policy).Statement;
      const names = ciRoles(env);
      const [github, operators] = trustOf(names.deployRoleName);
      expect(github.Condition).toEqual({
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": `repo:acme/aws-platform:environment:${name}`,
        },
      });
      expect(operators).toEqual({
        Sid: "Operators",
        Effect: "Allow",
        Principal: { AWS: [`arn:aws:iam::${env.accountId}:role/platform-admin`] },
        Action: "sts:AssumeRole",
      });
      expect(
        trustOf(names.planRoleName)[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"],
      ).toBe("repo:acme/aws-platform:pull_request");
    },
  );

  it("the plan role reads state without writing locks, and reads no object, secret or parameter data", () => {
    const policies = Object.values(resourcesOf(baseline("222222222222"), "aws_iam_role_policy"));
    const plan = JSON.parse(policies.find((p) => p.name === "terraform-plan").policy).Statement;
    const allowedActions = plan
      .filter((s: any) => s.Effect === "Allow")
      .flatMap((s: any) => [s.Action].flat());
    expect(allowedActions).not.toContain("s3:PutObject");
    expect(allowedActions).not.toContain("s3:DeleteObject");
    expect(plan).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Sid: "NoDataReads",
          Effect: "Deny",
          NotResource: ["arn:aws:s3:::acme-platform-tfstate-stage/stage/*"],
        }),
        expect.objectContaining({ Sid: "NoSecretReads", Effect: "Deny" }),
      ]),
    );
  });

  it("the deploy role may manage the stacks' IAM but never the baseline's own roles or OIDC provider", () => {
    const policies = Object.values(resourcesOf(baseline("333333333333"), "aws_iam_role_policy"));
    const deploy = JSON.parse(policies.find((p) => p.name === "terraform-deploy").policy).Statement;
    expect(deploy.find((s: any) => s.Sid === "NotTheBaseline")).toEqual({
      Sid: "NotTheBaseline",
      Effect: "Deny",
      Action: "iam:*",
      Resource: [
        "arn:aws:iam::333333333333:role/terraform-*",
        "arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com",
      ],
    });
  });

  it("dev's roles also reach the sandboxes' state, which lives in dev's bucket", () => {
    const policies = Object.values(resourcesOf(baseline("111111111111"), "aws_iam_role_policy"));
    const deploy = JSON.parse(policies.find((p) => p.name === "terraform-deploy").policy).Statement;
    expect(deploy.find((s: any) => s.Sid === "WriteStateAndLocks").Resource).toEqual([
      "arn:aws:s3:::acme-platform-tfstate-dev/dev/*",
      "arn:aws:s3:::acme-platform-tfstate-dev/sandbox-*",
    ]);
  });

  it("keep their own state locally until migrated, like the bootstrap stacks", () => {
    expect(baseline("333333333333").terraform?.backend).toEqual({
      local: { path: "../../../.bootstrap-state/account-333333333333.tfstate" },
    });
  });
});

describe("review findings", () => {
  const layerStacks = Object.keys(stacks).filter((id) =>
    environments.some((env) => id.startsWith(`${env.name}-`)),
  );

  it.each(layerStacks)("%s encrypts its state with the environment's state key", (id) => {
    const env = environments.find((e) => id.startsWith(`${e.name}-`)) as EnvironmentConfig;
    expect(stacks[id].terraform?.backend.s3.kms_key_id).toBe(stateKeyAliasArn(env));
  });

  it.each(environments.map((env) => env.name))(
    "%s: launch templates tag instances, volumes and ENIs with the environment tags",
    (name) => {
      const templates = Object.values(resourcesOf(stacks[`${name}-cluster`], "aws_launch_template"));
      expect(templates.length).toBeGreaterThan(0);
      for (const template of templates) {
        expect(template.tag_specifications.map((t: any) => t.resource_type)).toEqual([
          "instance",
          "volume",
          "network-interface",
        ]);
        for (const spec of template.tag_specifications) {
          expect(spec.tags).toMatchObject({
            environment: name,
            "cost-center": "platform",
            repository: "acme/aws-platform",
            stack: `${name}-cluster`,
          });
        }
      }
    },
  );

  it.each(environments.map((env) => env.name))(
    "%s: ALB alarms watch only the load balancers of the environment's cluster",
    (name) => {
      const platform = stacks[`${name}-platform`];
      const lookups = Object.values(platform.data?.aws_lbs ?? {}) as any[];
      // The cluster's name, from the environment's own cluster stack.
      expect(lookups.map((l) => l.tags["elbv2.k8s.aws/cluster"])).toEqual([
        expect.stringMatching(
          new RegExp(
            `^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-${name}-cluster\\.outputs\\..*aws_eks_cluster.*name\\}$`,
          ),
        ),
      ]);
      const albAlarms = Object.values(resourcesOf(platform, "aws_cloudwatch_metric_alarm")).filter(
        (a) =>
          a.namespace === "AWS/ApplicationELB" ||
          JSON.stringify(a.metric_query ?? "").includes("ApplicationELB"),
      );
      expect(albAlarms).toHaveLength(3);
      for (const alarm of albAlarms) expect(alarm.for_each).toMatch(/data\.aws_lbs\./);
    },
  );

  it("no KMS key grants a service principal without a source condition", () => {
    const grants = Object.values(stacks).flatMap((json) =>
      Object.values(resourcesOf(json, "aws_kms_key")).flatMap((key) =>
        JSON.parse(key.policy).Statement.filter((s: any) => s.Principal?.Service),
      ),
    );
    expect(grants.length).toBeGreaterThan(10);
    for (const grant of grants) {
      const keys = Object.values(grant.Condition ?? {}).flatMap((block: any) => Object.keys(block));
      expect(keys).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^aws:SourceAccount$|^aws:SourceArn$|^kms:EncryptionContext:aws:logs:arn$/),
        ]),
      );
    }
  });
});
