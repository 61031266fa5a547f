import { Construct } from "constructs";
import { EncryptionKey, ObjectStorage, cloudWatchLogsGrant } from "@acme/aws-platform-constructs";

/** A rotating customer-managed key that only the account's IAM policies can use. */
export function minimalEncryptionKey(scope: Construct): EncryptionKey {
  // #region minimal
  const key = new EncryptionKey(scope, "Key", { description: "Encrypts the orders service's data" });
  // #endregion
  return key;
}

/**
 * One key for a team's data, kept forever: it encrypts a bucket and the team's application log
 * groups (CloudWatch Logs may use it for those log groups only).
 */
export function sharedEncryptionKey(scope: Construct): EncryptionKey {
  // #region example
  const key = new EncryptionKey(scope, "DataKey", {
    description: "Encrypts the orders team's buckets and application logs",
    alias: "orders/data",
    serviceGrants: [cloudWatchLogsGrant(scope, "/orders/*")],
    preventDestroy: true,
  });

  new ObjectStorage(scope, "Exports", { bucketNamePrefix: "orders-exports", kmsKeyArn: key.keyArn });
  // #endregion
  return key;
}
