import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { KMS_KEY } from "../core/aws-identifiers";
import { PolicyDocument, PolicyStatement, policyDocument } from "../core/iam";
import { PropValidator, optional, rule } from "../core/validation";

/**
 * An S3 bucket other constructs read or write: an {@link ObjectStorage} of this app, or a bucket made
 * elsewhere imported with `ObjectStorage.fromAttributes`. Both grant the same least-privilege policies.
 */
export interface IObjectStorage {
  /** The bucket's name. */
  readonly bucketName: string;
  /** The bucket's ARN. */
  readonly bucketArn: string;
  /** The KMS key that encrypts the bucket's objects, when it is SSE-KMS with a customer-managed key. */
  readonly kmsKeyArn?: string;
  /** An IAM policy that reads objects (optionally under `keyPrefix`) and lists the bucket. */
  grantRead(keyPrefix?: string): PolicyDocument;
  /** An IAM policy that writes and deletes objects (optionally under `keyPrefix`). */
  grantWrite(keyPrefix?: string): PolicyDocument;
  /** An IAM policy that reads, lists, writes and deletes objects (optionally under `keyPrefix`). */
  grantReadWrite(keyPrefix?: string): PolicyDocument;
}

/** Attributes of a bucket made elsewhere, for `ObjectStorage.fromAttributes`. */
export interface ObjectStorageAttributes {
  /** The bucket's name. */
  readonly bucketName: string;
  /**
   * The customer-managed KMS key of the bucket's default encryption (the grants then include its use).
   * @default - none: the bucket is SSE-S3 (or SSE-KMS with the AWS-managed key)
   */
  readonly kmsKeyArn?: string;
}

/** What a grant allows: reading, writing, or both. */
export type BucketAccess = "read" | "write" | "readWrite";

/**
 * A least-privilege IAM policy for one bucket (and its key, when it has one): reads list the bucket
 * (limited to `keyPrefix`) and get objects, writes put, delete and abort uploads of objects.
 */
export function bucketGrant(
  bucket: { readonly bucketArn: string; readonly kmsKeyArn?: string },
  access: BucketAccess,
  keyPrefix = "",
): PolicyDocument {
  const reads = access !== "write";
  const writes = access !== "read";
  const statements: PolicyStatement[] = [];
  if (reads) {
    statements.push(
      // GetBucketLocation carries no s3:prefix key, so it cannot share the prefix-scoped statement.
      {
        Sid: "BucketLocation",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation"],
        Resource: bucket.bucketArn,
      },
      {
        Sid: "ListBucket",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: bucket.bucketArn,
        ...(keyPrefix ? { Condition: { StringLike: { "s3:prefix": [`${keyPrefix}*`] } } } : {}),
      },
      {
        Sid: "ReadObjects",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: `${bucket.bucketArn}/${keyPrefix}*`,
      },
    );
  }
  if (writes) {
    statements.push({
      Sid: "WriteObjects",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      Resource: `${bucket.bucketArn}/${keyPrefix}*`,
    });
  }
  if (bucket.kmsKeyArn) {
    statements.push({
      Sid: "UseBucketKey",
      Effect: "Allow",
      Action: writes ? ["kms:GenerateDataKey", "kms:Decrypt"] : ["kms:Decrypt"],
      Resource: bucket.kmsKeyArn,
    });
  }
  return policyDocument(...statements);
}

const BUCKET_NAME_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const BUCKET_NAME_RULES =
  "must be 3–63 characters of lowercase letters, digits, '.' and '-', start and end with a letter or " +
  "digit, have no '..', not look like an IP address and not use a reserved prefix or suffix";

/** True when `name` follows the S3 general-purpose bucket naming rules. */
export function isValidBucketName(name: string): boolean {
  return (
    BUCKET_NAME_PATTERN.test(name) &&
    !name.includes("..") &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|--x-s3|\.mrap)$/.test(name)
  );
}

/** An S3 general-purpose bucket name, as a rule. */
export const BUCKET_NAME = rule(BUCKET_NAME_RULES, isValidBucketName);

/** What every bucket, owned or imported, grants: least-privilege policies from its ARN and key. */
export abstract class ObjectStorageBase extends Construct implements IObjectStorage {
  abstract readonly bucketName: string;
  abstract readonly bucketArn: string;
  abstract readonly kmsKeyArn?: string;

  /** An IAM policy that reads objects (optionally under `keyPrefix`) and lists the bucket. */
  grantRead(keyPrefix = ""): PolicyDocument {
    return bucketGrant(this, "read", keyPrefix);
  }

  /** An IAM policy that writes and deletes objects (optionally under `keyPrefix`). */
  grantWrite(keyPrefix = ""): PolicyDocument {
    return bucketGrant(this, "write", keyPrefix);
  }

  /** An IAM policy that reads, lists, writes and deletes objects (optionally under `keyPrefix`). */
  grantReadWrite(keyPrefix = ""): PolicyDocument {
    return bucketGrant(this, "readWrite", keyPrefix);
  }
}

/** A bucket made elsewhere: nothing is created, the name and key are checked. */
export class ImportedObjectStorage extends ObjectStorageBase {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, attributes: ObjectStorageAttributes) {
    super(scope, id);
    const v = new PropValidator("ObjectStorage.fromAttributes", this);
    v.check("bucketName", attributes.bucketName, BUCKET_NAME);
    v.check("kmsKeyArn", attributes.kmsKeyArn, optional(KMS_KEY));
    v.throwIfInvalid();
    this.bucketName = attributes.bucketName;
    this.bucketArn = `arn:${awsContext(this).partition}:s3:::${attributes.bucketName}`;
    this.kmsKeyArn = attributes.kmsKeyArn;
  }
}
