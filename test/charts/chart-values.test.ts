import * as fs from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { parse } from "yaml";
import { ChartRelease } from "../../constructs/helm/chart-release";
import {
  HARD_ANTI_AFFINITY_DEFAULTS,
  RELIED_CHART_DEFAULTS,
  chartNameOf,
  valueAt,
} from "../../constructs/helm/release-capacity";
import { KUBERNETES_OBJECTS_CHART } from "../../constructs/helm/kubernetes-objects";
import { HELM_CHARTS } from "../../constructs/versions";
import { buildApp } from "../../stacks/environment-app";
import { ENVIRONMENTS_UNDER_TEST } from "../environments-under-test";
import {
  FIXTURES_DIR,
  chartFixture,
  keyPaths,
  mergeValues,
  schemaErrors,
  unknownKeyPaths,
} from "./chart-fixtures";

/**
 * Free-form maps: key paths below these prefixes are not declared key by key in the chart's
 * values.yaml, for the reason given. Everything else a release sets must exist in values.yaml.
 */
const FREE_FORM: Readonly<Record<string, readonly string[]>> = {
  "aws-load-balancer-controller": [
    "defaultTags", // `{}`: any AWS tags the controller adds to what it creates
    "podDisruptionBudget", // `{}` with `maxUnavailable: 1` commented out: a PodDisruptionBudget spec
  ],
  "cert-manager": [
    "podDisruptionBudget.maxUnavailable", // commented out in values.yaml, declared in values.schema.json
    "webhook.podDisruptionBudget.maxUnavailable", // likewise
    "serviceAccount.name", // `# name: ""`, declared in values.schema.json
  ],
  "external-dns": [],
  "kube-prometheus-stack": [
    "prometheus.prometheusSpec.resources", // `{}`: a Kubernetes ResourceRequirements
    "prometheus.prometheusSpec.storageSpec", // `{}`: the Prometheus CRD's StorageSpec (volumeClaimTemplate)
    "alertmanager.alertmanagerSpec.configSecret", // `# configSecret:` documented in values.yaml
    "grafana.resources", // `{}` in the grafana subchart: a Kubernetes ResourceRequirements
    // `{}` with its three keys (datasourceUid, traceIdLabelName, urlDisplayLabel) commented out, read by
    // templates/grafana/configmaps-datasources.yaml
    "grafana.sidecar.datasources.exemplarTraceIdDestinations",
    "grafana.ingress.annotations", // `{}`: any Ingress annotations (the ALB controller's)
    "grafana.ingress.ingressClassName", // `# ingressClassName:` documented in values.yaml
    "grafana.grafana.ini", // the grafana subchart's `grafana.ini`: Grafana's own configuration sections
    "grafana.envValueFrom", // the grafana subchart's map of env vars from Secret/ConfigMap keys
  ],
  loki: [
    "loki.schemaConfig", // `{}`: Loki's schema_config, passed through
    "loki.limits_config", // Loki's limits_config, passed through (skipProperties in the schema)
    "loki.compactor", // `{}`: Loki's compactor config, passed through
    // `bucketNames` is commented out in values.yaml with exactly these keys (chunks, ruler), and the
    // templates read only these two: `admin` (Enterprise) is gone.
    "loki.storage.bucketNames.chunks",
    "loki.storage.bucketNames.ruler",
    "*.resources", // `{}` per component: a Kubernetes ResourceRequirements
  ],
  "opentelemetry-collector": [
    "resources", // `{}`: a Kubernetes ResourceRequirements
    "config.exporters", // the collector's own configuration: any exporter by name
    "ports", // a map of named ports; new names add ports
  ],
  karpenter: [
    "controller.resources", // `{}`: a Kubernetes ResourceRequirements
  ],
  tempo: [
    "tempo.resources", // `{}`: a Kubernetes ResourceRequirements
    "tempo.storage.trace.s3", // commented out in values.yaml: Tempo's S3 backend config, passed through
    "tempo.overrides.defaults", // `{}`: Tempo's per-tenant overrides, passed through
    "persistence.storageClassName", // `# storageClassName: local-path`, read by templates/statefulset.yaml
  ],
  "karpenter-crd": [],
  "metrics-server": [],
  "kubernetes-objects": [],
  "external-secrets": [
    "resources", // `{}`: a Kubernetes ResourceRequirements
    "webhook.resources", // likewise
    "certController.resources", // likewise
  ],
};

// Every registered environment and a sandbox, built as main.ts builds them (no synthesis needed:
// releases keep their values as objects).
const built = buildApp(Testing.app(), ENVIRONMENTS_UNDER_TEST);
const releases = [...built.values()].flatMap((stacks) =>
  stacks.platform.node.findAll().filter((c): c is ChartRelease => c instanceof ChartRelease),
);
const cases = releases.map((r) => [r.node.path, r] as const);

/**
 * Subcharts whose values a release sets through its parent chart, with the version the parent's
 * Chart.yaml pins: kube-prometheus-stack 88.5.3 depends on grafana 12.11.1.
 */
const SUBCHARTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "kube-prometheus-stack": { grafana: "12.11.1" },
};

/** A chart's values with its subcharts' values under their keys (a key may be declared by either). */
function withSubcharts(chart: string, values: Record<string, unknown>): Record<string, unknown> {
  const subcharts = Object.entries(SUBCHARTS[chart] ?? {});
  return subcharts.reduce<Record<string, unknown>>(
    (merged, [name, version]) =>
      mergeValues({ [name]: chartFixture(name, version).values }, merged) as Record<string, unknown>,
    values,
  );
}

/** The repository's own objects chart is its own fixture. */
const objectsChartValues = parse(
  fs.readFileSync(path.join(KUBERNETES_OBJECTS_CHART.path, "values.yaml"), "utf8"),
) as Record<string, unknown>;
const chartValuesOf = (release: ChartRelease) =>
  chartNameOf(release) === "kubernetes-objects"
    ? objectsChartValues
    : withSubcharts(chartNameOf(release), chartFixture(chartNameOf(release), release.source.version).values);

describe("chart values against the pinned charts", () => {
  it("covers every chart of the catalog and the repository's objects chart", () => {
    const charts = new Set(releases.map(chartNameOf));
    expect([...charts].sort()).toEqual(
      [...Object.values(HELM_CHARTS).map((c) => c.chart), "kubernetes-objects"].sort(),
    );
  });

  it("pins Karpenter's CRD chart to the controller's version", () => {
    expect(HELM_CHARTS.karpenterCrd.version).toBe(HELM_CHARTS.karpenter.version);
  });

  it.each(Object.values(HELM_CHARTS).map((c) => [c.chart, c.version]))(
    "%s %s has vendored fixtures with their upstream source",
    (chart, version) => {
      const { manifest, schema } = chartFixture(chart, version);
      expect(manifest).toMatchObject({ chart, version });
      expect(manifest.repository).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
      expect(manifest.commit).toMatch(/^[0-9a-f]{40}$/);
      const files = fs
        .readdirSync(path.join(FIXTURES_DIR, chart, version))
        .filter((f) => f !== "manifest.json");
      expect([...manifest.files].sort()).toEqual(files.sort());
      expect(files.includes("values.schema.json")).toBe(schema !== undefined);
    },
  );

  it.each(
    Object.entries(SUBCHARTS).flatMap(([parent, subs]) =>
      Object.entries(subs).map(([s, v]) => [parent, s, v]),
    ),
  )("%s's subchart %s %s has vendored fixtures with their upstream source", (_parent, chart, version) => {
    const { manifest } = chartFixture(chart, version);
    expect(manifest).toMatchObject({ chart, version });
    expect(manifest.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it.each(cases)("%s sets only keys its chart has", (_path, release) => {
    expect(unknownKeyPaths(chartValuesOf(release), release.values, FREE_FORM[chartNameOf(release)])).toEqual(
      [],
    );
  });

  it.each(cases)("%s: merged values validate against the chart's values.schema.json", (_path, release) => {
    if (chartNameOf(release) === "kubernetes-objects") return;
    expect(schemaErrors(chartFixture(chartNameOf(release), release.source.version), release.values)).toEqual(
      [],
    );
  });
});

describe("the chart-values checks fail on", () => {
  const loki = releases.find((r) => r.node.path === "stage-platform/Observability/Loki") as ChartRelease;
  const collector = releases.find(
    (r) => r.node.path === "stage-platform/Observability/OtlpGateway",
  ) as ChartRelease;
  const lokiChart = chartFixture("loki", HELM_CHARTS.loki.version);
  const collectorChart = chartFixture("opentelemetry-collector", HELM_CHARTS.openTelemetryCollector.version);

  it("a misspelled key", () => {
    const values = mergeValues(loki.values, { write: { replica: 3 } }) as object;
    expect(unknownKeyPaths(lokiChart.values, values, FREE_FORM.loki)).toEqual(["write.replica"]);
  });

  it("a key the chart no longer has (Loki's Enterprise admin bucket)", () => {
    const values = mergeValues(loki.values, {
      loki: { storage: { bucketNames: { admin: "logs" } } },
    }) as object;
    expect(unknownKeyPaths(lokiChart.values, values, FREE_FORM.loki)).toEqual([
      "loki.storage.bucketNames.admin",
    ]);
  });

  it("a value the chart's schema rejects, and a key its closed schema does not know", () => {
    const wrongType = mergeValues(collector.values, { replicaCount: "two" }) as object;
    expect(schemaErrors(collectorChart, wrongType).join("\n")).toContain("/replicaCount must be integer");
    const misspelled = mergeValues(collector.values, { replicasCount: 2 }) as object;
    expect(schemaErrors(collectorChart, misspelled).join("\n")).toContain(
      '"additionalProperty":"replicasCount"',
    );
    expect(unknownKeyPaths(collectorChart.values, misspelled, FREE_FORM["opentelemetry-collector"])).toEqual([
      "replicasCount",
    ]);
  });

  it("a key neither kube-prometheus-stack nor its grafana subchart has", () => {
    const stack = releases.find(
      (r) => r.node.path === "stage-platform/Observability/KubePrometheusStack",
    ) as ChartRelease;
    const values = mergeValues(stack.values, {
      grafana: { serviceAcount: { name: "grafana" }, sidecar: { datasources: { uuid: "prometheus" } } },
    }) as object;
    expect(unknownKeyPaths(chartValuesOf(stack), values, FREE_FORM["kube-prometheus-stack"]).sort()).toEqual([
      "grafana.serviceAcount.name",
      "grafana.sidecar.datasources.uuid",
    ]);
  });

  it("a Tempo key the chart does not have (the distributed chart's layout)", () => {
    const tempo = releases.find((r) => r.node.path === "stage-platform/Observability/Tempo") as ChartRelease;
    const values = mergeValues(tempo.values, { ingester: { replicas: 3 } }) as object;
    expect(unknownKeyPaths(chartValuesOf(tempo), values, FREE_FORM.tempo)).toEqual(["ingester.replicas"]);
  });

  it("a chart bump without fixtures, naming what to refresh", () => {
    expect(() => chartFixture("loki", "18.12.0")).toThrow(
      "No fixtures for chart 'loki' version '18.12.0': refresh test/fixtures/charts/loki/18.12.0/",
    );
  });

  it("key paths are leaves, arrays and empty maps included", () => {
    expect(keyPaths({ a: { b: 1, c: [1] }, d: {} })).toEqual(["a.b", "a.c", "d"]);
  });
});

describe("the chart defaults the capacity check relies on", () => {
  it.each(Object.entries(RELIED_CHART_DEFAULTS))(
    "%s: every relied-on default is the chart's",
    (chart, defaults) => {
      const entry = Object.values(HELM_CHARTS).find((c) => c.chart === chart);
      if (entry === undefined) {
        expect(chart).toBe("kubernetes-objects");
        return;
      }
      const { values } = chartFixture(chart, entry.version);
      for (const [keyPath, value] of Object.entries(defaults)) {
        expect([keyPath, valueAt(values, keyPath)]).toEqual([keyPath, value]);
      }
    },
  );

  it.each(Object.entries(HARD_ANTI_AFFINITY_DEFAULTS))(
    "%s: components counted one per node have a required hostname anti-affinity by default",
    (chart, components) => {
      const entry = Object.values(HELM_CHARTS).find((c) => c.chart === chart);
      const { values } = chartFixture(chart, entry?.version ?? "");
      for (const component of components) {
        const terms = valueAt(
          values,
          `${component === "" ? "" : `${component}.`}affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution`,
        ) as { topologyKey: string }[];
        expect([component, terms.map((t) => t.topologyKey)]).toEqual([component, ["kubernetes.io/hostname"]]);
      }
    },
  );

  it("karpenter: the controller stays off the nodes it launches by default (the baseline runs it)", () => {
    const { values } = chartFixture("karpenter", HELM_CHARTS.karpenter.version);
    expect(
      valueAt(
        values,
        "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
      ),
    ).toEqual([{ matchExpressions: [{ key: "karpenter.sh/nodepool", operator: "DoesNotExist" }] }]);
  });
});
