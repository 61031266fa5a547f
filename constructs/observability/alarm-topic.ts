import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { policyDocument, policyJson } from "../core/iam";
import { PropValidator } from "../core/validation";
import { IEncryptionKey } from "../kms/encryption-key-reference";

/** Props of {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /** The topic's name (1–256 letters, digits, '-' or '_'). */
  readonly topicName: string;
  /**
   * The KMS key that encrypts the topic. CloudWatch publishes to an encrypted topic only when the
   * key's policy lets it (`cloudWatchAlarmsGrant` on an `EncryptionKey`).
   */
  readonly encryptionKey: IEncryptionKey;
}

const TOPIC_NAME = /^[\w-]{1,256}$/;

/**
 * The SNS topic CloudWatch alarms notify: encrypted with a KMS key, published to only by this
 * account's CloudWatch alarms (in the stack's region) and only over TLS; the account's principals
 * may administer and subscribe to it, not publish.
 */
export class AlarmTopic extends Construct {
  /** The topic's ARN. */
  readonly topicArn: string;
  /** The topic resource (escape hatch). */
  readonly topic: SnsTopic;
  /** The topic policy resource (escape hatch). */
  readonly policy: SnsTopicPolicy;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const v = new PropValidator("AlarmTopic", this);
    v.check(
      "topicName",
      props.topicName,
      (n) => TOPIC_NAME.test(n),
      "must be 1–256 letters, digits, '-' or '_'",
    );
    v.throwIfInvalid();

    const ctx = awsContext(this);
    this.topic = new SnsTopic(this, "Topic", {
      name: props.topicName,
      kmsMasterKeyId: props.encryptionKey.keyArn,
    });
    this.topicArn = this.topic.arn;
    this.policy = new SnsTopicPolicy(this, "Policy", {
      arn: this.topic.arn,
      policy: policyJson(
        policyDocument(
          {
            Sid: "AccountAdministration",
            Effect: "Allow",
            Principal: { AWS: `arn:${ctx.partition}:iam::${ctx.accountId}:root` },
            Action: [
              "sns:GetTopicAttributes",
              "sns:SetTopicAttributes",
              "sns:Subscribe",
              "sns:ListSubscriptionsByTopic",
            ],
            Resource: this.topic.arn,
          },
          {
            Sid: "AccountCloudWatchAlarms",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: this.topic.arn,
            Condition: {
              ArnLike: {
                "aws:SourceArn": `arn:${ctx.partition}:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:*`,
              },
            },
          },
          {
            Sid: "TlsOnly",
            Effect: "Deny",
            Principal: "*",
            Action: "sns:Publish",
            Resource: this.topic.arn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ),
      ),
    });
  }
}
