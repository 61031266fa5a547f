/**
 * The library's single public entry point (`@acme/aws-platform-constructs`): every public construct
 * with its props, the policy pack, the versions catalog and the validation error type. Anything not
 * exported here is internal and may change in any release.
 */

// Validation errors, IAM policy documents, state moves
export * from "./core";

// KMS and network
export * from "./kms";
export * from "./network";

// Object storage, Postgres, EKS
export * from "./object-storage";
export * from "./postgres";
export * from "./eks";

// Helm releases (the stack needs the Kubernetes and Helm providers): shared release helpers, ingress
export * from "./helm";
export * from "./ingress";

// Observability. Named one by one: its chart values are internal.
export {
  DEFAULT_OBSERVABILITY_SIZING,
  OBSERVABILITY_DEFAULTS,
  OBSERVABILITY_SERVICE_ACCOUNTS,
  Observability,
} from "./observability/observability";
export { OBSERVABILITY_COMPONENTS, serviceHost, serviceUrl } from "./observability/components";
export type { ObservabilityComponent } from "./observability/components";
export {
  KUBERNETES_OBJECT_NAME,
  OBSERVABILITY_RULES,
  RELEASE_SIZING_RULES,
} from "./observability/observability-validation";
export type { ObservabilityProps, ObservabilitySizing } from "./observability/observability";
export { AlarmTopic } from "./observability/alarm-topic";
export type { AlarmTopicProps } from "./observability/alarm-topic";
export { PlatformAlarms } from "./observability/platform-alarms";
export type { PlatformAlarmsProps } from "./observability/platform-alarms";
export type { LokiMode, LokiSizing, ResourceRequests, ScaledRequests } from "./observability/chart-values";
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
} from "./observability/slo";
export type {
  BurnRateTier,
  CounterSelection,
  CounterSli,
  LabelMatch,
  PrometheusRuleEntry,
  PrometheusRuleSpec,
  ServiceLevelObjective,
  SloFieldProblem,
} from "./observability/slo";
export { SLO_RULE_LABELS, ServiceLevelObjectives } from "./observability/slo-rules";
export type { PrometheusRuleObject, ServiceLevelObjectivesProps } from "./observability/slo-rules";
export { DEFAULT_PLATFORM_SLO_OBJECTIVES, PLATFORM_SLO_NAMES } from "./observability/platform-slos";
export type { PlatformSloObjectives } from "./observability/platform-slos";
export { PLATFORM_METRICS } from "./observability/platform-metrics";
export { GRAFANA_DASHBOARD_LABEL, platformDashboards } from "./observability/dashboards/platform-dashboards";
export type { GrafanaDashboard } from "./observability/dashboards/grafana-dashboard";

export {
  ObservabilitySecrets,
  OBSERVABILITY_SECRETS,
  alertmanagerConfig,
} from "./observability/observability-secrets";
export type { ObservabilitySecretsProps } from "./observability/observability-secrets";
export {
  GRAFANA_ACCESS_RULES,
  GRAFANA_EXPOSURES,
  GRAFANA_OIDC_SECRET_KEY,
  grafanaAccessValues,
} from "./observability/grafana-access";
export type {
  GrafanaAccessInputs,
  GrafanaExposure,
  GrafanaOidcOptions,
} from "./observability/grafana-access";

// Secrets to workloads (External Secrets Operator)
export {
  DEFAULT_EXTERNAL_SECRETS_SIZING,
  EXTERNAL_SECRETS_SERVICE_ACCOUNT,
  EXTERNAL_SECRETS_SIZING_RULES,
  ExternalSecrets,
  SECRETS_MANAGER_STORE,
  secretReadPolicy,
} from "./secrets/external-secrets";
export type {
  ExternalSecretsComponentSizing,
  ExternalSecretsProps,
  ExternalSecretsSizing,
} from "./secrets/external-secrets";
export { SECRET_DELIVERY_RULES, SecretDelivery } from "./secrets/secret-delivery";
export type { SecretDeliveryProps } from "./secrets/secret-delivery";

// Policy pack
export * from "./policy";

// Versions catalog
export * from "./versions";
