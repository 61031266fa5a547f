import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { policyDocument } from "../core/iam";
import { PropValidator } from "../core/validation";
import { PodIdentityCluster, PodIdentityRole } from "../eks/pod-identity-role";
import { ChartRelease, podIdentityDependencies } from "../helm/chart-release";
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
import { PlatformAlarms } from "./platform-alarms";
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
  /** Installs an OTLP gateway (OpenTelemetry collector): traces to X-Ray, metrics to Prometheus, logs to Loki. @default true */
  readonly tracing?: boolean;
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
  /** Replicas and resource requests of every release (what the capacity check counts). @default DEFAULT_OBSERVABILITY_SIZING */
  readonly sizing?: ObservabilitySizing;
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
}

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
};

/** Service accounts of the observability releases (Pod Identity associates the ones with AWS access). */
export const OBSERVABILITY_SERVICE_ACCOUNTS = {
  loki: "loki",
  logShipper: "log-shipper",
  otlpGateway: "otel-collector",
} as const;

/**
 * Observability for an EKS cluster and its environment, each part optional:
 * - kube-prometheus-stack: retention and volume sized per environment, every ServiceMonitor,
 *   PodMonitor and rule of every namespace selected, EKS-managed control-plane jobs off, Grafana's
 *   admin login and Alertmanager's receivers read from Kubernetes Secrets that Terraform never sees;
 * - Loki on an S3 bucket of the object-storage construct, through a Pod Identity role limited to
 *   that bucket (and its key), with schema v13 and compactor retention;
 * - a log shipper (OpenTelemetry collector DaemonSet) sending container logs to Loki over OTLP;
 * - an OTLP gateway (OpenTelemetry collector): traces to AWS X-Ray, metrics to Prometheus, logs to Loki;
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
  /** The environment's alarm topic and alarms. */
  readonly alarms: PlatformAlarms;
  /** ARN of the alarm topic. */
  readonly alarmTopicArn: string;
  /** The namespace of the releases. */
  readonly namespace: string;

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
    const grafanaAdminSecretName = props.grafanaAdminSecretName;
    const alertmanagerConfigSecretName = props.alertmanagerConfigSecretName ?? "alertmanager-config";
    const sizing = props.sizing ?? DEFAULT_OBSERVABILITY_SIZING;

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
    v.check(
      "lokiRetentionDays",
      lokiRetentionDays,
      (d) => Number.isInteger(d) && d >= 1 && d <= 3650,
      "must be a whole number of days from 1 to 3650",
    );
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
    validateSizing(v, sizing);
    v.check(
      "logBucket",
      props.logBucket,
      (b) => !withLogging || b !== undefined,
      "is required when logging is on (Loki stores chunks and indexes in it)",
    );
    v.throwIfInvalid();

    const ctx = awsContext(this);
    const region = props.region ?? ctx.region;
    this.namespace = namespaceName;
    this.alarms = new PlatformAlarms(this, "Alarms", {
      name: props.alarmName ?? id.toLowerCase().replace(/[^a-z0-9-]/g, "-"),
      emails: props.alarmEmails,
      subscribeToTopicArns: props.alarmSubscribeToTopicArns,
      natGatewayIds: props.natGatewayIds,
      databaseInstanceIdentifiers: props.databaseInstanceIdentifiers,
      loadBalancerAlarms: props.loadBalancerAlarms,
      // Only the load balancers this cluster's controller created: one environment's, never its neighbours'.
      loadBalancerClusterName: props.cluster.clusterName,
    });
    this.alarmTopicArn = this.alarms.topicArn;
    if (!withMonitoring && !withLogging && !withTracing) return;

    const namespace = new NamespaceV1(this, "Namespace", {
      metadata: {
        name: namespaceName,
        labels: { "app.kubernetes.io/managed-by": "cdktf", "platform.layer": "observability" },
      },
    });
    const base: ITerraformDependable[] = [namespace, ...(props.dependsOn ?? [])];
    const needsVolumes = withMonitoring || withLogging;
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
    const serviceUrl = (service: string) => `http://${service}.${namespaceName}.svc.cluster.local`;
    const lokiUrl = withLogging ? serviceUrl("loki-gateway") : undefined;
    const lokiOtlpUrl = lokiUrl !== undefined ? `${lokiUrl}/otlp` : undefined;

    // ---- metrics: kube-prometheus-stack (its CRDs come first: the other charts' ServiceMonitors need them)
    if (withMonitoring) {
      this.monitoring = new ChartRelease(this, "KubePrometheusStack", {
        source: HELM_CHARTS.kubePrometheusStack,
        releaseName: "kube-prometheus-stack",
        namespace: namespaceName,
        timeoutSeconds: 900,
        values: kubePrometheusStackValues({
          retentionDays,
          storageGiB,
          storageClassName: volumes,
          grafanaAdminSecretName,
          alertmanagerConfigSecretName,
          lokiUrl,
          prometheus: sizing.prometheus,
          grafana: sizing.grafana,
        }),
        dependsOn: base,
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

    // ---- traces (and OTLP metrics and logs): the OTLP gateway
    if (withTracing) {
      const gatewayRole = new PodIdentityRole(this, "OtlpGatewayRole", {
        cluster: props.cluster,
        namespace: namespaceName,
        serviceAccount: OBSERVABILITY_SERVICE_ACCOUNTS.otlpGateway,
        description: `OTLP gateway of EKS cluster ${props.cluster.clusterName}: sends traces to X-Ray`,
        policies: {
          // X-Ray's trace and sampling APIs support no resource-level permissions.
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
        },
      });
      this.otlpGateway = new ChartRelease(this, "OtlpGateway", {
        source: HELM_CHARTS.openTelemetryCollector,
        releaseName: "otel-collector",
        namespace: namespaceName,
        values: otlpGatewayValues({
          region,
          serviceAccount: OBSERVABILITY_SERVICE_ACCOUNTS.otlpGateway,
          lokiOtlpUrl,
          prometheus: withMonitoring,
          sizing: sizing.otlpGateway,
        }),
        dependsOn: [
          ...afterMonitoring,
          ...(this.loki ? [this.loki.release] : []),
          ...podIdentityDependencies(gatewayRole),
        ],
      });
      this.otlpEndpoint = `${serviceUrl(OTLP_GATEWAY_NAME)}:4318`;
    }
  }
}

/** Replicas and requests must be whole, positive and sane; the capacity check does the rest. */
function validateSizing(v: PropValidator, sizing: ObservabilitySizing): void {
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
