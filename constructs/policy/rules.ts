import {
  ElementView,
  TerraformObject,
  PolicyContext,
  PolicyRule,
  Violation,
  block,
  blocks,
  findReferrer,
  refersTo,
} from "./model";
import { EKS_CONTROL_PLANE_LOG_TYPES } from "../eks/eks-cluster";
import { isWildcardPrincipal, statementsOf } from "./policy-documents";
import { STATEFUL_RESOURCE_TYPES } from "./protect-stateful-resources";

/** Builds a rule that checks each resource of some types on its own. */
function perResource(
  rule: Omit<PolicyRule, "check">,
  types: readonly string[],
  problem: (resource: ElementView, ctx: PolicyContext) => string | undefined,
): PolicyRule {
  return {
    ...rule,
    check: (ctx) =>
      ctx.resources
        .filter((r) => types.includes(r.type))
        .flatMap((resource): Violation[] => {
          const message = problem(resource, ctx);
          return message ? [{ resource, message }] : [];
        }),
  };
}

const WORLD = ["0.0.0.0/0", "::/0"];
const SENSITIVE_PORTS = [22, 3389];
const POLICY_FIELDS: Record<string, string> = {
  aws_iam_policy: "policy",
  aws_iam_role_policy: "policy",
  aws_iam_user_policy: "policy",
  aws_iam_group_policy: "policy",
};

const preventsDestroy = (r: ElementView) => r.config.lifecycle?.prevent_destroy === true;

/** Ingress rules of a security group resource, in a common shape. */
function ingressRules(r: ElementView): { cidrs: string[]; from: number; to: number; protocol: string }[] {
  const numberOr = (v: unknown, d: number) => (v === undefined || v === null ? d : Number(v));
  switch (r.type) {
    case "aws_security_group":
    case "aws_default_security_group":
      return blocks(r.config.ingress).map((i: TerraformObject) => ({
        cidrs: [...(i.cidr_blocks ?? []), ...(i.ipv6_cidr_blocks ?? [])],
        from: numberOr(i.from_port, 0),
        to: numberOr(i.to_port, 65535),
        protocol: String(i.protocol ?? "-1"),
      }));
    case "aws_security_group_rule":
      return r.config.type === "ingress"
        ? [
            {
              cidrs: [...(r.config.cidr_blocks ?? []), ...(r.config.ipv6_cidr_blocks ?? [])],
              from: numberOr(r.config.from_port, 0),
              to: numberOr(r.config.to_port, 65535),
              protocol: String(r.config.protocol ?? "-1"),
            },
          ]
        : [];
    case "aws_vpc_security_group_ingress_rule":
      return [
        {
          cidrs: [r.config.cidr_ipv4, r.config.cidr_ipv6].filter(Boolean),
          from: numberOr(r.config.from_port, 0),
          to: numberOr(r.config.to_port, 65535),
          protocol: String(r.config.ip_protocol ?? "-1"),
        },
      ];
    default:
      return [];
  }
}

/** The policy pack: every rule, with its stable id and the matching scanner ids. */
export const POLICY_RULES: readonly PolicyRule[] = [
  // ---- network ----------------------------------------------------------------------------
  {
    id: "NET-001",
    title: "Every VPC has flow logs",
    severity: "error",
    scanners: ["CKV2_AWS_11", "AVD-AWS-0178"],
    check: (ctx) =>
      ctx
        .ofType("aws_vpc")
        .filter((vpc) => !findReferrer(ctx.ofType("aws_flow_log"), "vpc_id", vpc))
        .map((resource) => ({ resource, message: "VPC has no flow log; log ALL traffic with aws_flow_log" })),
  },
  {
    id: "NET-002",
    title: "The default security group has no rules",
    severity: "error",
    scanners: ["CKV2_AWS_12", "AVD-AWS-0173"],
    check: (ctx) => [
      ...ctx
        .ofType("aws_vpc")
        .filter((vpc) => !findReferrer(ctx.ofType("aws_default_security_group"), "vpc_id", vpc))
        .map((resource) => ({
          resource,
          message:
            "VPC's default security group is not adopted; declare aws_default_security_group with no rules",
        })),
      ...ctx
        .ofType("aws_default_security_group")
        .filter((sg) => blocks(sg.config.ingress).length > 0 || blocks(sg.config.egress).length > 0)
        .map((resource) => ({ resource, message: "default security group has rules; remove them" })),
    ],
  },
  perResource(
    {
      id: "NET-003",
      title: "No ingress from the internet to SSH, RDP or all ports",
      severity: "error",
      scanners: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_277", "AVD-AWS-0107"],
    },
    [
      "aws_security_group",
      "aws_default_security_group",
      "aws_security_group_rule",
      "aws_vpc_security_group_ingress_rule",
    ],
    (r) => {
      const open = ingressRules(r).find(
        (rule) =>
          rule.cidrs.some((c) => WORLD.includes(c)) &&
          (rule.protocol === "-1" ||
            (rule.from <= 0 && rule.to >= 65535) ||
            SENSITIVE_PORTS.some((p) => rule.from <= p && p <= rule.to)),
      );
      return open
        ? `ingress from ${open.cidrs.filter((c) => WORLD.includes(c)).join(", ")} to ports ${open.from}-${open.to} (${open.protocol})`
        : undefined;
    },
  ),
  perResource(
    {
      id: "NET-004",
      title: "Subnets do not assign public IPs on launch",
      severity: "warning",
      scanners: ["CKV_AWS_130", "AVD-AWS-0164"],
    },
    ["aws_subnet"],
    (r) => (r.config.map_public_ip_on_launch === true ? "map_public_ip_on_launch is true" : undefined),
  ),

  // ---- RDS ----------------------------------------------------------------------------------
  perResource(
    {
      id: "RDS-001",
      title: "Databases are encrypted at rest",
      severity: "error",
      scanners: ["CKV_AWS_16", "AVD-AWS-0080"],
    },
    ["aws_db_instance", "aws_rds_cluster"],
    (r) => (r.config.storage_encrypted === true ? undefined : "storage_encrypted is not true"),
  ),
  perResource(
    {
      id: "RDS-002",
      title: "Databases are not publicly accessible",
      severity: "error",
      scanners: ["CKV_AWS_17", "AVD-AWS-0180"],
    },
    ["aws_db_instance"],
    (r) => (r.config.publicly_accessible === true ? "publicly_accessible is true" : undefined),
  ),
  perResource(
    {
      id: "RDS-003",
      title: "Backups are on everywhere, and kept at least 7 days in staging and production",
      severity: "error",
      scanners: ["CKV_AWS_133", "AVD-AWS-0077"],
    },
    ["aws_db_instance", "aws_rds_cluster"],
    (r, ctx) => {
      const days = Number(r.config.backup_retention_period ?? (r.type === "aws_rds_cluster" ? 1 : 0));
      if (days < 1) return `backup_retention_period is ${days}: backups are off`;
      if (
        (ctx.profile === "production" || ctx.profile === "staging") &&
        days < ctx.minimumBackupRetentionDays
      ) {
        return `backup_retention_period is ${days}, below ${ctx.minimumBackupRetentionDays} days`;
      }
      return undefined;
    },
  ),
  perResource(
    {
      id: "RDS-004",
      title: "Production databases have deletion protection",
      severity: "error",
      scanners: ["CKV_AWS_293"],
    },
    ["aws_db_instance", "aws_rds_cluster"],
    (r, ctx) =>
      ctx.profile === "production" && r.config.deletion_protection !== true
        ? "deletion_protection is not true"
        : undefined,
  ),
  {
    id: "RDS-005",
    title: "PostgreSQL databases require TLS (rds.force_ssl = 1)",
    severity: "error",
    scanners: ["CKV2_AWS_69"],
    check: (ctx) =>
      ctx
        .ofType("aws_db_instance")
        .filter((db) => String(db.config.engine ?? "").includes("postgres"))
        .filter((db) => {
          const group = ctx
            .ofType("aws_db_parameter_group")
            .find((g) => refersTo(db.config.parameter_group_name, g));
          return !blocks(group?.config.parameter).some(
            (p: Record<string, unknown>) => p.name === "rds.force_ssl" && String(p.value) === "1",
          );
        })
        .map((resource) => ({
          resource,
          message: "no parameter group of this stack sets rds.force_ssl = 1 for this database",
        })),
  },

  // ---- S3 -----------------------------------------------------------------------------------
  {
    id: "S3-001",
    title: "Every bucket blocks public access (all four flags)",
    severity: "error",
    scanners: [
      "CKV2_AWS_6",
      "CKV_AWS_53",
      "CKV_AWS_54",
      "CKV_AWS_55",
      "CKV_AWS_56",
      "AVD-AWS-0086",
      "AVD-AWS-0087",
      "AVD-AWS-0091",
      "AVD-AWS-0093",
      "AVD-AWS-0094",
    ],
    check: (ctx) =>
      ctx.ofType("aws_s3_bucket").flatMap((bucket): Violation[] => {
        const block = findReferrer(ctx.ofType("aws_s3_bucket_public_access_block"), "bucket", bucket);
        const flags = [
          "block_public_acls",
          "block_public_policy",
          "ignore_public_acls",
          "restrict_public_buckets",
        ];
        const off = flags.filter((f) => block?.config[f] !== true);
        return off.length
          ? [{ resource: bucket, message: `public access block missing or off: ${off.join(", ")}` }]
          : [];
      }),
  },
  {
    id: "S3-002",
    title: "Every bucket has default encryption configured",
    severity: "error",
    scanners: ["CKV_AWS_19", "AVD-AWS-0088"],
    check: (ctx) =>
      ctx
        .ofType("aws_s3_bucket")
        .filter(
          (bucket) =>
            !findReferrer(ctx.ofType("aws_s3_bucket_server_side_encryption_configuration"), "bucket", bucket),
        )
        .map((resource) => ({ resource, message: "no aws_s3_bucket_server_side_encryption_configuration" })),
  },
  {
    id: "S3-003",
    title: "Every bucket policy denies requests without TLS",
    severity: "error",
    scanners: ["CKV_AWS_379"],
    check: (ctx) =>
      ctx.ofType("aws_s3_bucket").flatMap((bucket): Violation[] => {
        const policy = findReferrer(ctx.ofType("aws_s3_bucket_policy"), "bucket", bucket);
        const statements = policy ? statementsOf(policy.config.policy, ctx) : undefined;
        const tlsOnly = statements?.some(
          (s) => s.effect === "Deny" && s.conditions.Bool?.["aws:SecureTransport"]?.includes("false"),
        );
        return tlsOnly
          ? []
          : [{ resource: bucket, message: "no bucket policy denying aws:SecureTransport = false" }];
      }),
  },
  {
    id: "S3-004",
    title: "Buckets are versioned outside sandboxes",
    severity: "error",
    scanners: ["CKV_AWS_21", "AVD-AWS-0090"],
    check: (ctx) =>
      ctx.profile === "sandbox"
        ? []
        : ctx
            .ofType("aws_s3_bucket")
            .filter((bucket) => {
              const versioning = findReferrer(ctx.ofType("aws_s3_bucket_versioning"), "bucket", bucket);
              return block(versioning?.config.versioning_configuration).status !== "Enabled";
            })
            .map((resource) => ({ resource, message: "versioning is not Enabled" })),
  },

  // ---- KMS ----------------------------------------------------------------------------------
  perResource(
    {
      id: "KMS-001",
      title: "Symmetric KMS keys rotate",
      severity: "error",
      scanners: ["CKV_AWS_7", "AVD-AWS-0065"],
    },
    ["aws_kms_key"],
    (r) =>
      (r.config.customer_master_key_spec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT" &&
      r.config.enable_key_rotation !== true
        ? "enable_key_rotation is not true"
        : undefined,
  ),
  perResource(
    {
      id: "KMS-002",
      title: "Key policies name no wildcard principal",
      severity: "error",
      scanners: ["CKV_AWS_33"],
    },
    ["aws_kms_key"],
    (r, ctx) => {
      const statements = r.config.policy === undefined ? [] : statementsOf(r.config.policy, ctx);
      if (!statements) return "key policy cannot be analysed";
      return statements.some((s) => s.effect === "Allow" && isWildcardPrincipal(s))
        ? "key policy allows Principal '*' without conditions"
        : undefined;
    },
  ),

  // ---- EKS ----------------------------------------------------------------------------------
  perResource(
    {
      id: "EKS-001",
      title: "EKS encrypts Kubernetes secrets with KMS",
      severity: "error",
      scanners: ["CKV_AWS_58", "AVD-AWS-0039"],
    },
    ["aws_eks_cluster"],
    (r) =>
      blocks(r.config.encryption_config).some(
        (e) => (e.resources ?? []).includes("secrets") && block(e.provider).key_arn,
      )
        ? undefined
        : "no encryption_config for secrets",
  ),
  perResource(
    {
      id: "EKS-002",
      title: "The EKS API endpoint is not open to the internet",
      severity: "error",
      scanners: ["CKV_AWS_38", "CKV_AWS_39", "AVD-AWS-0040", "AVD-AWS-0041"],
    },
    ["aws_eks_cluster"],
    (r) => {
      const vpc = block(r.config.vpc_config);
      if (vpc.endpoint_public_access === false) return undefined;
      const cidrs: string[] = vpc.public_access_cidrs ?? ["0.0.0.0/0"];
      return cidrs.some((c) => WORLD.includes(c)) ? "public endpoint reachable from 0.0.0.0/0" : undefined;
    },
  ),
  perResource(
    {
      id: "EKS-003",
      title: "EKS sends all control-plane logs",
      severity: "error",
      scanners: ["CKV_AWS_37", "AVD-AWS-0038"],
    },
    ["aws_eks_cluster"],
    (r) => {
      const missing = EKS_CONTROL_PLANE_LOG_TYPES.filter(
        (t) => !(r.config.enabled_cluster_log_types ?? []).includes(t),
      );
      return missing.length ? `control-plane logs missing: ${missing.join(", ")}` : undefined;
    },
  ),

  // ---- EC2 ----------------------------------------------------------------------------------
  perResource(
    {
      id: "EC2-001",
      title: "Instances require IMDSv2",
      severity: "error",
      scanners: ["CKV_AWS_79", "AVD-AWS-0130"],
    },
    ["aws_launch_template", "aws_instance"],
    (r) =>
      block(r.config.metadata_options).http_tokens === "required"
        ? undefined
        : "metadata_options.http_tokens is not 'required'",
  ),

  // ---- IAM ----------------------------------------------------------------------------------
  {
    id: "IAM-001",
    title: "No IAM policy allows every action on every resource",
    severity: "error",
    scanners: ["CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_63", "AVD-AWS-0057"],
    check: (ctx) =>
      ctx.resources.flatMap((r): Violation[] => {
        const documents =
          r.type === "aws_iam_role"
            ? blocks(r.config.inline_policy).map((p) => p.policy)
            : POLICY_FIELDS[r.type]
              ? [r.config[POLICY_FIELDS[r.type]]]
              : [];
        const admin = documents.some((d: unknown) =>
          (statementsOf(d, ctx) ?? []).some(
            (s) => s.effect === "Allow" && s.actions.includes("*") && s.resources.includes("*"),
          ),
        );
        return admin ? [{ resource: r, message: 'allows Action "*" on Resource "*"' }] : [];
      }),
  },
  perResource(
    {
      id: "IAM-002",
      title: "No role trusts every principal",
      severity: "error",
      scanners: ["CKV_AWS_60"],
    },
    ["aws_iam_role"],
    (r, ctx) =>
      (statementsOf(r.config.assume_role_policy, ctx) ?? []).some(
        (s) => s.effect === "Allow" && isWildcardPrincipal(s),
      )
        ? "trust policy allows Principal '*' without conditions"
        : undefined,
  ),

  // ---- logs ---------------------------------------------------------------------------------
  perResource(
    {
      id: "LOG-001",
      title: "Log groups have a retention period",
      severity: "error",
      scanners: ["CKV_AWS_66"],
    },
    ["aws_cloudwatch_log_group"],
    (r) =>
      Number(r.config.retention_in_days ?? 0) > 0
        ? undefined
        : "retention_in_days is not set: logs are kept forever",
  ),
  perResource(
    {
      id: "LOG-002",
      title: "Log groups are encrypted with a KMS key",
      severity: "warning",
      scanners: ["CKV_AWS_158", "AVD-AWS-0017"],
    },
    ["aws_cloudwatch_log_group"],
    (r) => (r.config.kms_key_id ? undefined : "kms_key_id is not set"),
  ),

  // ---- tags ---------------------------------------------------------------------------------
  {
    id: "TAG-001",
    title: "Every taggable AWS resource carries the required tags",
    severity: "error",
    scanners: [],
    check: (ctx) =>
      ctx.resources
        .filter((r) => r.type.startsWith("aws_") && "tagsInput" in r.construct)
        .flatMap((r): Violation[] => {
          // Read the tags off the binding: presence is all that matters, and it avoids a full resolve.
          const own = (r.construct as unknown as { tagsInput?: Record<string, string> }).tagsInput ?? {};
          const tags: Record<string, string> = { ...ctx.defaultTags, ...own };
          const missing = ctx.requiredTags.filter((t) => !tags[t]);
          return missing.length ? [{ resource: r, message: `missing tags: ${missing.join(", ")}` }] : [];
        }),
  },

  // ---- data safety --------------------------------------------------------------------------
  perResource(
    {
      id: "DATA-001",
      title: "Production stateful resources are protected from deletion",
      severity: "error",
      scanners: ["CKV_AWS_293"],
    },
    STATEFUL_RESOURCE_TYPES,
    (r, ctx) => {
      if (ctx.profile !== "production") return undefined;
      if (!preventsDestroy(r)) return "production data without lifecycle prevent_destroy";
      const hasDeletionProtection = ["aws_db_instance", "aws_rds_cluster", "aws_dynamodb_table"].includes(
        r.type,
      );
      return hasDeletionProtection && r.config.deletion_protection !== true && r.type !== "aws_dynamodb_table"
        ? "production database without deletion_protection"
        : undefined;
    },
  ),
  perResource(
    {
      id: "DATA-002",
      title: "Data is force-destroyed or dropped without a final snapshot only in sandboxes",
      severity: "error",
      scanners: [],
    },
    ["aws_s3_bucket", "aws_db_instance", "aws_rds_cluster"],
    (r, ctx) => {
      if (ctx.profile === "sandbox") return undefined;
      if (r.config.force_destroy === true) return "force_destroy is true outside a sandbox";
      if (r.type !== "aws_s3_bucket" && r.config.skip_final_snapshot === true) {
        return "skip_final_snapshot is true outside a sandbox";
      }
      return undefined;
    },
  ),
];

/** The ids of every rule. */
export const POLICY_RULE_IDS: readonly string[] = POLICY_RULES.map((r) => r.id);
