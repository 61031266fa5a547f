// The public API of observability (chart values, component internals and validation helpers not listed
// here are internal).
export {
  DEFAULT_OBSERVABILITY_SIZING,
  OBSERVABILITY_DEFAULTS,
  OBSERVABILITY_SERVICE_ACCOUNTS,
  Observability,
} from "./observability";
export { OBSERVABILITY_COMPONENTS, serviceHost, serviceUrl } from "./components";
export type { ObservabilityComponent } from "./components";
export {
  KUBERNETES_OBJECT_NAME,
  OBSERVABILITY_RULES,
  RELEASE_SIZING_RULES,
} from "./observability-validation";
export type { ObservabilityProps, ObservabilitySizing } from "./observability";
export { AlarmTopic } from "./alarm-topic";
export type { AlarmTopicProps } from "./alarm-topic";
export { PlatformAlarms } from "./platform-alarms";
export type { PlatformAlarmsProps } from "./platform-alarms";
export type { LokiMode, LokiSizing, ResourceRequests, ScaledRequests } from "./private/chart-values";
export {
  BURN_RATE_TIERS,
  SLO_RECORDED_METRICS,
  SLO_RULES,
  burnRate,
  counterSli,
  seriesSelector,
  sloFieldProblems,
  sloProblems,
  sloRules,
} from "./slo";
export type {
  BurnRateTier,
  CounterSelection,
  CounterSli,
  LabelMatch,
  PrometheusRuleEntry,
  PrometheusRuleSpec,
  ServiceLevelObjective,
  SloFieldProblem,
} from "./slo";
export { SLO_RULE_LABELS, ServiceLevelObjectives } from "./slo-rules";
export type { PrometheusRuleObject, ServiceLevelObjectivesProps } from "./slo-rules";
export { DEFAULT_PLATFORM_SLO_OBJECTIVES, PLATFORM_SLO_NAMES } from "./platform-slos";
export type { PlatformSloObjectives } from "./platform-slos";
export { PLATFORM_METRICS } from "./platform-metrics";
export { GRAFANA_DASHBOARD_LABEL, platformDashboards } from "./dashboards/platform-dashboards";
export type { GrafanaDashboard } from "./dashboards/grafana-dashboard";

export { ObservabilitySecrets, OBSERVABILITY_SECRETS, alertmanagerConfig } from "./observability-secrets";
export type { ObservabilitySecretsProps } from "./observability-secrets";
export {
  GRAFANA_ACCESS_RULES,
  GRAFANA_EXPOSURES,
  GRAFANA_OIDC_SECRET_KEY,
  grafanaAccessValues,
} from "./grafana-access";
export type { GrafanaAccessInputs, GrafanaExposure, GrafanaOidcOptions } from "./grafana-access";
