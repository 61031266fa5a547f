import { Construct } from "constructs";
import { ChartRelease } from "../../../constructs/helm/chart-release";
import { releaseDemand } from "../../../constructs/helm/release-capacity";
import { KUBERNETES_OBJECTS_CHART } from "../../../constructs/helm/kubernetes-objects";
import { kubePrometheusStackValues } from "../../../constructs/observability/private/chart-values";
import {
  SLO_RECORDED_METRICS,
  ServiceLevelObjective,
  counterSli,
  seriesSelector,
  sloRules,
} from "../../../constructs/observability/slo";
import {
  SLO_RULE_LABELS,
  ServiceLevelObjectives,
  ServiceLevelObjectivesProps,
} from "../../../constructs/observability/slo-rules";
import { HELM_CHARTS } from "../../../constructs/versions";
import { expectErrorContaining } from "../../helpers";
import { releasesOf, synthPlatformScope, valuesOf } from "../../platform-helpers";

const checkout: ServiceLevelObjective = {
  name: "checkout-availability",
  objectivePercent: 99.9,
  labels: { team: "payments" },
  ...counterSli({
    selector: { namespace: "checkout", job: "checkout" },
    errors: [{ metric: "http_requests_total", matchers: { code: { regex: "5.." } } }],
    total: [{ metric: "http_requests_total" }],
  }),
};
const latency: ServiceLevelObjective = { ...checkout, name: "checkout-latency", objectivePercent: 99 };

function synth(props: Partial<ServiceLevelObjectivesProps> = {}) {
  let slos: ServiceLevelObjectives | undefined;
  const json = synthPlatformScope((scope: Construct) => {
    const stack = new ChartRelease(scope, "Monitoring", {
      source: HELM_CHARTS.kubePrometheusStack,
      releaseName: "kube-prometheus-stack",
      namespace: "observability",
    });
    slos = new ServiceLevelObjectives(scope, "CheckoutSlos", {
      namespace: "checkout",
      objectives: [checkout, latency],
      dependsOn: [stack.release],
      ...props,
    });
  });
  return { json, slos: slos as ServiceLevelObjectives };
}

describe("counterSli", () => {
  it("sums each counter's rate over $window, filtered by the service selector and its own matchers", () => {
    expect(
      counterSli({
        selector: { job: "tempo" },
        errors: [{ metric: "refused" }],
        total: [{ metric: "accepted" }, { metric: "refused" }],
      }),
    ).toEqual({
      errorsQuery: "sum(rate(refused{job='tempo'}[$window]))",
      totalQuery: "sum(rate(accepted{job='tempo'}[$window])) + sum(rate(refused{job='tempo'}[$window]))",
    });
    expect(checkout.errorsQuery).toBe(
      "sum(rate(http_requests_total{namespace='checkout',job='checkout',code=~'5..'}[$window]))",
    );
  });

  it("writes label values as single-quoted PromQL strings (no double quotes or backslashes to carry through JSON)", () => {
    expect(seriesSelector("up", { job: "api", path: { regex: "/v1/.*" } })).toBe(
      "up{job='api',path=~'/v1/.*'}",
    );
    expect(seriesSelector("up", { note: "it's", re: { regex: "a\\.b" } })).toBe(
      "up{note='it\\'s',re=~'a\\\\.b'}",
    );
  });

  it("refuses metric and label names PromQL does not allow, and SLIs without counters", () => {
    expect(() => seriesSelector("http-requests")).toThrow('not a Prometheus metric name: "http-requests"');
    expect(() => seriesSelector("up", { "app.kubernetes.io/name": "x" })).toThrow(
      'not a Prometheus label name: "app.kubernetes.io/name"',
    );
    expect(() => counterSli({ selector: {}, errors: [], total: [{ metric: "up" }] })).toThrow(
      "at least one error counter and one total counter",
    );
  });
});

describe("sloRules budget group (what dashboards read)", () => {
  const [, , budget] = sloRules(checkout).groups;
  it("records the objective, the budget and the error ratio over the SLO window", () => {
    expect(budget.name).toBe("slo-checkout-availability-budget");
    expect(budget.rules).toEqual([
      { record: "slo:objective:ratio", expr: "vector(0.999)", labels: { slo: "checkout-availability" } },
      { record: "slo:error_budget:ratio", expr: "vector(0.001)", labels: { slo: "checkout-availability" } },
      {
        record: "slo:error_ratio:window",
        expr: "avg_over_time(slo:error_ratio:rate5m{slo='checkout-availability'}[30d])",
        labels: { slo: "checkout-availability", window: "30d" },
      },
    ]);
  });

  it("SLO_RECORDED_METRICS lists exactly the series sloRules records", () => {
    const recorded = sloRules(checkout).groups.flatMap((g) =>
      g.rules.flatMap((r) => (r.record ? [r.record] : [])),
    );
    expect([...new Set(recorded)].sort()).toEqual([...SLO_RECORDED_METRICS].sort());
  });

  it("has thresholds of the workbook's table for 99.9 %: 1.44 %, 0.6 % and 0.1 % errors", () => {
    const [, alerts] = sloRules(checkout).groups;
    const thresholds = alerts.rules.map((r) => {
      const [rate, budgetShare] = /> \(([\d.]+) \* ([\d.]+)\)/.exec(r.expr)!.slice(1).map(Number);
      return Number((rate * budgetShare).toFixed(6));
    });
    expect(thresholds).toEqual([0.0144, 0.006, 0.001]);
  });
});

describe("ServiceLevelObjectives", () => {
  const { json, slos } = synth();
  const release = releasesOf(json)["checkoutslos"];

  it("installs one PrometheusRule per SLO through the kubernetes-objects chart, after the CRDs' release", () => {
    expect(release.repository).toBeUndefined(); // the chart shipped with the library
    expect(release.version).toBe(KUBERNETES_OBJECTS_CHART.version);
    expect(release.namespace).toBe("checkout");
    expect(release.depends_on).toEqual([expect.stringMatching(/^helm_release\.Monitoring_Release_/)]);
    const { objects } = valuesOf(json, "checkoutslos");
    expect(objects.map((o: any) => [o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace])).toEqual([
      ["monitoring.coreos.com/v1", "PrometheusRule", "slo-checkout-availability", "checkout"],
      ["monitoring.coreos.com/v1", "PrometheusRule", "slo-checkout-latency", "checkout"],
    ]);
    expect(objects[0].spec).toEqual(sloRules(checkout));
    expect(slos.rules).toEqual(objects);
  });

  it("labels the rules so that Prometheus selects them", () => {
    const { objects } = valuesOf(json, "checkoutslos");
    for (const o of objects) expect(o.metadata.labels).toEqual(SLO_RULE_LABELS);
    // The platform's Prometheus selects every rule of every namespace ...
    const spec = kubePrometheusStackValues({
      retentionDays: 1,
      storageGiB: 10,
      storageClassName: "gp3",
      alertmanagerConfigSecretName: "am",
      grafanaServiceAccount: "grafana",
      prometheus: { cpuMillis: 1, memoryMiB: 16 },
      grafana: { cpuMillis: 1, memoryMiB: 16 },
    }).prometheus.prometheusSpec;
    expect([spec.ruleSelectorNilUsesHelmValues, spec.ruleSelector, spec.ruleNamespaceSelector]).toEqual([
      false,
      {},
      {},
    ]);
    // ... and the chart's own default selector (release: <release name>) matches them too.
    expect(SLO_RULE_LABELS.release).toBe("kube-prometheus-stack");
  });

  it("adds the caller's labels but never lets them replace the selection labels", () => {
    const { json: labelled } = synth({ labels: { team: "payments", release: "other" } });
    const [rule] = valuesOf(labelled, "checkoutslos").objects;
    expect(rule.metadata.labels).toEqual({ team: "payments", ...SLO_RULE_LABELS });
  });

  it("needs no capacity (a release of custom resources only)", () => {
    expect(releaseDemand(slos.release)).toEqual([]);
  });

  it.each<[string, Partial<ServiceLevelObjectivesProps>, string]>([
    [
      "a namespace that is no DNS label",
      { namespace: "Checkout" },
      "'namespace' must be a Kubernetes namespace name",
    ],
    ["no SLO", { objectives: [] }, "'objectives' must list at least one SLO"],
    ["two SLOs of one name", { objectives: [checkout, checkout] }, "'objectives' must have distinct names"],
    [
      "an invalid SLO",
      { objectives: [checkout, { ...latency, objectivePercent: 100 }] },
      "'objectives[1].objectivePercent' must be a percentage from 50 to below 100 (e.g. 99.9), got 100",
    ],
  ])("refuses %s, naming the construct path", (_case, change, message) => {
    expectErrorContaining(() => synth(change), "ServiceLevelObjectives 'stack/CheckoutSlos'", message);
  });
});
