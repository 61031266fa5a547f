/**
 * The uids of the datasources Grafana is provisioned with. Dashboards, derived fields and the
 * correlation settings refer to datasources by uid, so the uids are a contract: defined here once.
 */
export const GRAFANA_DATASOURCE_UIDS = {
  /** kube-prometheus-stack's own Prometheus (the chart provisions it under this uid). */
  prometheus: "prometheus",
  /** kube-prometheus-stack's Alertmanager. */
  alertmanager: "alertmanager",
  /** Loki (logs). */
  loki: "loki",
  /** Tempo (traces). */
  tempo: "tempo",
  /** CloudWatch (AWS metrics and logs: RDS, ALB, NAT), read-only. */
  cloudwatch: "cloudwatch",
} as const;

/** The uid of a provisioned Grafana datasource. */
export type GrafanaDatasourceUid = (typeof GRAFANA_DATASOURCE_UIDS)[keyof typeof GRAFANA_DATASOURCE_UIDS];
