import {
  CloudwatchMetricAlarm,
  CloudwatchMetricAlarmConfig,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { DataAwsLbs } from "@cdktf/provider-aws/lib/data-aws-lbs";
import { Annotations, Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { movedFrom } from "../core/moves";
import { keyedEntries } from "../core/keyed";
import { PropValidator } from "../core/validation";
import { EncryptionKey, cloudWatchAlarmsGrant } from "../kms/encryption-key";
import { IEncryptionKey, keyArnFrom } from "../kms/encryption-key-reference";
import { AlarmTopic } from "./alarm-topic";

/** Props of {@link PlatformAlarms}. */
export interface PlatformAlarmsProps {
  /** Prefix of the topic and alarm names, e.g. the environment name. */
  readonly name: string;
  /** Email addresses subscribed to the topic (each confirms by email once). @default - none */
  readonly emails?: readonly string[];
  /**
   * Other alarm topics the same addresses subscribe to, by a stable name (the key becomes part of the
   * subscriptions' Terraform addresses), e.g. `{ database: db.alarmTopicArn }`. @default - none
   */
  readonly subscribeToTopicArns?: Readonly<Record<string, string>>;
  /** NAT gateways to watch for port-allocation errors and dropped packets (may be a Terraform list). @default - none */
  readonly natGatewayIds?: readonly string[];
  /**
   * RDS instances to watch for read and write latency: identifiers known at synth (each keys its
   * alarms), or identifiers by a stable name when they are Terraform references (another stack's
   * database). @default - none
   */
  readonly databaseInstanceIdentifiers?: readonly string[] | Readonly<Record<string, string>>;
  /** Alarms on the Application Load Balancers of `loadBalancerClusterName` (5xx, response time). @default true */
  readonly loadBalancerAlarms?: boolean;
  /**
   * EKS cluster whose AWS Load Balancer Controller created the ALBs to watch: the controller tags
   * them `elbv2.k8s.aws/cluster=<name>`, so only that cluster's load balancers are selected, one
   * set of alarms each. @default - Metrics Insights queries over every ALB of the account and region
   * (a warning at synth: another environment's load balancers in the account count too)
   */
  readonly loadBalancerClusterName?: string;
  /** ALB alarm: more 5xx responses than this per 5 minutes (load balancer or targets). @default 10 */
  readonly loadBalancer5xxThreshold?: number;
  /** ALB alarm: average target response time of a load balancer above this many seconds. @default 2 */
  readonly targetResponseTimeSeconds?: number;
  /** RDS alarm: average read or write latency above this many seconds. @default 0.05 */
  readonly databaseLatencySeconds?: number;
  /**
   * KMS key that encrypts the topic; its policy must let CloudWatch alarms use it (`cloudWatchAlarmsGrant`).
   * @default - a dedicated KMS key with rotation, usable by CloudWatch
   */
  readonly encryptionKey?: IEncryptionKey;
  /**
   * The key as a string; prefer `encryptionKey` (`EncryptionKey.fromAttributes` for a key made elsewhere).
   * @default - see `encryptionKey`
   * @deprecated use `encryptionKey`
   */
  readonly kmsKeyArn?: string;
}

const NAME = /^[a-zA-Z0-9_-]{1,200}$/;
const KEY = /^[A-Za-z0-9-]{1,64}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PERIOD_SECONDS = 300;
/** The tag the AWS Load Balancer Controller puts on every load balancer it creates: the cluster's name. */
export const LOAD_BALANCER_CLUSTER_TAG = "elbv2.k8s.aws/cluster";

/**
 * The environment's alarm topic and the CloudWatch alarms of the shared infrastructure it watches:
 * an SNS topic encrypted with KMS that only this account's alarms may publish to (TLS only), email
 * subscriptions, and alarms for NAT gateways, RDS latency and Application Load Balancers.
 *
 * The load balancers are created by the AWS Load Balancer Controller at run time, so their names are
 * unknown at synth. CloudWatch Metrics Insights can only filter on exact dimension values (`=`,
 * `!=`), not on tags or name prefixes, so a query cannot tell this environment's ALBs from those of
 * another environment in the same account. Instead, the ALBs the controller of
 * `loadBalancerClusterName` created (tags `elbv2.k8s.aws/cluster` and
 * `ingress.k8s.aws/resource=LoadBalancer`) are read at plan time and get one set of alarms each: a
 * load balancer created later is covered by the next apply. Without `loadBalancerClusterName`, the
 * alarms are Metrics Insights queries over every ALB of the account and region (with a warning).
 * Per-service SLOs belong to Prometheus.
 */
export class PlatformAlarms extends Construct {
  /** ARN of the alarm topic. */
  readonly topicArn: string;
  /** ARN of the key that encrypts the topic. */
  readonly kmsKeyArn: string;
  /** The topic resource (escape hatch). */
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: PlatformAlarmsProps) {
    super(scope, id);
    const emails = props.emails ?? [];
    const thresholds = {
      loadBalancer5xx: props.loadBalancer5xxThreshold ?? 10,
      targetResponseTimeSeconds: props.targetResponseTimeSeconds ?? 2,
      databaseLatencySeconds: props.databaseLatencySeconds ?? 0.05,
    };

    const v = new PropValidator("PlatformAlarms", this);
    v.check("name", props.name, (n) => NAME.test(n), "must be 1–200 letters, digits, '-' or '_'");
    v.check(
      "emails",
      emails,
      (list) => list.every((e) => EMAIL.test(e)) && new Set(list).size === list.length,
      "must be distinct email addresses",
    );
    v.check(
      "loadBalancer5xxThreshold",
      thresholds.loadBalancer5xx,
      (n) => Number.isInteger(n) && n >= 1,
      "must be a whole number of responses ≥ 1",
    );
    v.check(
      "targetResponseTimeSeconds",
      thresholds.targetResponseTimeSeconds,
      (s) => s > 0 && s <= 60,
      "must be more than 0 and at most 60 seconds",
    );
    v.check(
      "databaseLatencySeconds",
      thresholds.databaseLatencySeconds,
      (s) => s > 0 && s <= 10,
      "must be more than 0 and at most 10 seconds",
    );
    const subscribeTo = props.subscribeToTopicArns ?? {};
    v.check(
      "subscribeToTopicArns",
      Object.keys(subscribeTo),
      (keys) => keys.every((k) => KEY.test(k) && k !== "alarms"),
      "keys must be 1–64 letters, digits or '-', not 'alarms' (they become Terraform addresses)",
    );
    const databases = keyedEntries(
      v,
      "databaseInstanceIdentifiers",
      props.databaseInstanceIdentifiers ?? [],
      (identifier) => identifier,
    );
    const customerKeyArn = keyArnFrom(v, props.encryptionKey, props.kmsKeyArn);
    const loadBalancerAlarms = props.loadBalancerAlarms ?? true;
    v.throwIfInvalid();
    if (loadBalancerAlarms && props.loadBalancerClusterName === undefined) {
      Annotations.of(this).addWarning(
        `PlatformAlarms '${this.node.path}': the ALB alarms watch every Application Load Balancer of the account and region; set loadBalancerClusterName to watch one cluster's only`,
      );
    }

    this.kmsKeyArn =
      customerKeyArn ??
      new EncryptionKey(this, "Key", {
        description: `Encrypts the alarm topic ${props.name}-alarms`,
        alias: `${props.name}/alarms`,
        // CloudWatch publishes to the encrypted topic and needs the key to do so (this account's alarms only).
        serviceGrants: [cloudWatchAlarmsGrant(this)],
      }).keyArn;

    const alarmTopic = new AlarmTopic(this, "Topic", {
      topicName: `${props.name}-alarms`,
      encryptionKey: { keyArn: this.kmsKeyArn },
    });
    this.topic = alarmTopic.topic;
    this.topicArn = alarmTopic.topicArn;
    // Until 0.2.0 the topic and its policy were children of this construct.
    movedFrom(this, [
      [alarmTopic.topic, ["Topic"]],
      [alarmTopic.policy, ["TopicPolicy"]],
    ]);

    const topics: [string, string][] = [["alarms", this.topic.arn], ...Object.entries(subscribeTo)];
    for (const [topicKey, topicArn] of topics) {
      for (const email of emails) {
        new SnsTopicSubscription(this, `Subscription-${topicKey}-${email}`, {
          topicArn,
          protocol: "email",
          endpoint: email,
        });
      }
    }

    this.natGatewayAlarms(props.name, props.natGatewayIds ?? []);
    for (const [key, identifier] of databases) {
      this.databaseAlarms(props.name, key, identifier, thresholds.databaseLatencySeconds);
    }
    if (loadBalancerAlarms && props.loadBalancerClusterName !== undefined) {
      this.clusterLoadBalancerAlarms(props.name, props.loadBalancerClusterName, thresholds);
    } else if (loadBalancerAlarms) {
      this.accountLoadBalancerAlarms(props.name, thresholds);
    }
  }

  /** Settings every alarm shares: 5-minute periods, the topic on alarm and on recovery. */
  private alarm(
    id: string,
    config: Omit<CloudwatchMetricAlarmConfig, "alarmActions" | "okActions" | "evaluationPeriods"> & {
      evaluationPeriods?: number;
    },
  ): void {
    new CloudwatchMetricAlarm(this, id, {
      ...config,
      evaluationPeriods: config.evaluationPeriods ?? 3,
      datapointsToAlarm: config.datapointsToAlarm ?? config.evaluationPeriods ?? 3,
      alarmActions: [this.topicArn],
      okActions: [this.topicArn],
    });
  }

  /** Port-allocation errors (connections failing) and dropped packets, per NAT gateway. */
  private natGatewayAlarms(name: string, natGatewayIds: readonly string[]): void {
    if (!Token.isUnresolved(natGatewayIds) && natGatewayIds.length === 0) return;
    // One alarm per gateway, keyed by its id: the ids may only be known when Terraform reads them.
    const gateways = TerraformIterator.fromList(Token.asList(natGatewayIds));
    const gatewayId = Token.asString(gateways.value);
    const perGateway = (metricName: string, threshold: number, evaluationPeriods: number, what: string) => ({
      forEach: gateways,
      alarmName: `${name}-nat-${gatewayId}-${what.replace(/ /g, "-")}`,
      alarmDescription: `NAT gateway ${gatewayId}: ${what}`,
      namespace: "AWS/NATGateway",
      metricName,
      dimensions: { NatGatewayId: gatewayId },
      statistic: "Sum",
      comparisonOperator: "GreaterThanThreshold",
      threshold,
      period: PERIOD_SECONDS,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      treatMissingData: "notBreaching",
    });
    this.alarm("NatPortAllocationErrors", perGateway("ErrorPortAllocation", 0, 1, "port allocation errors"));
    this.alarm("NatDroppedPackets", perGateway("PacketsDropCount", 100, 3, "dropped packets"));
  }

  /** Read and write latency of one RDS instance (the database construct alarms on its capacity). */
  private databaseAlarms(name: string, key: string, identifier: string, thresholdSeconds: number): void {
    for (const [metricName, what] of [
      ["ReadLatency", "read-latency"],
      ["WriteLatency", "write-latency"],
    ] as const) {
      this.alarm(`Rds-${key}-${what}`, {
        alarmName: `${name}-rds-${key}-${what}`,
        alarmDescription: `RDS ${identifier}: average ${what.replace("-", " ")} above ${thresholdSeconds * 1000} ms`,
        namespace: "AWS/RDS",
        metricName,
        dimensions: { DBInstanceIdentifier: identifier },
        statistic: "Average",
        comparisonOperator: "GreaterThanThreshold",
        threshold: thresholdSeconds,
        period: PERIOD_SECONDS,
        treatMissingData: "missing",
      });
    }
  }

  /** 5xx responses and response time of each ALB the cluster's load balancer controller created. */
  private clusterLoadBalancerAlarms(
    name: string,
    clusterName: string,
    t: { loadBalancer5xx: number; targetResponseTimeSeconds: number },
  ): void {
    const loadBalancers = new DataAwsLbs(this, "LoadBalancers", {
      tags: { [LOAD_BALANCER_CLUSTER_TAG]: clusterName, "ingress.k8s.aws/resource": "LoadBalancer" },
    });
    const arns = TerraformIterator.fromList(loadBalancers.arns);
    // The metrics' LoadBalancer dimension is the ARN's suffix: app/<name>/<id>.
    const dimension = Fn.element(Fn.split("loadbalancer/", Token.asString(arns.value)), 1);
    const key = Fn.replace(dimension, "/", "-");
    const perLoadBalancer = (
      id: string,
      metricName: string,
      statistic: string,
      threshold: number,
      description: string,
    ) =>
      this.alarm(`Alb-${id}`, {
        forEach: arns,
        alarmName: `${name}-alb-${key}-${id}`,
        alarmDescription: `Application Load Balancer ${dimension}: ${description}`,
        namespace: "AWS/ApplicationELB",
        metricName,
        dimensions: { LoadBalancer: dimension },
        statistic,
        comparisonOperator: "GreaterThanThreshold",
        threshold,
        period: PERIOD_SECONDS,
        treatMissingData: "notBreaching",
      });
    perLoadBalancer(
      "elb-5xx",
      "HTTPCode_ELB_5XX_Count",
      "Sum",
      t.loadBalancer5xx,
      `more than ${t.loadBalancer5xx} 5xx responses from the load balancer per 5 minutes`,
    );
    perLoadBalancer(
      "target-5xx",
      "HTTPCode_Target_5XX_Count",
      "Sum",
      t.loadBalancer5xx,
      `more than ${t.loadBalancer5xx} 5xx responses from the targets per 5 minutes`,
    );
    perLoadBalancer(
      "target-response-time",
      "TargetResponseTime",
      "Average",
      t.targetResponseTimeSeconds,
      `average target response time above ${t.targetResponseTimeSeconds} s`,
    );
  }

  /** 5xx responses and response time over every ALB of the account and region (Metrics Insights). */
  private accountLoadBalancerAlarms(
    name: string,
    t: { loadBalancer5xx: number; targetResponseTimeSeconds: number },
  ): void {
    const query = (id: string, sql: string, description: string, threshold: number) =>
      this.alarm(`Alb-${id}`, {
        alarmName: `${name}-alb-${id}`,
        alarmDescription: `Application Load Balancers: ${description}`,
        metricQuery: [{ id: "q1", expression: sql, period: PERIOD_SECONDS, returnData: true, label: id }],
        comparisonOperator: "GreaterThanThreshold",
        threshold,
        treatMissingData: "notBreaching",
      });
    const schema = 'SCHEMA("AWS/ApplicationELB", LoadBalancer)';
    query(
      "elb-5xx",
      `SELECT SUM(HTTPCode_ELB_5XX_Count) FROM ${schema}`,
      `more than ${t.loadBalancer5xx} 5xx responses from the load balancers per 5 minutes`,
      t.loadBalancer5xx,
    );
    query(
      "target-5xx",
      `SELECT SUM(HTTPCode_Target_5XX_Count) FROM ${schema}`,
      `more than ${t.loadBalancer5xx} 5xx responses from the targets per 5 minutes`,
      t.loadBalancer5xx,
    );
    query(
      "target-response-time",
      `SELECT AVG(TargetResponseTime) FROM ${schema}`,
      `average target response time above ${t.targetResponseTimeSeconds} s`,
      t.targetResponseTimeSeconds,
    );
  }
}
