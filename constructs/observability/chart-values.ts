/**
 * Typed values of the observability charts: the subset of each chart's `values.yaml` the platform
 * sets, built by small functions so that the construct reads as composition. Releases serialize
 * them with JSON.stringify (JSON is YAML): no values are ever written as text, and no value holds a
 * secret (credentials come from Kubernetes Secrets by name, AWS access from Pod Identity).
 */

import { ServiceAccountValues } from "../ingress/chart-values";

/** How Loki runs: one binary (small, no HA), or read/write/backend targets (scalable, HA). */
export type LokiMode = "singleBinary" | "simpleScalable";

/** A persistent volume request of a chart component. */
interface PersistenceValues {
  readonly enabled: boolean;
  readonly storageClass: string;
  readonly size: string;
}

/** kube-prometheus-stack (prometheus-community). */
export interface KubePrometheusStackValues {
  readonly crds: { readonly enabled: boolean };
  readonly prometheus: {
    readonly prometheusSpec: {
      readonly retention: string;
      readonly retentionSize: string;
      /** With the `*NilUsesHelmValues` flags off and empty selectors, every monitor in every namespace is picked up. */
      readonly serviceMonitorSelectorNilUsesHelmValues: boolean;
      readonly podMonitorSelectorNilUsesHelmValues: boolean;
      readonly ruleSelectorNilUsesHelmValues: boolean;
      readonly probeSelectorNilUsesHelmValues: boolean;
      readonly scrapeConfigSelectorNilUsesHelmValues: boolean;
      readonly serviceMonitorSelector: Record<string, never>;
      readonly serviceMonitorNamespaceSelector: Record<string, never>;
      readonly podMonitorSelector: Record<string, never>;
      readonly podMonitorNamespaceSelector: Record<string, never>;
      readonly ruleSelector: Record<string, never>;
      readonly ruleNamespaceSelector: Record<string, never>;
      readonly storageSpec: {
        readonly volumeClaimTemplate: {
          readonly spec: {
            readonly storageClassName: string;
            readonly accessModes: readonly string[];
            readonly resources: { readonly requests: { readonly storage: string } };
          };
        };
      };
    };
  };
  readonly alertmanager: {
    readonly alertmanagerSpec: { readonly useExistingSecret: boolean; readonly configSecret: string };
  };
  readonly grafana: {
    /** Absent: the chart generates the admin password into its own Secret. */
    readonly admin?: {
      readonly existingSecret: string;
      readonly userKey: string;
      readonly passwordKey: string;
    };
    readonly additionalDataSources: readonly GrafanaDataSource[];
  };
  /** EKS runs these on the managed control plane (or binds them to localhost): nothing to scrape. */
  readonly kubeControllerManager: { readonly enabled: boolean };
  readonly kubeScheduler: { readonly enabled: boolean };
  readonly kubeEtcd: { readonly enabled: boolean };
  readonly kubeProxy: { readonly enabled: boolean };
}

/** A Grafana data source provisioned by the chart. */
export interface GrafanaDataSource {
  readonly name: string;
  readonly type: string;
  readonly uid: string;
  readonly url: string;
  readonly access: "proxy";
}

/** Loki (grafana-community). */
export interface LokiValues {
  readonly deploymentMode: "SingleBinary" | "SimpleScalable";
  readonly loki: {
    readonly auth_enabled: boolean;
    readonly commonConfig: { readonly replication_factor: number };
    readonly schemaConfig: {
      readonly configs: readonly {
        readonly from: string;
        readonly store: "tsdb";
        readonly object_store: "s3";
        readonly schema: "v13";
        readonly index: { readonly prefix: string; readonly period: string };
      }[];
    };
    readonly storage: {
      readonly type: "s3";
      readonly bucketNames: { readonly chunks: string; readonly ruler: string; readonly admin: string };
      readonly s3: { readonly region: string };
    };
    readonly limits_config: { readonly retention_period: string };
    readonly compactor: { readonly retention_enabled: boolean; readonly delete_request_store: "s3" };
  };
  readonly serviceAccount: ServiceAccountValues;
  readonly singleBinary: { readonly replicas: number; readonly persistence: PersistenceValues };
  readonly read: { readonly replicas: number };
  readonly write: { readonly replicas: number; readonly persistence: PersistenceValues };
  readonly backend: { readonly replicas: number; readonly persistence: PersistenceValues };
  readonly chunksCache: { readonly enabled: boolean };
  readonly resultsCache: { readonly enabled: boolean };
  readonly lokiCanary: { readonly enabled: boolean };
  readonly test: { readonly enabled: boolean };
  readonly minio: { readonly enabled: boolean };
  readonly gateway: { readonly enabled: boolean };
  readonly monitoring: { readonly serviceMonitor: { readonly enabled: boolean } };
}

/** An OpenTelemetry collector pipeline; `null` removes a pipeline of the chart's defaults. */
type Pipeline = { readonly exporters: readonly string[] } | null;

/** opentelemetry-collector (open-telemetry). */
export interface OpenTelemetryCollectorValues {
  /** Names the collector's objects (its Service is the OTLP endpoint). */
  readonly fullnameOverride: string;
  readonly mode: "daemonset" | "deployment";
  readonly replicaCount?: number;
  readonly image: { readonly repository: string };
  readonly serviceAccount: ServiceAccountValues;
  readonly presets?: {
    readonly logsCollection: { readonly enabled: boolean };
    readonly kubernetesAttributes: { readonly enabled: boolean };
  };
  readonly ports?: Readonly<
    Record<
      string,
      {
        readonly enabled: boolean;
        readonly containerPort: number;
        readonly servicePort: number;
        readonly protocol: "TCP";
      }
    >
  >;
  readonly serviceMonitor?: {
    readonly enabled: boolean;
    readonly metricsEndpoints: readonly { readonly port: string }[];
  };
  readonly config: {
    readonly exporters: Readonly<Record<string, object>>;
    readonly service: {
      readonly pipelines: {
        readonly logs?: Pipeline;
        readonly metrics?: Pipeline;
        readonly traces?: Pipeline;
      };
    };
  };
}

/** What the kube-prometheus-stack values are built from. */
export interface KubePrometheusStackInputs {
  readonly retentionDays: number;
  readonly storageGiB: number;
  readonly storageClassName: string;
  readonly grafanaAdminSecretName?: string;
  readonly alertmanagerConfigSecretName: string;
  readonly lokiUrl?: string;
}

/** kube-prometheus-stack for EKS: retention and storage sized, every monitor selected, no control-plane jobs. */
export function kubePrometheusStackValues(inputs: KubePrometheusStackInputs): KubePrometheusStackValues {
  const selectAll = {};
  return {
    crds: { enabled: true },
    prometheus: {
      prometheusSpec: {
        retention: `${inputs.retentionDays}d`,
        // Drop the oldest blocks before the volume fills up (15% headroom for the WAL and compaction).
        retentionSize: `${Math.floor(inputs.storageGiB * 0.85)}GB`,
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        scrapeConfigSelectorNilUsesHelmValues: false,
        serviceMonitorSelector: selectAll,
        serviceMonitorNamespaceSelector: selectAll,
        podMonitorSelector: selectAll,
        podMonitorNamespaceSelector: selectAll,
        ruleSelector: selectAll,
        ruleNamespaceSelector: selectAll,
        storageSpec: {
          volumeClaimTemplate: {
            spec: {
              storageClassName: inputs.storageClassName,
              accessModes: ["ReadWriteOnce"],
              resources: { requests: { storage: `${inputs.storageGiB}Gi` } },
            },
          },
        },
      },
    },
    alertmanager: {
      alertmanagerSpec: { useExistingSecret: true, configSecret: inputs.alertmanagerConfigSecretName },
    },
    grafana: {
      ...(inputs.grafanaAdminSecretName !== undefined
        ? {
            admin: {
              existingSecret: inputs.grafanaAdminSecretName,
              userKey: "admin-user",
              passwordKey: "admin-password",
            },
          }
        : {}),
      additionalDataSources:
        inputs.lokiUrl !== undefined
          ? [{ name: "Loki", type: "loki", uid: "loki", url: inputs.lokiUrl, access: "proxy" }]
          : [],
    },
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
  };
}

/** What the Loki values are built from. */
export interface LokiInputs {
  readonly mode: LokiMode;
  readonly bucketName: string;
  readonly region: string;
  readonly retentionDays: number;
  readonly storageClassName: string;
  readonly serviceAccount: string;
  readonly serviceMonitor: boolean;
}

/** Loki on S3 (TSDB, schema v13) with compactor-driven retention, single-binary or simple-scalable. */
export function lokiValues(inputs: LokiInputs): LokiValues {
  const scalable = inputs.mode === "simpleScalable";
  const persistence = (size: string): PersistenceValues => ({
    enabled: true,
    storageClass: inputs.storageClassName,
    size,
  });
  return {
    deploymentMode: scalable ? "SimpleScalable" : "SingleBinary",
    loki: {
      // One tenant per cluster: the gateway is reachable inside the cluster only.
      auth_enabled: false,
      commonConfig: { replication_factor: scalable ? 3 : 1 },
      schemaConfig: {
        configs: [
          {
            from: "2024-04-01",
            store: "tsdb",
            object_store: "s3",
            schema: "v13",
            index: { prefix: "loki_index_", period: "24h" },
          },
        ],
      },
      storage: {
        type: "s3",
        // One bucket, Loki's own prefixes; credentials come from the Pod Identity role.
        bucketNames: { chunks: inputs.bucketName, ruler: inputs.bucketName, admin: inputs.bucketName },
        s3: { region: inputs.region },
      },
      limits_config: { retention_period: `${inputs.retentionDays * 24}h` },
      compactor: { retention_enabled: true, delete_request_store: "s3" },
    },
    serviceAccount: { create: true, name: inputs.serviceAccount },
    singleBinary: { replicas: scalable ? 0 : 1, persistence: persistence("10Gi") },
    read: { replicas: scalable ? 2 : 0 },
    write: { replicas: scalable ? 3 : 0, persistence: persistence("10Gi") },
    backend: { replicas: scalable ? 2 : 0, persistence: persistence("10Gi") },
    // The memcached caches reserve gigabytes of memory: worth it only at scalable sizes.
    chunksCache: { enabled: scalable },
    resultsCache: { enabled: scalable },
    lokiCanary: { enabled: false },
    test: { enabled: false },
    minio: { enabled: false },
    gateway: { enabled: true },
    monitoring: { serviceMonitor: { enabled: inputs.serviceMonitor } },
  };
}

/** The log shipper: an OpenTelemetry collector on every node, container logs to Loki over OTLP. */
export function logShipperValues(lokiOtlpUrl: string, serviceAccount: string): OpenTelemetryCollectorValues {
  return {
    fullnameOverride: "log-shipper",
    mode: "daemonset",
    // The Kubernetes distribution has the filelog receiver and the k8sattributes processor.
    image: { repository: "otel/opentelemetry-collector-k8s" },
    serviceAccount: { create: true, name: serviceAccount },
    presets: { logsCollection: { enabled: true }, kubernetesAttributes: { enabled: true } },
    config: {
      exporters: { "otlphttp/loki": { endpoint: lokiOtlpUrl } },
      service: { pipelines: { logs: { exporters: ["otlphttp/loki"] }, metrics: null, traces: null } },
    },
  };
}

/** What the OTLP gateway's values are built from. */
export interface OtlpGatewayInputs {
  readonly region: string;
  readonly serviceAccount: string;
  /** Loki's OTLP endpoint, when logs are kept. */
  readonly lokiOtlpUrl?: string;
  /** Exposes received metrics for Prometheus (and a ServiceMonitor), when monitoring runs. */
  readonly prometheus: boolean;
}

/** The OTLP gateway's name: its Service is `<name>.<namespace>.svc` (OTLP on 4317 gRPC, 4318 HTTP). */
export const OTLP_GATEWAY_NAME = "otel-collector";
/** The port the OTLP gateway exposes received metrics on, for Prometheus. */
export const OTLP_METRICS_PORT = 8889;

/**
 * The OTLP gateway: an OpenTelemetry collector (2 replicas) receiving OTLP from applications; traces
 * to AWS X-Ray, metrics to Prometheus (scraped), logs to Loki. A signal without a backend is dropped
 * by leaving its pipeline out.
 */
export function otlpGatewayValues(inputs: OtlpGatewayInputs): OpenTelemetryCollectorValues {
  const exporters: Record<string, object> = { awsxray: { region: inputs.region } };
  if (inputs.prometheus) exporters.prometheus = { endpoint: `0.0.0.0:${OTLP_METRICS_PORT}` };
  if (inputs.lokiOtlpUrl !== undefined) exporters["otlphttp/loki"] = { endpoint: inputs.lokiOtlpUrl };
  return {
    fullnameOverride: OTLP_GATEWAY_NAME,
    mode: "deployment",
    replicaCount: 2,
    // The contrib distribution has the awsxray and prometheus exporters.
    image: { repository: "otel/opentelemetry-collector-contrib" },
    serviceAccount: { create: true, name: inputs.serviceAccount },
    ...(inputs.prometheus
      ? {
          ports: {
            "otlp-metrics": {
              enabled: true,
              containerPort: OTLP_METRICS_PORT,
              servicePort: OTLP_METRICS_PORT,
              protocol: "TCP",
            },
          },
          serviceMonitor: { enabled: true, metricsEndpoints: [{ port: "otlp-metrics" }] },
        }
      : {}),
    config: {
      exporters,
      service: {
        pipelines: {
          traces: { exporters: ["awsxray"] },
          metrics: inputs.prometheus ? { exporters: ["prometheus"] } : null,
          logs: inputs.lokiOtlpUrl !== undefined ? { exporters: ["otlphttp/loki"] } : null,
        },
      },
    },
  };
}
