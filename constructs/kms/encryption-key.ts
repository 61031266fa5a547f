import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { PolicyStatement, policyDocument, policyJson } from "../core/iam";
import { PropValidator, wholeNumber } from "../core/validation";
import { EncryptionKeyAttributes, IEncryptionKey, ImportedEncryptionKey } from "./encryption-key-reference";

/** Lets an AWS service use the key, for example CloudWatch Logs encrypting a log group. */
export interface KeyServiceGrant {
  /** Service principal, e.g. `logs.eu-west-1.amazonaws.com`. */
  readonly principal: string;
  /** KMS actions the service may call. */
  readonly actions: readonly string[];
  /**
   * Conditions that pin the grant to this account's own resources (confused-deputy protection):
   * at least one of {@link SOURCE_CONDITION_KEYS} (`aws:SourceAccount`, `aws:SourceArn`, or the
   * CloudWatch Logs encryption context, which names the account, region and log group).
   */
  readonly condition: NonNullable<PolicyStatement["Condition"]>;
}

/**
 * Condition keys that tie a service principal's use of a key to resources of this account. CloudWatch
 * Logs is pinned through its encryption context (`kms:EncryptionContext:aws:logs:arn`), the form
 * AWS documents for log-group encryption; other services through `aws:SourceAccount` / `aws:SourceArn`.
 */
export const SOURCE_CONDITION_KEYS = [
  "aws:SourceAccount",
  "aws:SourceArn",
  "kms:EncryptionContext:aws:logs:arn",
] as const;

/** Whether a condition block names at least one of {@link SOURCE_CONDITION_KEYS}. */
export function hasSourceCondition(condition: PolicyStatement["Condition"] | undefined): boolean {
  return Object.values(condition ?? {}).some((block) =>
    Object.keys(block).some((key) => (SOURCE_CONDITION_KEYS as readonly string[]).includes(key)),
  );
}

/**
 * Lets CloudWatch alarms of this account and region use the key, e.g. to publish to an SNS topic the
 * key encrypts, and nothing else: `aws:SourceAccount` and `aws:SourceArn` (any alarm of the account
 * and region) guard against a confused deputy.
 */
export function cloudWatchAlarmsGrant(scope: Construct): KeyServiceGrant {
  const ctx = awsContext(scope);
  return {
    principal: "cloudwatch.amazonaws.com",
    actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
    condition: {
      StringEquals: { "aws:SourceAccount": ctx.accountId },
      ArnLike: { "aws:SourceArn": `arn:${ctx.partition}:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:*` },
    },
  };
}

/**
 * Lets CloudWatch Logs in this account and region encrypt the log groups matching
 * `logGroupNamePattern` (an exact name, or a prefix ending in `*`), and nothing else.
 */
export function cloudWatchLogsGrant(scope: Construct, logGroupNamePattern: string): KeyServiceGrant {
  const ctx = awsContext(scope);
  return {
    principal: `logs.${ctx.region}.${ctx.dnsSuffix}`,
    actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
    condition: {
      ArnLike: {
        "kms:EncryptionContext:aws:logs:arn": `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${logGroupNamePattern}`,
      },
    },
  };
}

/** Props of {@link EncryptionKey}. */
export interface EncryptionKeyProps {
  /** What the key protects; shown in the KMS console. */
  readonly description: string;
  /** Alias name without the `alias/` prefix. @default - no alias */
  readonly alias?: string;
  /** Services allowed to use the key besides the account's IAM principals. @default - none */
  readonly serviceGrants?: readonly KeyServiceGrant[];
  /** Waiting period before a scheduled deletion, 7–30 days. @default 30 */
  readonly deletionWindowDays?: number;
  /** Adds Terraform `prevent_destroy`, for keys that protect production data. @default false */
  readonly preventDestroy?: boolean;
}

/**
 * A customer-managed symmetric KMS key with yearly rotation on, a key policy that delegates to the
 * account's IAM policies (no wildcard principals), and optional grants for AWS services, each pinned
 * to this account's resources by a source condition.
 */
export class EncryptionKey extends Construct implements IEncryptionKey {
  /**
   * A key made elsewhere, by its ARN, for the constructs that take an {@link IEncryptionKey}:
   * nothing is created and its policy is not changed (it must already let the services that use it
   * do so).
   */
  static fromAttributes(scope: Construct, id: string, attributes: EncryptionKeyAttributes): IEncryptionKey {
    return new ImportedEncryptionKey(scope, id, attributes);
  }

  /** The key's ARN. */
  readonly keyArn: string;
  /** The key's id. */
  readonly keyId: string;
  /** The underlying key resource (escape hatch). */
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const deletionWindowDays = props.deletionWindowDays ?? 30;
    const v = new PropValidator("EncryptionKey", this);
    v.check("deletionWindowDays", deletionWindowDays, wholeNumber(7, 30, "days"));
    v.check(
      "alias",
      props.alias,
      (a) => a === undefined || (/^[a-zA-Z0-9/_-]{1,250}$/.test(a) && !/^(alias|aws)\//.test(a)),
      "must be 1–250 of [a-zA-Z0-9/_-], without the 'alias/' prefix and not starting with 'aws/'",
    );
    (props.serviceGrants ?? []).forEach((grant, index) =>
      v.check(
        `serviceGrants[${index}].condition`,
        grant.condition,
        hasSourceCondition,
        `must pin ${grant.principal} to this account's resources with one of ${SOURCE_CONDITION_KEYS.join(", ")}`,
      ),
    );
    v.throwIfInvalid();

    const ctx = awsContext(this);
    const statements: PolicyStatement[] = [
      {
        Sid: "AccountAdministration",
        Effect: "Allow",
        Principal: { AWS: `arn:${ctx.partition}:iam::${ctx.accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      ...(props.serviceGrants ?? []).map((grant, index): PolicyStatement => ({
        Sid: `ServiceGrant${index}`,
        Effect: "Allow",
        Principal: { Service: grant.principal },
        Action: grant.actions,
        Resource: "*",
        Condition: grant.condition,
      })),
    ];

    this.key = new KmsKey(this, "Key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindowDays,
      policy: policyJson(policyDocument(...statements)),
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    if (props.alias !== undefined) {
      new KmsAlias(this, "Alias", { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
    }
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
  }
}
