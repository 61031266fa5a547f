import { Construct } from "constructs";
import { ObjectStorage, moveResources } from "@acme/aws-platform-constructs";

/**
 * The construct "Documents" was renamed to "CustomerDocuments" on purpose. Every resource inside it
 * gets a new Terraform address, so each one is moved from its old address instead of being replaced.
 * `moves` maps a resource's construct path below the stack to its old address, as listed by
 * `terraform state list` or the old `cdk.tf.json`.
 */
export function renamedObjectStorage(
  scope: Construct,
  moves: Readonly<Record<string, string>>,
): ObjectStorage {
  // #region move
  // Was: new ObjectStorage(this, "Documents", { bucketNamePrefix: "orders-documents" })
  const documents = new ObjectStorage(scope, "CustomerDocuments", { bucketNamePrefix: "orders-documents" });

  // e.g. { "CustomerDocuments/Bucket": "aws_s3_bucket.Documents_Bucket_6F1A3B2C", ... }: each becomes
  // `moved { from = old, to = new }`; a path that names no resource throws.
  moveResources(documents, moves);
  // #endregion
  return documents;
}
