import { PLATFORM_SLO_NAMES } from "../../constructs/observability/platform-slos";
import { SLO_RULE_LABELS } from "../../constructs/observability/slo-rules";
import { GRAFANA_DASHBOARD_LABEL } from "../../constructs/observability/dashboards/platform-dashboards";
import { ENVIRONMENT_NAMES_UNDER_TEST, configOf, synthesizedEnvironments } from "../environments-under-test";
import { TerraformJson, resourcesOf } from "../helpers";
import { releasesOf } from "../platform-helpers";

// The shared synthesis of every environment under test (made once for all stack tests).
const { stacks } = synthesizedEnvironments();
const platform = (env: string): TerraformJson => stacks[`${env}-platform`];
const sloRelease = (env: string) => releasesOf(platform(env))["platform-slos"];
const rules = (env: string) => JSON.parse(sloRelease(env).values[0]).objects as any[];

describe("<env>-platform SLOs", () => {
  it.each(ENVIRONMENT_NAMES_UNDER_TEST)(
    "%s: one PrometheusRule per running component, selected by Prometheus, after kube-prometheus-stack",
    (env) => {
      const { components } = configOf(env).platform;
      const expected = [
        PLATFORM_SLO_NAMES.coreDns,
        ...(components.logging ? [PLATFORM_SLO_NAMES.lokiWrite] : []),
        ...(components.tracing ? [PLATFORM_SLO_NAMES.tempoWrite] : []),
      ];
      expect(rules(env).map((r) => r.metadata.name)).toEqual(expected.map((n) => `slo-${n}`));
      for (const rule of rules(env)) {
        expect(rule.kind).toBe("PrometheusRule");
        expect(rule.metadata.namespace).toBe("observability");
        expect(rule.metadata.labels).toMatchObject(SLO_RULE_LABELS);
      }
      const monitoring = releasesOf(platform(env))["kube-prometheus-stack"].address;
      expect(sloRelease(env).depends_on).toEqual([monitoring]);
    },
  );

  it("leaves Tempo's SLO out where tracing is off (the sandbox)", () => {
    expect(configOf("sandbox-alice").platform.components.tracing).toBe(false);
    expect(rules("sandbox-alice").map((r) => r.metadata.name)).not.toContain(
      `slo-${PLATFORM_SLO_NAMES.tempoWrite}`,
    );
  });

  it.each(ENVIRONMENT_NAMES_UNDER_TEST)("%s: alerts at the environment's own objectives", (env) => {
    const { slos } = configOf(env).platform;
    const budgetOf = (name: string) =>
      rules(env)
        .find((r) => r.metadata.name === `slo-${name}`)
        .spec.groups.flatMap((g: any) => g.rules)
        .find((r: any) => r.record === "slo:error_budget:ratio").expr;
    const budget = (percent: number) => `vector(${Number((1 - percent / 100).toPrecision(6))})`;
    expect(budgetOf(PLATFORM_SLO_NAMES.coreDns)).toBe(budget(slos.coreDnsPercent));
    expect(budgetOf(PLATFORM_SLO_NAMES.lokiWrite)).toBe(budget(slos.lokiWritePercent));
  });

  it.each(ENVIRONMENT_NAMES_UNDER_TEST)(
    "%s: the ALB SLO pages and tickets through the environment's alarm topic, scoped to this cluster's ALBs",
    (env) => {
      const composites = Object.values(resourcesOf(platform(env), "aws_cloudwatch_composite_alarm"));
      expect(composites.map((c) => c.alarm_name.replace(/\$\{.*\}/, "<lb>"))).toEqual([
        `${env}-alb-<lb>-slo-page-1h`,
        `${env}-alb-<lb>-slo-page-6h`,
        `${env}-alb-<lb>-slo-ticket-3d`,
      ]);
      for (const c of composites) {
        expect(c.alarm_actions).toEqual([
          expect.stringMatching(/^\$\{aws_sns_topic\.Observability_Alarms_Topic_/),
        ]);
      }
      const lbs = Object.values(platform(env).data?.aws_lbs ?? {}) as any[];
      // The same selection as the environment's ALB alarms: this cluster's controller's load balancers.
      expect(lbs).toHaveLength(2);
      expect(new Set(lbs.map((l) => JSON.stringify(l.tags))).size).toBe(1);
      const thresholds = Object.values(resourcesOf(platform(env), "aws_cloudwatch_metric_alarm"))
        .filter((a) => /-slo-page-1h-long$/.test(a.alarm_name))
        .map((a) => a.threshold);
      const budget = 1 - configOf(env).platform.slos.loadBalancerPercent / 100;
      expect(thresholds).toEqual([Number((14.4 * Number(budget.toPrecision(6))).toPrecision(6))]);
    },
  );

  it.each(ENVIRONMENT_NAMES_UNDER_TEST)("%s: provisions the dashboards for Grafana's sidecar", (env) => {
    const configMaps = Object.values(resourcesOf(platform(env), "kubernetes_config_map_v1")).filter(
      (c) => c.metadata.labels?.grafana_dashboard === GRAFANA_DASHBOARD_LABEL.grafana_dashboard,
    );
    const names = configMaps.map((c) => c.metadata.name);
    expect(names).toEqual(expect.arrayContaining(["dashboard-platform-slos", "dashboard-platform-rds"]));
    expect(names.includes("dashboard-platform-tempo")).toBe(configOf(env).platform.components.tracing);
  });
});
