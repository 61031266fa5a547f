import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";

/** Account, region and partition of the stack's AWS provider, as Terraform expressions. */
export interface AwsContext {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /** The DNS suffix of the partition (`amazonaws.com`), for service principals. */
  readonly dnsSuffix: string;
}

const CONTEXT_ID = "AwsContext";

/**
 * The stack-wide account/region/partition data sources, created once per stack on first use so
 * that every construct in the stack shares them instead of declaring its own copies.
 */
export function awsContext(scope: Construct): AwsContext {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(CONTEXT_ID);
  const holder = existing ?? new Construct(stack, CONTEXT_ID);
  if (!existing) {
    new DataAwsCallerIdentity(holder, "Caller");
    new DataAwsRegion(holder, "Region");
    new DataAwsPartition(holder, "Partition");
  }
  const caller = holder.node.findChild("Caller") as DataAwsCallerIdentity;
  const region = holder.node.findChild("Region") as DataAwsRegion;
  const partition = holder.node.findChild("Partition") as DataAwsPartition;
  return {
    accountId: caller.accountId,
    region: region.region,
    partition: partition.partition,
    dnsSuffix: partition.dnsSuffix,
  };
}
