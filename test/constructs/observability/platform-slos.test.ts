import { Construct } from "constructs";
import { Observability, ObservabilityProps } from "../../../constructs/observability/observability";
import {
  DEFAULT_PLATFORM_SLO_OBJECTIVES,
  PLATFORM_SLO_NAMES,
  PlatformSloObjectives,
  platformServiceLevelObjectives,
} from "../../../constructs/observability/platform-slos";
import { PLATFORM_METRIC_NAMES } from "../../../constructs/observability/platform-metrics";
import { sloProblems } from "../../../constructs/observability/slo";
import { expectErrorContaining, resourcesOf } from "../../helpers";
import { releasesOf, synthPlatformScope, valuesOf } from "../../platform-helpers";
import { chartFixture } from "../../charts/chart-fixtures";
import { HELM_CHARTS } from "../../../constructs/versions";

const ALL = { coreDns: true, lokiWrite: true, tempoWrite: true };
const slos = platformServiceLevelObjectives(DEFAULT_PLATFORM_SLO_OBJECTIVES, ALL, "observability");
const byName = Object.fromEntries(slos.map((s) => [s.name, s]));

describe("platform SLOs", () => {
  it("are valid SLOs over the configured window, labelled for the platform team", () => {
    for (const slo of slos) {
      expect(sloProblems(slo)).toEqual([]);
      expect(slo.windowDays).toBe(30);
      expect(slo.labels).toEqual({ team: "platform" });
    }
  });

  it("measure CoreDNS by SERVFAIL responses of the coredns job kube-prometheus-stack scrapes", () => {
    expect(byName[PLATFORM_SLO_NAMES.coreDns]).toMatchObject({
      objectivePercent: 99.9,
      errorsQuery: "sum(rate(coredns_dns_responses_total{job='coredns',rcode='SERVFAIL'}[$window]))",
      totalQuery: "sum(rate(coredns_dns_responses_total{job='coredns'}[$window]))",
    });
  });

  it("select CoreDNS as the pinned kube-prometheus-stack scrapes it (job from the Service's jobLabel, coredns)", () => {
    const values = chartFixture("kube-prometheus-stack", HELM_CHARTS.kubePrometheusStack.version)
      .values as any;
    expect([values.coreDns.enabled, values.coreDns.serviceMonitor.enabled]).toEqual([true, true]);
    // The chart's coredns Service carries `jobLabel: coredns`; its ServiceMonitor names the job after it.
    expect(values.coreDns.serviceMonitor.jobLabel).toBe("jobLabel");
    const platformValues = valuesOf(
      synthPlatformScope((scope: Construct) => {
        new Observability(scope, "Observability", {
          cluster: { clusterName: "test" },
          region: "eu-west-1",
          logging: false,
          tracing: false,
        });
      }),
      "kube-prometheus-stack",
    );
    expect(platformValues.coreDns).toBeUndefined();
  });

  it("measure Loki's write path by 5xx on its push and OTLP routes, in its namespace", () => {
    expect(byName[PLATFORM_SLO_NAMES.lokiWrite]).toMatchObject({
      objectivePercent: 99.5,
      errorsQuery:
        "sum(rate(loki_request_duration_seconds_count{namespace='observability',route=~'api_prom_push|loki_api_v1_push|otlp_v1_logs',status_code=~'5..'}[$window]))",
      totalQuery:
        "sum(rate(loki_request_duration_seconds_count{namespace='observability',route=~'api_prom_push|loki_api_v1_push|otlp_v1_logs'}[$window]))",
    });
  });

  it("measure Tempo's write path by spans its receivers refuse, over accepted plus refused", () => {
    expect(byName[PLATFORM_SLO_NAMES.tempoWrite]).toMatchObject({
      errorsQuery: "sum(rate(tempo_receiver_refused_spans{namespace='observability'}[$window]))",
      totalQuery:
        "sum(rate(tempo_receiver_accepted_spans{namespace='observability'}[$window])) + sum(rate(tempo_receiver_refused_spans{namespace='observability'}[$window]))",
    });
  });

  it("read only metrics the components export (PLATFORM_METRICS)", () => {
    const metrics = slos.flatMap((s) =>
      [...`${s.errorsQuery} ${s.totalQuery}`.matchAll(/([a-zA-Z_:][\w:]*)\{/g)].map((m) => m[1]),
    );
    expect(metrics.length).toBeGreaterThan(0);
    expect(metrics.filter((m) => !PLATFORM_METRIC_NAMES.has(m))).toEqual([]);
  });

  it.each([
    ["coreDns", PLATFORM_SLO_NAMES.coreDns],
    ["lokiWrite", PLATFORM_SLO_NAMES.lokiWrite],
    ["tempoWrite", PLATFORM_SLO_NAMES.tempoWrite],
  ] as const)("exist only with their component: without %s, no %s", (component, name) => {
    const without = platformServiceLevelObjectives(
      DEFAULT_PLATFORM_SLO_OBJECTIVES,
      { ...ALL, [component]: false },
      "observability",
    );
    expect(without.map((s) => s.name)).toEqual(slos.map((s) => s.name).filter((n) => n !== name));
  });

  it("take each component's objective and the window from the configuration", () => {
    const lowered = platformServiceLevelObjectives(
      {
        ...DEFAULT_PLATFORM_SLO_OBJECTIVES,
        windowDays: 28,
        coreDnsPercent: 99.5,
        lokiWritePercent: 99,
        tempoWritePercent: 98,
      },
      ALL,
      "observability",
    );
    expect(lowered.map((s) => [s.name, s.objectivePercent, s.windowDays])).toEqual([
      [PLATFORM_SLO_NAMES.coreDns, 99.5, 28],
      [PLATFORM_SLO_NAMES.lokiWrite, 99, 28],
      [PLATFORM_SLO_NAMES.tempoWrite, 98, 28],
    ]);
  });
});

describe("Observability sloObjectives validation", () => {
  const build = (objectives: Partial<PlatformSloObjectives>) => () =>
    synthPlatformScope((scope: Construct) => {
      new Observability(scope, "Observability", {
        cluster: { clusterName: "test" },
        region: "eu-west-1",
        logging: false,
        sloObjectives: { ...DEFAULT_PLATFORM_SLO_OBJECTIVES, ...objectives },
      });
    });
  it.each<[keyof PlatformSloObjectives, number, string]>([
    ["coreDnsPercent", 0.999, "must be a percentage from 50 to below 100 (e.g. 99.9), got 0.999"],
    ["lokiWritePercent", 100, "must be a percentage from 50 to below 100 (e.g. 99.9), got 100"],
    ["tempoWritePercent", 40, "must be a percentage from 50 to below 100 (e.g. 99.9), got 40"],
    ["loadBalancerPercent", 100.5, "must be a percentage from 50 to below 100 (e.g. 99.9), got 100.5"],
    ["windowDays", 7.5, "must be a whole number of days from 1 to 90, got 7.5"],
  ])("refuses sloObjectives.%s = %s", (key, value, message) => {
    expectErrorContaining(
      build({ [key]: value }),
      `Observability 'stack/Observability': 'sloObjectives.${key}' ${message}`,
    );
  });
});

describe("Observability switches", () => {
  const synth = (props: Partial<ObservabilityProps>) =>
    synthPlatformScope((scope: Construct) => {
      new Observability(scope, "Observability", {
        cluster: { clusterName: "test" },
        region: "eu-west-1",
        logging: false,
        tracing: false,
        ...props,
      });
    });

  it("dashboards: false keeps the SLOs and drops the dashboard ConfigMaps", () => {
    const json = synth({ dashboards: false });
    expect(Object.keys(releasesOf(json))).toContain("platform-slos");
    expect(resourcesOf(json, "kubernetes_config_map_v1")).toEqual({});
  });

  it("loadBalancerAlarms: false drops the ALB SLO's alarms with the other ALB alarms", () => {
    const json = synth({ loadBalancerAlarms: false, monitoring: false, tracing: false });
    expect(resourcesOf(json, "aws_cloudwatch_composite_alarm")).toEqual({});
    expect(json.data?.aws_lbs).toBeUndefined();
  });
});
