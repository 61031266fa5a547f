/**
 * Typed values of the observability charts: the subset of each chart's `values.yaml` the platform
 * sets, built by small functions so that the construct reads as composition. Releases serialize
 * them with JSON.stringify (JSON is YAML): no values are ever written as text, and no value holds a
 * secret (credentials come from Kubernetes Secrets by name, AWS access from Pod Identity).
 */

import { ServiceAccountValues } from "../../helm/chart-values";
import { OBSERVABILITY_COMPONENTS } from "../components";
import { GrafanaDatasourcesValues, grafanaDatasourcesValues } from "./grafana-values";

/** How Loki runs: one binary (small, no HA), or read/write/backend targets (scalable, HA). */
export const LOKI_MODES = ["singleBinary", "simpleScalable"] as const;
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
      /** Exemplars (trace ids on samples) kept, for the jump from a metric to its trace. */
      readonly enableFeatures: readonly string[];
      /** Accepts remote writes (Tempo's span metrics and service graph), when traces are kept. */
      readonly enableRemoteWriteReceiver: boolean;
      readonly resources: ResourcesValues;
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
  readonly grafana: GrafanaDatasourcesValues & {
    /** Absent: the chart generates the admin password into its own Secret. */
    readonly admin?: {
      readonly existingSecret: string;
      readonly userKey: string;
      readonly passwordKey: string;
    };
    /** Values of the grafana subchart (passed through by kube-prometheus-stack). */
    readonly serviceAccount: ServiceAccountValues;
    readonly resources: ResourcesValues;
  };
  /** EKS runs these on the managed control plane (or binds them to localhost): nothing to scrape. */
  readonly kubeControllerManager: { readonly enabled: boolean };
  readonly kubeScheduler: { readonly enabled: boolean };
  readonly kubeEtcd: { readonly enabled: boolean };
  readonly kubeProxy: { readonly enabled: boolean };
}

/** CPU and memory a pod requests. */
export interface ResourceRequests {
  /** CPU, in millicores. */
  readonly cpuMillis: number;
  /** Memory, in MiB. */
  readonly memoryMiB: number;
}

/** Requests of a component with a replica count. */
export interface ScaledRequests extends ResourceRequests {
  /** Pods of the component. */
  readonly replicas: number;
}

/** A container's `resources` value: requests only (no CPU limit: throttling; memory limits are the chart's business). */
export interface ResourcesValues {
  readonly requests: { readonly cpu: string; readonly memory: string };
}

/** The `resources` value of some requests. */
export function resourcesValues(requests: ResourceRequests): ResourcesValues {
  return { requests: { cpu: `${requests.cpuMillis}m`, memory: `${requests.memoryMiB}Mi` } };
}

/** A Loki target's replicas and requests. */
interface LokiTargetValues {
  readonly replicas: number;
  readonly resources: ResourcesValues;
}

/** A Loki memcached cache: `allocatedMemory` (MiB) sets memcached's `-m` and a request of 1.2 × it. */
interface LokiCacheValues {
  readonly enabled: boolean;
  readonly allocatedMemory?: number;
}

/** Loki (grafana-community). */
export interface LokiValues {
  /** `Monolithic` (the chart's name for the former `SingleBinary`) or `SimpleScalable`. */
  readonly deploymentMode: "Monolithic" | "SimpleScalable";
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
      readonly bucketNames: { readonly chunks: string; readonly ruler: string };
      readonly s3: { readonly region: string };
    };
    readonly limits_config: { readonly retention_period: string };
    readonly compactor: { readonly retention_enabled: boolean; readonly delete_request_store: "s3" };
  };
  readonly serviceAccount: ServiceAccountValues;
  readonly singleBinary: LokiTargetValues & { readonly persistence: PersistenceValues };
  readonly read: LokiTargetValues;
  /** The write StatefulSet always claims volumes (its persistence has no `enabled`). */
  readonly write: LokiTargetValues & { readonly persistence: Omit<PersistenceValues, "enabled"> };
  readonly backend: LokiTargetValues & { readonly persistence: PersistenceValues };
  readonly chunksCache: LokiCacheValues;
  readonly resultsCache: LokiCacheValues;
  readonly lokiCanary: { readonly enabled: boolean };
  readonly test: { readonly enabled: boolean };
  readonly minio: { readonly enabled: boolean };
  readonly gateway: LokiTargetValues & { readonly enabled: boolean };
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
  readonly resources: ResourcesValues;
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
  /** Tempo's HTTP API, when traces are kept (datasource, exemplars, remote write receiver). */
  readonly tempoUrl?: string;
  /** The CloudWatch datasource's default region; none: no CloudWatch datasource. */
  readonly cloudWatchRegion?: string;
  /** Grafana's service account (the CloudWatch datasource's Pod Identity association names it). */
  readonly grafanaServiceAccount: string;
  /** Requests of the Prometheus server. */
  readonly prometheus: ResourceRequests;
  /** Requests of Grafana. */
  readonly grafana: ResourceRequests;
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
        enableFeatures: ["exemplar-storage"],
        enableRemoteWriteReceiver: inputs.tempoUrl !== undefined,
        resources: resourcesValues(inputs.prometheus),
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
      ...grafanaDatasourcesValues({
        lokiUrl: inputs.lokiUrl,
        tempoUrl: inputs.tempoUrl,
        cloudWatchRegion: inputs.cloudWatchRegion,
      }),
      serviceAccount: { create: true, name: inputs.grafanaServiceAccount },
      resources: resourcesValues(inputs.grafana),
    },
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
  };
}

/** How big each Loki component is. */
export interface LokiSizing {
  /** The single binary (mode `singleBinary`); always one replica. */
  readonly singleBinary: ResourceRequests;
  /** Read targets (mode `simpleScalable`). */
  readonly read: ScaledRequests;
  /** Write targets (mode `simpleScalable`); the replication factor is min(3, replicas). */
  readonly write: ScaledRequests;
  /** Backend targets (mode `simpleScalable`). */
  readonly backend: ScaledRequests;
  /** The nginx gateway in front of Loki. */
  readonly gateway: ScaledRequests;
  /** memcached memory of the chunks cache, in MiB (mode `simpleScalable`); the pod requests 1.2 × it. */
  readonly chunksCacheMiB: number;
  /** memcached memory of the results cache, in MiB (mode `simpleScalable`); the pod requests 1.2 × it. */
  readonly resultsCacheMiB: number;
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
  readonly sizing: LokiSizing;
}

/**
 * Loki on S3 (TSDB, schema v13) with compactor-driven retention, monolithic or simple-scalable.
 * Every component keeps the chart's hard one-pod-per-node anti-affinity, so replicas must not
 * exceed the nodes (the release capacity check enforces it).
 */
export function lokiValues(inputs: LokiInputs): LokiValues {
  const scalable = inputs.mode === "simpleScalable";
  const { sizing } = inputs;
  const persistence = (size: string): PersistenceValues => ({
    enabled: true,
    storageClass: inputs.storageClassName,
    size,
  });
  const target = (requests: ResourceRequests, replicas: number): LokiTargetValues => ({
    replicas,
    resources: resourcesValues(requests),
  });
  return {
    deploymentMode: scalable ? "SimpleScalable" : "Monolithic",
    loki: {
      // One tenant per cluster: the gateway is reachable inside the cluster only.
      auth_enabled: false,
      commonConfig: { replication_factor: scalable ? Math.min(3, sizing.write.replicas) : 1 },
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
        bucketNames: { chunks: inputs.bucketName, ruler: inputs.bucketName },
        s3: { region: inputs.region },
      },
      limits_config: { retention_period: `${inputs.retentionDays * 24}h` },
      compactor: { retention_enabled: true, delete_request_store: "s3" },
    },
    serviceAccount: { create: true, name: inputs.serviceAccount },
    singleBinary: { ...target(sizing.singleBinary, scalable ? 0 : 1), persistence: persistence("10Gi") },
    read: target(sizing.read, scalable ? sizing.read.replicas : 0),
    write: {
      ...target(sizing.write, scalable ? sizing.write.replicas : 0),
      persistence: { storageClass: inputs.storageClassName, size: "10Gi" },
    },
    backend: {
      ...target(sizing.backend, scalable ? sizing.backend.replicas : 0),
      persistence: persistence("10Gi"),
    },
    // The memcached caches pay off at scalable sizes only; sized explicitly (the chart's default
    // chunks cache requests 8192 MiB × 1.2, more than a whole 8 GiB node).
    chunksCache: scalable ? { enabled: true, allocatedMemory: sizing.chunksCacheMiB } : { enabled: false },
    resultsCache: scalable ? { enabled: true, allocatedMemory: sizing.resultsCacheMiB } : { enabled: false },
    lokiCanary: { enabled: false },
    test: { enabled: false },
    minio: { enabled: false },
    gateway: { enabled: true, ...target(sizing.gateway, sizing.gateway.replicas) },
    monitoring: { serviceMonitor: { enabled: inputs.serviceMonitor } },
  };
}

/** The log shipper: an OpenTelemetry collector on every node, container logs to Loki over OTLP. */
export function logShipperValues(
  lokiOtlpUrl: string,
  serviceAccount: string,
  requests: ResourceRequests,
): OpenTelemetryCollectorValues {
  return {
    fullnameOverride: OBSERVABILITY_COMPONENTS.logShipper.releaseName,
    mode: "daemonset",
    // The Kubernetes distribution has the filelog receiver and the k8sattributes processor.
    image: { repository: "otel/opentelemetry-collector-k8s" },
    serviceAccount: { create: true, name: serviceAccount },
    resources: resourcesValues(requests),
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
  /** Tempo's OTLP gRPC endpoint (`host:port`), when traces are kept in Tempo. */
  readonly tempoOtlpEndpoint?: string;
  /** Also sends traces to AWS X-Ray (the gateway's role must allow it). */
  readonly xray: boolean;
  /** Loki's OTLP endpoint, when logs are kept. */
  readonly lokiOtlpUrl?: string;
  /** Exposes received metrics for Prometheus (and a ServiceMonitor), when monitoring runs. */
  readonly prometheus: boolean;
  /** Replicas and per-pod requests. */
  readonly sizing: ScaledRequests;
}

/** The OTLP gateway's name: its Service is `<name>.<namespace>.svc` (OTLP on 4317 gRPC, 4318 HTTP). */
export const OTLP_GATEWAY_NAME = OBSERVABILITY_COMPONENTS.otlpGateway.service;
/** The port the OTLP gateway exposes received metrics on, for Prometheus. */
export const OTLP_METRICS_PORT = 8889;
/** The gateway's exporter to Tempo (`otlp_grpc`: the collector's current name of the OTLP gRPC exporter). */
export const TEMPO_EXPORTER = "otlp_grpc/tempo";

/**
 * The OTLP gateway: an OpenTelemetry collector (replicas by sizing) receiving OTLP from applications; traces
 * to Tempo over OTLP gRPC (and to AWS X-Ray when asked), metrics to Prometheus (scraped), logs to Loki.
 * A signal without a backend is dropped by leaving its pipeline out.
 */
export function otlpGatewayValues(inputs: OtlpGatewayInputs): OpenTelemetryCollectorValues {
  const exporters: Record<string, object> = {};
  const traceExporters: string[] = [];
  if (inputs.tempoOtlpEndpoint !== undefined) {
    // In-cluster plaintext gRPC: Tempo's receiver has no TLS, and the traffic never leaves the cluster network.
    exporters[TEMPO_EXPORTER] = { endpoint: inputs.tempoOtlpEndpoint, tls: { insecure: true } };
    traceExporters.push(TEMPO_EXPORTER);
  }
  if (inputs.xray) {
    exporters.awsxray = { region: inputs.region };
    traceExporters.push("awsxray");
  }
  if (inputs.prometheus) {
    // OpenMetrics carries exemplars: a metric's sample keeps the trace id it was recorded in.
    exporters.prometheus = { endpoint: `0.0.0.0:${OTLP_METRICS_PORT}`, enable_open_metrics: true };
  }
  if (inputs.lokiOtlpUrl !== undefined) exporters["otlphttp/loki"] = { endpoint: inputs.lokiOtlpUrl };
  return {
    fullnameOverride: OTLP_GATEWAY_NAME,
    mode: "deployment",
    replicaCount: inputs.sizing.replicas,
    // The contrib distribution has the prometheus and awsxray exporters (the k8s distribution has neither).
    image: { repository: "otel/opentelemetry-collector-contrib" },
    serviceAccount: { create: true, name: inputs.serviceAccount },
    resources: resourcesValues(inputs.sizing),
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
          traces: traceExporters.length > 0 ? { exporters: traceExporters } : null,
          metrics: inputs.prometheus ? { exporters: ["prometheus"] } : null,
          logs: inputs.lokiOtlpUrl !== undefined ? { exporters: ["otlphttp/loki"] } : null,
        },
      },
    },
  };
}
