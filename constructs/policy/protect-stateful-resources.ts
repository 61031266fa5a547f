import { IAspect, TerraformResource } from "cdktf";
import { IConstruct } from "constructs";

/** Resource types that hold data (or the keys to it) and must survive an accidental destroy. */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [
  "aws_db_instance",
  "aws_rds_cluster",
  "aws_s3_bucket",
  "aws_kms_key",
  "aws_dynamodb_table",
  "aws_efs_file_system",
];

/**
 * Adds Terraform `prevent_destroy` to every stateful resource in scope (databases, buckets, KMS
 * keys, ...), whichever construct created it. Stacks add it for environments whose data must
 * survive; the policy rule DATA-001 checks the result in production.
 */
export class ProtectStatefulResources implements IAspect {
  visit(node: IConstruct): void {
    if (
      TerraformResource.isTerraformResource(node) &&
      STATEFUL_RESOURCE_TYPES.includes(node.terraformResourceType)
    ) {
      node.lifecycle = { ...node.lifecycle, preventDestroy: true };
    }
  }
}
