import { DEMAND_MODELS } from "../../constructs/helm/release-capacity";
import { ENVIRONMENTS, loadEnvironment } from "../../environments";
import { buildEnvironment } from "../../stacks/environment-app";
import { ENVIRONMENT_NAMES_UNDER_TEST, configOf, synthesizedEnvironments } from "../environments-under-test";
import { TerraformJson, resourcesOf, synthApp, withChanges } from "../helpers";
import {
  addressesOf,
  policyStatements,
  releasesOf,
  statementsOfPolicies,
  valuesOf,
} from "../platform-helpers";

// The shared synthesis of every environment under test (made once for all stack tests).
const { stacks } = synthesizedEnvironments();
const ENVS = ENVIRONMENT_NAMES_UNDER_TEST;
const platform = (env: string): TerraformJson => stacks[`${env}-platform`];
const values = (env: string, release: string) => valuesOf(platform(env), release);
const objectsOf = (env: string, release: string): any[] => values(env, release).objects;

describe("<env>-platform: External Secrets", () => {
  it.each(ENVS)("%s: the operator reads only the environment's own secrets (<env>/*)", (env) => {
    const statements = policyStatements(platform(env), "read-prefix");
    expect(statements[0].Resource).toEqual([expect.stringMatching(new RegExp(`:secret:${env}/\\*$`))]);
    expect(statements[1].Condition.StringEquals["kms:ViaService"]).toMatch(
      new RegExp(`^secretsmanager\\.${configOf(env).region}\\.`),
    );
  });

  it.each(ENVS)(
    "%s: a ClusterSecretStore for the environment's region, serving the observability namespace",
    (env) => {
      expect(objectsOf(env, "external-secrets-stores")).toEqual([
        expect.objectContaining({
          kind: "ClusterSecretStore",
          spec: {
            provider: { aws: { service: "SecretsManager", region: configOf(env).region } },
            conditions: [{ namespaces: ["observability"] }],
          },
        }),
      ]);
    },
  );

  it.each(ENVS)(
    "%s: ExternalSecrets for Alertmanager and Grafana, synced before kube-prometheus-stack",
    (env) => {
      const names = objectsOf(env, "observability-secrets")
        .filter((o) => o.kind === "ExternalSecret")
        .map((o) => o.metadata.name);
      expect(names).toEqual(expect.arrayContaining(["grafana-admin", "alertmanager-config"]));
      const releases = releasesOf(platform(env));
      expect(releases["kube-prometheus-stack"].depends_on).toContain(
        releases["observability-secrets"].address,
      );
      expect(releases["observability-secrets"].depends_on).toEqual(
        expect.arrayContaining([
          releases["external-secrets"].address,
          releases["external-secrets-stores"].address,
        ]),
      );
    },
  );

  it.each(ENVS)(
    "%s: the platform's secrets live under <env>/observability/, restorable outside sandboxes",
    (env) => {
      const secrets = Object.values(resourcesOf(platform(env), "aws_secretsmanager_secret"));
      expect(secrets.map((s) => s.name)).toEqual(
        expect.arrayContaining([`${env}/observability/alertmanager`, `${env}/observability/grafana-admin`]),
      );
      const window = configOf(env).protection.forceDestroy ? 0 : 30;
      expect(secrets.every((s) => s.recovery_window_in_days === window)).toBe(true);
    },
  );

  it("the capacity check counts the operator's three Deployments", () => {
    expect(
      DEMAND_MODELS["external-secrets"](values("prod", "external-secrets")).map((w) => w.component),
    ).toEqual(["controller", "webhook", "certController"]);
    expect(values("prod", "external-secrets")).toMatchObject({ replicaCount: 2, leaderElect: true });
  });
});

describe("<env>-platform: Grafana access", () => {
  it("dev (domain and OIDC settings): Grafana at grafana.<domain> behind an internal ALB with the domain's certificate", () => {
    const grafana = values("dev", "kube-prometheus-stack").grafana;
    expect(grafana.ingress.hosts).toEqual([`grafana.${configOf("dev").platform.domain?.name}`]);
    expect(grafana.ingress.annotations["alb.ingress.kubernetes.io/scheme"]).toBe("internal");
    expect(grafana.ingress.annotations["alb.ingress.kubernetes.io/certificate-arn"]).toMatch(
      /^\$\{aws_acm_certificate_validation\.[\w-]+\.certificate_arn\}$/,
    );
    expect(grafana["grafana.ini"]["auth.generic_oauth"].client_id).toBe(
      configOf("dev").platform.grafana.oidc?.clientId,
    );
    expect(
      Object.values(resourcesOf(platform("dev"), "aws_secretsmanager_secret")).map((s) => s.name),
    ).toContain("dev/observability/grafana-oidc-client-secret");
  });

  it.each(
    ENVS.filter((env) => configOf(env).platform.grafana.oidc === undefined || !configOf(env).platform.domain),
  )("%s (no OIDC settings or no domain): no Ingress, nothing public", (env) => {
    expect(values(env, "kube-prometheus-stack").grafana).not.toHaveProperty("ingress");
    expect(values(env, "kube-prometheus-stack").grafana).not.toHaveProperty("grafana.ini");
  });
});

describe("<env>-platform: the database secret delivered into a namespace", () => {
  it("dev: the RDS-managed master secret into apps/database-credentials, IAM scoped to that secret and its key", () => {
    const statements = policyStatements(platform("dev"), "read-one-secret");
    const fromData =
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-dev-data\.outputs\.[\w-]+\}$/;
    expect(statements[0].Resource).toEqual([expect.stringMatching(fromData)]);
    expect(statements[1].Resource).toEqual([expect.stringMatching(fromData)]);
    const [, externalSecret] = objectsOf("dev", "secret-apps-database-credentials");
    expect(externalSecret.metadata).toEqual({ name: "database-credentials", namespace: "apps" });
    expect(
      Object.values(resourcesOf(platform("dev"), "kubernetes_namespace_v1")).map((n) => n.metadata.name),
    ).toContain("apps");
  });

  it.each(ENVS.filter((env) => configOf(env).platform.databaseSecretDelivery === undefined))(
    "%s (no delivery configured): no delivery role",
    (env) => {
      expect(statementsOfPolicies(platform(env), "read-one-secret")).toEqual([]);
    },
  );
});

describe("<env>-platform: the External Secrets switch", () => {
  // stage: no Grafana access or delivery, so the switch alone decides.
  const without = synthApp((app) =>
    buildEnvironment(
      app,
      loadEnvironment(withChanges(ENVIRONMENTS.stage, { "platform.components.externalSecrets": false })),
    ),
  )["stage-platform"];
  const all = addressesOf(platform("stage"));

  it("off: removes exactly the operator and the observability secrets; the charts read hand-made Secrets again", () => {
    const remaining = addressesOf(without);
    const removed = all.filter((a) => !remaining.includes(a));
    expect(removed.length).toBeGreaterThan(0);
    expect(removed).toEqual(all.filter((a) => /\.(ExternalSecrets|Observability_Secrets)_/.test(a)));
    expect(remaining.filter((a) => !all.includes(a))).toEqual([]);
    const kps = JSON.parse(releasesOf(without)["kube-prometheus-stack"].values[0]);
    expect(kps.alertmanager.alertmanagerSpec.configSecret).toBe("alertmanager-config");
    expect(kps.grafana).not.toHaveProperty("admin");
  });
});
