import { Annotations, Token } from "cdktf";
import { Construct } from "constructs";
import { SECURITY_GROUP, IAM_PRINCIPAL } from "../../core/aws-identifiers";
import { LOG_RETENTION } from "../../core/log-retention";
import { PropValidator, listEach, matching, nameFromId } from "../../core/validation";
import { keyArnFrom } from "../../kms/encryption-key-reference";
import { IPV4_BLOCKS } from "../../network/cidr";
import { DEFAULT_EKS_VERSION, EKS_CORE_ADDONS } from "../../versions";
import type { EksAccessEntryOptions, EksClusterProps } from "../eks-cluster";
import {
  ADMIN_ROLE_ARNS,
  EKS_ACCESS_POLICIES,
  EKS_VERSION,
  endpointAccessProblems,
} from "../eks-cluster-rules";
import { accessEntryKey } from "./access-entries";

/** {@link EksClusterProps} with their defaults applied, once validated. */
export interface ResolvedClusterProps {
  readonly name: string;
  readonly version: string;
  readonly subnetIds: readonly string[];
  readonly endpointPublicAccess: boolean;
  readonly publicAccessCidrs: readonly string[];
  /** `adminRoleArns` as `clusterAdmin` entries, then `accessEntries`. */
  readonly accessEntries: readonly EksAccessEntryOptions[];
  readonly nodeSecurityGroupIds: readonly string[];
  readonly logRetentionDays: number;
  /** The key given by the caller, if any. */
  readonly customerKeyArn: string | undefined;
}

const NAME = matching(/^[a-z0-9][a-z0-9-]{0,37}$/, "1–38 lowercase letters, digits or '-'");
const NAMESPACE_PATTERN = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?|[a-z0-9][-a-z0-9]{0,61}\*)$/;
const ADDON_VERSION_PATTERN = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;
const ENTRY_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The props with their defaults, after checking every one (one error naming each problem) and
 * warning when nobody gets cluster admin access.
 */
export function resolveClusterProps(
  scope: Construct,
  id: string,
  props: EksClusterProps,
): ResolvedClusterProps {
  const name = props.name ?? nameFromId(id);
  const version = props.version ?? DEFAULT_EKS_VERSION;
  const subnetIds = props.subnetIds ?? props.network.privateSubnetIds;
  const endpointPublicAccess = props.endpointPublicAccess ?? false;
  const publicAccessCidrs = props.publicAccessCidrs ?? [];
  const adminRoleArns = props.adminRoleArns ?? [];
  const accessEntries: EksAccessEntryOptions[] = [
    ...adminRoleArns.map((principalArn): EksAccessEntryOptions => ({
      principalArn,
      access: "clusterAdmin",
    })),
    ...(props.accessEntries ?? []),
  ];
  const nodeSecurityGroupIds = props.nodeSecurityGroupIds ?? [];
  const logRetentionDays = props.logRetentionDays ?? 90;

  const v = new PropValidator("EksCluster", scope);
  v.check("name", name, NAME);
  v.check("version", version, EKS_VERSION);
  if (!Token.isUnresolved(subnetIds) && subnetIds.length < 2) {
    v.fail("subnetIds", subnetIds, "must list at least 2 subnets, in different AZs");
  }
  v.check("publicAccessCidrs", publicAccessCidrs, IPV4_BLOCKS);
  for (const problem of endpointAccessProblems(
    endpointPublicAccess,
    publicAccessCidrs,
    props.allowPublicEndpointFromAnywhere ?? false,
  )) {
    v.fail(problem.prop, problem.value, problem.allowed);
  }
  v.check("adminRoleArns", adminRoleArns, ADMIN_ROLE_ARNS);
  validateAccessEntries(v, props.accessEntries ?? [], accessEntries);
  adminRoleArns.forEach((arn, index) => {
    if (Token.isUnresolved(arn)) {
      v.fail(
        `adminRoleArns[${index}]`,
        "<Terraform reference>",
        "must be known at synth (it keys the access entry's Terraform address); give a role made in the same apply as accessEntries: { principalArn, access: 'clusterAdmin', key }",
      );
    }
  });
  v.check(
    "nodeGroups",
    props.nodeGroups,
    (groups) => Object.keys(groups).length >= 1,
    "must define at least one node group (CoreDNS and the EBS CSI controller need nodes)",
  );
  v.check(
    "nodeSecurityGroupIds",
    nodeSecurityGroupIds,
    listEach(SECURITY_GROUP, "must be security group ids (sg-...)"),
  );
  v.check("logRetentionDays", logRetentionDays, LOG_RETENTION);
  for (const [clientName, sg] of Object.entries(props.apiClientSecurityGroups ?? {})) {
    v.check(
      `apiClientSecurityGroups.${clientName}`,
      clientName,
      (n) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(n),
      "must be named with 1–63 lowercase letters, digits or '-'",
    );
    v.check(`apiClientSecurityGroups.${clientName}`, sg, SECURITY_GROUP);
  }
  const customerKeyArn = keyArnFrom(v, props.encryptionKey, props.kmsKeyArn);
  for (const [addon, addonVersion] of Object.entries(props.addonVersions ?? {})) {
    v.check(
      `addonVersions.${addon}`,
      addon,
      (a) => (EKS_CORE_ADDONS as readonly string[]).includes(a),
      `must name a core add-on: ${EKS_CORE_ADDONS.join(", ")}`,
    );
    v.check(
      `addonVersions.${addon}`,
      addonVersion,
      (ver) => ADDON_VERSION_PATTERN.test(ver),
      "must be an EKS add-on version such as 'v1.21.1-eksbuild.7'",
    );
  }
  v.throwIfInvalid();

  if (!accessEntries.some((entry) => entry.access === "clusterAdmin")) {
    Annotations.of(scope).addWarning(
      `EksCluster '${scope.node.path}': no cluster admin (adminRoleArns is empty); only access entries can reach the cluster`,
    );
  }
  return {
    name,
    version,
    subnetIds,
    endpointPublicAccess,
    publicAccessCidrs,
    accessEntries,
    nodeSecurityGroupIds,
    logRetentionDays,
    customerKeyArn,
  };
}

/** Each entry's principal, access level, key and namespaces; principals and keys distinct across `all`. */
function validateAccessEntries(
  v: PropValidator,
  entries: readonly EksAccessEntryOptions[],
  all: readonly EksAccessEntryOptions[],
): void {
  entries.forEach((entry, index) => {
    const prop = `accessEntries[${index}]`;
    v.check(`${prop}.principalArn`, entry.principalArn, IAM_PRINCIPAL);
    v.check(
      `${prop}.access`,
      entry.access,
      (access) => access in EKS_ACCESS_POLICIES,
      `must be one of ${Object.keys(EKS_ACCESS_POLICIES).join(", ")}`,
    );
    if (entry.key !== undefined) {
      v.check(
        `${prop}.key`,
        entry.key,
        (key) => ENTRY_KEY.test(key),
        "must be 1–64 letters, digits, '-', '_' or '.'",
      );
    } else if (Token.isUnresolved(entry.principalArn)) {
      v.fail(
        `${prop}.key`,
        entry.key,
        "is required when principalArn is a Terraform reference (it keys the access entry's Terraform address)",
      );
    }
    const namespaces = entry.namespaces ?? [];
    if (entry.access === "clusterAdmin" && namespaces.length > 0) {
      v.fail(
        `${prop}.namespaces`,
        namespaces,
        "must be empty for 'clusterAdmin' (cluster-wide by definition)",
      );
    }
    v.check(
      `${prop}.namespaces`,
      namespaces,
      (list) => list.every((ns) => NAMESPACE_PATTERN.test(ns)) && new Set(list).size === list.length,
      "must be distinct namespace names (a trailing '*' matches a prefix)",
    );
  });
  const arns = all.map((entry) => entry.principalArn).filter((arn) => !Token.isUnresolved(arn));
  const duplicates = [...new Set(arns.filter((arn, i) => arns.indexOf(arn) !== i))];
  if (duplicates.length > 0) {
    v.fail(
      "accessEntries",
      duplicates,
      "must name each principal once across adminRoleArns and accessEntries (one access entry per principal)",
    );
  }
  const keys = all.map(accessEntryKey).filter((key): key is string => key !== undefined);
  const repeated = [...new Set(keys.filter((key, i) => keys.indexOf(key) !== i))];
  if (duplicates.length === 0 && repeated.length > 0) {
    v.fail(
      "accessEntries",
      repeated,
      "must have distinct keys (each keys an access entry's Terraform address)",
    );
  }
}
