import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { KMS_KEY_ARN, KUBERNETES_DNS_LABEL, KUBERNETES_NAMESPACE } from "../core/aws-identifiers";
import { policyDocument, policyJson } from "../core/iam";
import { PropValidator, matching, wholeNumber } from "../core/validation";
import { ChartRelease } from "../helm/chart-release";
import {
  EXTERNAL_SECRETS_API,
  ExternalSecrets,
  clusterSecretStore,
  secretReadPolicy,
} from "./external-secrets";

/** Props of {@link SecretDelivery}. */
export interface SecretDeliveryProps {
  /** The environment's External Secrets Operator. */
  readonly externalSecrets: ExternalSecrets;
  /** ARN of the Secrets Manager secret to deliver (e.g. a database's RDS-managed master secret). */
  readonly secretArn: string;
  /** The customer-managed KMS key that encrypts the secret. @default - the secret uses the AWS managed key `aws/secretsmanager` */
  readonly kmsKeyArn?: string;
  /** Namespace the Kubernetes Secret is created in; it must exist (see `dependsOn`). */
  readonly namespace: string;
  /** Name of the Kubernetes Secret. */
  readonly targetSecretName: string;
  /**
   * Keys of the Kubernetes Secret, each from a property of the secret's JSON value
   * (`{ DB_USER: "username" }`). @default - every property of the JSON value, under its own name
   */
  readonly keys?: Readonly<Record<string, string>>;
  /** Minutes between refreshes (picks up rotations). @default 60 */
  readonly refreshIntervalMinutes?: number;
  /** Installed after these, e.g. the namespace. @default - none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** The rules of {@link SecretDelivery}'s target, also used by the environment schema. */
export const SECRET_DELIVERY_RULES = {
  namespace: KUBERNETES_NAMESPACE,
  targetSecretName: matching(KUBERNETES_DNS_LABEL, "a Kubernetes Secret name (DNS label)"),
  refreshIntervalMinutes: wholeNumber(1, 1440, "minutes"),
} as const;

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@!-]+$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const RELEASE_NAME_LENGTH = 53;

/**
 * "This secret into that namespace" in one call: a Kubernetes Secret `targetSecretName` in
 * `namespace`, kept in sync with one Secrets Manager secret by the External Secrets Operator.
 *
 * IAM is scoped to that secret: a role of its own (under the operator's delivery role path) that
 * may read only `secretArn` and decrypt only through Secrets Manager for it (and only with
 * `kmsKeyArn` when it is customer managed). Only the operator's controller role may assume it,
 * and only with the session tags the operator sets (`sessionTagsPolicy: Simple`) for an
 * ExternalSecret in `namespace` through this delivery's ClusterSecretStore, whose `conditions` admit
 * that namespace alone. Another namespace cannot read the secret, and the controller's own role
 * cannot read it without assuming this one.
 */
export class SecretDelivery extends Construct {
  /** The role that reads the one secret. */
  readonly role: IamRole;
  /** Name of the ClusterSecretStore of this delivery. */
  readonly storeName: string;
  /** The release of the store and the ExternalSecret. */
  readonly release: ChartRelease;
  /** Name of the Kubernetes Secret. */
  readonly targetSecretName: string;
  /** Namespace of the Kubernetes Secret. */
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: SecretDeliveryProps) {
    super(scope, id);
    const refreshIntervalMinutes = props.refreshIntervalMinutes ?? 60;
    const keys = props.keys;

    const v = new PropValidator("SecretDelivery", this);
    v.check(
      "secretArn",
      props.secretArn,
      (a) => SECRET_ARN.test(a),
      "must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)",
    );
    v.check(
      "kmsKeyArn",
      props.kmsKeyArn,
      (k) => k === undefined || KMS_KEY_ARN.test(k),
      "must be a KMS key ARN (or be left out for the AWS managed key)",
    );
    v.check("namespace", props.namespace, SECRET_DELIVERY_RULES.namespace);
    v.check("targetSecretName", props.targetSecretName, SECRET_DELIVERY_RULES.targetSecretName);
    v.check(
      "keys",
      keys,
      (k) =>
        k === undefined ||
        (Object.keys(k).length > 0 &&
          Object.entries(k).every(([key, property]) => SECRET_KEY.test(key) && property.length > 0)),
      "must map Kubernetes Secret keys ([-._a-zA-Z0-9]) to non-empty JSON properties of the secret (or be left out)",
    );
    v.check("refreshIntervalMinutes", refreshIntervalMinutes, SECRET_DELIVERY_RULES.refreshIntervalMinutes);
    v.throwIfInvalid();

    const eso = props.externalSecrets;
    const ctx = awsContext(this);
    this.namespace = props.namespace;
    this.targetSecretName = props.targetSecretName;
    this.storeName = `delivery-${props.namespace}-${props.targetSecretName}`;

    this.role = new IamRole(this, "Role", {
      namePrefix: `${props.targetSecretName.slice(0, 30)}-`,
      path: eso.deliveryRolePath,
      description: `Delivers one secret into ${props.namespace}/${props.targetSecretName} (External Secrets)`,
      assumeRolePolicy: policyJson(
        policyDocument({
          Sid: "ExternalSecretsForOneNamespace",
          Effect: "Allow",
          Principal: { AWS: eso.controllerRole.roleArn },
          Action: ["sts:AssumeRole", "sts:TagSession"],
          Condition: {
            StringEquals: {
              "aws:RequestTag/esoNamespace": props.namespace,
              "aws:RequestTag/esoStoreKind": "ClusterSecretStore",
              "aws:RequestTag/esoStoreName": this.storeName,
            },
          },
        }),
      ),
    });
    const policy = new IamRolePolicy(this, "ReadOneSecret", {
      name: "read-one-secret",
      role: this.role.id,
      policy: policyJson(
        secretReadPolicy(
          [props.secretArn],
          `secretsmanager.${eso.region}.${ctx.dnsSuffix}`,
          [props.secretArn],
          // The AWS managed key's policy already admits the account's callers through Secrets Manager.
          props.kmsKeyArn !== undefined ? [props.kmsKeyArn] : [],
        ),
      ),
    });

    const externalSecret = {
      apiVersion: EXTERNAL_SECRETS_API,
      kind: "ExternalSecret",
      metadata: { name: props.targetSecretName, namespace: props.namespace },
      spec: {
        refreshInterval: `${refreshIntervalMinutes}m`,
        secretStoreRef: { kind: "ClusterSecretStore", name: this.storeName },
        target: { name: props.targetSecretName, creationPolicy: "Owner" },
        ...(keys !== undefined
          ? {
              data: Object.entries(keys).map(([secretKey, property]) => ({
                secretKey,
                remoteRef: { key: props.secretArn, property },
              })),
            }
          : { dataFrom: [{ extract: { key: props.secretArn } }] }),
      },
    };
    this.release = eso.objectsRelease(
      "Objects",
      releaseNameOf(props.namespace, props.targetSecretName),
      [
        clusterSecretStore(this.storeName, eso.region, [props.namespace], { roleArn: this.role.arn }),
        externalSecret,
      ],
      [policy, ...(props.dependsOn ?? [])],
      this,
    );
  }
}

/** `secret-<namespace>-<name>`, cut to a Helm release name's 53 characters. */
function releaseNameOf(namespace: string, name: string): string {
  return `secret-${namespace}-${name}`.slice(0, RELEASE_NAME_LENGTH).replace(/-+$/, "");
}
