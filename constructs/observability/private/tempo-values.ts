/**
 * Typed values of the Grafana Tempo chart (grafana-community `tempo`, monolithic): traces on S3
 * through Pod Identity, block retention by the compactor, a WAL on a persistent volume, and the
 * metrics generator writing span metrics and the service graph to Prometheus.
 */

import { ServiceAccountValues } from "../../helm/chart-values";
import { ResourceRequests, ResourcesValues, resourcesValues } from "./chart-values";
import { OBSERVABILITY_COMPONENTS } from "../components";

/** The Tempo release's name: its Service is `tempo.<namespace>.svc` (HTTP API 3200, OTLP 4317 gRPC / 4318 HTTP). */
export const TEMPO_NAME = OBSERVABILITY_COMPONENTS.tempo.service;
/** Tempo's HTTP API port (queries from Grafana). */
export const TEMPO_HTTP_PORT = OBSERVABILITY_COMPONENTS.tempo.ports.http;
/** Tempo's OTLP gRPC port (the gateway's exporter). */
export const TEMPO_OTLP_GRPC_PORT = OBSERVABILITY_COMPONENTS.tempo.ports.otlpGrpc;

/** The metrics-generator processors Tempo runs: the service graph and per-span RED metrics. */
export const TEMPO_METRICS_PROCESSORS = ["service-graphs", "span-metrics"] as const;

/** Tempo (grafana-community `tempo`, monolithic). */
export interface TempoValues {
  readonly fullnameOverride: string;
  readonly replicas: number;
  readonly tempo: {
    /** No anonymous usage reports leave the cluster. */
    readonly reportingEnabled: boolean;
    readonly resources: ResourcesValues;
    /** The compactor's block retention (Go duration). */
    readonly retention: string;
    readonly storage: {
      readonly trace: {
        readonly backend: "s3";
        readonly s3: { readonly bucket: string; readonly endpoint: string; readonly region: string };
        readonly wal: { readonly path: string };
      };
    };
    readonly receivers: {
      readonly otlp: {
        readonly protocols: {
          readonly grpc: { readonly endpoint: string };
          readonly http: { readonly endpoint: string };
        };
      };
    };
    readonly metricsGenerator: { readonly enabled: boolean; readonly remoteWriteUrl?: string };
    readonly overrides: {
      readonly defaults: {
        readonly metrics_generator?: { readonly processors: readonly string[] };
      };
    };
  };
  readonly serviceAccount: ServiceAccountValues;
  readonly persistence: {
    readonly enabled: boolean;
    readonly storageClassName: string;
    readonly size: string;
  };
  readonly serviceMonitor: { readonly enabled: boolean };
}

/** What the Tempo values are built from. */
export interface TempoInputs {
  readonly bucketName: string;
  readonly region: string;
  readonly retentionDays: number;
  readonly storageClassName: string;
  readonly serviceAccount: string;
  /** Prometheus's remote-write URL for span metrics and the service graph; none: no metrics generator. */
  readonly remoteWriteUrl?: string;
  /** A ServiceMonitor for Tempo's own metrics, when Prometheus runs. */
  readonly serviceMonitor: boolean;
  readonly requests: ResourceRequests;
}

/**
 * Tempo as one binary (one replica: the chart's monolithic mode does not replicate) storing trace
 * blocks in S3 under the Pod Identity role's credentials; only OTLP is received (from the gateway).
 */
export function tempoValues(inputs: TempoInputs): TempoValues {
  const generator = inputs.remoteWriteUrl !== undefined;
  return {
    fullnameOverride: TEMPO_NAME,
    replicas: 1,
    tempo: {
      reportingEnabled: false,
      resources: resourcesValues(inputs.requests),
      retention: `${inputs.retentionDays * 24}h`,
      storage: {
        trace: {
          backend: "s3",
          s3: {
            bucket: inputs.bucketName,
            endpoint: `s3.${inputs.region}.amazonaws.com`,
            region: inputs.region,
          },
          wal: { path: "/var/tempo/wal" },
        },
      },
      // OTLP only (the chart's default also opens Jaeger ports): the gateway is the one entry point.
      receivers: {
        otlp: {
          protocols: {
            grpc: { endpoint: `0.0.0.0:${TEMPO_OTLP_GRPC_PORT}` },
            http: { endpoint: "0.0.0.0:4318" },
          },
        },
      },
      metricsGenerator: generator
        ? { enabled: true, remoteWriteUrl: inputs.remoteWriteUrl }
        : { enabled: false },
      overrides: {
        defaults: generator ? { metrics_generator: { processors: [...TEMPO_METRICS_PROCESSORS] } } : {},
      },
    },
    serviceAccount: { create: true, name: inputs.serviceAccount },
    // The WAL survives restarts: traces not yet flushed to S3 are not lost.
    persistence: { enabled: true, storageClassName: inputs.storageClassName, size: "10Gi" },
    serviceMonitor: { enabled: inputs.serviceMonitor },
  };
}
