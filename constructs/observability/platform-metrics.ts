import { SLO_RECORDED_METRICS } from "./slo";

/**
 * The Prometheus metrics the platform's components export and its SLOs and dashboards read, by
 * component, with where each name comes from. SLOs and dashboards name metrics through this list
 * only, and a test checks every series a dashboard selects against it: a renamed metric is a
 * change here, reviewed once, not a silent empty panel.
 */
export const PLATFORM_METRICS = {
  /** CoreDNS's `prometheus` plugin, scraped by kube-prometheus-stack's `coreDns` ServiceMonitor (job `coredns`). */
  coreDns: ["coredns_dns_responses_total", "coredns_dns_requests_total"],
  /** Loki (its mixin's "Loki / Writes" dashboard and `LokiRequestErrors` alert): requests by `route` and `status_code`. */
  loki: [
    "loki_request_duration_seconds_count",
    "loki_distributor_bytes_received_total",
    "loki_distributor_lines_received_total",
    "loki_ingester_memory_streams",
  ],
  /** Tempo (its mixin's "Tempo / Writes" dashboard): spans accepted and refused by the receivers. */
  tempo: [
    "tempo_receiver_accepted_spans",
    "tempo_receiver_refused_spans",
    "tempo_distributor_spans_received_total",
    "tempo_request_duration_seconds_count",
  ],
  /** kube-state-metrics (kube-prometheus-stack). */
  kubeStateMetrics: [
    "kube_node_status_allocatable",
    "kube_node_info",
    "kube_pod_container_resource_requests",
    "kube_pod_status_phase",
  ],
  /** The kubelet's cAdvisor (kube-prometheus-stack's `kubelet` ServiceMonitor). */
  cadvisor: ["container_cpu_usage_seconds_total", "container_memory_working_set_bytes"],
  /** The SLO recording rules ({@link sloRules}). */
  slo: SLO_RECORDED_METRICS,
} as const;

/** Every metric name of {@link PLATFORM_METRICS}. */
export const PLATFORM_METRIC_NAMES: ReadonlySet<string> = new Set(Object.values(PLATFORM_METRICS).flat());

/** A metric name of {@link PLATFORM_METRICS} (checked at compile time where SLOs and dashboards name one). */
export type PlatformMetric = (typeof PLATFORM_METRICS)[keyof typeof PLATFORM_METRICS][number];
