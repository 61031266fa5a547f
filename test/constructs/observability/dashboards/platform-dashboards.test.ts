import { Construct } from "constructs";
import {
  GRAFANA_DATASOURCE_TYPES,
  GrafanaDashboard,
} from "../../../../constructs/observability/dashboards/grafana-dashboard";
import {
  CONFIG_MAP_MAX_BYTES,
  GRAFANA_DASHBOARD_LABEL,
  PlatformDashboards,
  platformDashboards,
} from "../../../../constructs/observability/dashboards/platform-dashboards";
import { GRAFANA_DATASOURCE_UIDS } from "../../../../constructs/observability/grafana-datasources";
import { PLATFORM_METRIC_NAMES } from "../../../../constructs/observability/platform-metrics";
import { HELM_CHARTS } from "../../../../constructs/versions";
import { chartFixture } from "../../../charts/chart-fixtures";
import { expectErrorContaining, resourcesOf } from "../../../helpers";
import { synthPlatformScope } from "../../../platform-helpers";

const ALL = platformDashboards({ namespace: "observability", logging: true, tracing: true });

/** Every object of a JSON value that has a `datasource` key, with that value. */
const datasourceRefs = (value: unknown): { type: string; uid: string }[] =>
  Array.isArray(value)
    ? value.flatMap(datasourceRefs)
    : value && typeof value === "object"
      ? Object.entries(value).flatMap(([key, inner]) =>
          key === "datasource" ? [inner as { type: string; uid: string }] : datasourceRefs(inner),
        )
      : [];

/** The metric names a PromQL expression selects (every `name{` of it). */
const metricsOf = (expr: string) => [...expr.matchAll(/([a-zA-Z_:][\w:]*)\{/g)].map((m) => m[1]);
/** The PromQL of a dashboard: its panels' Prometheus queries. */
const promExprs = (board: GrafanaDashboard): string[] =>
  board.panels.flatMap((p) => p.targets.flatMap((t) => ("expr" in t ? [t.expr] : [])));

const json = synthPlatformScope((scope: Construct) => {
  new PlatformDashboards(scope, "Dashboards", { namespace: "observability", logging: true, tracing: true });
});
const configMaps = Object.values(resourcesOf(json, "kubernetes_config_map_v1"));

describe("platform dashboards", () => {
  it("are the capacity, ingress, RDS, Loki, Tempo and SLO dashboards, with unique uids Grafana accepts", () => {
    expect(ALL.map((d) => d.uid)).toEqual([
      "platform-cluster-capacity",
      "platform-ingress-alb",
      "platform-rds",
      "platform-loki",
      "platform-tempo",
      "platform-slos",
    ]);
    expect(new Set(ALL.map((d) => d.uid)).size).toBe(ALL.length);
    for (const d of ALL) expect(d.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
  });

  it("leave out Loki's and Tempo's when the component is off", () => {
    const uids = (logging: boolean, tracing: boolean) =>
      platformDashboards({ namespace: "observability", logging, tracing }).map((d) => d.uid);
    expect(uids(false, true)).not.toContain("platform-loki");
    expect(uids(true, false)).not.toContain("platform-tempo");
    expect(uids(false, false)).toEqual([
      "platform-cluster-capacity",
      "platform-ingress-alb",
      "platform-rds",
      "platform-slos",
    ]);
  });

  it("refer to datasources only by a provisioned uid, with the matching type", () => {
    const uids = Object.values(GRAFANA_DATASOURCE_UIDS) as string[];
    for (const d of ALL) {
      const refs = datasourceRefs(d);
      expect(refs.length).toBeGreaterThan(d.panels.length);
      for (const ref of refs) {
        expect(uids).toContain(ref.uid);
        const name = Object.entries(GRAFANA_DATASOURCE_UIDS).find(([, uid]) => uid === ref.uid)![0];
        expect(ref.type).toBe(GRAFANA_DATASOURCE_TYPES[name as keyof typeof GRAFANA_DATASOURCE_TYPES]);
      }
    }
    // RDS and ALB come from CloudWatch; the rest from Prometheus.
    const sources = (uid: string) => [
      ...new Set(datasourceRefs(ALL.find((d) => d.uid === uid)).map((r) => r.uid)),
    ];
    expect(sources("platform-rds")).toEqual(["cloudwatch"]);
    expect(sources("platform-ingress-alb")).toEqual(["cloudwatch"]);
    expect(sources("platform-slos")).toEqual(["prometheus"]);
  });

  it("select only metrics a platform component exports (PLATFORM_METRICS)", () => {
    const used = ALL.flatMap((d) => promExprs(d).flatMap(metricsOf));
    expect(used).toEqual(
      expect.arrayContaining(["coredns_dns_responses_total".slice(0, 0) || "kube_node_info"]),
    );
    expect(used.filter((m: string) => !PLATFORM_METRIC_NAMES.has(m))).toEqual([]);
    // Every Prometheus panel query selects at least one metric by name (so the check above sees it).
    for (const expr of ALL.flatMap(promExprs)) expect(metricsOf(expr).length).toBeGreaterThan(0);
  });

  it("read the SLO recording rules, per SLO, against each SLO's budget", () => {
    const slo = ALL.find((d) => d.uid === "platform-slos")!;
    expect(slo.templating.list[0]).toMatchObject({
      name: "slo",
      query: "label_values(slo:objective:ratio{}, slo)",
    });
    expect(promExprs(slo)[0]).toBe(
      "1 - (slo:error_ratio:window{slo=~'$slo'} / on (slo) group_left slo:error_budget:ratio{slo=~'$slo'})",
    );
  });

  it("lay panels out in rows of two without overlaps, with ids unique per dashboard", () => {
    for (const d of ALL) {
      expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
      const cells = d.panels.map((p) => `${p.gridPos.x},${p.gridPos.y}`);
      expect(new Set(cells).size).toBe(cells.length);
    }
  });
});

describe("PlatformDashboards", () => {
  it("provisions one ConfigMap per dashboard in the observability namespace, labelled for Grafana's sidecar", () => {
    expect(configMaps.map((c) => c.metadata.name).sort()).toEqual(
      ALL.map((d) => `dashboard-${d.uid}`).sort(),
    );
    for (const c of configMaps) {
      expect(c.metadata.namespace).toBe("observability");
      expect(c.metadata.labels).toMatchObject(GRAFANA_DASHBOARD_LABEL);
    }
  });

  it("uses the label and value the pinned kube-prometheus-stack's sidecar loads", () => {
    const values = chartFixture("kube-prometheus-stack", HELM_CHARTS.kubePrometheusStack.version)
      .values as any;
    const sidecar = values.grafana.sidecar.dashboards;
    expect(sidecar.enabled).toBe(true);
    expect(GRAFANA_DASHBOARD_LABEL).toEqual({ [sidecar.label]: sidecar.labelValue });
  });

  it("holds each dashboard as valid JSON, the dashboard as generated, below a ConfigMap's 1 MiB", () => {
    for (const board of ALL) {
      const configMap = configMaps.find((c) => c.metadata.name === `dashboard-${board.uid}`);
      const entries = Object.entries(configMap.data as Record<string, string>);
      expect(entries.map(([key]) => key)).toEqual([`${board.uid}.json`]);
      const text = entries[0][1];
      expect(JSON.parse(text)).toEqual(board);
      expect(Buffer.byteLength(text)).toBeLessThan(CONFIG_MAP_MAX_BYTES);
    }
  });

  it("refuses a namespace that is no DNS label", () => {
    expectErrorContaining(
      () =>
        synthPlatformScope((scope: Construct) => {
          new PlatformDashboards(scope, "Dashboards", {
            namespace: "Observability",
            logging: true,
            tracing: true,
          });
        }),
      "PlatformDashboards 'stack/Dashboards': 'namespace' must be a Kubernetes namespace name (DNS label), got \"Observability\"",
    );
  });
});
