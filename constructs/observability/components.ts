/**
 * Each observability component described once: the construct id of its release (its Terraform
 * address), the Helm release name, the chart, the service account its pods run as (Pod Identity
 * associates the ones with AWS access) and the in-cluster Service other components reach it by.
 * The construct, the chart values, the datasources, the SLO rules and the dashboards read these
 * names from here, so no name has to match another file by hand.
 */

import { ChartSource } from "../helm/chart-release";
import { HELM_CHARTS } from "../versions";

/** One release of {@link Observability}. */
export interface ObservabilityComponent {
  /** Construct id of the release (its role, when it has one, is `<id>Role`). */
  readonly id: string;
  /** Helm release name. */
  readonly releaseName: string;
  /** The pinned chart; none for the repository's own `kubernetes-objects` chart. */
  readonly chart?: ChartSource;
  /** Seconds Helm waits for the release. @default - the release's default (600) */
  readonly timeoutSeconds?: number;
  /** The service account the chart creates for the component's pods. */
  readonly serviceAccount?: string;
  /** The component's Service (`<service>.<namespace>.svc.cluster.local`), when others call it. */
  readonly service?: string;
  /** Ports of that Service, by use. */
  readonly ports?: Readonly<Record<string, number>>;
  /** What the component keeps in an S3 bucket of its own ("log": the role's policy `log-bucket`). */
  readonly bucket?: string;
}

/** The observability releases. */
export const OBSERVABILITY_COMPONENTS = {
  /** kube-prometheus-stack: Prometheus, Alertmanager, Grafana and the Prometheus Operator's CRDs. */
  monitoring: {
    id: "KubePrometheusStack",
    releaseName: "kube-prometheus-stack",
    chart: HELM_CHARTS.kubePrometheusStack,
    timeoutSeconds: 900,
    serviceAccount: "grafana",
    service: "kube-prometheus-stack-prometheus",
    ports: { http: 9090 },
  },
  /** Alertmanager (in kube-prometheus-stack), whose service account reads the alarm topic. */
  alertmanager: {
    id: "KubePrometheusStack",
    releaseName: "kube-prometheus-stack",
    serviceAccount: "alertmanager",
  },
  /** Loki, behind its nginx gateway. */
  loki: {
    id: "Loki",
    releaseName: "loki",
    chart: HELM_CHARTS.loki,
    timeoutSeconds: 900,
    serviceAccount: "loki",
    service: "loki-gateway",
    bucket: "log",
  },
  /** The log shipper: an OpenTelemetry collector DaemonSet. */
  logShipper: {
    id: "LogShipper",
    releaseName: "log-shipper",
    chart: HELM_CHARTS.openTelemetryCollector,
    serviceAccount: "log-shipper",
  },
  /** Grafana Tempo, monolithic: HTTP API 3200, OTLP 4317 gRPC / 4318 HTTP. */
  tempo: {
    id: "Tempo",
    releaseName: "tempo",
    chart: HELM_CHARTS.tempo,
    timeoutSeconds: 600,
    serviceAccount: "tempo",
    service: "tempo",
    bucket: "trace",
    ports: { http: 3200, otlpGrpc: 4317 },
  },
  /** The OTLP gateway: an OpenTelemetry collector Deployment (OTLP 4317 gRPC, 4318 HTTP). */
  otlpGateway: {
    id: "OtlpGateway",
    releaseName: "otel-collector",
    chart: HELM_CHARTS.openTelemetryCollector,
    serviceAccount: "otel-collector",
    service: "otel-collector",
    ports: { otlpHttp: 4318 },
  },
  /** The platform SLOs' PrometheusRules (the `kubernetes-objects` chart). */
  slos: { id: "Slos", releaseName: "platform-slos" },
} as const satisfies Record<string, ObservabilityComponent>;

/** The in-cluster host name of a component's Service in `namespace`. */
export function serviceHost(namespace: string, component: { readonly service: string }): string {
  return `${component.service}.${namespace}.svc.cluster.local`;
}

/** The in-cluster HTTP URL of a component's Service in `namespace`, on `port` when given. */
export function serviceUrl(
  namespace: string,
  component: { readonly service: string },
  port?: number,
): string {
  return `http://${serviceHost(namespace, component)}${port === undefined ? "" : `:${port}`}`;
}

/** Service accounts of the observability releases (Pod Identity associates the ones with AWS access). */
export const OBSERVABILITY_SERVICE_ACCOUNTS = {
  alertmanager: OBSERVABILITY_COMPONENTS.alertmanager.serviceAccount,
  loki: OBSERVABILITY_COMPONENTS.loki.serviceAccount,
  logShipper: OBSERVABILITY_COMPONENTS.logShipper.serviceAccount,
  otlpGateway: OBSERVABILITY_COMPONENTS.otlpGateway.serviceAccount,
  tempo: OBSERVABILITY_COMPONENTS.tempo.serviceAccount,
  grafana: OBSERVABILITY_COMPONENTS.monitoring.serviceAccount,
} as const;
