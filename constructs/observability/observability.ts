import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { policyDocument } from "../core/iam";
import { PropValidator } from "../core/validation";
import { PodIdentityCluster, PodIdentityRole } from "../eks/pod-identity-role";
import { ChartRelease, podIdentityDependencies } from "../helm/chart-release";
import { podIdentityRelease } from "../helm/pod-identity-release";
import { IObjectStorage } from "../object-storage/object-storage-reference";
import { HELM_CHARTS } from "../versions";
import {
  LokiMode,
  LokiSizing,
  OTLP_GATEWAY_NAME,
  ResourceRequests,
  ScaledRequests,
  kubePrometheusStackValues,
  logShipperValues,
  lokiValues,
  otlpGatewayValues,
} from "./chart-values";
import { grafanaCloudWatchPolicy } from "./grafana-values";
import { PlatformAlarms } from "./platform-alarms";
import { PlatformDashboards } from "./dashboards/platform-dashboards";
import { LoadBalancerSloAlarms } from "./load-balancer-slo-alarms";
import {
  DEFAULT_PLATFORM_SLO_OBJECTIVES,
  PlatformSloObjectives,
  platformServiceLevelObjectives,
  validatePlatformSloObjectives,
} from "./platform-slos";
import { ServiceLevelObjectives } from "./slo-rules";
import { TEMPO_HTTP_PORT, TEMPO_NAME, TEMPO_OTLP_GRPC_PORT, tempoValues } from "./tempo-values";
import { ExternalSecrets } from "../secrets/external-secrets";
import {
  GrafanaAccessInputs,
  grafanaAccessValues,
  grafanaOidcProblems,
  mergeObjects,
} from "./grafana-access";
import { OBSERVABILITY_SECRETS, ObservabilitySecrets } from "./observability-secrets";
import { KUBERNETES_DNS_LABEL } from "../core/aws-identifiers";

/** Props of {@link Observability}. */
export interface ObservabilityProps {
  /**
   * The cluster the charts run in: an `EksCluster`, `EksCluster.fromAttributes`, or another stack's
   * cluster (only its name is needed).
   */
  readonly cluster: PodIdentityCluster;
  /** The cluster's region, for Loki's S3 client and X-Ray. @default - the stack's AWS provider region */
  readonly region?: string;
  /** Namespace of every observability release. @default "observability" */
  readonly namespace?: string;
  /** Installed before the releases and removed after them, e.g. the load balancer controller's release. @default - none */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** Installs kube-prometheus-stack (Prometheus, Alertmanager, Grafana). @default true */
  readonly monitoring?: boolean;
  /** Days Prometheus keeps metrics. @default 15 */
  readonly prometheusRetentionDays?: number;
  /** Size of Prometheus's volume; retention by size stops at 85% of it. @default 50 */
  readonly prometheusStorageGiB?: number;
  /** StorageClass of the Prometheus and Loki volumes. @default - a dedicated encrypted gp3 StorageClass */
  readonly storageClassName?: string;
  /**
   * Secret (keys `admin-user`, `admin-password`) with Grafana's admin login, managed outside
   * Terraform (External Secrets, an operator); it must exist before monitoring is installed.
   * @default - the Grafana chart generates a random password into its own Secret
   * (`kube-prometheus-stack-grafana`) at install and keeps it across upgrades: it is in no
   * Terraform file, value or state, and a new cluster installs in one apply.
   */
  readonly grafanaAdminSecretName?: string;
  /** Secret (key `alertmanager.yaml`) with Alertmanager's receivers, created outside Terraform. @default "alertmanager-config" */
  readonly alertmanagerConfigSecretName?: string;
  /** Installs Loki and a log shipper on every node. @default true */
  readonly logging?: boolean;
  /** The bucket Loki stores chunks and indexes in (`ObjectStorage.fromAttributes` for one made elsewhere); required with `logging`. @default - none */
  readonly logBucket?: IObjectStorage;
  /** How Loki runs. @default "singleBinary" */
  readonly lokiMode?: LokiMode;
  /** Days Loki keeps logs (its compactor deletes older ones). @default 30 */
  readonly lokiRetentionDays?: number;
  /**
   * Installs Tempo and an OTLP gateway (OpenTelemetry collector): traces to Tempo (and X-Ray with
   * `xray`), metrics to Prometheus, logs to Loki. @default true
   */
  readonly tracing?: boolean;
  /** The bucket Tempo stores trace blocks in; required with `tracing` unless only `xray` receives traces. @default - none */
  readonly traceBucket?: IObjectStorage;
  /** Days Tempo keeps traces (its compactor deletes older blocks). @default 7 */
  readonly tempoRetentionDays?: number;
  /** Also sends traces to AWS X-Ray, with a Pod Identity role that may write them. @default false */
  readonly xray?: boolean;
  /** A read-only CloudWatch datasource in Grafana, through a Pod Identity role limited to the region. @default true */
  readonly grafanaCloudWatch?: boolean;
  /** Prefix of the alarm topic and alarm names. @default - the construct id, lowercased */
  readonly alarmName?: string;
  /** Email addresses that receive the alarms. @default - none */
  readonly alarmEmails?: readonly string[];
  /** Other alarm topics `alarmEmails` subscribe to, by a stable name, e.g. `{ database: db.alarmTopicArn }`. @default - none */
  readonly alarmSubscribeToTopicArns?: Readonly<Record<string, string>>;
  /** NAT gateways to alarm on (may be a Terraform list). @default - none */
  readonly natGatewayIds?: readonly string[];
  /** RDS instances to alarm on (latency): identifiers, or references by a stable name. @default - none */
  readonly databaseInstanceIdentifiers?: readonly string[] | Readonly<Record<string, string>>;
  /** Alarms on the Application Load Balancers this cluster's load balancer controller creates. @default true */
  readonly loadBalancerAlarms?: boolean;
  /**
   * Objectives of the platform's SLOs: CoreDNS, Loki's and Tempo's write paths (PrometheusRules,
   * with monitoring, each with its component) and the cluster's ALBs (CloudWatch burn-rate alarms,
   * with `loadBalancerAlarms`). @default DEFAULT_PLATFORM_SLO_OBJECTIVES
   */
  readonly sloObjectives?: PlatformSloObjectives;
  /** Provisions the platform dashboards for Grafana's sidecar (with monitoring). @default true */
  readonly dashboards?: boolean;
  /** Replicas and resource requests of every release (what the capacity check counts). @default DEFAULT_OBSERVABILITY_SIZING */
  readonly sizing?: ObservabilitySizing;
  /**
   * The environment's External Secrets Operator (its store must serve `namespace`): Grafana's admin
   * login and Alertmanager's configuration (SNS to the alarm topic) then come from Secrets Manager
   * ({@link ObservabilitySecrets}), and `grafanaAdminSecretName` / `alertmanagerConfigSecretName`
   * must be left out. @default - none: the Secrets named by those two props
   */
  readonly externalSecrets?: ExternalSecrets;
  /** Grafana behind the ALB with OIDC login; needs `externalSecrets` and monitoring. @default - none: port-forward only */
  readonly grafanaAccess?: Omit<GrafanaAccessInputs, "clientSecretSecretName">;
  /** Days a deleted Secrets Manager secret of {@link ObservabilitySecrets} can be restored (0 for throw-away environments). @default 30 */
  readonly secretRecoveryWindowDays?: number;
}

/** Replicas and requests of the observability releases. */
export interface ObservabilitySizing {
  /** The Prometheus server. */
  readonly prometheus: ResourceRequests;
  /** Grafana. */
  readonly grafana: ResourceRequests;
  /** Loki's components and caches. */
  readonly loki: LokiSizing;
  /** The log shipper, per node. */
  readonly logShipper: ResourceRequests;
  /** The OTLP gateway. */
  readonly otlpGateway: ScaledRequests;
  /** Tempo (one replica). @default DEFAULT_OBSERVABILITY_SIZING.tempo */
  readonly tempo?: ResourceRequests;
}

/** Tempo's requests when the sizing names none (sizing from before Tempo). */
const DEFAULT_TEMPO_REQUESTS: ResourceRequests = { cpuMillis: 100, memoryMiB: 512 };

/** A small cluster's sizing (fits two 2-vCPU/8-GiB nodes next to the rest of the platform). */
export const DEFAULT_OBSERVABILITY_SIZING: ObservabilitySizing = {
  prometheus: { cpuMillis: 200, memoryMiB: 1024 },
  grafana: { cpuMillis: 50, memoryMiB: 256 },
  loki: {
    singleBinary: { cpuMillis: 200, memoryMiB: 512 },
    read: { replicas: 2, cpuMillis: 100, memoryMiB: 256 },
    write: { replicas: 2, cpuMillis: 100, memoryMiB: 512 },
    backend: { replicas: 2, cpuMillis: 100, memoryMiB: 256 },
    gateway: { replicas: 1, cpuMillis: 20, memoryMiB: 32 },
    chunksCacheMiB: 512,
    resultsCacheMiB: 256,
  },
  logShipper: { cpuMillis: 50, memoryMiB: 128 },
  otlpGateway: { replicas: 2, cpuMillis: 50, memoryMiB: 128 },
  tempo: DEFAULT_TEMPO_REQUESTS,
};

/** Service accounts of the observability releases (Pod Identity associates the ones with AWS access). */
export const OBSERVABILITY_SERVICE_ACCOUNTS = {
  alertmanager: "alertmanager",
  loki: "loki",
  logShipper: "log-shipper",
  otlpGateway: "otel-collector",
  tempo: "tempo",
  grafana: "grafana",
} as const;

/**
 * Observability for an EKS cluster and its environment, each part optional:
 * - kube-prometheus-stack: retention and volume sized per environment, every ServiceMonitor,
 *   PodMonitor and rule of every namespace selected, EKS-managed control-plane jobs off, Grafana's
 *   admin login and Alertmanager's receivers read from Kubernetes Secrets that Terraform never sees;
 * - Loki on an S3 bucket of the object-storage construct, through a Pod Identity role limited to
 *   that bucket (and its key), with schema v13 and compactor retention;
 * - a log shipper (OpenTelemetry collector DaemonSet) sending container logs to Loki over OTLP;
 * - the platform's SLOs: CoreDNS and the Loki and Tempo write paths as PrometheusRules
 *   ({@link ServiceLevelObjectives}), the ALBs' as CloudWatch burn-rate alarms ({@link LoadBalancerSloAlarms});
 * - the platform dashboards as ConfigMaps for Grafana's sidecar ({@link PlatformDashboards});
 * - Tempo on an S3 bucket of the object-storage construct, through a Pod Identity role limited to
 *   that bucket (and its key), with compactor retention and span metrics written to Prometheus;
 * - an OTLP gateway (OpenTelemetry collector): traces to Tempo (and X-Ray when asked), metrics to
 *   Prometheus, logs to Loki;
 * - Grafana's datasources provisioned with their uids and correlation settings (exemplars, trace
 *   ids in logs, traces to logs and metrics) and a read-only CloudWatch datasource;
 * - CloudWatch alarms (NAT, RDS, ALB) to the environment's encrypted SNS topic ({@link PlatformAlarms}).
 *
 * Releases are installed after `dependsOn` (the load balancer controller, whose webhook admits the
 * Services they create) and in dependency order among themselves; destroy runs in reverse.
 */
export class Observability extends Construct {
  /** The kube-prometheus-stack release, when monitoring is on. */
  readonly monitoring?: ChartRelease;
  /** The Loki release, when logging is on. */
  readonly loki?: ChartRelease;
  /** The log shipper's release, when logging is on. */
  readonly logShipper?: ChartRelease;
  /** The OTLP gateway's release, when tracing is on. */
  readonly otlpGateway?: ChartRelease;
  /** In-cluster OTLP endpoint (HTTP) for applications, when tracing is on. */
  readonly otlpEndpoint?: string;
  /** Loki's Pod Identity role, when logging is on. */
  readonly lokiRole?: PodIdentityRole;
  /** The Tempo release, when tracing is on with a trace bucket. */
  readonly tempo?: ChartRelease;
  /** Tempo's Pod Identity role, when Tempo runs. */
  readonly tempoRole?: PodIdentityRole;
  /** The OTLP gateway's role, when it sends traces to X-Ray. */
  readonly xrayRole?: PodIdentityRole;
  /** Grafana's read-only CloudWatch role, when monitoring and `grafanaCloudWatch` are on. */
  readonly grafanaCloudWatchRole?: PodIdentityRole;
  /** The environment's alarm topic and alarms. */
  readonly alarms: PlatformAlarms;
  /** ARN of the alarm topic. */
  readonly alarmTopicArn: string;
  /** The namespace of the releases. */
  readonly namespace: string;
  /** The platform SLOs' PrometheusRules, when monitoring is on. */
  readonly serviceLevelObjectives?: ServiceLevelObjectives;
  /** The ALB SLO's burn-rate alarms, when load balancer alarms are on. */
  readonly loadBalancerSloAlarms?: LoadBalancerSloAlarms;
  /** The platform dashboards, when monitoring and dashboards are on. */
  readonly dashboards?: PlatformDashboards;
  /** Grafana's and Alertmanager's secrets through External Secrets, with `externalSecrets` and monitoring. */
  readonly secrets?: ObservabilitySecrets;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const namespaceName = props.namespace ?? "observability";
    const withMonitoring = props.monitoring ?? true;
    const withLogging = props.logging ?? true;
    const withTracing = props.tracing ?? true;
    const retentionDays = props.prometheusRetentionDays ?? 15;
    const storageGiB = props.prometheusStorageGiB ?? 50;
    const lokiMode = props.lokiMode ?? "singleBinary";
    const lokiRetentionDays = props.lokiRetentionDays ?? 30;
    const tempoRetentionDays = props.tempoRetentionDays ?? 7;
    const withXray = props.xray ?? false;
    const withCloudWatch = props.grafanaCloudWatch ?? true;
    const withSecrets = props.externalSecrets !== undefined && withMonitoring;
    const grafanaAdminSecretName = withSecrets
      ? OBSERVABILITY_SECRETS.grafanaAdmin
      : props.grafanaAdminSecretName;
    const alertmanagerConfigSecretName = withSecrets
      ? OBSERVABILITY_SECRETS.alertmanagerConfig
      : (props.alertmanagerConfigSecretName ?? "alertmanager-config");
    const sizing = props.sizing ?? DEFAULT_OBSERVABILITY_SIZING;
    const sloObjectives = props.sloObjectives ?? DEFAULT_PLATFORM_SLO_OBJECTIVES;
    const alarmName = props.alarmName ?? id.toLowerCase().replace(/[^a-z0-9-]/g, "-");
    const tempoRequests = sizing.tempo ?? DEFAULT_TEMPO_REQUESTS;

    const v = new PropValidator("Observability", this);
    v.check(
      "namespace",
      namespaceName,
      (n) => KUBERNETES_DNS_LABEL.test(n),
      "must be a Kubernetes namespace name (DNS label)",
    );
    v.check(
      "prometheusRetentionDays",
      retentionDays,
      (d) => Number.isInteger(d) && d >= 1 && d <= 365,
      "must be a whole number of days from 1 to 365",
    );
    v.check(
      "prometheusStorageGiB",
      storageGiB,
      (g) => Number.isInteger(g) && g >= 10 && g <= 16384,
      "must be a whole number of GiB from 10 to 16384",
    );
    v.check(
      "lokiMode",
      lokiMode,
      (m) => m === "singleBinary" || m === "simpleScalable",
      "must be 'singleBinary' or 'simpleScalable'",
    );
    for (const [prop, days] of [
      ["lokiRetentionDays", lokiRetentionDays],
      ["tempoRetentionDays", tempoRetentionDays],
    ] as const) {
      v.check(
        prop,
        days,
        (d) => Number.isInteger(d) && d >= 1 && d <= 3650,
        "must be a whole number of days from 1 to 3650",
      );
    }
    for (const [prop, name] of [
      ["grafanaAdminSecretName", grafanaAdminSecretName],
      ["alertmanagerConfigSecretName", alertmanagerConfigSecretName],
      ["storageClassName", props.storageClassName],
    ] as const) {
      v.check(
        prop,
        name,
        (n) => n === undefined || KUBERNETES_DNS_LABEL.test(n),
        "must be a Kubernetes object name (DNS label)",
      );
    }
    validateSizing(v, sizing, tempoRequests);
    validatePlatformSloObjectives(v, "sloObjectives", sloObjectives);
    for (const prop of ["grafanaAdminSecretName", "alertmanagerConfigSecretName"] as const) {
      v.check(
        prop,
        props[prop],
        (n) => n === undefined || props.externalSecrets === undefined,
        "must be left out with 'externalSecrets' (External Secrets creates the Secret)",
      );
    }
    if (props.grafanaAccess !== undefined) {
      v.check(
        "grafanaAccess",
        props.grafanaAccess.host,
        () => withSecrets,
        "needs 'externalSecrets' and monitoring (the OIDC client secret comes from Secrets Manager)",
      );
      for (const [field, value, allowed] of grafanaOidcProblems(props.grafanaAccess.oidc)) {
        v.fail(`grafanaAccess.oidc.${field}`, value, allowed);
      }
      v.check(
        "grafanaAccess.oidc.clientSecretName",
        props.grafanaAccess.oidc.clientSecretName,
        (n) => props.externalSecrets === undefined || n.startsWith(props.externalSecrets.secretNamePrefix),
        `must be a secret name under External Secrets' prefix '${props.externalSecrets?.secretNamePrefix ?? ""}'`,
      );
    }
    v.check(
      "logBucket",
      props.logBucket,
      (b) => !withLogging || b !== undefined,
      "is required when logging is on (Loki stores chunks and indexes in it)",
    );
    v.check(
      "traceBucket",
      props.traceBucket,
      (b) => !withTracing || withXray || b !== undefined,
      "is required when tracing is on (Tempo stores traces in it), unless only X-Ray receives traces (xray: true)",
    );
    v.throwIfInvalid();

    const ctx = awsContext(this);
    const region = props.region ?? ctx.region;
    this.namespace = namespaceName;
    this.alarms = new PlatformAlarms(this, "Alarms", {
      name: alarmName,
      emails: props.alarmEmails,
      subscribeToTopicArns: props.alarmSubscribeToTopicArns,
      natGatewayIds: props.natGatewayIds,
      databaseInstanceIdentifiers: props.databaseInstanceIdentifiers,
      loadBalancerAlarms: props.loadBalancerAlarms,
      // Only the load balancers this cluster's controller created: one environment's, never its neighbours'.
      loadBalancerClusterName: props.cluster.clusterName,
    });
    this.alarmTopicArn = this.alarms.topicArn;
    if (props.loadBalancerAlarms ?? true) {
      this.loadBalancerSloAlarms = new LoadBalancerSloAlarms(this, "LoadBalancerSlo", {
        name: alarmName,
        clusterName: props.cluster.clusterName,
        topicArn: this.alarmTopicArn,
        objectivePercent: sloObjectives.loadBalancerPercent,
        windowDays: sloObjectives.windowDays,
      });
    }
    if (!withMonitoring && !withLogging && !withTracing) return;

    const namespace = new NamespaceV1(this, "Namespace", {
      metadata: {
        name: namespaceName,
        labels: { "app.kubernetes.io/managed-by": "cdktf", "platform.layer": "observability" },
      },
    });
    const base: ITerraformDependable[] = [namespace, ...(props.dependsOn ?? [])];
    const withTempo = withTracing && props.traceBucket !== undefined;
    const needsVolumes = withMonitoring || withLogging || withTempo;
    let storageClassName = props.storageClassName;
    if (needsVolumes && storageClassName === undefined) {
      // EKS has no default StorageClass: an encrypted gp3 one, bound in the pod's AZ.
      const storageClass = new StorageClassV1(this, "StorageClass", {
        metadata: { name: `${namespaceName}-gp3` },
        storageProvisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true" },
        volumeBindingMode: "WaitForFirstConsumer",
        reclaimPolicy: "Delete",
        allowVolumeExpansion: true,
      });
      storageClassName = storageClass.metadata.name;
      base.push(storageClass);
    }
    const volumes = storageClassName ?? "";
    const serviceHost = (service: string) => `${service}.${namespaceName}.svc.cluster.local`;
    const serviceUrl = (service: string) => `http://${serviceHost(service)}`;
    const lokiUrl = withLogging ? serviceUrl("loki-gateway") : undefined;
    const lokiOtlpUrl = lokiUrl !== undefined ? `${lokiUrl}/otlp` : undefined;
    const tempoUrl = withTempo ? `${serviceUrl(TEMPO_NAME)}:${TEMPO_HTTP_PORT}` : undefined;

    // ---- secrets of Grafana and Alertmanager, synced before kube-prometheus-stack starts them
    if (withSecrets && props.externalSecrets !== undefined) {
      this.secrets = new ObservabilitySecrets(this, "Secrets", {
        cluster: props.cluster,
        externalSecrets: props.externalSecrets,
        namespace: namespaceName,
        alarmTopicArn: this.alarms.topicArn,
        alarmKmsKeyArn: this.alarms.kmsKeyArn,
        alertmanagerServiceAccount: OBSERVABILITY_SERVICE_ACCOUNTS.alertmanager,
        grafanaOidcClientSecretName: props.grafanaAccess?.oidc.clientSecretName,
        recoveryWindowDays: props.secretRecoveryWindowDays,
        dependsOn: [namespace],
      });
    }
    const secretValues = this.secrets
      ? mergeObjects(
          {
            alertmanager: {
              serviceAccount: { create: true, name: OBSERVABILITY_SERVICE_ACCOUNTS.alertmanager },
            },
          },
          props.grafanaAccess !== undefined
            ? grafanaAccessValues({
                ...props.grafanaAccess,
                clientSecretSecretName: OBSERVABILITY_SECRETS.grafanaOidc,
              })
            : {},
        )
      : {};

    // ---- metrics: kube-prometheus-stack (its CRDs come first: the other charts' ServiceMonitors need them)
    if (withMonitoring) {
      if (withCloudWatch) {
        this.grafanaCloudWatchRole = new PodIdentityRole(this, "GrafanaCloudWatchRole", {
          cluster: props.cluster,
          namespace: namespaceName,
          serviceAccount: OBSERVABILITY_SERVICE_ACCOUNTS.grafana,
          description: `Grafana of EKS cluster ${props.cluster.clusterName}: reads CloudWatch in ${region}`,
          policies: { "cloudwatch-read": grafanaCloudWatchPolicy(region) },
        });
      }
      this.monitoring = new ChartRelease(this, "KubePrometheusStack", {
        source: HELM_CHARTS.kubePrometheusStack,
        releaseName: "kube-prometheus-stack",
        namespace: namespaceName,
        timeoutSeconds: 900,
        values: mergeObjects(
          kubePrometheusStackValues({
            retentionDays,
            storageGiB,
            storageClassName: volumes,
            grafanaAdminSecretName,
            alertmanagerConfigSecretName,
            lokiUrl,
            tempoUrl,
            cloudWatchRegion: withCloudWatch ? region : undefined,
            grafanaServiceAccount: OBSERVABILITY_SERVICE_ACCOUNTS.grafana,
            prometheus: sizing.prometheus,
            grafana: sizing.grafana,
          }),
          secretValues,
        ),
        dependsOn: [
          ...base,
          ...podIdentityDependencies(this.grafanaCloudWatchRole),
          ...(this.secrets ? [this.secrets.release.release] : []),
        ],
      });
    }
    const afterMonitoring = [...base, ...(this.monitoring ? [this.monitoring.release] : [])];

    // ---- logs: Loki on the log bucket, and a shipper on every node
    if (withLogging && props.logBucket !== undefined) {
      this.lokiRole = new PodIdentityRole(this, "LokiRole", {
        cluster: props.cluster,
        namespace: namespaceName,
        serviceAccount: OBSERVABILITY_SERVICE_ACCOUNTS.loki,
        description: `Loki of EKS cluster ${props.cluster.clusterName}: its log bucket only`,
        policies: { "log-bucket": props.logBucket.grantReadWrite() },
      });
      this.loki = new ChartRelease(this, "Loki", {
        source: HELM_CHARTS.loki,
        releaseName: "loki",
        namespace: namespaceName,
        timeoutSeconds: 900,
        values: lokiValues({
          mode: lokiMode,
          bucketName: props.logBucket.bucketName,
          region,
          retentionDays: lokiRetentionDays,
          storageClassName: volumes,
          serviceAccount: OBSERVABILITY_SERVICE_ACCOUNTS.loki,
          serviceMonitor: withMonitoring,
          sizing: sizing.loki,
        }),
        dependsOn: [...afterMonitoring, ...podIdentityDependencies(this.lokiRole)],
      });
      this.logShipper = new ChartRelease(this, "LogShipper", {
        source: HELM_CHARTS.openTelemetryCollector,
        releaseName: "log-shipper",
        namespace: namespaceName,
        values: logShipperValues(
          lokiOtlpUrl as string,
          OBSERVABILITY_SERVICE_ACCOUNTS.logShipper,
          sizing.logShipper,
        ),
        dependsOn: [...base, this.loki.release],
      });
    }

    // ---- traces: Tempo on the trace bucket
    if (withTempo && props.traceBucket !== undefined) {
      const tempo = podIdentityRelease(this, "Tempo", {
        cluster: props.cluster,
        serviceAccount: OBSERVABILITY_SERVICE_ACCOUNTS.tempo,
        roleDescription: `Tempo of EKS cluster ${props.cluster.clusterName}: its trace bucket only`,
        policies: { "trace-bucket": props.traceBucket.grantReadWrite() },
        source: HELM_CHARTS.tempo,
        releaseName: TEMPO_NAME,
        namespace: namespaceName,
        timeoutSeconds: 600,
        values: tempoValues({
          bucketName: props.traceBucket.bucketName,
          region,
          retentionDays: tempoRetentionDays,
          storageClassName: volumes,
          serviceAccount: OBSERVABILITY_SERVICE_ACCOUNTS.tempo,
          remoteWriteUrl: withMonitoring ? `${PROMETHEUS_URL(namespaceName)}/api/v1/write` : undefined,
          serviceMonitor: withMonitoring,
          requests: tempoRequests,
        }),
        dependsOn: afterMonitoring,
      });
      this.tempo = tempo.release;
      this.tempoRole = tempo.role;
    }

    // ---- the OTLP gateway: traces, and OTLP metrics and logs
    if (withTracing) {
      const gateway = podIdentityRelease(this, "OtlpGateway", {
        cluster: props.cluster,
        serviceAccount: OBSERVABILITY_SERVICE_ACCOUNTS.otlpGateway,
        roleDescription: `OTLP gateway of EKS cluster ${props.cluster.clusterName}: sends traces to X-Ray`,
        // X-Ray's trace and sampling APIs support no resource-level permissions.
        policies: withXray
          ? {
              "xray-write": policyDocument({
                Sid: "WriteTraces",
                Effect: "Allow",
                Action: [
                  "xray:PutTraceSegments",
                  "xray:PutTelemetryRecords",
                  "xray:GetSamplingRules",
                  "xray:GetSamplingTargets",
                  "xray:GetSamplingStatisticSummaries",
                ],
                Resource: "*",
              }),
            }
          : undefined,
        source: HELM_CHARTS.openTelemetryCollector,
        releaseName: "otel-collector",
        namespace: namespaceName,
        values: otlpGatewayValues({
          region,
          serviceAccount: OBSERVABILITY_SERVICE_ACCOUNTS.otlpGateway,
          tempoOtlpEndpoint: withTempo ? `${serviceHost(TEMPO_NAME)}:${TEMPO_OTLP_GRPC_PORT}` : undefined,
          xray: withXray,
          lokiOtlpUrl,
          prometheus: withMonitoring,
          sizing: sizing.otlpGateway,
        }),
        dependsOn: [
          ...afterMonitoring,
          ...(this.loki ? [this.loki.release] : []),
          ...(this.tempo ? [this.tempo.release] : []),
        ],
      });
      this.otlpGateway = gateway.release;
      this.xrayRole = gateway.role;
      this.otlpEndpoint = `${serviceUrl(OTLP_GATEWAY_NAME)}:4318`;
    }

    // ---- SLOs of the running components, and the dashboards (Prometheus's CRDs and Grafana first)
    if (this.monitoring) {
      this.serviceLevelObjectives = new ServiceLevelObjectives(this, "Slos", {
        namespace: namespaceName,
        releaseName: "platform-slos",
        objectives: platformServiceLevelObjectives(
          sloObjectives,
          { coreDns: true, lokiWrite: withLogging, tempoWrite: withTracing },
          namespaceName,
        ),
        dependsOn: [this.monitoring.release],
      });
      if (props.dashboards ?? true) {
        this.dashboards = new PlatformDashboards(this, "Dashboards", {
          namespace: namespaceName,
          logging: withLogging,
          tracing: withTracing,
          dependsOn: [namespace],
        });
      }
    }
  }
}

/** kube-prometheus-stack's Prometheus Service (release `kube-prometheus-stack`). */
const PROMETHEUS_URL = (namespace: string) =>
  `http://kube-prometheus-stack-prometheus.${namespace}.svc.cluster.local:9090`;

/** Replicas and requests must be whole, positive and sane; the capacity check does the rest. */
function validateSizing(v: PropValidator, sizing: ObservabilitySizing, tempo: ResourceRequests): void {
  const requests = (path: string, r: ResourceRequests) => {
    v.check(
      `sizing.${path}.cpuMillis`,
      r.cpuMillis,
      (n) => Number.isInteger(n) && n >= 1 && n <= 64000,
      "must be a whole number of millicores from 1 to 64000",
    );
    v.check(
      `sizing.${path}.memoryMiB`,
      r.memoryMiB,
      (n) => Number.isInteger(n) && n >= 16 && n <= 262144,
      "must be a whole number of MiB from 16 to 262144",
    );
  };
  const scaled = (path: string, r: ScaledRequests, min: number) => {
    requests(path, r);
    v.check(
      `sizing.${path}.replicas`,
      r.replicas,
      (n) => Number.isInteger(n) && n >= min && n <= 50,
      `must be a whole number from ${min} to 50`,
    );
  };
  requests("prometheus", sizing.prometheus);
  requests("grafana", sizing.grafana);
  requests("logShipper", sizing.logShipper);
  requests("tempo", tempo);
  scaled("otlpGateway", sizing.otlpGateway, 1);
  requests("loki.singleBinary", sizing.loki.singleBinary);
  scaled("loki.read", sizing.loki.read, 1);
  scaled("loki.write", sizing.loki.write, 1);
  scaled("loki.backend", sizing.loki.backend, 1);
  scaled("loki.gateway", sizing.loki.gateway, 1);
  for (const key of ["chunksCacheMiB", "resultsCacheMiB"] as const) {
    v.check(
      `sizing.loki.${key}`,
      sizing.loki[key],
      (n) => Number.isInteger(n) && n >= 64 && n <= 65536,
      "must be a whole number of MiB from 64 to 65536",
    );
  }
}
