import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { policyDocument } from "../core/iam";
import { PodIdentityCluster, PodIdentityRole } from "../eks/pod-identity-role";
import { ChartRelease, podIdentityDependencies } from "../helm/chart-release";
import { EXTERNAL_SECRETS_API, ExternalSecrets } from "../secrets/external-secrets";
import { GRAFANA_OIDC_SECRET_KEY } from "./grafana-access";

/** Props of {@link ObservabilitySecrets}. */
export interface ObservabilitySecretsProps {
  /** The cluster Alertmanager runs in. */
  readonly cluster: PodIdentityCluster;
  /** The environment's External Secrets Operator; its store must serve `namespace`. */
  readonly externalSecrets: ExternalSecrets;
  /** The observability namespace. */
  readonly namespace: string;
  /** The alarm topic Alertmanager publishes to. */
  readonly alarmTopicArn: string;
  /** The KMS key of the alarm topic. */
  readonly alarmKmsKeyArn: string;
  /** Service account of Alertmanager (its Pod Identity association names it). */
  readonly alertmanagerServiceAccount: string;
  /** Secrets Manager secret with Grafana's OIDC client secret, when Grafana has single sign-on. @default - none */
  readonly grafanaOidcClientSecretName?: string;
  /** Days a deleted secret can be restored (0: deleted at once, for throw-away environments). @default 30 */
  readonly recoveryWindowDays?: number;
  /** Installed after these (the namespace). */
  readonly dependsOn: readonly ITerraformDependable[];
}

/** Kubernetes Secrets the observability charts read, all filled by External Secrets. */
export const OBSERVABILITY_SECRETS = {
  grafanaAdmin: "grafana-admin",
  alertmanagerConfig: "alertmanager-config",
  grafanaOidc: "grafana-oidc",
} as const;

const GENERATORS_API = "generators.external-secrets.io/v1alpha1";
const REFRESH = "1h";

/**
 * The credentials and configuration of the observability charts, from Secrets Manager through the
 * External Secrets Operator, so that no release needs a hand-made Secret:
 * - Alertmanager's configuration: a secret `<prefix>observability/alertmanager` created with an
 *   `alertmanager.yaml` that sends every alert (but the always-firing Watchdog and InfoInhibitor) to
 *   the environment's alarm topic through SNS (SigV4, Alertmanager's own Pod Identity role with
 *   `sns:Publish` on that topic and its key through SNS only). Terraform ignores later changes of
 *   the value: operators add receivers (Slack, PagerDuty) in Secrets Manager.
 * - Grafana's admin login: a password the operator generates in the cluster (Password generator)
 *   and pushes once into `<prefix>observability/grafana-admin` (PushSecret, `IfNotExists`), read
 *   back into the Secret Grafana uses. The password is in no Terraform file, plan or state.
 * - Grafana's OIDC client secret, when single sign-on is configured: the operator's value of
 *   `grafanaOidcClientSecretName`, synced into a Secret.
 */
export class ObservabilitySecrets extends Construct {
  /** The release of the generator, PushSecret and ExternalSecrets. */
  readonly release: ChartRelease;
  /** Secrets Manager secret of Alertmanager's configuration. */
  readonly alertmanagerSecret: SecretsmanagerSecret;
  /** Secrets Manager secret of Grafana's admin login. */
  readonly grafanaAdminSecret: SecretsmanagerSecret;
  /** Alertmanager's Pod Identity role (publishes to the alarm topic). */
  readonly alertmanagerRole: PodIdentityRole;

  constructor(scope: Construct, id: string, props: ObservabilitySecretsProps) {
    super(scope, id);
    const eso = props.externalSecrets;
    const ctx = awsContext(this);
    const recoveryWindowInDays = props.recoveryWindowDays ?? 30;
    const prefix = `${eso.secretNamePrefix}observability/`;

    // ---- Alertmanager: SNS to the alarm topic, receivers editable in Secrets Manager
    this.alertmanagerRole = new PodIdentityRole(this, "AlertmanagerRole", {
      cluster: props.cluster,
      namespace: props.namespace,
      serviceAccount: props.alertmanagerServiceAccount,
      description: `Alertmanager of EKS cluster ${props.cluster.clusterName}: publishes to the alarm topic`,
      policies: {
        "publish-alarms": policyDocument(
          { Sid: "PublishAlarms", Effect: "Allow", Action: "sns:Publish", Resource: props.alarmTopicArn },
          {
            Sid: "EncryptedTopic",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Resource: props.alarmKmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `sns.${eso.region}.${ctx.dnsSuffix}` } },
          },
        ),
      },
    });
    this.alertmanagerSecret = new SecretsmanagerSecret(this, "AlertmanagerSecret", {
      name: `${prefix}alertmanager`,
      description:
        "Alertmanager configuration (alertmanager.yaml); edit receivers here, External Secrets syncs them",
      recoveryWindowInDays,
    });
    new SecretsmanagerSecretVersion(this, "AlertmanagerInitialConfig", {
      secretId: this.alertmanagerSecret.id,
      secretString: alertmanagerConfig(props.alarmTopicArn, eso.region),
      // The initial value only: receivers operators add later are theirs.
      lifecycle: { ignoreChanges: ["secret_string"] },
    });

    // ---- Grafana's admin login: generated in the cluster, kept in Secrets Manager
    this.grafanaAdminSecret = new SecretsmanagerSecret(this, "GrafanaAdminSecret", {
      name: `${prefix}grafana-admin`,
      description:
        "Grafana admin password (JSON key admin-password, user 'admin'), generated once by External Secrets",
      recoveryWindowInDays,
      // The operator writes only secrets tagged as its own.
      tags: { "managed-by": "external-secrets" },
    });
    const pushGrant = eso.grantPush(this.grafanaAdminSecret.arn);

    const oidcName = props.grafanaOidcClientSecretName;
    let oidcSecret: SecretsmanagerSecret | undefined;
    if (oidcName !== undefined) {
      oidcSecret = new SecretsmanagerSecret(this, "GrafanaOidcSecret", {
        name: oidcName,
        description:
          "Grafana's OIDC client secret (a plain string); set its value, External Secrets syncs it",
        recoveryWindowInDays,
      });
    }

    const ns = props.namespace;
    const store = { kind: "ClusterSecretStore", name: eso.storeName };
    const externalSecret = (name: string, spec: object) => ({
      apiVersion: EXTERNAL_SECRETS_API,
      kind: "ExternalSecret",
      metadata: { name, namespace: ns },
      spec: { refreshInterval: REFRESH, secretStoreRef: store, ...spec },
    });
    const generator = {
      apiVersion: GENERATORS_API,
      kind: "Password",
      metadata: { name: "grafana-admin-password", namespace: ns },
      spec: { length: 32, digits: 6, symbols: 0, noUpper: false, allowRepeat: true },
    };
    const objects = [
      generator,
      {
        apiVersion: "external-secrets.io/v1alpha1",
        kind: "PushSecret",
        metadata: { name: "grafana-admin-password", namespace: ns },
        spec: {
          refreshInterval: REFRESH,
          // Never overwrites: the first generated password stays until an operator changes it.
          updatePolicy: "IfNotExists",
          deletionPolicy: "None",
          secretStoreRefs: [store],
          selector: {
            generatorRef: { apiVersion: GENERATORS_API, kind: "Password", name: generator.metadata.name },
          },
          data: [
            {
              match: {
                secretKey: "password",
                remoteRef: { remoteKey: this.grafanaAdminSecret.name, property: "admin-password" },
              },
            },
          ],
        },
      },
      externalSecret(OBSERVABILITY_SECRETS.grafanaAdmin, {
        target: {
          name: OBSERVABILITY_SECRETS.grafanaAdmin,
          creationPolicy: "Owner",
          template: {
            engineVersion: "v2",
            data: { "admin-user": "admin", "admin-password": "{{ .password }}" },
          },
        },
        data: [
          {
            secretKey: "password",
            remoteRef: { key: this.grafanaAdminSecret.name, property: "admin-password" },
          },
        ],
      }),
      externalSecret(OBSERVABILITY_SECRETS.alertmanagerConfig, {
        target: { name: OBSERVABILITY_SECRETS.alertmanagerConfig, creationPolicy: "Owner" },
        data: [{ secretKey: "alertmanager.yaml", remoteRef: { key: this.alertmanagerSecret.name } }],
      }),
      ...(oidcSecret !== undefined
        ? [
            externalSecret(OBSERVABILITY_SECRETS.grafanaOidc, {
              target: { name: OBSERVABILITY_SECRETS.grafanaOidc, creationPolicy: "Owner" },
              data: [{ secretKey: GRAFANA_OIDC_SECRET_KEY, remoteRef: { key: oidcSecret.name } }],
            }),
          ]
        : []),
    ];
    this.release = eso.objectsRelease(
      "Objects",
      "observability-secrets",
      objects,
      [
        ...props.dependsOn,
        pushGrant,
        this.alertmanagerSecret,
        this.grafanaAdminSecret,
        ...(oidcSecret ? [oidcSecret] : []),
        ...podIdentityDependencies(this.alertmanagerRole),
      ],
      this,
    );
  }
}

/**
 * The initial `alertmanager.yaml`: every alert to the alarm topic (SNS, SigV4 with the pod's
 * credentials), resolved notifications too; the Watchdog (always firing by design) and the
 * InfoInhibitor go nowhere.
 */
export function alertmanagerConfig(topicArn: string, region: string): string {
  // JSON is YAML: Alertmanager reads it as it is, and the library needs no YAML dependency.
  return JSON.stringify(
    {
      route: {
        receiver: "alarm-topic",
        group_by: ["alertname", "namespace"],
        routes: [{ receiver: "null", matchers: ['alertname =~ "Watchdog|InfoInhibitor"'] }],
      },
      receivers: [
        { name: "null" },
        {
          name: "alarm-topic",
          sns_configs: [
            {
              topic_arn: topicArn,
              sigv4: { region },
              subject: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}",
              send_resolved: true,
            },
          ],
        },
      ],
    },
    null,
    2,
  );
}
