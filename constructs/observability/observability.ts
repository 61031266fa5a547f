import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { policyDocument } from "../core/iam";
import { PropValidator, nameFromId } from "../core/validation";
import { PodIdentityCluster, PodIdentityRole } from "../eks/pod-identity-role";
import { ChartRelease, ChartReleaseProps, ChartSource } from "../helm/chart-release";
import { podIdentityRelease } from "../helm/pod-identity-release";
import { IObjectStorage } from "../object-storage/object-storage-reference";
import { ExternalSecrets } from "../secrets/external-secrets";
import {
  LokiMode,
  LokiSizing,
  ResourceRequests,
  ScaledRequests,
  kubePrometheusStackValues,
  logShipperValues,
  lokiValues,
  otlpGatewayValues,
} from "./private/chart-values";
import { OBSERVABILITY_COMPONENTS, serviceHost, serviceUrl } from "./components";
import { PlatformDashboards } from "./dashboards/platform-dashboards";
import { GrafanaAccessInputs, grafanaAccessValues, mergeObjects } from "./grafana-access";
import { grafanaCloudWatchPolicy } from "./private/grafana-values";
import { LoadBalancerSloAlarms } from "./load-balancer-slo-alarms";
import { OBSERVABILITY_SECRETS, ObservabilitySecrets } from "./observability-secrets";
import { ResolvedObservabilitySettings, validateObservabilityProps } from "./observability-validation";
import { PlatformAlarms } from "./platform-alarms";
import {
  DEFAULT_PLATFORM_SLO_OBJECTIVES,
  PlatformSloObjectives,
  platformServiceLevelObjectives,
} from "./platform-slos";
import { ServiceLevelObjectives } from "./slo-rules";
import { tempoValues } from "./private/tempo-values";

export { OBSERVABILITY_COMPONENTS, OBSERVABILITY_SERVICE_ACCOUNTS } from "./components";
export { OBSERVABILITY_RULES, RELEASE_SIZING_RULES } from "./observability-validation";

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
  /**
   * Alarms made elsewhere (e.g. next to the network and database they watch): Observability then
   * creates none, and Alertmanager and the ALB SLO alarms use their topic; `alarmEmails`,
   * `alarmSubscribeToTopicArns`, `natGatewayIds` and `databaseInstanceIdentifiers` must be left out.
   * @default - a {@link PlatformAlarms} `Alarms` of this construct, from the props below
   */
  readonly alarms?: PlatformAlarms;
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

/** What Observability keeps and how Loki runs unless told otherwise (the environments' base takes these too). */
export const OBSERVABILITY_DEFAULTS = {
  prometheusRetentionDays: 15,
  prometheusStorageGiB: 50,
  lokiMode: "singleBinary",
  lokiRetentionDays: 30,
  tempoRetentionDays: 7,
} as const satisfies Partial<ObservabilityProps>;

/** Tempo's requests when the sizing names none (sizing from before Tempo). */
const DEFAULT_TEMPO_REQUESTS: ResourceRequests = { cpuMillis: 100, memoryMiB: 512 };

/** A small cluster's sizing (fits two 2-vCPU/8-GiB nodes next to the rest of the platform). */
export const DEFAULT_OBSERVABILITY_SIZING = {
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
} as const satisfies Required<ObservabilitySizing>;

/** The components the constructor refers to most. */
const { loki: LOKI, tempo: TEMPO, otlpGateway: OTLP } = OBSERVABILITY_COMPONENTS;

/** Props with their defaults and the switches that follow from them, resolved once. */
interface Settings extends ResolvedObservabilitySettings {
  readonly cluster: PodIdentityCluster;
  readonly region: string;
  readonly withMonitoring: boolean;
  readonly withTempo: boolean;
  readonly withCloudWatch: boolean;
  readonly sloObjectives: PlatformSloObjectives;
  readonly alarmName: string;
  /** Loki's gateway, when logging is on. */
  readonly lokiUrl?: string;
  /** Tempo's HTTP API, when Tempo runs. */
  readonly tempoUrl?: string;
}

/** Where the releases go: the namespace, the StorageClass of their volumes, what they follow. */
interface Placement {
  readonly namespace: NamespaceV1;
  /** The namespace, the StorageClass and `dependsOn`: what every release is installed after. */
  readonly base: readonly ITerraformDependable[];
  /** The StorageClass of every volume. */
  readonly volumes: string;
}

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
 * Each release, its service account and its Service are named once, in {@link OBSERVABILITY_COMPONENTS}.
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
    const s = this.resolve(id, props);
    const v = new PropValidator("Observability", this);
    validateObservabilityProps(v, props, s);
    v.throwIfInvalid();

    this.namespace = s.namespace;
    this.alarms =
      props.alarms ??
      new PlatformAlarms(this, "Alarms", {
        name: s.alarmName,
        emails: props.alarmEmails,
        subscribeToTopicArns: props.alarmSubscribeToTopicArns,
        natGatewayIds: props.natGatewayIds,
        databaseInstanceIdentifiers: props.databaseInstanceIdentifiers,
        loadBalancerAlarms: props.loadBalancerAlarms,
        // Only the load balancers this cluster's controller created: one environment's, never its neighbours'.
        loadBalancerClusterName: props.cluster.clusterName,
      });
    this.alarmTopicArn = this.alarms.topicArn;
    this.loadBalancerSloAlarms = this.createLoadBalancerSlo(props, s);
    if (!s.withMonitoring && !s.withLogging && !s.withTracing) return;

    const at = this.placement(props, s);
    this.secrets = this.createSecrets(props, s, at);
    const monitoring = this.installMonitoring(props, s, at);
    this.monitoring = monitoring?.release;
    this.grafanaCloudWatchRole = monitoring?.role;
    const afterMonitoring = [...at.base, ...(this.monitoring ? [this.monitoring.release] : [])];
    const logging = this.installLogging(props, s, at, afterMonitoring);
    this.loki = logging?.loki.release;
    this.lokiRole = logging?.loki.role;
    this.logShipper = logging?.shipper;
    const tempo = this.installTempo(props, s, at, afterMonitoring);
    this.tempo = tempo?.release;
    this.tempoRole = tempo?.role;
    const gateway = this.installOtlpGateway(s, [
      ...afterMonitoring,
      ...(this.loki ? [this.loki.release] : []),
      ...(this.tempo ? [this.tempo.release] : []),
    ]);
    this.otlpGateway = gateway?.release;
    this.xrayRole = gateway?.role;
    this.otlpEndpoint = gateway ? serviceUrl(s.namespace, OTLP, OTLP.ports.otlpHttp) : undefined;
    if (this.monitoring) {
      this.serviceLevelObjectives = this.createSlos(s, this.monitoring);
      if (props.dashboards ?? true) {
        this.dashboards = new PlatformDashboards(this, "Dashboards", {
          namespace: s.namespace,
          logging: s.withLogging,
          tracing: s.withTracing,
          dependsOn: [at.namespace],
        });
      }
    }
  }

  /** The props with their defaults, and the switches that follow from them. */
  private resolve(id: string, props: ObservabilityProps): Settings {
    const namespace = props.namespace ?? "observability";
    const withMonitoring = props.monitoring ?? true;
    const withLogging = props.logging ?? true;
    const withTracing = props.tracing ?? true;
    const withTempo = withTracing && props.traceBucket !== undefined;
    const withSecrets = props.externalSecrets !== undefined && withMonitoring;
    const sizing = props.sizing ?? DEFAULT_OBSERVABILITY_SIZING;
    const D = OBSERVABILITY_DEFAULTS;
    return {
      cluster: props.cluster,
      region: props.region ?? awsContext(this).region,
      namespace,
      withMonitoring,
      withLogging,
      withTracing,
      withTempo,
      withSecrets,
      withXray: props.xray ?? false,
      withCloudWatch: props.grafanaCloudWatch ?? true,
      prometheusRetentionDays: props.prometheusRetentionDays ?? D.prometheusRetentionDays,
      prometheusStorageGiB: props.prometheusStorageGiB ?? D.prometheusStorageGiB,
      lokiMode: props.lokiMode ?? D.lokiMode,
      lokiRetentionDays: props.lokiRetentionDays ?? D.lokiRetentionDays,
      tempoRetentionDays: props.tempoRetentionDays ?? D.tempoRetentionDays,
      grafanaAdminSecretName: withSecrets ? OBSERVABILITY_SECRETS.grafanaAdmin : props.grafanaAdminSecretName,
      alertmanagerConfigSecretName: withSecrets
        ? OBSERVABILITY_SECRETS.alertmanagerConfig
        : (props.alertmanagerConfigSecretName ?? "alertmanager-config"),
      sizing,
      tempoRequests: sizing.tempo ?? DEFAULT_TEMPO_REQUESTS,
      sloObjectives: props.sloObjectives ?? DEFAULT_PLATFORM_SLO_OBJECTIVES,
      alarmName: props.alarmName ?? nameFromId(id),
      lokiUrl: withLogging ? serviceUrl(namespace, LOKI) : undefined,
      tempoUrl: withTempo ? serviceUrl(namespace, TEMPO, TEMPO.ports.http) : undefined,
    };
  }

  /** The ALB SLO's burn-rate alarms, to the alarm topic. */
  private createLoadBalancerSlo(props: ObservabilityProps, s: Settings): LoadBalancerSloAlarms | undefined {
    if (!(props.loadBalancerAlarms ?? true)) return undefined;
    return new LoadBalancerSloAlarms(this, "LoadBalancerSlo", {
      name: s.alarmName,
      clusterName: props.cluster.clusterName,
      topicArn: this.alarms.topicArn,
      objectivePercent: s.sloObjectives.loadBalancerPercent,
      windowDays: s.sloObjectives.windowDays,
    });
  }

  /**
   * The namespace, and (EKS has no default StorageClass) an encrypted gp3 StorageClass bound in the
   * pod's AZ, unless `storageClassName` names one or no release claims a volume.
   */
  private placement(props: ObservabilityProps, s: Settings): Placement {
    const namespace = new NamespaceV1(this, "Namespace", {
      metadata: {
        name: s.namespace,
        labels: { "app.kubernetes.io/managed-by": "cdktf", "platform.layer": "observability" },
      },
    });
    const base: ITerraformDependable[] = [namespace, ...(props.dependsOn ?? [])];
    if (props.storageClassName !== undefined || !(s.withMonitoring || s.withLogging || s.withTempo)) {
      return { namespace, base, volumes: props.storageClassName ?? "" };
    }
    const storageClass = new StorageClassV1(this, "StorageClass", {
      metadata: { name: `${s.namespace}-gp3` },
      storageProvisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      volumeBindingMode: "WaitForFirstConsumer",
      reclaimPolicy: "Delete",
      allowVolumeExpansion: true,
    });
    return { namespace, base: [...base, storageClass], volumes: storageClass.metadata.name };
  }

  /** Grafana's and Alertmanager's secrets, synced before kube-prometheus-stack starts them. */
  private createSecrets(props: ObservabilityProps, s: Settings, at: Placement) {
    if (!s.withSecrets || props.externalSecrets === undefined) return undefined;
    return new ObservabilitySecrets(this, "Secrets", {
      cluster: props.cluster,
      externalSecrets: props.externalSecrets,
      namespace: s.namespace,
      alarmTopicArn: this.alarms.topicArn,
      alarmKmsKeyArn: this.alarms.kmsKeyArn,
      alertmanagerServiceAccount: OBSERVABILITY_COMPONENTS.alertmanager.serviceAccount,
      grafanaOidcClientSecretName: props.grafanaAccess?.oidc.clientSecretName,
      recoveryWindowDays: props.secretRecoveryWindowDays,
      dependsOn: [at.namespace],
    });
  }

  /** Metrics: kube-prometheus-stack (its CRDs come first: the other charts' ServiceMonitors need them). */
  private installMonitoring(props: ObservabilityProps, s: Settings, at: Placement) {
    if (!s.withMonitoring) return undefined;
    const c = OBSERVABILITY_COMPONENTS.monitoring;
    const secretValues = this.secrets
      ? mergeObjects(
          {
            alertmanager: {
              serviceAccount: { create: true, name: OBSERVABILITY_COMPONENTS.alertmanager.serviceAccount },
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
    return podIdentityRelease(this, c.id, {
      cluster: s.cluster,
      serviceAccount: c.serviceAccount,
      roleId: "GrafanaCloudWatchRole",
      roleDescription: `Grafana of EKS cluster ${s.cluster.clusterName}: reads CloudWatch in ${s.region}`,
      policies: s.withCloudWatch ? { "cloudwatch-read": grafanaCloudWatchPolicy(s.region) } : undefined,
      ...releaseOf(c, s.namespace),
      values: mergeObjects(
        kubePrometheusStackValues({
          retentionDays: s.prometheusRetentionDays,
          storageGiB: s.prometheusStorageGiB,
          storageClassName: at.volumes,
          grafanaAdminSecretName: s.grafanaAdminSecretName,
          alertmanagerConfigSecretName: s.alertmanagerConfigSecretName,
          lokiUrl: s.lokiUrl,
          tempoUrl: s.tempoUrl,
          cloudWatchRegion: s.withCloudWatch ? s.region : undefined,
          grafanaServiceAccount: c.serviceAccount,
          prometheus: s.sizing.prometheus,
          grafana: s.sizing.grafana,
        }),
        secretValues,
      ),
      dependsOn: [...at.base, ...(this.secrets ? [this.secrets.release.release] : [])],
    });
  }

  /** Logs: Loki on the log bucket, and a shipper on every node. */
  private installLogging(
    props: ObservabilityProps,
    s: Settings,
    at: Placement,
    after: readonly ITerraformDependable[],
  ) {
    if (!s.withLogging || props.logBucket === undefined) return undefined;
    const loki = this.bucketRelease(
      LOKI,
      "Loki",
      s,
      props.logBucket,
      lokiValues({
        mode: s.lokiMode as LokiMode,
        bucketName: props.logBucket.bucketName,
        region: s.region,
        retentionDays: s.lokiRetentionDays,
        storageClassName: at.volumes,
        serviceAccount: LOKI.serviceAccount,
        serviceMonitor: s.withMonitoring,
        sizing: s.sizing.loki,
      }),
      after,
    );
    const shipper = OBSERVABILITY_COMPONENTS.logShipper;
    return {
      loki,
      shipper: new ChartRelease(this, shipper.id, {
        ...releaseOf(shipper, s.namespace),
        values: logShipperValues(`${s.lokiUrl}/otlp`, shipper.serviceAccount, s.sizing.logShipper),
        dependsOn: [...at.base, loki.release.release],
      }),
    };
  }

  /** Traces: Tempo on the trace bucket, its span metrics written to Prometheus. */
  private installTempo(
    props: ObservabilityProps,
    s: Settings,
    at: Placement,
    after: readonly ITerraformDependable[],
  ) {
    if (!s.withTempo || props.traceBucket === undefined) return undefined;
    const prometheus = OBSERVABILITY_COMPONENTS.monitoring;
    return this.bucketRelease(
      TEMPO,
      "Tempo",
      s,
      props.traceBucket,
      tempoValues({
        bucketName: props.traceBucket.bucketName,
        region: s.region,
        retentionDays: s.tempoRetentionDays,
        storageClassName: at.volumes,
        serviceAccount: TEMPO.serviceAccount,
        remoteWriteUrl: s.withMonitoring
          ? `${serviceUrl(s.namespace, prometheus, prometheus.ports.http)}/api/v1/write`
          : undefined,
        serviceMonitor: s.withMonitoring,
        requests: s.tempoRequests,
      }),
      after,
    );
  }

  /** A component that keeps its data in a bucket: its Pod Identity role may use that bucket (and its key) only. */
  private bucketRelease(
    c: typeof LOKI | typeof TEMPO,
    title: string,
    s: Settings,
    bucket: IObjectStorage,
    values: object,
    after: readonly ITerraformDependable[],
  ) {
    return podIdentityRelease(this, c.id, {
      cluster: s.cluster,
      serviceAccount: c.serviceAccount,
      roleDescription: `${title} of EKS cluster ${s.cluster.clusterName}: its ${c.bucket} bucket only`,
      policies: { [`${c.bucket}-bucket`]: bucket.grantReadWrite() },
      ...releaseOf(c, s.namespace),
      values,
      dependsOn: after,
    });
  }

  /** The OTLP gateway: traces to Tempo (and X-Ray), OTLP metrics to Prometheus, logs to Loki. */
  private installOtlpGateway(s: Settings, after: readonly ITerraformDependable[]) {
    if (!s.withTracing) return undefined;
    return podIdentityRelease(this, OTLP.id, {
      cluster: s.cluster,
      serviceAccount: OTLP.serviceAccount,
      roleDescription: `OTLP gateway of EKS cluster ${s.cluster.clusterName}: sends traces to X-Ray`,
      policies: s.withXray ? { "xray-write": XRAY_WRITE_POLICY } : undefined,
      ...releaseOf(OTLP, s.namespace),
      values: otlpGatewayValues({
        region: s.region,
        serviceAccount: OTLP.serviceAccount,
        tempoOtlpEndpoint: s.withTempo
          ? `${serviceHost(s.namespace, TEMPO)}:${TEMPO.ports.otlpGrpc}`
          : undefined,
        xray: s.withXray,
        lokiOtlpUrl: s.lokiUrl !== undefined ? `${s.lokiUrl}/otlp` : undefined,
        prometheus: s.withMonitoring,
        sizing: s.sizing.otlpGateway,
      }),
      dependsOn: after,
    });
  }

  /** The SLOs of the running components (after Prometheus's CRDs). */
  private createSlos(s: Settings, monitoring: ChartRelease): ServiceLevelObjectives {
    const c = OBSERVABILITY_COMPONENTS.slos;
    return new ServiceLevelObjectives(this, c.id, {
      namespace: s.namespace,
      releaseName: c.releaseName,
      objectives: platformServiceLevelObjectives(
        s.sloObjectives,
        { coreDns: true, lokiWrite: s.withLogging, tempoWrite: s.withTracing },
        s.namespace,
      ),
      dependsOn: [monitoring.release],
    });
  }
}

/** The release-level props of a component: chart, release name, namespace and timeout. */
function releaseOf(
  c: { readonly chart: ChartSource; readonly releaseName: string; readonly timeoutSeconds?: number },
  namespace: string,
): Pick<ChartReleaseProps, "source" | "releaseName" | "namespace" | "timeoutSeconds"> {
  return {
    source: c.chart,
    releaseName: c.releaseName,
    namespace,
    ...(c.timeoutSeconds !== undefined ? { timeoutSeconds: c.timeoutSeconds } : {}),
  };
}

/** The OTLP gateway's X-Ray access: X-Ray's trace and sampling APIs support no resource-level permissions. */
const XRAY_WRITE_POLICY = policyDocument({
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
});
