import {
  LoadBalancerSloAlarms,
  LoadBalancerSloAlarmsProps,
} from "../../../constructs/observability/load-balancer-slo-alarms";
import { LOAD_BALANCER_CLUSTER_TAG } from "../../../constructs/observability/platform-alarms";
import { expectErrorContaining, resourcesOf, synthConstruct } from "../../helpers";

const PROPS: LoadBalancerSloAlarmsProps = {
  name: "dev",
  clusterName: "dev-cluster",
  topicArn: "arn:aws:sns:eu-west-1:111111111111:dev-alarms",
};
const synth = (props: Partial<LoadBalancerSloAlarmsProps> = {}) =>
  JSON.parse(synthConstruct((scope) => new LoadBalancerSloAlarms(scope, "AlbSlo", { ...PROPS, ...props })));
const json = synth();
const metricAlarms = Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"));
const composites = Object.values(resourcesOf(json, "aws_cloudwatch_composite_alarm"));
const named = (suffix: string) => metricAlarms.find((a) => a.alarm_name.endsWith(suffix));

describe("LoadBalancerSloAlarms", () => {
  it("watches only the ALBs this cluster's load balancer controller created, one set each", () => {
    const data = Object.values(json.data.aws_lbs) as any[];
    expect(data).toHaveLength(1);
    expect(data[0].tags).toEqual({
      [LOAD_BALANCER_CLUSTER_TAG]: "dev-cluster",
      "ingress.k8s.aws/resource": "LoadBalancer",
    });
    for (const alarm of [...metricAlarms, ...composites]) {
      expect(alarm.for_each).toMatch(/data\.aws_lbs\.AlbSlo_LoadBalancers_[0-9A-F]+\.arns/);
    }
  });

  it("alarm at the workbook's thresholds for 99.9 % over 30 days: 14.4, 6 and 1 × the 0.1 % budget", () => {
    expect(
      metricAlarms.map((a) => [a.alarm_name.replace(/^dev-alb-\$\{.*\}-slo-/, ""), a.threshold]),
    ).toEqual([
      ["page-1h-long", 0.0144],
      ["page-1h-short", 0.0144],
      ["page-6h-long", 0.006],
      ["page-6h-short", 0.006],
      ["ticket-3d-long", 0.001],
      ["ticket-3d-short", 0.001],
    ]);
  });

  it("measure each window as one period (up to a day) or as whole days that must all breach", () => {
    const windowing = (suffix: string) => {
      const a = named(suffix);
      return [a.metric_query[0].metric.period, a.evaluation_periods, a.datapoints_to_alarm];
    };
    expect(windowing("page-1h-long")).toEqual([3600, 1, 1]);
    expect(windowing("page-1h-short")).toEqual([300, 1, 1]);
    expect(windowing("page-6h-long")).toEqual([21600, 1, 1]);
    expect(windowing("page-6h-short")).toEqual([1800, 1, 1]);
    expect(windowing("ticket-3d-long")).toEqual([86400, 3, 3]);
    expect(windowing("ticket-3d-short")).toEqual([21600, 1, 1]);
  });

  it("compute target and ELB 5xx over RequestCount per load balancer, 5xx without requests as 1", () => {
    const alarm = named("page-1h-long");
    const metrics = alarm.metric_query.filter((q: any) => q.metric);
    expect(metrics.map((q: any) => [q.id, q.metric.metric_name, q.metric.stat, q.metric.namespace])).toEqual([
      ["target5xx", "HTTPCode_Target_5XX_Count", "Sum", "AWS/ApplicationELB"],
      ["elb5xx", "HTTPCode_ELB_5XX_Count", "Sum", "AWS/ApplicationELB"],
      ["requests", "RequestCount", "Sum", "AWS/ApplicationELB"],
    ]);
    for (const q of metrics) {
      expect(q.return_data).toBe(false);
      expect(q.metric.dimensions.LoadBalancer).toMatch(
        /element\(split\("loadbalancer\/", each\.value\), 1\)/,
      );
    }
    const ratio = alarm.metric_query.find((q: any) => q.expression);
    expect(ratio.return_data).toBe(true);
    expect(ratio.expression).toBe(
      "IF(FILL(requests, 0) > 0, (FILL(target5xx, 0) + FILL(elb5xx, 0)) / FILL(requests, 0), IF(FILL(target5xx, 0) + FILL(elb5xx, 0) > 0, 1, 0))",
    );
    expect(alarm.comparison_operator).toBe("GreaterThanThreshold");
    expect(alarm.treat_missing_data).toBe("notBreaching");
  });

  it("notify the topic only when both windows of a tier burn (composite alarms); the window alarms stay silent", () => {
    for (const a of metricAlarms) {
      expect(a.alarm_actions).toBeUndefined();
      expect(a.ok_actions).toBeUndefined();
    }
    expect(composites).toHaveLength(3);
    const page = composites.find((c) => /-slo-page-1h$/.test(c.alarm_name));
    expect(page.alarm_rule).toMatch(
      /^ALARM\("dev-alb-\$\{.+\}-slo-page-1h-long"\) AND ALARM\("dev-alb-\$\{.+\}-slo-page-1h-short"\)$/,
    );
    expect(page.alarm_actions).toEqual([PROPS.topicArn]);
    expect(page.ok_actions).toEqual([PROPS.topicArn]);
    expect(page.depends_on).toHaveLength(2);
  });

  it("scale with the objective and the window (99.5 % over 28 days: burn rates 13.44, 5.6 and 0.9333)", () => {
    const other = Object.values(
      resourcesOf(synth({ objectivePercent: 99.5, windowDays: 28 }), "aws_cloudwatch_metric_alarm"),
    );
    expect([...new Set(other.map((a) => a.threshold))]).toEqual([0.0672, 0.028, 0.0046665]);
  });

  it.each<[string, Partial<LoadBalancerSloAlarmsProps>, string]>([
    [
      "a name with spaces",
      { name: "dev env" },
      "'name' must be 1–160 letters, digits, '-' or '_', got \"dev env\"",
    ],
    [
      "an objective of 100 %",
      { objectivePercent: 100 },
      "'objectivePercent' must be a percentage from 50 to below 100",
    ],
    [
      "a window of 91 days",
      { windowDays: 91 },
      "'windowDays' must be a whole number of days from 1 to 90, got 91",
    ],
  ])("refuses %s", (_case, change, message) => {
    expectErrorContaining(() => synth(change), "LoadBalancerSloAlarms 'stack/AlbSlo'", message);
  });
});
