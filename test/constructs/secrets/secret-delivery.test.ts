import { ExternalSecrets } from "../../../constructs/secrets/external-secrets";
import { SecretDelivery, SecretDeliveryProps } from "../../../constructs/secrets/secret-delivery";
import { expectErrorContaining, findResource, findResources, refTo, testStack } from "../../helpers";
import { policyStatements, releasesOf, synthPlatformScope, valuesOf } from "../../platform-helpers";

const SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-0123-AbCdEf";
const KEY = "arn:aws:kms:eu-west-1:111111111111:key/0123abcd-0123-4567-89ab-0123456789ab";
const operator = (scope: import("constructs").Construct) =>
  new ExternalSecrets(scope, "ExternalSecrets", {
    cluster: { clusterName: "test" },
    region: "eu-west-1",
    secretNamePrefix: "dev/",
    storeNamespaces: ["observability"],
  });
const base = { secretArn: SECRET, namespace: "apps", targetSecretName: "database-credentials" };

describe("SecretDelivery", () => {
  const json = synthPlatformScope((scope) => {
    const externalSecrets = operator(scope);
    new SecretDelivery(scope, "Database", { ...base, externalSecrets, kmsKeyArn: KEY });
  });
  const role = findResource(json, "aws_iam_role", "Database/Role");
  const trust = JSON.parse(role.body.assume_role_policy).Statement;
  const statements = policyStatements(json, "read-one-secret");

  it("reads that one secret and nothing else", () => {
    expect(statements[0]).toEqual({
      Sid: "ReadSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      Resource: [SECRET],
    });
  });

  it("decrypts with the secret's customer-managed key only, through Secrets Manager, for that secret", () => {
    expect(statements[1]).toEqual({
      Sid: "DecryptThroughSecretsManager",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: [KEY],
      Condition: {
        StringEquals: { "kms:ViaService": expect.stringMatching(/^secretsmanager\.eu-west-1\./) },
        StringLike: { "kms:EncryptionContext:SecretARN": [SECRET] },
      },
    });
    expect(statements).toHaveLength(2);
  });

  it("is assumable only by the operator's controller role, for an ExternalSecret of that namespace through its own store", () => {
    const controller = findResource(json, "aws_iam_role", "OperatorRole");
    expect(trust).toEqual([
      {
        Sid: "ExternalSecretsForOneNamespace",
        Effect: "Allow",
        Principal: { AWS: refTo(controller, "arn") },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:RequestTag/esoNamespace": "apps",
            "aws:RequestTag/esoStoreKind": "ClusterSecretStore",
            "aws:RequestTag/esoStoreName": "delivery-apps-database-credentials",
          },
        },
      },
    ]);
    expect(role.body.path).toBe("/secret-delivery/dev/");
  });

  it("creates a store for that namespace only, assuming the role with session tags, and the ExternalSecret", () => {
    const [store, externalSecret] = valuesOf(json, "secret-apps-database-credentials").objects;
    expect(store).toEqual({
      apiVersion: "external-secrets.io/v1",
      kind: "ClusterSecretStore",
      metadata: { name: "delivery-apps-database-credentials" },
      spec: {
        provider: {
          aws: {
            service: "SecretsManager",
            region: "eu-west-1",
            role: refTo(role, "arn"),
            sessionTagsPolicy: "Simple",
          },
        },
        conditions: [{ namespaces: ["apps"] }],
      },
    });
    expect(externalSecret).toEqual({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "database-credentials", namespace: "apps" },
      spec: {
        refreshInterval: "60m",
        secretStoreRef: { kind: "ClusterSecretStore", name: "delivery-apps-database-credentials" },
        target: { name: "database-credentials", creationPolicy: "Owner" },
        dataFrom: [{ extract: { key: SECRET } }],
      },
    });
  });

  it("is installed after the operator, its store and the role's policy", () => {
    const release = releasesOf(json)["secret-apps-database-credentials"];
    expect(release.depends_on).toEqual(
      expect.arrayContaining([
        releasesOf(json)["external-secrets"].address,
        releasesOf(json)["external-secrets-stores"].address,
        findResource(json, "aws_iam_role_policy", "Database/ReadOneSecret").address,
      ]),
    );
  });

  it("maps chosen properties to keys, and needs no KMS statement with the AWS managed key", () => {
    const mapped = synthPlatformScope((scope) => {
      new SecretDelivery(scope, "Api", {
        ...base,
        externalSecrets: operator(scope),
        targetSecretName: "api-key",
        keys: { API_KEY: "key" },
        refreshIntervalMinutes: 15,
      });
    });
    const [, externalSecret] = valuesOf(mapped, "secret-apps-api-key").objects;
    expect(externalSecret.spec).toMatchObject({
      refreshInterval: "15m",
      data: [{ secretKey: "API_KEY", remoteRef: { key: SECRET, property: "key" } }],
    });
    expect(externalSecret.spec).not.toHaveProperty("dataFrom");
    expect(policyStatements(mapped, "read-one-secret").map((s) => s.Sid)).toEqual(["ReadSecrets"]);
    expect(findResources(mapped, "aws_iam_role")).toHaveLength(2);
  });
});

describe("SecretDelivery validation", () => {
  const build = (props: Partial<SecretDeliveryProps>) => () => {
    const stack = testStack();
    new SecretDelivery(stack, "Delivery", { ...base, externalSecrets: operator(stack), ...props });
  };

  it.each<[string, Partial<SecretDeliveryProps>, string[]]>([
    [
      "a value that is not a Secrets Manager secret ARN",
      { secretArn: "dev/api-key" },
      ["'secretArn'", '"dev/api-key"'],
    ],
    [
      "a KMS key that is not a key ARN",
      { kmsKeyArn: "alias/aws/secretsmanager" },
      ["'kmsKeyArn'", "KMS key ARN"],
    ],
    ["an invalid namespace", { namespace: "Apps" }, ["'namespace'", '"Apps"']],
    [
      "an invalid Secret name",
      { targetSecretName: "db_credentials" },
      ["'targetSecretName'", '"db_credentials"'],
    ],
    ["an empty key map", { keys: {} }, ["'keys'"]],
    ["a key Kubernetes does not allow", { keys: { "API KEY": "key" } }, ["'keys'", "API KEY"]],
    [
      "a refresh interval out of range",
      { refreshIntervalMinutes: 0 },
      ["'refreshIntervalMinutes'", "1 to 1440"],
    ],
  ])("rejects %s, naming the construct path and the field", (_case, props, fragments) => {
    expectErrorContaining(build(props), "SecretDelivery 'test/Delivery'", ...fragments);
  });
});
