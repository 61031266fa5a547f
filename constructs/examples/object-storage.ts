import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { ObjectStorage, policyJson } from "@acme/aws-platform-constructs";

/** A private, KMS-encrypted, versioned bucket with a generated name. */
export function minimalObjectStorage(scope: Construct): ObjectStorage {
  // #region minimal
  const uploads = new ObjectStorage(scope, "Uploads");
  // #endregion
  return uploads;
}

/**
 * Production documents: a bucket kept forever (prevent_destroy), tiered after 30 days, with access
 * logs in a log bucket, and an application role that may read and write one prefix only.
 */
export function productionObjectStorage(scope: Construct, appRoleName: string): ObjectStorage {
  // #region example
  // S3 delivers server access logs only to SSE-S3 buckets.
  const accessLogs = new ObjectStorage(scope, "AccessLogs", {
    bucketNamePrefix: "orders-access-logs",
    encryption: "s3",
    receivesAccessLogs: true,
    versioned: false,
    expirationDays: 400,
  });

  const documents = new ObjectStorage(scope, "Documents", {
    bucketNamePrefix: "orders-documents",
    noncurrentVersionExpirationDays: 30,
    intelligentTieringAfterDays: 30,
    accessLogBucketName: accessLogs.bucketName,
    preventDestroy: true,
  });

  // Least privilege: objects under invoices/ only, plus the bucket key.
  new IamRolePolicy(scope, "DocumentsAccess", {
    role: appRoleName,
    name: "orders-documents-invoices",
    policy: policyJson(documents.grantReadWrite("invoices/")),
  });
  // #endregion
  return documents;
}
