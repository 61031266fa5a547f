import { KUBERNETES_DNS_LABEL, KUBERNETES_NAMESPACE } from "../core/aws-identifiers";
import { PropValidator, matching, oneOf, optional, wholeNumber } from "../core/validation";
import { LOKI_MODES, ResourceRequests, ScaledRequests } from "./private/chart-values";
import { GRAFANA_ACCESS_RULES, grafanaOidcProblems } from "./grafana-access";
import { validatePlatformSloObjectives } from "./platform-slos";
import type { ObservabilityProps, ObservabilitySizing } from "./observability";

/** A Kubernetes object name (a Secret, a StorageClass), as a rule. */
export const KUBERNETES_OBJECT_NAME = matching(KUBERNETES_DNS_LABEL, "a Kubernetes object name (DNS label)");

/** Requests and replicas of an observability release (what the capacity check counts). */
export const RELEASE_SIZING_RULES = {
  cpuMillis: wholeNumber(1, 64000, "millicores"),
  memoryMiB: wholeNumber(16, 262144, "MiB"),
  replicas: wholeNumber(1, 50, "replicas"),
  /** memcached memory of a Loki cache. */
  cacheMiB: wholeNumber(64, 65536, "MiB"),
} as const;

/** The rules of {@link Observability}'s props, also used by the environment schema. */
export const OBSERVABILITY_RULES = {
  namespace: KUBERNETES_NAMESPACE,
  prometheusRetentionDays: wholeNumber(1, 365, "days"),
  prometheusStorageGiB: wholeNumber(10, 16384, "GiB"),
  lokiMode: oneOf(LOKI_MODES),
  /** Days Loki keeps logs and Tempo traces. */
  retentionDays: wholeNumber(1, 3650, "days"),
  objectName: KUBERNETES_OBJECT_NAME,
  sizing: RELEASE_SIZING_RULES,
} as const;

/** What {@link validateObservabilityProps} checks besides the props as given. */
export interface ResolvedObservabilitySettings {
  readonly namespace: string;
  readonly prometheusRetentionDays: number;
  readonly prometheusStorageGiB: number;
  readonly lokiMode: string;
  readonly lokiRetentionDays: number;
  readonly tempoRetentionDays: number;
  readonly grafanaAdminSecretName?: string;
  readonly alertmanagerConfigSecretName: string;
  readonly sizing: ObservabilitySizing;
  readonly tempoRequests: ResourceRequests;
  readonly withSecrets: boolean;
  readonly withLogging: boolean;
  readonly withTracing: boolean;
  readonly withXray: boolean;
}

/** Records every problem of Observability's props (and the settings resolved from them) in `v`. */
export function validateObservabilityProps(
  v: PropValidator,
  props: ObservabilityProps,
  s: ResolvedObservabilitySettings,
): void {
  const R = OBSERVABILITY_RULES;
  v.check("namespace", s.namespace, R.namespace);
  v.check("prometheusRetentionDays", s.prometheusRetentionDays, R.prometheusRetentionDays);
  v.check("prometheusStorageGiB", s.prometheusStorageGiB, R.prometheusStorageGiB);
  v.check("lokiMode", s.lokiMode, R.lokiMode);
  v.check("lokiRetentionDays", s.lokiRetentionDays, R.retentionDays);
  v.check("tempoRetentionDays", s.tempoRetentionDays, R.retentionDays);
  v.check("grafanaAdminSecretName", s.grafanaAdminSecretName, optional(R.objectName));
  v.check("alertmanagerConfigSecretName", s.alertmanagerConfigSecretName, R.objectName);
  v.check("storageClassName", props.storageClassName, optional(R.objectName));
  validateSizing(v, s.sizing, s.tempoRequests);
  if (props.sloObjectives !== undefined)
    validatePlatformSloObjectives(v, "sloObjectives", props.sloObjectives);
  for (const prop of ["grafanaAdminSecretName", "alertmanagerConfigSecretName"] as const) {
    v.check(
      prop,
      props[prop],
      (n) => n === undefined || props.externalSecrets === undefined,
      "must be left out with 'externalSecrets' (External Secrets creates the Secret)",
    );
  }
  if (props.grafanaAccess !== undefined) {
    v.check(
      "grafanaAccess",
      props.grafanaAccess.host,
      () => s.withSecrets,
      "needs 'externalSecrets' and monitoring (the OIDC client secret comes from Secrets Manager)",
    );
    v.check("grafanaAccess.exposure", props.grafanaAccess.exposure, GRAFANA_ACCESS_RULES.exposure);
    for (const [field, value, allowed] of grafanaOidcProblems(props.grafanaAccess.oidc)) {
      v.fail(`grafanaAccess.oidc.${field}`, value, allowed);
    }
    const prefix = props.externalSecrets?.secretNamePrefix;
    v.check(
      "grafanaAccess.oidc.clientSecretName",
      props.grafanaAccess.oidc.clientSecretName,
      (n) => prefix === undefined || n.startsWith(prefix),
      `must be a secret name under External Secrets' prefix '${prefix ?? ""}'`,
    );
  }
  for (const prop of [
    "alarmEmails",
    "alarmSubscribeToTopicArns",
    "natGatewayIds",
    "databaseInstanceIdentifiers",
  ] as const) {
    // Not a check: a Terraform list (NAT gateway ids) is a token the validator would skip.
    if (props.alarms !== undefined && props[prop] !== undefined) {
      v.fail(prop, props[prop], "must be left out with 'alarms' (set it on those alarms)");
    }
  }
  v.check(
    "logBucket",
    props.logBucket,
    (b) => !s.withLogging || b !== undefined,
    "is required when logging is on (Loki stores chunks and indexes in it)",
  );
  v.check(
    "traceBucket",
    props.traceBucket,
    (b) => !s.withTracing || s.withXray || b !== undefined,
    "is required when tracing is on (Tempo stores traces in it), unless only X-Ray receives traces (xray: true)",
  );
}

/** Replicas and requests must be whole, positive and sane; the capacity check does the rest. */
function validateSizing(v: PropValidator, sizing: ObservabilitySizing, tempo: ResourceRequests): void {
  const S = RELEASE_SIZING_RULES;
  const requests = (path: string, r: ResourceRequests) => {
    v.check(`sizing.${path}.cpuMillis`, r.cpuMillis, S.cpuMillis);
    v.check(`sizing.${path}.memoryMiB`, r.memoryMiB, S.memoryMiB);
  };
  const scaled = (path: string, r: ScaledRequests) => {
    requests(path, r);
    v.check(`sizing.${path}.replicas`, r.replicas, S.replicas);
  };
  requests("prometheus", sizing.prometheus);
  requests("grafana", sizing.grafana);
  requests("logShipper", sizing.logShipper);
  requests("tempo", tempo);
  scaled("otlpGateway", sizing.otlpGateway);
  requests("loki.singleBinary", sizing.loki.singleBinary);
  for (const target of ["read", "write", "backend", "gateway"] as const) {
    scaled(`loki.${target}`, sizing.loki[target]);
  }
  v.check("sizing.loki.chunksCacheMiB", sizing.loki.chunksCacheMiB, S.cacheMiB);
  v.check("sizing.loki.resultsCacheMiB", sizing.loki.resultsCacheMiB, S.cacheMiB);
}
