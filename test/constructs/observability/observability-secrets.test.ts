import { Construct } from "constructs";
import { GrafanaAccessInputs } from "../../../constructs/observability/grafana-access";
import { Observability, ObservabilityProps } from "../../../constructs/observability/observability";
import { ExternalSecrets } from "../../../constructs/secrets/external-secrets";
import { TerraformJson, expectErrorContaining, keysOf, resourcesOf, testStack } from "../../helpers";
import { policyStatements, releasesOf, synthPlatformScope, valuesOf } from "../../platform-helpers";

const CLUSTER = { clusterName: "test-cluster" };
const OIDC = {
  issuerUrl: "https://login.example.com",
  authUrl: "https://login.example.com/authorize",
  tokenUrl: "https://login.example.com/token",
  apiUrl: "https://login.example.com/userinfo",
  clientId: "grafana",
  clientSecretName: "dev/observability/grafana-oidc",
};
const ACCESS: Omit<GrafanaAccessInputs, "clientSecretSecretName"> = {
  host: "grafana.dev.example.com",
  ingressClassName: "alb",
  certificateArn: "arn:aws:acm:eu-west-1:111111111111:certificate/0123",
  exposure: "internal",
  oidc: OIDC,
};
const operator = (scope: Construct) =>
  new ExternalSecrets(scope, "ExternalSecrets", {
    cluster: CLUSTER,
    region: "eu-west-1",
    secretNamePrefix: "dev/",
    storeNamespaces: ["observability"],
  });
type Options = Omit<ObservabilityProps, "cluster" | "externalSecrets">;
const props: Options = { region: "eu-west-1", alarmName: "dev", logging: false, tracing: false };

function synth(options: Options = {}): TerraformJson {
  return synthPlatformScope((scope) => {
    new Observability(scope, "Observability", {
      cluster: CLUSTER,
      externalSecrets: operator(scope),
      ...props,
      ...options,
    });
  });
}

const json = synth({ grafanaAccess: ACCESS });
const objects: any[] = valuesOf(json, "observability-secrets").objects;
const byName = (kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);
const secrets = Object.values(resourcesOf(json, "aws_secretsmanager_secret"));
const kps = valuesOf(json, "kube-prometheus-stack");
/** A reference to the name of the Secrets Manager secret of that construct id. */
const secretName = (id: string) =>
  expect.stringMatching(new RegExp(`^\\$\\{aws_secretsmanager_secret\\.[\\w-]*${id}[\\w-]*\\.name\\}$`));

describe("Alertmanager through SNS", () => {
  const version = Object.values(resourcesOf(json, "aws_secretsmanager_secret_version"));

  it("starts from a configuration in Secrets Manager that sends alerts to the alarm topic with SigV4", () => {
    expect(secrets.map((s) => s.name)).toContain("dev/observability/alertmanager");
    expect(version).toHaveLength(1);
    const config = JSON.parse(version[0].secret_string);
    expect(config.route.receiver).toBe("alarm-topic");
    expect(config.receivers[1]).toEqual({
      name: "alarm-topic",
      sns_configs: [
        expect.objectContaining({
          topic_arn: expect.stringMatching(/^\$\{aws_sns_topic\.[\w-]+\.arn\}$/),
          sigv4: { region: "eu-west-1" },
          send_resolved: true,
        }),
      ],
    });
    // The always-firing Watchdog pages nobody.
    expect(config.route.routes).toEqual([
      { receiver: "null", matchers: ['alertname =~ "Watchdog|InfoInhibitor"'] },
    ]);
  });

  it("leaves later receivers to operators: Terraform ignores changes of the value", () => {
    expect(version[0].lifecycle).toEqual({ ignore_changes: ["secret_string"] });
  });

  it("gives Alertmanager a Pod Identity role that publishes to that topic and uses its key through SNS only", () => {
    const [publish, key] = policyStatements(json, "publish-alarms");
    expect(publish).toEqual({
      Sid: "PublishAlarms",
      Effect: "Allow",
      Action: "sns:Publish",
      Resource: expect.stringMatching(/^\$\{aws_sns_topic\.[\w-]+\.arn\}$/),
    });
    expect(key).toEqual({
      Sid: "EncryptedTopic",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
      Resource: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/),
      Condition: { StringEquals: { "kms:ViaService": expect.stringMatching(/^sns\.eu-west-1\./) } },
    });
    const association = Object.values(resourcesOf(json, "aws_eks_pod_identity_association")).find(
      (a) => a.service_account === "alertmanager",
    );
    expect(association).toMatchObject({ namespace: "observability" });
    expect(kps.alertmanager.serviceAccount).toEqual({ create: true, name: "alertmanager" });
  });

  it("the alarm topic's key admits IAM policies of the account (so the role's key grant takes effect)", () => {
    const keyPolicies = Object.values(resourcesOf(json, "aws_kms_key")).map((k) => JSON.parse(k.policy));
    expect(
      keyPolicies.some((p) =>
        p.Statement.some(
          (s: any) => s.Action === "kms:*" && /:root$/.test(String(s.Principal?.AWS)) && s.Effect === "Allow",
        ),
      ),
    ).toBe(true);
  });

  it("syncs the configuration into the Secret Alertmanager reads", () => {
    expect(byName("ExternalSecret", "alertmanager-config").spec).toEqual({
      refreshInterval: "1h",
      secretStoreRef: { kind: "ClusterSecretStore", name: "secrets-manager" },
      target: { name: "alertmanager-config", creationPolicy: "Owner" },
      data: [{ secretKey: "alertmanager.yaml", remoteRef: { key: secretName("AlertmanagerSecret") } }],
    });
    expect(kps.alertmanager.alertmanagerSpec).toEqual({
      useExistingSecret: true,
      configSecret: "alertmanager-config",
    });
  });
});

describe("Grafana's admin login", () => {
  it("is generated in the cluster and pushed once into Secrets Manager, never into Terraform", () => {
    const admin = secrets.find((s) => s.name === "dev/observability/grafana-admin");
    expect(admin.tags).toEqual({ "managed-by": "external-secrets" });
    expect(Object.values(resourcesOf(json, "aws_secretsmanager_secret_version"))).toHaveLength(1);
    expect(byName("Password", "grafana-admin-password").apiVersion).toBe(
      "generators.external-secrets.io/v1alpha1",
    );
    expect(byName("PushSecret", "grafana-admin-password").spec).toMatchObject({
      updatePolicy: "IfNotExists",
      deletionPolicy: "None",
      selector: { generatorRef: { kind: "Password", name: "grafana-admin-password" } },
      data: [
        {
          match: {
            secretKey: "password",
            remoteRef: { remoteKey: secretName("GrafanaAdminSecret"), property: "admin-password" },
          },
        },
      ],
    });
  });

  it("lets the operator write that one secret only", () => {
    expect(policyStatements(json, "push-1")).toEqual([
      expect.objectContaining({
        Action: ["secretsmanager:PutSecretValue"],
        Resource: expect.stringMatching(
          /^\$\{aws_secretsmanager_secret\.[\w-]*GrafanaAdminSecret[\w-]*\.arn\}$/,
        ),
      }),
    ]);
  });

  it("reaches Grafana through an ExternalSecret, before kube-prometheus-stack is installed", () => {
    expect(byName("ExternalSecret", "grafana-admin").spec.target.template.data).toEqual({
      "admin-user": "admin",
      "admin-password": "{{ .password }}",
    });
    expect(kps.grafana.admin).toEqual({
      existingSecret: "grafana-admin",
      userKey: "admin-user",
      passwordKey: "admin-password",
    });
    expect(releasesOf(json)["kube-prometheus-stack"].depends_on).toContain(
      releasesOf(json)["observability-secrets"].address,
    );
  });
});

describe("Grafana behind the ALB", () => {
  it("gets an Ingress of the controller's class with the certificate, HTTPS only, internal by default", () => {
    expect(kps.grafana.ingress).toEqual({
      enabled: true,
      ingressClassName: "alb",
      hosts: ["grafana.dev.example.com"],
      path: "/",
      annotations: expect.objectContaining({
        "alb.ingress.kubernetes.io/scheme": "internal",
        "alb.ingress.kubernetes.io/certificate-arn": ACCESS.certificateArn,
        "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS":443}]',
      }),
    });
  });

  it("signs users in with OIDC, the client secret from Secrets Manager through an ExternalSecret", () => {
    expect(kps.grafana["grafana.ini"]["auth.generic_oauth"]).toMatchObject({
      enabled: true,
      client_id: "grafana",
      auth_url: OIDC.authUrl,
      token_url: OIDC.tokenUrl,
      api_url: OIDC.apiUrl,
    });
    expect(keysOf(kps.grafana["grafana.ini"])).not.toContain("client_secret");
    expect(kps.grafana.envValueFrom.GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET.secretKeyRef).toEqual({
      name: "grafana-oidc",
      key: "client-secret",
      optional: true,
    });
    expect(byName("ExternalSecret", "grafana-oidc").spec.data).toEqual([
      { secretKey: "client-secret", remoteRef: { key: secretName("GrafanaOidcSecret") } },
    ]);
    expect(secrets.map((s) => s.name)).toContain("dev/observability/grafana-oidc");
  });

  it("can face the internet when configured so", () => {
    const open = valuesOf(
      synth({ grafanaAccess: { ...ACCESS, exposure: "internetFacing" } }),
      "kube-prometheus-stack",
    );
    expect(open.grafana.ingress.annotations["alb.ingress.kubernetes.io/scheme"]).toBe("internet-facing");
  });

  it("stays private without access settings: no Ingress, no OIDC secret", () => {
    const closed = synth();
    expect(valuesOf(closed, "kube-prometheus-stack").grafana).not.toHaveProperty("ingress");
    expect(valuesOf(closed, "observability-secrets").objects.map((o: any) => o.metadata.name)).not.toContain(
      "grafana-oidc",
    );
  });
});

describe("Observability validation with External Secrets", () => {
  const build =
    (options: Partial<ObservabilityProps>, withOperator = true) =>
    () => {
      const stack = testStack();
      new Observability(stack, "Observability", {
        cluster: CLUSTER,
        ...props,
        ...(withOperator ? { externalSecrets: operator(stack) } : {}),
        ...options,
      });
    };

  it.each<[string, Partial<ObservabilityProps>, boolean, string[]]>([
    [
      "Grafana access without External Secrets",
      { grafanaAccess: ACCESS },
      false,
      ["'grafanaAccess'", "needs 'externalSecrets'"],
    ],
    [
      "OIDC endpoints that are not https on the issuer's host",
      { grafanaAccess: { ...ACCESS, oidc: { ...OIDC, tokenUrl: "http://login.example.com/token" } } },
      true,
      ["'grafanaAccess.oidc.tokenUrl'", "https URL on the issuer's host"],
    ],
    [
      "an OIDC client secret outside the operator's prefix",
      { grafanaAccess: { ...ACCESS, oidc: { ...OIDC, clientSecretName: "prod/grafana" } } },
      true,
      ["'grafanaAccess.oidc.clientSecretName'", "under External Secrets' prefix 'dev/'"],
    ],
    [
      "hand-made Secret names next to External Secrets",
      { alertmanagerConfigSecretName: "mine" },
      true,
      ["'alertmanagerConfigSecretName'"],
    ],
  ])("rejects %s", (_case, options, withOperator, fragments) => {
    expectErrorContaining(build(options, withOperator), "Observability 'test/Observability'", ...fragments);
  });

  it.each([
    ["exposure", { ...ACCESS, exposure: "public" as never }, "must be 'internal' or 'internetFacing'"],
    ["oidc.clientId", { ...ACCESS, oidc: { ...OIDC, clientId: "grafana dev" } }, "1–255 letters, digits"],
    [
      "oidc.clientSecretName",
      { ...ACCESS, oidc: { ...OIDC, clientSecretName: "dev/grafana secret" } },
      "must be a Secrets Manager secret name",
    ],
  ])("rejects a bad grafanaAccess.%s with the rule the environment schema uses", (field, access, allowed) => {
    expectErrorContaining(build({ grafanaAccess: access }), `'grafanaAccess.${field}'`, allowed);
  });
});
