import {
  DEFAULT_EXTERNAL_SECRETS_SIZING,
  ExternalSecrets,
  ExternalSecretsProps,
} from "../../../constructs/secrets/external-secrets";
import { HELM_CHARTS } from "../../../constructs/versions";
import { expectErrorContaining, testStack } from "../../helpers";
import { policyStatements, releasesOf, synthPlatformScope, valuesOf } from "../../platform-helpers";

const base: ExternalSecretsProps = {
  cluster: { clusterName: "test" },
  region: "eu-west-1",
  secretNamePrefix: "dev/",
  storeNamespaces: ["observability"],
};

describe("ExternalSecrets", () => {
  let eso: ExternalSecrets | undefined;
  const json = synthPlatformScope((scope) => {
    eso = new ExternalSecrets(scope, "ExternalSecrets", base);
    eso.grantPush(
      "arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/observability/grafana-admin-AbCdEf",
    );
  });
  const read = policyStatements(json, "read-prefix");
  const prefixArn =
    /^arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:secretsmanager:eu-west-1:\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:secret:dev\/\*$/;

  it("installs the pinned chart with its CRDs, after the controller's Pod Identity role", () => {
    const release = releasesOf(json)["external-secrets"];
    expect(release).toMatchObject({
      chart: HELM_CHARTS.externalSecrets.chart,
      version: HELM_CHARTS.externalSecrets.version,
      namespace: "external-secrets",
    });
    expect(release.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_eks_pod_identity_association\./)]),
    );
    expect(valuesOf(json, "external-secrets")).toMatchObject({
      installCRDs: true,
      serviceAccount: { create: true, name: "external-secrets" },
      replicaCount: 1,
      leaderElect: false,
    });
  });

  it("lets the controller read only secrets under the environment's prefix, listing nothing", () => {
    expect(read[0]).toEqual({
      Sid: "ReadSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      Resource: [expect.stringMatching(prefixArn)],
    });
    const actions = [...read, ...policyStatements(json, "assume-delivery-roles")].flatMap((s) => s.Action);
    expect(actions).not.toContain("secretsmanager:ListSecrets");
    expect(actions.filter((a: string) => a.includes("*"))).toEqual([]);
  });

  it("decrypts only through Secrets Manager, for secrets under the prefix", () => {
    expect(read[1]).toMatchObject({ Effect: "Allow", Action: "kms:Decrypt" });
    expect(read[1].Condition).toEqual({
      StringEquals: { "kms:ViaService": expect.stringMatching(/^secretsmanager\.eu-west-1\./) },
      StringLike: { "kms:EncryptionContext:SecretARN": [expect.stringMatching(prefixArn)] },
    });
  });

  it("may assume only the roles of secret deliveries of its prefix", () => {
    expect(policyStatements(json, "assume-delivery-roles")).toEqual([
      expect.objectContaining({
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Resource: expect.stringMatching(/:role\/secret-delivery\/dev\/\*$/),
      }),
    ]);
  });

  it("writes only the one secret it was granted", () => {
    expect(policyStatements(json, "push-1")).toEqual([
      {
        Sid: "PushOneSecret",
        Effect: "Allow",
        Action: ["secretsmanager:PutSecretValue"],
        Resource:
          "arn:aws:secretsmanager:eu-west-1:111111111111:secret:dev/observability/grafana-admin-AbCdEf",
      },
    ]);
  });

  it("processes no namespaced SecretStores (no namespace can borrow the controller's identity)", () => {
    expect(valuesOf(json, "external-secrets").processSecretStore).toBe(false);
  });

  it("creates a ClusterSecretStore for Secrets Manager in the region, for the listed namespaces only, after the operator", () => {
    expect(valuesOf(json, "external-secrets-stores").objects).toEqual([
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ClusterSecretStore",
        metadata: { name: "secrets-manager" },
        spec: {
          provider: { aws: { service: "SecretsManager", region: "eu-west-1" } },
          conditions: [{ namespaces: ["observability"] }],
        },
      },
    ]);
    expect(releasesOf(json)["external-secrets-stores"].depends_on).toContain(
      releasesOf(json)["external-secrets"].address,
    );
    expect(eso?.storeName).toBe("secrets-manager");
  });

  it("runs two controllers with leader election when sized so", () => {
    const sized = synthPlatformScope((scope) => {
      new ExternalSecrets(scope, "ExternalSecrets", {
        ...base,
        sizing: {
          ...DEFAULT_EXTERNAL_SECRETS_SIZING,
          controller: { replicas: 2, cpuMillis: 100, memoryMiB: 256 },
        },
      });
    });
    expect(valuesOf(sized, "external-secrets")).toMatchObject({
      replicaCount: 2,
      leaderElect: true,
      resources: { requests: { cpu: "100m", memory: "256Mi" } },
    });
  });
});

describe("ExternalSecrets validation", () => {
  const build = (props: Partial<ExternalSecretsProps>) => () =>
    new ExternalSecrets(testStack(), "ExternalSecrets", { ...base, ...props });

  it.each<[string, Partial<ExternalSecretsProps>, string[]]>([
    [
      "a prefix that does not end in '/'",
      { secretNamePrefix: "dev" },
      ["'secretNamePrefix'", '"dev"', "ending in '/'"],
    ],
    ["an empty list of store namespaces", { storeNamespaces: [] }, ["'storeNamespaces'", "at least one"]],
    [
      "an invalid store namespace",
      { storeNamespaces: ["Observability"] },
      ["'storeNamespaces'", "Observability"],
    ],
    [
      "an invalid namespace",
      { namespace: "External_Secrets" },
      ["'namespace'", "DNS label", "External_Secrets"],
    ],
  ])("rejects %s, naming the construct path and the field", (_case, props, fragments) => {
    expectErrorContaining(build(props), "ExternalSecrets 'test/ExternalSecrets'", ...fragments);
  });

  it("rejects sizes out of range", () => {
    expectErrorContaining(
      build({
        sizing: { ...DEFAULT_EXTERNAL_SECRETS_SIZING, webhook: { replicas: 0, cpuMillis: 5, memoryMiB: 16 } },
      }),
      "'sizing.webhook.replicas'",
      "'sizing.webhook.cpuMillis'",
      "'sizing.webhook.memoryMiB'",
    );
  });
});
