import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { KUBERNETES_DNS_LABEL, KUBERNETES_NAMESPACE } from "../core/aws-identifiers";
import { policyDocument, policyJson } from "../core/iam";
import { PropValidator, wholeNumber } from "../core/validation";
import { PodIdentityCluster, PodIdentityRole } from "../eks/pod-identity-role";
import { ChartRelease } from "../helm/chart-release";
import { kubernetesObjectsRelease } from "../helm/kubernetes-objects";
import { podIdentityRelease } from "../helm/pod-identity-release";
import { resourcesValues } from "../observability/private/chart-values";
import { HELM_CHARTS } from "../versions";

/** Replicas and requests of one External Secrets Operator component. */
export interface ExternalSecretsComponentSizing {
  /** Pods of the component. */
  readonly replicas: number;
  /** CPU each pod requests, in millicores. */
  readonly cpuMillis: number;
  /** Memory each pod requests, in MiB. */
  readonly memoryMiB: number;
}

/** Replicas and requests of the operator's three Deployments. */
export interface ExternalSecretsSizing {
  /** The controller (reconciles ExternalSecrets and PushSecrets). */
  readonly controller: ExternalSecretsComponentSizing;
  /** The admission webhook (validates stores and ExternalSecrets). */
  readonly webhook: ExternalSecretsComponentSizing;
  /** The certificate controller (keeps the webhook's certificate in the CRDs and webhook configurations). */
  readonly certController: ExternalSecretsComponentSizing;
}

/** A small cluster's sizing: one pod each, 50m / 128 MiB. */
export const DEFAULT_EXTERNAL_SECRETS_SIZING: ExternalSecretsSizing = {
  controller: { replicas: 1, cpuMillis: 50, memoryMiB: 128 },
  webhook: { replicas: 1, cpuMillis: 50, memoryMiB: 128 },
  certController: { replicas: 1, cpuMillis: 50, memoryMiB: 128 },
};

/** Props of {@link ExternalSecrets}. */
export interface ExternalSecretsProps {
  /** The cluster the operator runs in (only its name is needed, so it may live in another stack). */
  readonly cluster: PodIdentityCluster;
  /** Region of the Secrets Manager the stores read. @default - the stack's AWS provider region */
  readonly region?: string;
  /**
   * Name prefix of the secrets the operator itself may read (e.g. `dev/`): its role may read
   * `<prefix>*` and nothing else; other secrets reach a namespace through a {@link SecretDelivery}.
   */
  readonly secretNamePrefix: string;
  /**
   * Namespaces whose ExternalSecrets and PushSecrets may use the ClusterSecretStore of the prefix
   * (its `conditions`). Every other namespace gets secrets through a {@link SecretDelivery}, scoped
   * to one secret.
   */
  readonly storeNamespaces: readonly string[];
  /** Namespace of the operator (created here). @default "external-secrets" */
  readonly namespace?: string;
  /** Replicas and requests (what the capacity check counts). @default DEFAULT_EXTERNAL_SECRETS_SIZING */
  readonly sizing?: ExternalSecretsSizing;
  /** Installed before the release, e.g. the load balancer controller whose webhook admits Services. @default - none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** Name of the ClusterSecretStore of the prefix. */
export const SECRETS_MANAGER_STORE = "secrets-manager";
/** Service account of the operator's controller (its Pod Identity association names it). */
export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = "external-secrets";
/** API version of ExternalSecret, ClusterSecretStore and PushSecret's store references. */
export const EXTERNAL_SECRETS_API = "external-secrets.io/v1";

/** Replicas and requests of each External Secrets component, also used by the environment schema. */
export const EXTERNAL_SECRETS_SIZING_RULES = {
  replicas: wholeNumber(1, 5),
  cpuMillis: wholeNumber(10, 4000, "millicores"),
  memoryMiB: wholeNumber(32, 8192, "MiB"),
} as const;

const PREFIX = /^([A-Za-z0-9_+=.@-]+\/)+$/;

/**
 * The External Secrets Operator for one environment: the chart (pinned, CRDs included), a Pod
 * Identity role for its controller and a ClusterSecretStore `secrets-manager` for AWS Secrets
 * Manager in the environment's region.
 *
 * Least privilege:
 * - the controller reads (`GetSecretValue`, `DescribeSecret`) only secrets named `<prefix>*`, decrypts
 *   only through Secrets Manager (`kms:ViaService`) and only for those secrets (the
 *   `SecretARN` encryption context), lists nothing, writes only what {@link grantPush} names;
 * - the store serves only `storeNamespaces` (its `conditions`);
 * - the operator processes no namespaced SecretStores (`processSecretStore: false`): a namespace
 *   cannot point a store of its own at the controller's credentials to escape those conditions;
 * - every other secret reaches a namespace through a {@link SecretDelivery}: a role for that one
 *   secret, which the controller may assume (roles under {@link deliveryRolePath}) only with the
 *   session tags the operator sets for the ExternalSecret's namespace.
 *
 * Ordering: the custom resources (stores, ExternalSecrets) are installed through the repository's
 * `kubernetes-objects` chart in releases that depend on {@link release}: Helm waits for the
 * operator's Deployments, whose readiness probes pass only once the certificate controller has
 * injected the webhook's CA into the CRDs and webhook configuration (the webhook admits stores).
 */
export class ExternalSecrets extends Construct {
  /** The operator's release (CRDs, controller, webhook, certificate controller). */
  readonly release: ChartRelease;
  /** The release of the ClusterSecretStore of the prefix. */
  readonly store: ChartRelease;
  /** Name of the ClusterSecretStore of the prefix. */
  readonly storeName: string;
  /** The controller's Pod Identity role. */
  readonly controllerRole: PodIdentityRole;
  /** The operator's namespace. */
  readonly namespace: string;
  /** The name prefix of the secrets the controller reads. */
  readonly secretNamePrefix: string;
  /** The region of the stores. */
  readonly region: string;
  /** IAM path of the roles of {@link SecretDelivery}s; the controller may assume roles under it only. */
  readonly deliveryRolePath: string;
  /** ARN pattern of the secrets under the prefix. */
  readonly secretArnPattern: string;
  private pushGrants = 0;

  constructor(scope: Construct, id: string, props: ExternalSecretsProps) {
    super(scope, id);
    const namespaceName = props.namespace ?? "external-secrets";
    const sizing = props.sizing ?? DEFAULT_EXTERNAL_SECRETS_SIZING;

    const v = new PropValidator("ExternalSecrets", this);
    v.check(
      "secretNamePrefix",
      props.secretNamePrefix,
      (p) => PREFIX.test(p) && p.length <= 200,
      "must be a secret name prefix ending in '/' such as 'dev/' (letters, digits, _+=.@-)",
    );
    v.check(
      "storeNamespaces",
      props.storeNamespaces,
      (l) => l.length > 0 && l.every((n) => KUBERNETES_DNS_LABEL.test(n)) && new Set(l).size === l.length,
      "must list distinct Kubernetes namespace names (at least one)",
    );
    v.check("namespace", namespaceName, KUBERNETES_NAMESPACE);
    for (const [component, s] of Object.entries(sizing) as [string, ExternalSecretsComponentSizing][]) {
      for (const key of ["replicas", "cpuMillis", "memoryMiB"] as const) {
        v.check(`sizing.${component}.${key}`, s[key], EXTERNAL_SECRETS_SIZING_RULES[key]);
      }
    }
    v.throwIfInvalid();

    const ctx = awsContext(this);
    this.region = props.region ?? ctx.region;
    this.namespace = namespaceName;
    this.secretNamePrefix = props.secretNamePrefix;
    this.storeName = SECRETS_MANAGER_STORE;
    this.deliveryRolePath = `/secret-delivery/${props.secretNamePrefix}`;
    this.secretArnPattern = `arn:${ctx.partition}:secretsmanager:${this.region}:${ctx.accountId}:secret:${props.secretNamePrefix}*`;

    const namespace = new NamespaceV1(this, "Namespace", {
      metadata: {
        name: namespaceName,
        labels: { "app.kubernetes.io/managed-by": "cdktf", "platform.layer": "secrets" },
      },
    });
    const values = (s: ExternalSecretsComponentSizing) => ({
      replicaCount: s.replicas,
      resources: resourcesValues(s),
    });
    const operator = podIdentityRelease(this, "Operator", {
      cluster: props.cluster,
      serviceAccount: EXTERNAL_SECRETS_SERVICE_ACCOUNT,
      roleDescription: `External Secrets of EKS cluster ${props.cluster.clusterName}: reads secrets ${props.secretNamePrefix}*`,
      source: HELM_CHARTS.externalSecrets,
      releaseName: "external-secrets",
      namespace: namespaceName,
      values: {
        installCRDs: true,
        ...values(sizing.controller),
        // More than one controller only with leader election (else they reconcile the same objects).
        leaderElect: sizing.controller.replicas > 1,
        serviceAccount: { create: true, name: EXTERNAL_SECRETS_SERVICE_ACCOUNT },
        // Only ClusterSecretStores, which only cluster administrators create, hold AWS identities.
        processSecretStore: false,
        webhook: values(sizing.webhook),
        certController: values(sizing.certController),
      },
      dependsOn: [namespace, ...(props.dependsOn ?? [])],
      policies: {
        "read-prefix": secretReadPolicy(
          [this.secretArnPattern],
          `secretsmanager.${this.region}.${ctx.dnsSuffix}`,
          [this.secretArnPattern],
          // Any key of the account and region (AWS managed or customer managed), through Secrets Manager only.
          [`arn:${ctx.partition}:kms:${this.region}:${ctx.accountId}:key/*`],
        ),
        "assume-delivery-roles": policyDocument({
          Sid: "AssumeSecretDeliveryRoles",
          Effect: "Allow",
          Action: ["sts:AssumeRole", "sts:TagSession"],
          Resource: `arn:${ctx.partition}:iam::${ctx.accountId}:role${this.deliveryRolePath}*`,
        }),
      },
    });

    this.release = operator.release;
    this.controllerRole = operator.role as PodIdentityRole;

    this.store = this.objectsRelease("Store", "external-secrets-stores", [
      clusterSecretStore(SECRETS_MANAGER_STORE, this.region, props.storeNamespaces),
    ]);
  }

  /**
   * A release of custom resources (stores, ExternalSecrets, generators) through the repository's
   * `kubernetes-objects` chart, installed once the operator is ready. Objects name their own
   * namespaces. @internal
   */
  objectsRelease(
    id: string,
    releaseName: string,
    objects: readonly object[],
    dependsOn: readonly ITerraformDependable[] = [],
    scope: Construct = this,
  ): ChartRelease {
    return kubernetesObjectsRelease(scope, id, {
      releaseName,
      namespace: this.namespace,
      objects,
      dependsOn: [this.release.release, ...(this === scope ? [] : [this.store.release]), ...dependsOn],
    });
  }

  /**
   * Lets the controller write (PushSecret) the one secret `secretArn`, which must be tagged
   * `managed-by: external-secrets` (the operator refuses to write any other).
   */
  grantPush(secretArn: string): IamRolePolicy {
    this.pushGrants += 1;
    return new IamRolePolicy(this, `PushGrant${this.pushGrants}`, {
      name: `push-${this.pushGrants}`,
      role: this.controllerRole.role.id,
      policy: policyJson(
        policyDocument({
          Sid: "PushOneSecret",
          Effect: "Allow",
          Action: ["secretsmanager:PutSecretValue"],
          Resource: secretArn,
        }),
      ),
    });
  }
}

/**
 * Read access to some secrets: `GetSecretValue` and `DescribeSecret` on `secretArns`, and
 * `kms:Decrypt` only when Secrets Manager calls KMS on the caller's behalf (`kms:ViaService`) for
 * one of `encryptionContextArns` (Secrets Manager's `SecretARN` encryption context), with
 * `kmsKeyArns` (none: the secrets use the AWS managed key, whose policy already admits the account).
 */
export function secretReadPolicy(
  secretArns: readonly string[],
  viaService: string,
  encryptionContextArns: readonly string[],
  kmsKeyArns: readonly string[],
) {
  const read = {
    Sid: "ReadSecrets",
    Effect: "Allow",
    Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
    Resource: [...secretArns],
  } as const;
  if (kmsKeyArns.length === 0) return policyDocument(read);
  return policyDocument(read, {
    Sid: "DecryptThroughSecretsManager",
    Effect: "Allow",
    Action: "kms:Decrypt",
    Resource: [...kmsKeyArns],
    Condition: {
      StringEquals: { "kms:ViaService": viaService },
      StringLike: { "kms:EncryptionContext:SecretARN": [...encryptionContextArns] },
    },
  });
}

/** A ClusterSecretStore for Secrets Manager, usable from `namespaces` only. */
export function clusterSecretStore(
  name: string,
  region: string,
  namespaces: readonly string[],
  assume?: { readonly roleArn: string },
): object {
  return {
    apiVersion: EXTERNAL_SECRETS_API,
    kind: "ClusterSecretStore",
    metadata: { name },
    spec: {
      provider: {
        aws: {
          service: "SecretsManager",
          region,
          // A role to assume, with the ExternalSecret's namespace as a session tag its trust policy checks.
          ...(assume ? { role: assume.roleArn, sessionTagsPolicy: "Simple" } : {}),
        },
      },
      conditions: [{ namespaces: [...namespaces] }],
    },
  };
}
