import * as path from "node:path";
import { EnvironmentConfig } from "../../environments";
import {
  DEPLOY_LINKS,
  DeployLink,
  DeployMatrixEntry,
  DeployabilityInput,
  PlanMatrixEntry,
  deployabilityProblems,
  formatProblems,
  readWorkflows,
  workflowMatrix,
} from "../../scripts/deployability";
import { ciRoles, stateKeyAliasArn } from "../../stacks/deploy-identity";
import { ENVIRONMENTS_UNDER_TEST, configOf, synthesizedEnvironments } from "../environments-under-test";
import { resourcesOf } from "../helpers";

// Every registered environment, one sandbox and their account baselines, synthesized once as main.ts does.
const environments = ENVIRONMENTS_UNDER_TEST;
const { stacks, annotations } = synthesizedEnvironments({ accountBaselines: true });

const workflows = readWorkflows(path.join(__dirname, "..", "..", ".github", "workflows"));
// The matrices exactly as the workflows compute them (`infra stacks --json`, `infra environments --json`).
const planMatrix = workflowMatrix<PlanMatrixEntry>("stacks", stacks);
const deployMatrix = workflowMatrix<DeployMatrixEntry>("environments", stacks);
const input: DeployabilityInput = { environments, stacks, workflows, planMatrix, deployMatrix };

interface Mutable {
  /** A deep copy of one synthesized stack, replacing it in the input. */
  stack(id: string): any;
  workflows: Record<string, any>;
  planMatrix: PlanMatrixEntry[];
  deployMatrix: DeployMatrixEntry[];
}

/** The input with `change` applied to deep copies of the stacks it touches, the workflows and the matrices. */
function broken(change: (copy: Mutable) => void): DeployabilityInput {
  const changed: Record<string, any> = { ...stacks };
  const copy: Mutable = {
    stack: (id) => (changed[id] = structuredClone(stacks[id])),
    ...structuredClone({ workflows, planMatrix, deployMatrix }),
  };
  change(copy);
  return { environments, stacks: changed, ...copy };
}

// The environments the breakages use: one reached through a runner in its VPC, one through the public
// endpoint, and the sandbox.
const vpcEnvironment = environments.find(
  (env) => env.ci.apiAccess === "vpcRunner" && !env.sandbox,
) as EnvironmentConfig;
const publicEnvironment = environments.find(
  (env) => env.ci.apiAccess === "publicEndpoint" && !env.sandbox,
) as EnvironmentConfig;
const sandbox = environments.find((env) => env.sandbox) as EnvironmentConfig;
const baselineOf = (env: EnvironmentConfig) => `account-${env.accountId}`;

const entryOf = (json: any, type: string, match: (body: any) => boolean): string => {
  const found = Object.entries(json.resource?.[type] ?? {}).find(([, body]) => match(body));
  if (!found) throw new Error(`no ${type} matched`);
  return found[0];
};

describe("deployability (test tier 5)", () => {
  it("covers every registered environment and a sandbox, through both kinds of network path", () => {
    expect(environments.filter((env) => !env.sandbox).length).toBeGreaterThanOrEqual(3);
    expect([vpcEnvironment, publicEnvironment, sandbox].every(Boolean)).toBe(true);
  });

  it("every environment's applier is authorized on, and has a network path to, what its stacks talk to", () => {
    expect(formatProblems(deployabilityProblems(input))).toBe("");
  });

  const roleOf = (copy: Mutable, env: EnvironmentConfig, roleName: string) => {
    const baseline = copy.stack(baselineOf(env));
    return baseline.resource.aws_iam_role[entryOf(baseline, "aws_iam_role", (r) => r.name === roleName)];
  };
  const associationOf = (copy: Mutable, env: EnvironmentConfig, roleName: string) => {
    const cluster = copy.stack(`${env.name}-cluster`);
    const key = entryOf(cluster, "aws_eks_access_policy_association", (a) =>
      a.principal_arn.includes(`-${roleName.replace(/[^A-Za-z0-9_.-]/g, "-")}_`),
    );
    return { cluster, key };
  };

  type Breakage = [environment: string, link: DeployLink, change: (copy: Mutable) => void];
  const breakages: Breakage[] = [
    [
      vpcEnvironment.name,
      "deploy-role",
      (copy) => {
        const baseline = copy.stack(baselineOf(vpcEnvironment));
        const roleName = ciRoles(vpcEnvironment).deployRoleName;
        delete baseline.resource.aws_iam_role[entryOf(baseline, "aws_iam_role", (r) => r.name === roleName)];
      },
    ],
    [
      vpcEnvironment.name,
      "plan-role",
      (copy) => {
        // Trusted for pushes to main instead of pull requests.
        const role = roleOf(copy, vpcEnvironment, ciRoles(vpcEnvironment).planRoleName);
        role.assume_role_policy = role.assume_role_policy.replace(":pull_request", ":ref:refs/heads/main");
      },
    ],
    [
      sandbox.name,
      "state-key",
      (copy) => {
        delete copy.stack(`${sandbox.name}-data`).terraform.backend.s3.kms_key_id;
      },
    ],
    [
      publicEnvironment.name,
      "deploy-access-entry",
      (copy) => {
        const { cluster, key } = associationOf(
          copy,
          publicEnvironment,
          ciRoles(publicEnvironment).deployRoleName,
        );
        delete cluster.resource.aws_eks_access_policy_association[key];
      },
    ],
    [
      vpcEnvironment.name,
      "plan-access-entry",
      (copy) => {
        const { cluster, key } = associationOf(copy, vpcEnvironment, ciRoles(vpcEnvironment).planRoleName);
        cluster.resource.aws_eks_access_policy_association[key].policy_arn =
          "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
      },
    ],
    [
      vpcEnvironment.name,
      "runner-security-group",
      (copy) => {
        // The runner cannot get out: no HTTPS to GitHub, AWS or the cluster API.
        const network = copy.stack(`${vpcEnvironment.name}-network`);
        const key = entryOf(network, "aws_vpc_security_group_egress_rule", (r) =>
          String(r.security_group_id).includes("RunnerSecurityGroup"),
        );
        delete network.resource.aws_vpc_security_group_egress_rule[key];
      },
    ],
    [
      vpcEnvironment.name,
      "api-ingress-rule",
      (copy) => {
        const cluster = copy.stack(`${vpcEnvironment.name}-cluster`);
        const key = entryOf(
          cluster,
          "aws_vpc_security_group_ingress_rule",
          (r) => r.description === "ci-runners to the Kubernetes API",
        );
        delete cluster.resource.aws_vpc_security_group_ingress_rule[key];
      },
    ],
    [
      publicEnvironment.name,
      "public-endpoint-cidrs",
      (copy) => {
        const [body] = Object.values(
          copy.stack(`${publicEnvironment.name}-cluster`).resource.aws_eks_cluster,
        ) as any[];
        const [runnerEgress] = publicEnvironment.ci.runnerEgressCidrs;
        body.vpc_config.public_access_cidrs = body.vpc_config.public_access_cidrs.filter(
          (c: string) => c !== runnerEgress,
        );
      },
    ],
    [
      vpcEnvironment.name,
      "workflow-runner",
      ({ deployMatrix: m }) => {
        const entry = m.find((e) => e.environment === vpcEnvironment.name);
        Object.assign(entry as object, { runner: "ubuntu-latest" });
      },
    ],
    [
      sandbox.name,
      "workflow-environment",
      ({ workflows: w }) => {
        w["sandbox.yml"].jobs.sandbox.environment = "sandbox";
      },
    ],
    [
      vpcEnvironment.name,
      "plan-runner",
      ({ planMatrix: m }) => {
        const entry = m.find((e) => e.stack === `${vpcEnvironment.name}-platform`);
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

  it("a role shared by the sandboxes fails them too: dev's plan role is the sandboxes' plan role", () => {
    const host = environments.find((env) => env.ci.hostsSandboxes) as EnvironmentConfig;
    const problems = deployabilityProblems(
      broken((copy) => {
        const role = roleOf(copy, host, ciRoles(host).planRoleName);
        role.assume_role_policy = role.assume_role_policy.replace(":pull_request", ":ref:refs/heads/main");
      }),
    );
    expect(problems.map((p) => `${p.environment} ${p.link}`)).toEqual([
      `${host.name} plan-role`,
      `${sandbox.name} plan-role`,
    ]);
  });

  it.each(["plan", "apply"])(
    "follows the reusable deploy workflow: a GitHub-hosted %s job fails every environment it deploys",
    (jobId) => {
      const problems = deployabilityProblems(
        broken(({ workflows: w }) => {
          w["deploy-environment.yml"].jobs[jobId]["runs-on"] = "ubuntu-latest";
        }),
      );
      expect(problems.map((p) => `${p.environment} ${p.link}`)).toEqual(
        environments.filter((env) => !env.sandbox).map((env) => `${env.name} workflow-runner`),
      );
    },
  );
});

describe("account baselines", () => {
  const longLived = environments.filter((env) => !env.sandbox);
  const baselineIds = Object.keys(stacks).filter((id) => id.startsWith("account-"));
  const policyOf = (env: EnvironmentConfig, name: string) =>
    JSON.parse(
      Object.values(resourcesOf(stacks[baselineOf(env)], "aws_iam_role_policy")).find(
        (p) => p.name === name && p.role.includes(name === "terraform-plan" ? "PlanRole" : "DeployRole"),
      ).policy,
    ).Statement;

  it.each(baselineIds)("%s matches its snapshot", (id) => {
    expect(stacks[id]).toMatchSnapshot();
  });

  it.each(baselineIds)("%s has no policy finding and no waiver", (id) => {
    expect(annotations[id].map((a) => `${a.level} ${a.constructPath}: ${a.message}`)).toEqual([]);
  });

  it("one per account, with the GitHub OIDC provider (audience sts.amazonaws.com)", () => {
    expect(baselineIds.sort()).toEqual([...new Set(longLived.map(baselineOf))].sort());
    for (const id of baselineIds) {
      expect(Object.values(resourcesOf(stacks[id], "aws_iam_openid_connect_provider"))).toEqual([
        expect.objectContaining({
          url: "https://token.actions.githubusercontent.com",
          client_id_list: ["sts.amazonaws.com"],
        }),
      ]);
    }
  });

  it.each(longLived.map((env) => env.name))(
    "%s: the deploy role trusts the GitHub environment only, the plan role pull requests only",
    (name) => {
      const env = configOf(name);
      const roles = Object.values(resourcesOf(stacks[baselineOf(env)], "aws_iam_role"));
      const trustOf = (roleName: string) =>
        JSON.parse(roles.find((r) => r.name === roleName).assume_role_policy).Statement;
      const names = ciRoles(env);
      const [github, operators] = trustOf(names.deployRoleName);
      expect(github.Condition).toEqual({
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": `repo:${env.ci.githubRepository}:environment:${env.ci.githubEnvironment}`,
        },
      });
      expect(operators).toEqual({
        Sid: "Operators",
        Effect: "Allow",
        Principal: { AWS: env.ci.operatorRoleArns },
        Action: "sts:AssumeRole",
      });
      expect(
        trustOf(names.planRoleName)[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"],
      ).toBe(`repo:${env.ci.githubRepository}:pull_request`);
    },
  );

  it("the plan role reads state without writing locks, and reads no object, secret or parameter data", () => {
    const plan = policyOf(vpcEnvironment, "terraform-plan");
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
          NotResource: [`arn:aws:s3:::${vpcEnvironment.state.bucket}/${vpcEnvironment.name}/*`],
        }),
        expect.objectContaining({
          Sid: "NoSecretReads",
          Effect: "Deny",
          Action: "secretsmanager:GetSecretValue",
        }),
        expect.objectContaining({
          Sid: "NoParameterReads",
          Effect: "Deny",
          Resource: `arn:aws:ssm:*:${vpcEnvironment.accountId}:parameter/*`,
        }),
      ]),
    );
  });

  it("the deploy role may manage the stacks' IAM but never the baseline's own roles or OIDC provider", () => {
    const deploy = policyOf(vpcEnvironment, "terraform-deploy");
    expect(deploy.find((s: any) => s.Sid === "NotTheBaseline")).toEqual({
      Sid: "NotTheBaseline",
      Effect: "Deny",
      Action: "iam:*",
      Resource: [
        `arn:aws:iam::${vpcEnvironment.accountId}:role/terraform-*`,
        `arn:aws:iam::${vpcEnvironment.accountId}:oidc-provider/token.actions.githubusercontent.com`,
      ],
    });
  });

  it("the sandboxes' host also reaches the sandboxes' state, which lives in its bucket", () => {
    const host = longLived.find((env) => env.ci.hostsSandboxes) as EnvironmentConfig;
    expect(host.state.bucket).toBe(sandbox.state.bucket);
    const deploy = policyOf(host, "terraform-deploy");
    expect(deploy.find((s: any) => s.Sid === "WriteStateAndLocks").Resource).toEqual([
      `arn:aws:s3:::${host.state.bucket}/${host.name}/*`,
      `arn:aws:s3:::${host.state.bucket}/sandbox-*`,
    ]);
  });

  it("keep their own state locally until migrated, like the bootstrap stacks", () => {
    for (const id of baselineIds) {
      expect(stacks[id].terraform?.backend).toEqual({
        local: { path: `../../../.bootstrap-state/${id}.tfstate` },
      });
    }
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
            ...configOf(name).tags,
            environment: name,
            repository: configOf(name).repository,
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
      // The cluster's name, from the environment's own cluster stack (the ALB alarms' lookup and
      // the ALB SLO's burn-rate alarms' lookup).
      const clusterName = expect.stringMatching(
        new RegExp(
          `^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-${name}-cluster\\.outputs\\..*aws_eks_cluster.*name\\}$`,
        ),
      );
      expect(lookups.map((l) => l.tags["elbv2.k8s.aws/cluster"])).toEqual([clusterName, clusterName]);
      const albAlarms = Object.values(resourcesOf(platform, "aws_cloudwatch_metric_alarm")).filter(
        (a) =>
          a.namespace === "AWS/ApplicationELB" ||
          JSON.stringify(a.metric_query ?? "").includes("ApplicationELB"),
      );
      // Three threshold alarms, and the SLO's long and short window alarm of each of three tiers.
      expect(albAlarms).toHaveLength(3 + 6);
      const composites = Object.values(resourcesOf(platform, "aws_cloudwatch_composite_alarm"));
      expect(composites).toHaveLength(3);
      for (const alarm of [...albAlarms, ...composites]) expect(alarm.for_each).toMatch(/data\.aws_lbs\./);
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
