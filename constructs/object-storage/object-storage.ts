import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { PolicyStatement, policyDocument, policyJson } from "../core/iam";
import {
  PropValidator,
  isUnresolved,
  matching,
  nameFromId,
  oneOf,
  optional,
  wholeNumber,
} from "../core/validation";
import { EncryptionKey } from "../kms/encryption-key";
import { IEncryptionKey, keyArnFrom } from "../kms/encryption-key-reference";
import {
  BUCKET_NAME,
  IObjectStorage,
  ImportedObjectStorage,
  ObjectStorageAttributes,
  ObjectStorageBase,
  isValidBucketName,
} from "./object-storage-reference";

export { BUCKET_NAME, isValidBucketName };

/** Server-side encryption: SSE-KMS with a bucket key, or SSE-S3 (AES-256 with S3-managed keys). */
export const BUCKET_ENCRYPTIONS = ["kms", "s3"] as const;

/** An encryption from {@link BUCKET_ENCRYPTIONS}. */
export type ObjectStorageEncryption = (typeof BUCKET_ENCRYPTIONS)[number];

/** Props of {@link ObjectStorage}. */
export interface ObjectStorageProps {
  /** Exact bucket name (3–63 chars, S3 naming rules). @default - a unique name from `bucketNamePrefix` */
  readonly bucketName?: string;
  /** Prefix of a generated bucket name, when `bucketName` is not set. @default - the construct id, lowercased */
  readonly bucketNamePrefix?: string;
  /** Server-side encryption. @default "kms" */
  readonly encryption?: ObjectStorageEncryption;
  /** Customer-managed key for `encryption: "kms"`. @default - a dedicated KMS key with rotation */
  readonly encryptionKey?: IEncryptionKey;
  /**
   * The key as a string; prefer `encryptionKey` (`EncryptionKey.fromAttributes` for a key made elsewhere).
   * @default - see `encryptionKey`
   * @deprecated use `encryptionKey`
   */
  readonly kmsKeyArn?: string;
  /** Keeps every version of every object. @default true */
  readonly versioned?: boolean;
  /** Days after which noncurrent versions are deleted (versioned buckets). @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Days after which incomplete multipart uploads are aborted. @default 7 */
  readonly abortIncompleteUploadDays?: number;
  /** Days after which current objects expire, for buckets of short-lived data. @default - never */
  readonly expirationDays?: number;
  /** Days after which objects move to Intelligent-Tiering. @default - no transition */
  readonly intelligentTieringAfterDays?: number;
  /**
   * Bucket that receives server access logs (an `ObjectStorage` with `receivesAccessLogs`, or one
   * made elsewhere, imported with `ObjectStorage.fromAttributes`). @default - no access logging
   */
  readonly accessLogBucket?: IObjectStorage;
  /**
   * The bucket as a string; prefer `accessLogBucket` (`ObjectStorage.fromAttributes` for a bucket made elsewhere).
   * @default - see `accessLogBucket`
   * @deprecated use `accessLogBucket`
   */
  readonly accessLogBucketName?: string;
  /** Key prefix of the access logs in the access-log bucket. @default - "<bucket name>/" */
  readonly accessLogPrefix?: string;
  /**
   * Makes this bucket a target of S3 server access logging for the account's buckets (a bucket-policy
   * grant to `logging.s3.amazonaws.com`, limited to this account); needs `encryption: "s3"`. @default false
   */
  readonly receivesAccessLogs?: boolean;
  /** Extra bucket-policy statements (the TLS-only statements are always present). @default - none */
  readonly policyStatements?: readonly PolicyStatement[];
  /** Lets `terraform destroy` delete a non-empty bucket: only for throw-away environments. @default false */
  readonly forceDestroy?: boolean;
  /** Adds Terraform `prevent_destroy` to the bucket (and its key), for production data. @default false */
  readonly preventDestroy?: boolean;
}

/** Days until a lifecycle rule acts (expiration, transition, abort). */
export const LIFECYCLE_DAYS = wholeNumber(1, undefined, "days");

/**
 * Condition keys that make a statement non-public for S3 Block Public Access when they pin a fixed
 * value (Amazon S3 User Guide, "The meaning of public").
 */
const NON_PUBLIC_CONDITION_KEYS = [
  "aws:sourcearn",
  "aws:sourcevpc",
  "aws:sourcevpce",
  "aws:sourceowner",
  "aws:sourceaccount",
  "aws:sourceip",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:principalorgid",
  "aws:principalservicename",
  "aws:userid",
  "s3:dataaccesspointarn",
  "s3:dataaccesspointaccount",
];

/**
 * Why Block Public Access would refuse a bucket-policy statement (an Allow to everyone, `*` or
 * `{ AWS: "*" }`, without a condition that pins the caller), or undefined when it is not public.
 */
export function publicStatementProblem(statement: PolicyStatement): string | undefined {
  if (statement.Effect !== "Allow") return undefined;
  const principals =
    statement.Principal === "*"
      ? ["*"]
      : Object.values(statement.Principal ?? {}).flatMap((p) => (Array.isArray(p) ? p : [p as string]));
  if (!principals.some((p) => p === "*" || /^arn:[\w-]+:iam::\*:/.test(p))) return undefined;
  const pinned = Object.values(statement.Condition ?? {}).some((block) =>
    Object.entries(block).some(
      ([key, value]) =>
        NON_PUBLIC_CONDITION_KEYS.includes(key.toLowerCase()) &&
        ![value]
          .flat()
          .some((v) => v === "*" || v === "0.0.0.0/0" || v === "::/0" || v === true || v === false),
    ),
  );
  return pinned
    ? undefined
    : "must not grant access to everyone (Principal '*'): Block Public Access is always on and refuses a public bucket policy; name the principals, or pin the caller with a condition such as aws:SourceVpce, aws:SourceArn or aws:PrincipalOrgID";
}

/**
 * An S3 bucket that is private and encrypted whatever the caller asks: all four public-access-block
 * flags, `BucketOwnerEnforced` ownership (no ACLs), SSE-KMS with a bucket key (or SSE-S3), and a
 * bucket policy that denies plain HTTP and TLS older than 1.2. Versioning and lifecycle presets are
 * on by default; `grantRead` / `grantWrite` / `grantReadWrite` return least-privilege IAM policies.
 */
export class ObjectStorage extends ObjectStorageBase {
  /**
   * A bucket made elsewhere, by its name (and its KMS key, if any), for the constructs that take an
   * {@link IObjectStorage}: nothing is created; `grantRead` / `grantWrite` / `grantReadWrite` return
   * the same least-privilege policies as an owned bucket's.
   */
  static fromAttributes(scope: Construct, id: string, attributes: ObjectStorageAttributes): IObjectStorage {
    return new ImportedObjectStorage(scope, id, attributes);
  }

  /** The bucket's name. */
  readonly bucketName: string;
  /** The bucket's ARN. */
  readonly bucketArn: string;
  /** The KMS key that encrypts the bucket, when `encryption` is "kms". */
  readonly kmsKeyArn?: string;
  /** The bucket resource (escape hatch). */
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: ObjectStorageProps = {}) {
    super(scope, id);
    const encryption = props.encryption ?? "kms";
    const versioned = props.versioned ?? true;
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 90;
    const abortDays = props.abortIncompleteUploadDays ?? 7;
    const prefix = props.bucketNamePrefix ?? nameFromId(id);

    const v = new PropValidator("ObjectStorage", this);
    v.check("bucketName", props.bucketName, optional(BUCKET_NAME));
    v.check(
      "bucketNamePrefix",
      props.bucketNamePrefix,
      (p) => p === undefined || props.bucketName === undefined,
      "cannot be combined with bucketName",
    );
    if (props.bucketName === undefined) {
      v.check(
        "bucketNamePrefix",
        prefix,
        matching(
          /^[a-z0-9][a-z0-9.-]{0,35}$/,
          "1–36 lowercase letters, digits, '.' or '-', starting with a letter or digit",
        ),
      );
    }
    v.check("encryption", encryption, oneOf(BUCKET_ENCRYPTIONS));
    const customerKeyArn = keyArnFrom(v, props.encryptionKey, props.kmsKeyArn);
    v.check(
      props.encryptionKey !== undefined ? "encryptionKey" : "kmsKeyArn",
      customerKeyArn,
      (arn) => arn === undefined || encryption === "kms",
      "can only be set with encryption 'kms'",
    );
    const days = (prop: string, value: number | undefined) => v.check(prop, value, optional(LIFECYCLE_DAYS));
    days("noncurrentVersionExpirationDays", noncurrentDays);
    days("abortIncompleteUploadDays", abortDays);
    const expirationOk = days("expirationDays", props.expirationDays);
    const tieringOk = days("intelligentTieringAfterDays", props.intelligentTieringAfterDays);
    v.check("accessLogBucketName", props.accessLogBucketName, optional(BUCKET_NAME));
    v.check(
      "accessLogBucketName",
      props.accessLogBucketName,
      (n) => n === undefined || props.accessLogBucket === undefined,
      "cannot be combined with accessLogBucket (give the bucket once, preferably as accessLogBucket)",
    );
    const accessLogBucketName = props.accessLogBucket?.bucketName ?? props.accessLogBucketName;
    v.check(
      "accessLogPrefix",
      props.accessLogPrefix,
      (p) => p === undefined || accessLogBucketName !== undefined,
      "can only be set with accessLogBucket",
    );
    v.check(
      "receivesAccessLogs",
      props.receivesAccessLogs,
      (r) => !r || encryption === "s3",
      "requires encryption 's3' (S3 delivers server access logs only to SSE-S3 buckets)",
    );
    v.check(
      "forceDestroy",
      props.forceDestroy,
      (f) => !(f && props.preventDestroy),
      "cannot be combined with preventDestroy",
    );
    // Lifecycle coherence: objects must not expire before (or when) they move to another storage
    // class, and a noncurrent-version rule means nothing without versioning.
    if (
      expirationOk &&
      tieringOk &&
      props.expirationDays !== undefined &&
      props.intelligentTieringAfterDays !== undefined &&
      !isUnresolved(props.expirationDays) &&
      !isUnresolved(props.intelligentTieringAfterDays)
    ) {
      v.check(
        "expirationDays",
        props.expirationDays,
        (d) => d > props.intelligentTieringAfterDays!,
        `must be greater than intelligentTieringAfterDays (${props.intelligentTieringAfterDays}): objects would expire before they move to Intelligent-Tiering`,
      );
    }
    v.check(
      "noncurrentVersionExpirationDays",
      props.noncurrentVersionExpirationDays,
      (d) => d === undefined || versioned,
      "can only be set on a versioned bucket (versioned: false keeps no noncurrent versions)",
    );
    (props.policyStatements ?? []).forEach((statement, index) => {
      const problem = publicStatementProblem(statement);
      if (problem !== undefined) v.fail(`policyStatements.${index}`, statement.Principal, problem);
    });
    v.throwIfInvalid();

    this.bucket = new S3Bucket(this, "Bucket", {
      ...(props.bucketName !== undefined ? { bucket: props.bucketName } : { bucketPrefix: `${prefix}-` }),
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    const accessBlock = new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    new S3BucketOwnershipControls(this, "OwnershipControls", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });

    if (encryption === "kms") {
      this.kmsKeyArn =
        customerKeyArn ??
        new EncryptionKey(this, "Key", {
          description: `Encrypts the objects of bucket ${props.bucketName ?? prefix}`,
          preventDestroy: props.preventDestroy,
          // A throw-away bucket's key goes with it after the shortest wait KMS allows.
          deletionWindowDays: props.forceDestroy ? 7 : undefined,
        }).keyArn;
    }
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault:
            encryption === "kms"
              ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.kmsKeyArn }
              : { sseAlgorithm: "AES256" },
          bucketKeyEnabled: encryption === "kms",
        },
      ],
    });

    const versioning = versioned
      ? new S3BucketVersioningA(this, "Versioning", {
          bucket: this.bucket.id,
          versioningConfiguration: { status: "Enabled" },
        })
      : undefined;

    const rules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: [{}],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortDays }],
      },
    ];
    if (versioned) {
      rules.push({
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: [{}],
        noncurrentVersionExpiration: [{ noncurrentDays: noncurrentDays }],
        expiration: [{ expiredObjectDeleteMarker: true }],
      });
    }
    if (props.expirationDays !== undefined) {
      rules.push({
        id: "expire-objects",
        status: "Enabled",
        filter: [{}],
        expiration: [{ days: props.expirationDays }],
      });
    }
    if (props.intelligentTieringAfterDays !== undefined) {
      rules.push({
        id: "intelligent-tiering",
        status: "Enabled",
        filter: [{}],
        transition: [{ days: props.intelligentTieringAfterDays, storageClass: "INTELLIGENT_TIERING" }],
      });
    }
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: this.bucket.id,
      rule: rules,
      // Noncurrent-version rules act on a versioned bucket: turn versioning on first.
      dependsOn: versioning ? [versioning] : undefined,
    });

    if (accessLogBucketName !== undefined) {
      new S3BucketLoggingA(this, "AccessLogging", {
        bucket: this.bucket.id,
        targetBucket: accessLogBucketName,
        targetPrefix: props.accessLogPrefix ?? `${props.bucketName ?? prefix}/`,
      });
    }

    new S3BucketPolicy(this, "Policy", {
      bucket: this.bucket.id,
      policy: policyJson(
        policyDocument(
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.bucketArn, `${this.bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "DenyOutdatedTls",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.bucketArn, `${this.bucketArn}/*`],
            Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
          },
          ...(props.receivesAccessLogs ? [this.accessLogDeliveryStatement()] : []),
          ...(props.policyStatements ?? []),
        ),
      ),
      // A bucket policy is only accepted once the access block is in place (and never makes it public).
      dependsOn: [accessBlock],
    });
  }

  /** Lets S3 server access logging of this account's buckets write log objects here. */
  private accessLogDeliveryStatement(): PolicyStatement {
    return {
      Sid: "S3ServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${this.bucketArn}/*`,
      Condition: { StringEquals: { "aws:SourceAccount": awsContext(this).accountId } },
    };
  }
}
