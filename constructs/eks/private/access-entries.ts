import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { EksAccessEntryOptions } from "../eks-cluster";
import { EKS_ACCESS_POLICIES } from "../eks-cluster-rules";

/**
 * A stable construct id for a principal: the entry's key, or the principal's account and name
 * (`111111111111-platform-admin`); undefined for a Terraform reference without a key.
 */
export function accessEntryKey(entry: EksAccessEntryOptions): string | undefined {
  if (entry.key !== undefined) return entry.key;
  const match = /^arn:[^:]+:iam::(\d{12}):(?:role|user)\/(.+)$/.exec(entry.principalArn);
  if (!match || Token.isUnresolved(entry.principalArn)) return undefined;
  return `${match[1]}-${match[2].replace(/[^A-Za-z0-9_.-]/g, "-")}`;
}

/** An access entry per principal and the association of its access policy, as children of `scope`. */
export function clusterAccessEntries(
  scope: Construct,
  clusterName: string,
  entries: readonly EksAccessEntryOptions[],
  partition: string,
): void {
  entries.forEach((options) => {
    const key = accessEntryKey(options) ?? "";
    const entry = new EksAccessEntry(scope, `AccessEntry-${key}`, {
      clusterName,
      principalArn: options.principalArn,
      type: "STANDARD",
    });
    const namespaces = options.namespaces ?? [];
    new EksAccessPolicyAssociation(scope, `AccessPolicy-${key}`, {
      clusterName,
      principalArn: entry.principalArn,
      policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${EKS_ACCESS_POLICIES[options.access]}`,
      accessScope:
        namespaces.length > 0 ? { type: "namespace", namespaces: [...namespaces] } : { type: "cluster" },
    });
  });
}
