/**
 * A typed subset of Grafana's dashboard JSON model (schema version 39): what the platform's
 * dashboards use. Panels are laid out in rows of two; every panel and query names its datasource by
 * uid ({@link GRAFANA_DATASOURCE_UIDS}), so a dashboard never depends on a datasource's display name.
 */

import { GRAFANA_DATASOURCE_UIDS } from "../grafana-datasources";

/** The Grafana plugin type of each provisioned datasource. */
export const GRAFANA_DATASOURCE_TYPES = {
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  loki: "loki",
  tempo: "tempo",
  cloudwatch: "cloudwatch",
} as const satisfies Record<keyof typeof GRAFANA_DATASOURCE_UIDS, string>;

/** A reference to a provisioned datasource. */
export interface DatasourceRef {
  readonly type: string;
  readonly uid: string;
}

/** The reference to one of the provisioned datasources. */
export function datasource(name: keyof typeof GRAFANA_DATASOURCE_UIDS): DatasourceRef {
  return { type: GRAFANA_DATASOURCE_TYPES[name], uid: GRAFANA_DATASOURCE_UIDS[name] };
}

/** A Prometheus query of a panel. */
export interface PrometheusTarget {
  readonly refId: string;
  readonly datasource: DatasourceRef;
  readonly expr: string;
  readonly legendFormat: string;
}

/** A CloudWatch metric query of a panel (metric search mode). */
export interface CloudWatchTarget {
  readonly refId: string;
  readonly datasource: DatasourceRef;
  readonly queryMode: "Metrics";
  readonly metricQueryType: 0;
  readonly metricEditorMode: 0;
  readonly region: "default";
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: "Sum" | "Average" | "Maximum" | "Minimum" | "p99";
  readonly matchExact: boolean;
  readonly id: "";
  readonly expression: "";
  readonly period: "";
  readonly label: string;
}

/** Any query of a panel. */
export type PanelTarget = PrometheusTarget | CloudWatchTarget;

/** Units Grafana knows that the dashboards use. */
export type PanelUnit = "short" | "percentunit" | "bytes" | "s" | "reqps" | "none";

/** A panel as written in the dashboard. */
export interface Panel {
  readonly id: number;
  readonly type: "timeseries" | "stat";
  readonly title: string;
  readonly description: string;
  readonly datasource: DatasourceRef;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly fieldConfig: { readonly defaults: { readonly unit: PanelUnit }; readonly overrides: readonly [] };
  readonly options: object;
  readonly targets: readonly PanelTarget[];
}

/** A dashboard variable (template) read from a datasource. */
export interface QueryVariable {
  readonly type: "query";
  readonly name: string;
  readonly label: string;
  readonly datasource: DatasourceRef;
  readonly query: string | object;
  readonly refresh: 2;
  readonly includeAll: boolean;
  readonly multi: boolean;
}

/** A dashboard. */
export interface GrafanaDashboard {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly schemaVersion: 39;
  readonly editable: false;
  readonly time: { readonly from: string; readonly to: "now" };
  readonly refresh: string;
  readonly templating: { readonly list: readonly QueryVariable[] };
  readonly panels: readonly Panel[];
}

/** What a panel is made of before layout. */
export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly type?: "timeseries" | "stat";
  readonly unit?: PanelUnit;
  readonly targets: readonly Omit<PanelTarget, "refId">[];
}

/** A Prometheus query. */
export function promQuery(expr: string, legendFormat = ""): Omit<PrometheusTarget, "refId"> {
  return { datasource: datasource("prometheus"), expr, legendFormat };
}

/** A CloudWatch metric of a namespace, by dimensions (`*` matches every value). */
export function cloudWatchQuery(
  namespace: string,
  metricName: string,
  statistic: CloudWatchTarget["statistic"],
  dimensions: Readonly<Record<string, string>>,
  label = "",
): Omit<CloudWatchTarget, "refId"> {
  return {
    datasource: datasource("cloudwatch"),
    queryMode: "Metrics",
    metricQueryType: 0,
    metricEditorMode: 0,
    region: "default",
    namespace,
    metricName,
    dimensions,
    statistic,
    matchExact: !Object.values(dimensions).includes("*"),
    id: "",
    expression: "",
    period: "",
    label,
  };
}

const WIDTH = 12;
const HEIGHT = 8;

/** A dashboard from its panels, laid out two per row, refs and ids assigned in order. */
export function dashboard(options: {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly panels: readonly PanelSpec[];
  readonly variables?: readonly QueryVariable[];
  readonly from?: string;
}): GrafanaDashboard {
  return {
    uid: options.uid,
    title: options.title,
    description: options.description,
    tags: ["platform", ...options.tags],
    schemaVersion: 39,
    editable: false,
    time: { from: options.from ?? "now-6h", to: "now" },
    refresh: "1m",
    templating: { list: options.variables ?? [] },
    panels: options.panels.map((spec, index) => {
      const targets = spec.targets.map(
        (t, i) => ({ ...t, refId: String.fromCharCode(65 + i) }) as PanelTarget,
      );
      return {
        id: index + 1,
        type: spec.type ?? "timeseries",
        title: spec.title,
        description: spec.description,
        datasource: targets[0].datasource,
        gridPos: { x: (index % 2) * WIDTH, y: Math.floor(index / 2) * HEIGHT, w: WIDTH, h: HEIGHT },
        fieldConfig: { defaults: { unit: spec.unit ?? "short" }, overrides: [] },
        options:
          (spec.type ?? "timeseries") === "stat"
            ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false } }
            : { legend: { displayMode: "list", placement: "bottom", showLegend: true } },
        targets,
      };
    }),
  };
}

/** A variable listing the values of a CloudWatch dimension (e.g. every ALB of the region). */
export function cloudWatchDimensionVariable(
  name: string,
  label: string,
  namespace: string,
  metricName: string,
  dimensionKey: string,
): QueryVariable {
  return {
    type: "query",
    name,
    label,
    datasource: datasource("cloudwatch"),
    query: { queryType: "dimensionValues", region: "default", namespace, metricName, dimensionKey },
    refresh: 2,
    includeAll: true,
    multi: true,
  };
}

/** A variable listing the values of a Prometheus label. */
export function prometheusLabelVariable(
  name: string,
  label: string,
  metric: string,
  labelName: string,
): QueryVariable {
  return {
    type: "query",
    name,
    label,
    datasource: datasource("prometheus"),
    query: `label_values(${metric}, ${labelName})`,
    refresh: 2,
    includeAll: true,
    multi: true,
  };
}
