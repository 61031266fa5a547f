/**
 * Grafana's datasources and their correlation settings, provisioned as code through
 * kube-prometheus-stack's grafana subchart: Prometheus (exemplars to Tempo), Loki (trace ids in
 * log lines and structured metadata linked to Tempo), Tempo (traces to logs, to metrics, service
 * map, node graph) and CloudWatch (read-only, through Pod Identity). Datasources refer to each
 * other by the uids of {@link GRAFANA_DATASOURCE_UIDS}.
 *
 * Grafana expands `$NAME` and `${NAME}` in provisioning files as environment variables, so the
 * template variables of links (`${__value.raw}`, `${__span.traceId}`, `$__tags`) are written `$$`.
 */

import { PolicyDocument, policyDocument } from "../../core/iam";
import { GRAFANA_DATASOURCE_UIDS } from "../grafana-datasources";

/** The trace id attribute as the OTLP pipeline stores it in Loki (structured metadata) and in exemplars. */
export const TRACE_ID_KEY = "trace_id";

/** A trace id in a log line: `traceID=<hex>` or `trace_id=<hex>` (logfmt, key=value). */
export const TRACE_ID_IN_LINE_REGEX = "(?:traceID|trace_id)=(\\w+)";

/** A link from a value of a Loki log line to a trace. */
export interface GrafanaDerivedField {
  readonly name: string;
  /** `label`: `matcherRegex` names a label or structured-metadata key; `regex`: its first group in the line. */
  readonly matcherType: "label" | "regex";
  readonly matcherRegex: string;
  readonly datasourceUid: string;
  readonly url: string;
  readonly urlDisplayLabel: string;
}

/** A Grafana datasource provisioned through `grafana.additionalDataSources`. */
export interface GrafanaDataSource {
  readonly name: string;
  readonly type: "loki" | "tempo" | "cloudwatch";
  readonly uid: string;
  readonly url?: string;
  readonly access: "proxy";
  readonly editable: boolean;
  readonly jsonData: object;
}

/** `grafana.sidecar.datasources` of kube-prometheus-stack: the uids of the chart's own datasources. */
export interface GrafanaSidecarDatasourcesValues {
  readonly uid: string;
  readonly alertmanager: { readonly uid: string };
  /** Exemplars with a trace id open the trace in Tempo. */
  readonly exemplarTraceIdDestinations?: {
    readonly datasourceUid: string;
    readonly traceIdLabelName: string;
    readonly urlDisplayLabel: string;
  };
}

/** What the datasources are built from. */
export interface GrafanaDatasourcesInputs {
  /** Loki's URL, when logs are kept. */
  readonly lokiUrl?: string;
  /** Tempo's HTTP API, when traces are kept. */
  readonly tempoUrl?: string;
  /** The CloudWatch datasource's default region; none: no CloudWatch datasource. */
  readonly cloudWatchRegion?: string;
}

/** The datasources and sidecar settings of the grafana subchart. */
export interface GrafanaDatasourcesValues {
  readonly sidecar: { readonly datasources: GrafanaSidecarDatasourcesValues };
  readonly additionalDataSources: readonly GrafanaDataSource[];
}

const uids = GRAFANA_DATASOURCE_UIDS;

/** The datasources for the backends that run, each correlated with the others that run. */
export function grafanaDatasourcesValues(inputs: GrafanaDatasourcesInputs): GrafanaDatasourcesValues {
  const withTempo = inputs.tempoUrl !== undefined;
  const withLoki = inputs.lokiUrl !== undefined;
  const sources: GrafanaDataSource[] = [];
  if (inputs.lokiUrl !== undefined) {
    const traceLink = (name: string, matcherType: "label" | "regex", matcherRegex: string) => ({
      name,
      matcherType,
      matcherRegex,
      datasourceUid: uids.tempo,
      url: "$${__value.raw}",
      urlDisplayLabel: "View trace",
    });
    sources.push({
      name: "Loki",
      type: "loki",
      uid: uids.loki,
      url: inputs.lokiUrl,
      access: "proxy",
      editable: false,
      jsonData: withTempo
        ? {
            derivedFields: [
              // Logs received over OTLP carry the trace id as structured metadata.
              traceLink("TraceID", "label", TRACE_ID_KEY),
              // Logs scraped from files carry it in the line, if at all.
              traceLink("TraceIDInLine", "regex", TRACE_ID_IN_LINE_REGEX),
            ] satisfies GrafanaDerivedField[],
          }
        : {},
    });
  }
  if (inputs.tempoUrl !== undefined) {
    const window = { spanStartTimeShift: "-5m", spanEndTimeShift: "5m" };
    sources.push({
      name: "Tempo",
      type: "tempo",
      uid: uids.tempo,
      url: inputs.tempoUrl,
      access: "proxy",
      editable: false,
      jsonData: {
        ...(withLoki
          ? {
              // The service's log lines of the trace: OTLP's service.name is Loki's service_name label.
              tracesToLogsV2: {
                datasourceUid: uids.loki,
                ...window,
                tags: [{ key: "service.name", value: "service_name" }],
                filterByTraceID: true,
                filterBySpanID: false,
                customQuery: false,
              },
              lokiSearch: { datasourceUid: uids.loki },
            }
          : {}),
        // Tempo's metrics generator writes span metrics and the service graph to Prometheus.
        tracesToMetrics: {
          datasourceUid: uids.prometheus,
          ...window,
          tags: [{ key: "service.name", value: "service" }],
          queries: [
            { name: "Request rate", query: "sum(rate(traces_spanmetrics_calls_total{$$__tags}[5m]))" },
            {
              name: "Error rate",
              query:
                'sum(rate(traces_spanmetrics_calls_total{$$__tags,status_code="STATUS_CODE_ERROR"}[5m]))',
            },
            {
              name: "p95 latency",
              query:
                "histogram_quantile(0.95, sum by (le) (rate(traces_spanmetrics_latency_bucket{$$__tags}[5m])))",
            },
          ],
        },
        serviceMap: { datasourceUid: uids.prometheus },
        nodeGraph: { enabled: true },
      },
    });
  }
  if (inputs.cloudWatchRegion !== undefined) {
    sources.push({
      name: "CloudWatch",
      type: "cloudwatch",
      uid: uids.cloudwatch,
      access: "proxy",
      editable: false,
      // `default`: the AWS SDK's chain, which finds Grafana's Pod Identity credentials.
      jsonData: { authType: "default", defaultRegion: inputs.cloudWatchRegion },
    });
  }
  return {
    sidecar: {
      datasources: {
        uid: uids.prometheus,
        alertmanager: { uid: uids.alertmanager },
        ...(withTempo
          ? {
              exemplarTraceIdDestinations: {
                datasourceUid: uids.tempo,
                traceIdLabelName: TRACE_ID_KEY,
                urlDisplayLabel: "View trace",
              },
            }
          : {}),
      },
    },
    additionalDataSources: sources,
  };
}

/**
 * What Grafana's CloudWatch datasource needs, read-only (the plugin's documented policy for metrics,
 * Logs Insights, EC2 and tag lookups; no cross-account observability), limited to one region.
 * None of these actions supports resource-level permissions, hence `*` with the region condition.
 */
export function grafanaCloudWatchPolicy(region: string): PolicyDocument {
  const inRegion = { StringEquals: { "aws:RequestedRegion": region } };
  return policyDocument(
    {
      Sid: "ReadMetrics",
      Effect: "Allow",
      Action: [
        "cloudwatch:DescribeAlarmsForMetric",
        "cloudwatch:DescribeAlarmHistory",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:ListMetrics",
        "cloudwatch:GetMetricData",
        "cloudwatch:GetInsightRuleReport",
      ],
      Resource: "*",
      Condition: inRegion,
    },
    {
      Sid: "QueryLogs",
      Effect: "Allow",
      Action: [
        "logs:DescribeLogGroups",
        "logs:GetLogGroupFields",
        "logs:StartQuery",
        "logs:StopQuery",
        "logs:GetQueryResults",
        "logs:GetLogEvents",
      ],
      Resource: "*",
      Condition: inRegion,
    },
    {
      Sid: "ReadRegionsAndTags",
      Effect: "Allow",
      Action: ["ec2:DescribeTags", "ec2:DescribeInstances", "ec2:DescribeRegions", "tag:GetResources"],
      Resource: "*",
      Condition: inRegion,
    },
  );
}
