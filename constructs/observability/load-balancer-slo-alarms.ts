import { CloudwatchCompositeAlarm } from "@cdktf/provider-aws/lib/cloudwatch-composite-alarm";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsLbs } from "@cdktf/provider-aws/lib/data-aws-lbs";
import { Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { PropValidator } from "../core/validation";
import { LOAD_BALANCER_CLUSTER_TAG } from "./platform-alarms";
import { BURN_RATE_TIERS, BurnRateTier, burnRate, durationHours, sloFieldProblems } from "./slo";

/** Props of {@link LoadBalancerSloAlarms}. */
export interface LoadBalancerSloAlarmsProps {
  /** Prefix of the alarm names, e.g. the environment name. */
  readonly name: string;
  /** EKS cluster whose AWS Load Balancer Controller created the ALBs (their `elbv2.k8s.aws/cluster` tag). */
  readonly clusterName: string;
  /** SNS topic the page and ticket alarms notify (on alarm and on recovery). */
  readonly topicArn: string;
  /** Share of requests without a 5xx (target or load balancer), in percent. @default 99.9 */
  readonly objectivePercent?: number;
  /** The SLO's window in days. @default 30 */
  readonly windowDays?: number;
}

const NAME = /^[a-zA-Z0-9_-]{1,160}$/;
const DAY_SECONDS = 86400;

/**
 * The ALB availability SLO of a cluster's ingress as CloudWatch alarms: ALB metrics live in
 * CloudWatch, not Prometheus, so the workbook's burn-rate tiers ({@link BURN_RATE_TIERS}) are
 * rendered as metric-math alarms. For every ALB the cluster's load balancer controller created
 * (selected by tag at plan time, like {@link PlatformAlarms}' ALB alarms) and every tier: one alarm
 * on the long window and one on the short window, each comparing the error ratio
 * (`HTTPCode_Target_5XX_Count + HTTPCode_ELB_5XX_Count` over `RequestCount`; 5xx without any
 * request, e.g. no healthy target, counts as a ratio of 1) with burn rate × error budget, and a
 * composite alarm `ALARM(long) AND ALARM(short)` that notifies the topic. Only the composite alarms
 * have actions.
 *
 * Periods are kept to at most a day (CloudWatch bounds an alarm's evaluation range by days: 7 in
 * total, 1 for periods under an hour): a window of a day or less is one period; a longer one (the
 * ticket tier's 3 days) is that many one-day periods that must all breach, slightly stricter than the
 * ratio over the whole window.
 */
export class LoadBalancerSloAlarms extends Construct {
  /** Names of the composite alarms, one per tier (each a Terraform expression per load balancer). */
  readonly tierAlarmNames: readonly string[];

  constructor(scope: Construct, id: string, props: LoadBalancerSloAlarmsProps) {
    super(scope, id);
    const objectivePercent = props.objectivePercent ?? 99.9;
    const windowDays = props.windowDays ?? 30;
    const v = new PropValidator("LoadBalancerSloAlarms", this);
    v.check("name", props.name, (n) => NAME.test(n), "must be 1–160 letters, digits, '-' or '_'");
    const probe = { name: "alb", errorsQuery: "[$window]", totalQuery: "[$window]" };
    for (const p of sloFieldProblems({ ...probe, objectivePercent, windowDays })) {
      v.fail(p.field, p.value, p.allowed);
    }
    v.throwIfInvalid();

    const budget = Number((1 - objectivePercent / 100).toPrecision(6));
    const loadBalancers = new DataAwsLbs(this, "LoadBalancers", {
      tags: { [LOAD_BALANCER_CLUSTER_TAG]: props.clusterName, "ingress.k8s.aws/resource": "LoadBalancer" },
    });
    const arns = TerraformIterator.fromList(loadBalancers.arns);
    // The metrics' LoadBalancer dimension is the ARN's suffix: app/<name>/<id>.
    const dimension = Fn.element(Fn.split("loadbalancer/", Token.asString(arns.value)), 1);
    const key = Fn.replace(dimension, "/", "-");

    const windowAlarm = (tier: BurnRateTier, window: string, role: "long" | "short", threshold: number) => {
      const seconds = Math.round(durationHours(window) * 3600);
      const periods = seconds <= DAY_SECONDS ? 1 : Math.ceil(seconds / DAY_SECONDS);
      const period = periods === 1 ? seconds : DAY_SECONDS;
      const alarmName = `${props.name}-alb-${key}-slo-${tier.severity}-${tier.longWindow}-${role}`;
      const metric = (queryId: string, metricName: string) => ({
        id: queryId,
        returnData: false,
        metric: {
          namespace: "AWS/ApplicationELB",
          metricName,
          dimensions: { LoadBalancer: dimension },
          stat: "Sum",
          period,
        },
      });
      const alarm = new CloudwatchMetricAlarm(this, `${tier.severity}-${tier.longWindow}-${role}`, {
        forEach: arns,
        alarmName,
        alarmDescription:
          `Application Load Balancer ${dimension}: 5xx ratio over ${window} above ${threshold} ` +
          `(burn rate ${burnRate(tier, windowDays)} of the ${objectivePercent} % SLO; ${role} window of the ${tier.severity} tier)`,
        comparisonOperator: "GreaterThanThreshold",
        threshold,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        treatMissingData: "notBreaching",
        metricQuery: [
          metric("target5xx", "HTTPCode_Target_5XX_Count"),
          metric("elb5xx", "HTTPCode_ELB_5XX_Count"),
          metric("requests", "RequestCount"),
          {
            id: "errorRatio",
            label: `5xx ratio over ${window}`,
            returnData: true,
            expression:
              "IF(FILL(requests, 0) > 0, (FILL(target5xx, 0) + FILL(elb5xx, 0)) / FILL(requests, 0), " +
              "IF(FILL(target5xx, 0) + FILL(elb5xx, 0) > 0, 1, 0))",
          },
        ],
      });
      return { alarm, alarmName };
    };

    const names: string[] = [];
    for (const tier of BURN_RATE_TIERS) {
      const rate = burnRate(tier, windowDays);
      const threshold = Number((rate * budget).toPrecision(6));
      const long = windowAlarm(tier, tier.longWindow, "long", threshold);
      const short = windowAlarm(tier, tier.shortWindow, "short", threshold);
      const alarmName = `${props.name}-alb-${key}-slo-${tier.severity}-${tier.longWindow}`;
      new CloudwatchCompositeAlarm(this, `${tier.severity}-${tier.longWindow}`, {
        forEach: arns,
        alarmName,
        alarmDescription:
          `${tier.severity === "page" ? "Page" : "Ticket"}: Application Load Balancer ${dimension} spends ` +
          `${tier.budgetSpent * 100} % of its ${windowDays}-day error budget (${objectivePercent} %) in ` +
          `${tier.longWindow} at this rate (burn rate ${rate}, confirmed over ${tier.shortWindow})`,
        alarmRule: `ALARM("${long.alarmName}") AND ALARM("${short.alarmName}")`,
        alarmActions: [props.topicArn],
        okActions: [props.topicArn],
        dependsOn: [long.alarm, short.alarm],
      });
      names.push(alarmName);
    }
    this.tierAlarmNames = names;
  }
}
