import { PlatformAlarms, PlatformAlarmsProps } from "../../../constructs/observability/platform-alarms";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { Fn, Testing, Token } from "cdktf";
import { Construct } from "constructs";
import { addressAt } from "../../../constructs/core/moves";
import { AlarmTopic } from "../../../constructs/observability/alarm-topic";
import {
  expectErrorContaining,
  findResource,
  onlyResource,
  resourcesOf,
  synthConstruct,
  testStack,
} from "../../helpers";

const KEY = "arn:aws:kms:eu-west-1:111111111111:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const PROPS: PlatformAlarmsProps = {
  name: "dev",
  emails: ["oncall@example.com", "lead@example.com"],
  subscribeToTopicArns: { database: "arn:aws:sns:eu-west-1:111111111111:dev-postgres-alarms" },
  natGatewayIds: ["nat-0aaaaaaaaaaaaaaaa", "nat-0bbbbbbbbbbbbbbbb"],
  databaseInstanceIdentifiers: ["dev-postgres"],
  loadBalancerClusterName: "dev",
};
const synth = (props: PlatformAlarmsProps) =>
  JSON.parse(synthConstruct((scope) => new PlatformAlarms(scope, "Alarms", props)));
const json = synth(PROPS);
const alarms = Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"));
const alarmNamed = (name: string) => alarms.find((a) => a.alarm_name === name);

describe("PlatformAlarms topic", () => {
  it("is encrypted with a rotating key that CloudWatch may use", () => {
    const topic = onlyResource(json, "aws_sns_topic");
    expect(topic.name).toBe("dev-alarms");
    expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
    const key = onlyResource(json, "aws_kms_key");
    expect(key.enable_key_rotation).toBe(true);
    const grant = JSON.parse(key.policy).Statement.find(
      (s: any) => s.Principal?.Service === "cloudwatch.amazonaws.com",
    );
    expect(grant.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
    // Confused-deputy protection: only alarms of this account and region.
    expect(grant.Condition.StringEquals["aws:SourceAccount"]).toMatch(/data\.aws_caller_identity\./);
    expect(grant.Condition.ArnLike["aws:SourceArn"]).toMatch(
      /^arn:\$\{.*\}:cloudwatch:\$\{.*\}:\$\{.*\}:alarm:\*$/,
    );
  });

  it("accepts publications from this account's alarms only, and over TLS only", () => {
    const statements = JSON.parse(onlyResource(json, "aws_sns_topic_policy").policy).Statement;
    const cloudwatch = statements.find((s: any) => s.Sid === "AccountCloudWatchAlarms");
    expect(cloudwatch.Condition.ArnLike["aws:SourceArn"]).toMatch(/:cloudwatch:.*:alarm:\*$/);
    expect(statements.find((s: any) => s.Sid === "TlsOnly")).toMatchObject({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("subscribes every email to it and to the other alarm topics", () => {
    const subscriptions = Object.values(resourcesOf(json, "aws_sns_topic_subscription"));
    expect(subscriptions).toHaveLength(4);
    for (const s of subscriptions) expect(s.protocol).toBe("email");
    const toOtherTopic = subscriptions.filter((s) => s.topic_arn === PROPS.subscribeToTopicArns?.database);
    expect(toOtherTopic.map((s) => s.endpoint).sort()).toEqual([...(PROPS.emails ?? [])].sort());
  });
});

describe("PlatformAlarms alarms", () => {
  it("notify the topic on alarm and on recovery", () => {
    for (const alarm of alarms) {
      expect(alarm.alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\..*\.arn\}$/)]);
      expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
    }
  });

  it("watch each NAT gateway for port-allocation errors and dropped packets", () => {
    const nat = alarms.filter((a) => a.namespace === "AWS/NATGateway");
    expect(nat.map((a) => a.metric_name).sort()).toEqual(["ErrorPortAllocation", "PacketsDropCount"]);
    for (const alarm of nat) {
      expect(alarm.for_each).toContain("nat-0aaaaaaaaaaaaaaaa");
      expect(alarm.dimensions).toEqual({ NatGatewayId: "${each.value}" });
    }
  });

  it("watch each database's read and write latency", () => {
    expect(alarmNamed("dev-rds-dev-postgres-read-latency")).toMatchObject({
      namespace: "AWS/RDS",
      metric_name: "ReadLatency",
      dimensions: { DBInstanceIdentifier: "dev-postgres" },
      threshold: 0.05,
    });
    expect(alarmNamed("dev-rds-dev-postgres-write-latency")?.metric_name).toBe("WriteLatency");
  });

  it("watch only the ALBs of the environment's own cluster, one set of alarms per load balancer", () => {
    const [lookup] = Object.values(json.data.aws_lbs) as any[];
    expect(lookup.tags).toEqual({
      "elbv2.k8s.aws/cluster": "dev",
      "ingress.k8s.aws/resource": "LoadBalancer",
    });
    const alb = alarms.filter((a) => a.namespace === "AWS/ApplicationELB");
    expect(alb.map((a) => a.metric_name).sort()).toEqual([
      "HTTPCode_ELB_5XX_Count",
      "HTTPCode_Target_5XX_Count",
      "TargetResponseTime",
    ]);
    const scoped = testStack();
    new PlatformAlarms(scoped, "Alarms", PROPS);
    expect(scoped.node.findChild("Alarms").node.metadata.filter((m) => m.type === "@cdktf/warn")).toEqual([]);
    for (const alarm of alb) {
      expect(alarm.for_each).toMatch(/^\$\{toset\(tolist\(data\.aws_lbs\.\w+\.arns\)\)\}$/);
      expect(alarm.dimensions).toEqual({ LoadBalancer: '${element(split("loadbalancer/", each.value), 1)}' });
      expect(alarm.alarm_name).toMatch(/^dev-alb-\$\{replace\(.*each\.value.*\)\}-/);
      expect(alarm.metric_query).toBeUndefined();
    }
  });

  it("without a cluster, watch every ALB of the account through Metrics Insights, and warn", () => {
    const { loadBalancerClusterName: _cluster, ...withoutCluster } = PROPS;
    const stack = testStack();
    new PlatformAlarms(stack, "Alarms", withoutCluster);
    const accountWide = JSON.parse(Testing.synth(stack));
    const alb = Object.values(resourcesOf(accountWide, "aws_cloudwatch_metric_alarm")).filter(
      (a) => a.metric_query,
    );
    expect(alb.map((a) => a.alarm_name).sort()).toEqual([
      "dev-alb-elb-5xx",
      "dev-alb-target-5xx",
      "dev-alb-target-response-time",
    ]);
    expect(alb.find((a) => a.alarm_name === "dev-alb-elb-5xx")?.metric_query).toEqual([
      expect.objectContaining({
        expression: 'SELECT SUM(HTTPCode_ELB_5XX_Count) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer)',
      }),
    ]);
    expect(accountWide.data?.aws_lbs).toBeUndefined();
    const alarms = stack.node.findChild("Alarms");
    const warnings = alarms.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data);
    expect(warnings).toEqual([
      expect.stringContaining("set loadBalancerClusterName to watch one cluster's only"),
    ]);
  });

  it("leave out what they are not given", () => {
    const minimal = synth({ name: "dev", loadBalancerAlarms: false });
    expect(resourcesOf(minimal, "aws_cloudwatch_metric_alarm")).toEqual({});
    expect(resourcesOf(minimal, "aws_sns_topic_subscription")).toEqual({});
  });

  it.each([
    ["name", { name: "dev alarms" }, '"dev alarms"', "must be 1–200 letters, digits, '-' or '_'"],
    ["emails", { emails: ["oncall"] }, '["oncall"]', "must be distinct email addresses"],
    [
      "loadBalancer5xxThreshold",
      { loadBalancer5xxThreshold: 0 },
      "got 0",
      "must be a whole number of responses ≥ 1",
    ],
    [
      "targetResponseTimeSeconds",
      { targetResponseTimeSeconds: 0 },
      "got 0",
      "must be more than 0 and at most 60 seconds",
    ],
    [
      "databaseLatencySeconds",
      { databaseLatencySeconds: 20 },
      "got 20",
      "must be more than 0 and at most 10 seconds",
    ],
    [
      "subscribeToTopicArns",
      { subscribeToTopicArns: { "on call": "arn:aws:sns:eu-west-1:111111111111:x" } },
      '["on call"]',
      "keys must be 1–64 letters, digits or '-', not 'alarms'",
    ],
    [
      "subscribeToTopicArns",
      { subscribeToTopicArns: { alarms: "arn:aws:sns:eu-west-1:111111111111:x" } },
      '["alarms"]',
      "keys must be 1–64 letters, digits or '-', not 'alarms'",
    ],
    [
      "databaseInstanceIdentifiers",
      { databaseInstanceIdentifiers: { "orders db": "orders" } },
      '["orders db"]',
      "keys must be 1–64 letters, digits, '-', '_' or '.'",
    ],
    [
      "databaseInstanceIdentifiers",
      { databaseInstanceIdentifiers: ["billing", Token.asString(Fn.lower("ORDERS"))] },
      '["billing","<Terraform reference>"]',
      "must be known at synth (each keys a Terraform address); give Terraform references by a stable name",
    ],
    [
      "kmsKeyArn",
      { encryptionKey: { keyArn: KEY }, kmsKeyArn: KEY },
      JSON.stringify(KEY),
      "cannot be combined with encryptionKey",
    ],
  ])("reject a bad %s, naming the prop, the value and what is allowed", (prop, props, got, allowed) => {
    expectErrorContaining(() => synth({ ...PROPS, ...props }), "PlatformAlarms", `'${prop}'`, got, allowed);
  });
});

describe("PlatformAlarms references and ids", () => {
  it("encrypts the topic with a given key (an IEncryptionKey) and creates none", () => {
    const given = synth({ ...PROPS, encryptionKey: { keyArn: KEY } });
    expect(resourcesOf(given, "aws_kms_key")).toEqual({});
    expect(onlyResource(given, "aws_sns_topic").kms_master_key_id).toBe(KEY);
  });

  it("keys database alarms given as references by their names, not their positions", () => {
    const stack = testStack();
    new PlatformAlarms(stack, "Alarms", {
      name: "dev",
      loadBalancerAlarms: false,
      databaseInstanceIdentifiers: { orders: Token.asString(Fn.lower("ORDERS")) },
    });
    const json = JSON.parse(Testing.synth(stack));
    const names = Object.keys(resourcesOf(json, "aws_cloudwatch_metric_alarm"));
    expect(names).toEqual([
      expect.stringMatching(/^Alarms_Rds-orders-read-latency_/),
      expect.stringMatching(/^Alarms_Rds-orders-write-latency_/),
    ]);
  });

  it("keeps the topic's state: moved blocks from the addresses the topic and its policy had as its children", () => {
    // The addresses a topic and a policy had at Alarms/Topic and Alarms/TopicPolicy, as cdktf gives them.
    const old = testStack();
    const alarms = new Construct(old, "Alarms");
    const topic = new SnsTopic(alarms, "Topic", { name: "dev-alarms" });
    const policy = new SnsTopic(alarms, "TopicPolicy", { name: "x" });
    const oldAddresses = [topic, policy].map((r) => r.friendlyUniqueId);
    expect(addressAt(alarms, "aws_sns_topic", ["Topic"])).toBe(`aws_sns_topic.${oldAddresses[0]}`);

    const moved = (json as any).moved as { from: string; to: string }[];
    expect(moved.map((m) => m.from).sort()).toEqual([
      `aws_sns_topic.${oldAddresses[0]}`,
      `aws_sns_topic_policy.${oldAddresses[1]}`,
    ]);
    expect(moved.map((m) => m.to).sort()).toEqual([
      findResource(json, "aws_sns_topic").address,
      findResource(json, "aws_sns_topic_policy").address,
    ]);
  });
});

describe("AlarmTopic", () => {
  it("rejects a topic name SNS does not accept", () => {
    expectErrorContaining(
      () =>
        new AlarmTopic(testStack(), "Topic", { topicName: "orders alarms", encryptionKey: { keyArn: KEY } }),
      "AlarmTopic 'test/Topic': 'topicName' must be 1–256 letters, digits, '-' or '_'",
      '"orders alarms"',
    );
  });
});
