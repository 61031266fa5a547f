/**
 * The library's single public entry point (`@acme/aws-platform-constructs`): every public construct
 * with its props, the policy pack, the versions catalog and the validation error type. Anything not
 * exported here is internal and may change in any release.
 */

// Validation and IAM policy documents
export { ConstructValidationError } from "./core/validation";
export type { PropProblem } from "./core/validation";
export { policyDocument, policyJson } from "./core/iam";
export { addressAt, moveResources } from "./core/moves";
export type { PolicyDocument, PolicyStatement } from "./core/iam";

// KMS
export {
  EncryptionKey,
  SOURCE_CONDITION_KEYS,
  cloudWatchAlarmsGrant,
  cloudWatchLogsGrant,
  hasSourceCondition,
} from "./kms/encryption-key";
export type { EncryptionKeyProps, KeyServiceGrant } from "./kms/encryption-key";
export type { EncryptionKeyAttributes, IEncryptionKey } from "./kms/encryption-key-reference";

// Network
export { INTERFACE_ENDPOINT_SERVICES, Network } from "./network/network";
export type {
  InterfaceEndpointService,
  NatGatewayMode,
  NetworkProps,
  NetworkSubnet,
} from "./network/network";
export type { INetwork, NetworkAttributes } from "./network/network-reference";
export { SUBNET_TIERS } from "./network/subnet-plan";
export type { SubnetTier } from "./network/subnet-plan";

// Object storage, Postgres, EKS
export * from "./object-storage";
export * from "./postgres";
export * from "./eks";

// Ingress and observability (Helm releases: the stack needs the Kubernetes and Helm providers).
// Named one by one: both folders export a `ServiceAccountValues`, and their chart values are internal.
export { ACME_ISSUERS, ALB_INGRESS_CLASS, ClusterIngress } from "./ingress/cluster-ingress";
export type { ClusterIngressProps, ExternalDnsPolicy } from "./ingress/cluster-ingress";
export type { ChartRelease, ChartReleaseProps, ChartSource } from "./helm/chart-release";
export { KUBERNETES_OBJECTS_CHART, kubernetesObjectsRelease } from "./helm/kubernetes-objects";
export type { KubernetesObjectsReleaseProps, KubernetesObjectsValues } from "./helm/kubernetes-objects";
export { podIdentityRelease } from "./helm/pod-identity-release";
export type { PodIdentityReleaseParts, PodIdentityReleaseProps } from "./helm/pod-identity-release";
export { releaseCapacityProblems } from "./helm/release-capacity";
export type { BaselineNodeGroup, WorkloadDemand } from "./helm/release-capacity";
export {
  DEFAULT_OBSERVABILITY_SIZING,
  OBSERVABILITY_SERVICE_ACCOUNTS,
  Observability,
} from "./observability/observability";
export type { ObservabilityProps, ObservabilitySizing } from "./observability/observability";
export { AlarmTopic } from "./observability/alarm-topic";
export type { AlarmTopicProps } from "./observability/alarm-topic";
export { PlatformAlarms } from "./observability/platform-alarms";
export type { PlatformAlarmsProps } from "./observability/platform-alarms";
export type { LokiMode, LokiSizing, ResourceRequests, ScaledRequests } from "./observability/chart-values";
export {
  BURN_RATE_TIERS,
  SLO_RECORDED_METRICS,
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
export { GRAFANA_OIDC_SECRET_KEY, grafanaAccessValues } from "./observability/grafana-access";
export type {
  GrafanaAccessInputs,
  GrafanaExposure,
  GrafanaOidcOptions,
} from "./observability/grafana-access";

// Secrets to workloads (External Secrets Operator)
export {
  DEFAULT_EXTERNAL_SECRETS_SIZING,
  EXTERNAL_SECRETS_SERVICE_ACCOUNT,
  ExternalSecrets,
  SECRETS_MANAGER_STORE,
  secretReadPolicy,
} from "./secrets/external-secrets";
export type {
  ExternalSecretsComponentSizing,
  ExternalSecretsProps,
  ExternalSecretsSizing,
} from "./secrets/external-secrets";
export { SecretDelivery } from "./secrets/secret-delivery";
export type { SecretDeliveryProps } from "./secrets/secret-delivery";

// Policy pack
export { PolicyPack, evaluatePolicy, waivePolicy } from "./policy/policy-pack";
export type { PolicyFinding, PolicyPackProps } from "./policy/policy-pack";
export { POLICY_RULES, POLICY_RULE_IDS } from "./policy/rules";
export type {
  ElementView,
  PolicyContext,
  PolicyProfile,
  PolicyRule,
  Severity,
  TerraformObject,
  Violation,
} from "./policy/model";
export { ProtectStatefulResources, STATEFUL_RESOURCE_TYPES } from "./policy/protect-stateful-resources";

// Versions catalog
export * from "./versions";
