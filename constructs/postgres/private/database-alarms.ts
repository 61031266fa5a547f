import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { movedFrom } from "../../core/moves";
import { AlarmTopic } from "../../observability/alarm-topic";
import { AlarmThresholds } from "./database-props";

/** The database's own alarm topic, encrypted with its key (which grants CloudWatch alarms its use). */
export function databaseAlarmTopic(scope: Construct, identifier: string, kmsKeyArn: string): string {
  const topic = new AlarmTopic(scope, "AlarmTopic", {
    topicName: `${identifier}-alarms`,
    encryptionKey: { keyArn: kmsKeyArn },
  });
  // Until 0.2.0 the topic and its policy were children of the database construct.
  movedFrom(scope, [
    [topic.topic, ["AlarmTopic"]],
    [topic.policy, ["AlarmTopicPolicy"]],
  ]);
  return topic.topicArn;
}

type Statistic = "Average" | "Minimum" | "Maximum";
/** An alarm: its key, metric, statistic, threshold in the metric's unit, and what it means. */
type AlarmSpec = readonly [string, string, Statistic, number, string];

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/**
 * CPU, free storage, freeable memory, connections and transaction-id age of the instance
 * `instanceIdentifier`, each over 3 × 5 minutes, notifying `topicArn` on alarm and on recovery.
 */
export function databaseAlarms(
  scope: Construct,
  identifier: string,
  instanceIdentifier: string,
  topicArn: string,
  t: AlarmThresholds,
): void {
  const { cpuPercent: cpu, freeStorageGiB: storage, freeableMemoryMiB: memory, connections } = t;
  const xids = `more than ${t.transactionIds} transaction ids in use (vacuum is falling behind; wraparound risk)`;
  // Floors (free storage, freeable memory) watch the minimum; ceilings the average or the maximum.
  const specs: readonly AlarmSpec[] = [
    ["cpu", "CPUUtilization", "Average", cpu, `CPU above ${cpu}%`],
    ["free-storage", "FreeStorageSpace", "Minimum", storage * GIB, `free storage below ${storage} GiB`],
    ["freeable-memory", "FreeableMemory", "Minimum", memory * MIB, `freeable memory below ${memory} MiB`],
    ["connections", "DatabaseConnections", "Maximum", connections, `more than ${connections} connections`],
    ["transaction-ids", "MaximumUsedTransactionIDs", "Maximum", t.transactionIds, xids],
  ];
  for (const [key, metricName, statistic, threshold, description] of specs) {
    new CloudwatchMetricAlarm(scope, `Alarm-${key}`, {
      alarmName: `${identifier}-${key}`,
      alarmDescription: `PostgreSQL ${identifier}: ${description}`,
      namespace: "AWS/RDS",
      metricName,
      dimensions: { DBInstanceIdentifier: instanceIdentifier },
      statistic,
      comparisonOperator: statistic === "Minimum" ? "LessThanThreshold" : "GreaterThanThreshold",
      threshold,
      period: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "missing",
      alarmActions: [topicArn],
      okActions: [topicArn],
    });
  }
}
