import { Annotations, IAspect, TerraformResource, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { describe } from "../core/validation";
import { PolicyProfile, PolicyRule, Severity, contextOf } from "./model";
import { POLICY_RULES, POLICY_RULE_IDS } from "./rules";

/**
 * The tags the policy pack requires by default on every taggable resource: which environment and
 * stack it belongs to, what manages it and from which repository (set through the provider's
 * `default_tags`).
 */
export const DEFAULT_REQUIRED_TAGS = ["environment", "managed-by", "repository", "stack"] as const;

/** Props of {@link PolicyPack}. */
export interface PolicyPackProps {
  /** How strict: "production" demands deletion protection; "sandbox" allows teardown settings. */
  readonly profile: PolicyProfile;
  /** Tags every taggable AWS resource must carry (the provider's `default_tags` count). @default DEFAULT_REQUIRED_TAGS (environment, managed-by, repository, stack) */
  readonly requiredTags?: readonly string[];
  /** Minimum RDS backup retention in staging and production, in days. @default 7 */
  readonly minimumBackupRetentionDays?: number;
  /** The rules to apply. @default - every rule of {@link POLICY_RULES} */
  readonly rules?: readonly PolicyRule[];
}

/** A policy finding on one resource. */
export interface PolicyFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** Construct path of the resource. */
  readonly path: string;
  /** Terraform address of the resource. */
  readonly address: string;
  readonly message: string;
  /** The written reason, when the rule is waived for this resource. */
  readonly waiver?: string;
  /** The resource's construct. */
  readonly construct: IConstruct;
}

const WAIVER_METADATA = "policy-waiver";

/**
 * Waives one policy rule for one resource, with a written reason. The waiver is reported as a
 * warning at every synthesis, so nothing is waived silently.
 */
export function waivePolicy(resource: IConstruct, ruleId: string, reason: string): void {
  const problems: string[] = [];
  if (!TerraformResource.isTerraformResource(resource)) {
    problems.push(
      `'resource' must be a Terraform resource (waivers are per resource), got ${describe(resource.node.path)}`,
    );
  }
  if (!POLICY_RULE_IDS.includes(ruleId)) {
    problems.push(`'ruleId' must be one of ${POLICY_RULE_IDS.join(", ")}, got ${describe(ruleId)}`);
  }
  if (reason.trim().length < 10) {
    problems.push(`'reason' must explain the waiver in at least 10 characters, got ${describe(reason)}`);
  }
  if (problems.length)
    throw new Error(problems.map((p) => `waivePolicy '${resource.node.path}': ${p}`).join("\n"));
  resource.node.addMetadata(WAIVER_METADATA, { ruleId, reason });
}

function waiverOf(construct: IConstruct, ruleId: string): string | undefined {
  const entry = construct.node.metadata.find(
    (m) => m.type === WAIVER_METADATA && (m.data as { ruleId: string }).ruleId === ruleId,
  );
  return (entry?.data as { reason: string } | undefined)?.reason;
}

/** Evaluates the rules on one stack and returns every finding, waived ones included. */
export function evaluatePolicy(stack: TerraformStack, props: PolicyPackProps): PolicyFinding[] {
  const ctx = contextOf(stack, {
    profile: props.profile,
    requiredTags: props.requiredTags ?? DEFAULT_REQUIRED_TAGS,
    minimumBackupRetentionDays: props.minimumBackupRetentionDays ?? 7,
  });
  return (props.rules ?? POLICY_RULES).flatMap((rule) =>
    rule.check(ctx).map((v) => ({
      ruleId: rule.id,
      severity: rule.severity,
      path: v.resource.path,
      address: v.resource.address,
      message: `${v.message} (${rule.title}${rule.scanners.length ? `; ${rule.scanners.join(", ")}` : ""})`,
      waiver: waiverOf(v.resource.construct, rule.id),
      construct: v.resource.construct,
    })),
  );
}

/**
 * The policy pack as an Aspect: added to a stack (or an app), it evaluates every rule on each stack
 * after all other aspects have run and annotates the offending resources: `[RULE-ID] message` as an
 * error (synthesis fails) or a warning; a waived finding becomes a warning that quotes the reason.
 */
export class PolicyPack implements IAspect {
  private readonly stacks = new WeakSet<TerraformStack>();

  constructor(private readonly props: PolicyPackProps) {}

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || this.stacks.has(node)) return;
    this.stacks.add(node);
    const stack = node;
    // Validations run after every aspect, so the rules see the stack's final configuration.
    stack.node.addValidation({
      validate: () => {
        for (const finding of evaluatePolicy(stack, this.props)) {
          const annotations = Annotations.of(finding.construct);
          if (finding.waiver !== undefined) {
            annotations.addWarning(
              `[${finding.ruleId}] waived: ${finding.waiver} (finding: ${finding.message})`,
            );
          } else if (finding.severity === "error") {
            annotations.addError(`[${finding.ruleId}] ${finding.message}`);
          } else {
            annotations.addWarning(`[${finding.ruleId}] ${finding.message}`);
          }
        }
        return [];
      },
    });
  }
}
