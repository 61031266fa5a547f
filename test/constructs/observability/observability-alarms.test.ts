import { Construct } from "constructs";
import { Observability, ObservabilityProps } from "../../../constructs/observability/observability";
import { PlatformAlarms } from "../../../constructs/observability/platform-alarms";
import { expectErrorContaining, findResource, findResources, refTo } from "../../helpers";
import { synthPlatformScope } from "../../platform-helpers";

const CLUSTER = { clusterName: "test-cluster" };

/** Observability (alarms only: no releases) next to alarms made by the caller. */
function synthWithOwnAlarms(extra: Partial<ObservabilityProps> = {}) {
  return synthPlatformScope((scope: Construct) => {
    const alarms = new PlatformAlarms(scope, "Alarms", { name: "shared", emails: ["oncall@example.com"] });
    new Observability(scope, "Observability", {
      cluster: CLUSTER,
      region: "eu-west-1",
      monitoring: false,
      logging: false,
      tracing: false,
      alarms,
      ...extra,
    });
  });
}

describe("Observability with alarms made elsewhere", () => {
  const json = synthWithOwnAlarms();

  it("creates no topic of its own: the only one is the caller's", () => {
    expect(findResources(json, "aws_sns_topic").map((t) => t.path)).toEqual([
      expect.stringMatching(/^Alarms\//),
    ]);
    expect(findResources(json, "aws_sns_topic").some((t) => t.path.includes("Observability/"))).toBe(false);
  });

  it("sends the ALB SLO's burn-rate alarms (the composite, paging ones) to the caller's topic", () => {
    const topic = findResource(json, "aws_sns_topic");
    const sloAlarms = findResources(json, "aws_cloudwatch_composite_alarm").filter((a) =>
      a.path.includes("Observability/LoadBalancerSlo/"),
    );
    expect(sloAlarms.length).toBeGreaterThan(0);
    for (const alarm of sloAlarms) {
      expect([alarm.body.alarm_actions, alarm.body.ok_actions]).toEqual([
        [refTo(topic, "arn")],
        [refTo(topic, "arn")],
      ]);
    }
  });

  it.each([
    ["alarmEmails", { alarmEmails: ["someone@example.com"] }, '["someone@example.com"]'],
    ["natGatewayIds", { natGatewayIds: ["nat-0123456789abcdef0"] }, '["nat-0123456789abcdef0"]'],
  ])("rejects %s next to 'alarms', naming the construct, prop and value", (prop, extra, got) => {
    expectErrorContaining(
      () => synthWithOwnAlarms(extra),
      "Observability",
      `'${prop}' must be left out with 'alarms'`,
      got,
    );
  });
});
