import {
  DefaultTokenResolver,
  StringConcat,
  TerraformDataSource,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  Tokenization,
} from "cdktf";
import { IConstruct } from "constructs";

/**
 * How strict the policy is with a stack: production data must survive (deletion protection),
 * staging keeps production's backup standard, development relaxes that, sandboxes are torn down.
 */
export const POLICY_PROFILES = ["production", "staging", "development", "sandbox"] as const;
export type PolicyProfile = (typeof POLICY_PROFILES)[number];

/** A finding's weight: errors fail synthesis, warnings are printed. */
export type Severity = "error" | "warning";

/**
 * An object of synthesized Terraform JSON. It is untyped by nature (its shape is the provider
 * schema's); rules read it field by field and compare with literals.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TerraformObject = Record<string, any>;

/** One synthesized resource or data source as the rules see it: resolved, snake_case Terraform JSON. */
export interface ElementView {
  /** Terraform type, e.g. `aws_s3_bucket`. */
  readonly type: string;
  /** Terraform name (logical id). */
  readonly name: string;
  /** `aws_s3_bucket.<name>` (`data.<type>.<name>` for data sources): how other elements reference it. */
  readonly address: string;
  /** Construct path, e.g. `prod-data/AppBucket/Bucket`. */
  readonly path: string;
  /** The resolved configuration, as in `cdk.tf.json`. */
  readonly config: Readonly<TerraformObject>;
  /** The construct, to annotate and to read waivers from. */
  readonly construct: IConstruct;
}

/** What a rule inspects: one stack's resources, data sources and provider settings. */
export interface PolicyContext {
  readonly profile: PolicyProfile;
  readonly requiredTags: readonly string[];
  readonly minimumBackupRetentionDays: number;
  readonly resources: readonly ElementView[];
  readonly dataSources: readonly ElementView[];
  /** The AWS provider's `default_tags`, which every AWS resource of the stack inherits. */
  readonly defaultTags: Readonly<Record<string, string>>;
  /** Resources of one type. */
  ofType(type: string): ElementView[];
}

/** A rule's verdict on one resource. */
export interface Violation {
  readonly resource: ElementView;
  readonly message: string;
}

/** One check of the policy pack. */
export interface PolicyRule {
  /** Stable id, e.g. `S3-001`; waivers and reports use it. */
  readonly id: string;
  /** What the rule demands. */
  readonly title: string;
  readonly severity: Severity;
  /** The matching Checkov / Trivy ids, where one exists. */
  readonly scanners: readonly string[];
  /** The violations in one stack. */
  check(ctx: PolicyContext): Violation[];
}

/**
 * The blocks of a nested-block argument as a list: cdktf writes single-item blocks as an object
 * and repeated blocks as an array; rules should not care which.
 */
export function blocks(value: unknown): TerraformObject[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as TerraformObject[];
}

/** The first (or only) block of a nested-block argument, or an empty object. */
export function block(value: unknown): TerraformObject {
  return blocks(value)[0] ?? {};
}

/** True when `value` (any JSON) references `target` (`${aws_x.name.attr}`). */
export function refersTo(value: unknown, target: ElementView): boolean {
  return value !== undefined && JSON.stringify(value).includes(`${target.address}.`);
}

/** The first element of `candidates` that references `target` through `field`. */
export function findReferrer(candidates: readonly ElementView[], field: string, target: ElementView) {
  return candidates.find((c) => refersTo(c.config[field], target));
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Resolves tokens the way synthesis does (`${aws_vpc.name.id}`), through cdktf's public API. */
function resolve<T>(stack: TerraformStack, value: T): T {
  return Tokenization.resolve(value, { scope: stack, preparing: false, resolver: RESOLVER });
}

/**
 * A lazy view of one element: its configuration is resolved only when a rule reads it, so the
 * pack does not resolve the whole stack a second time (synthesis resolves it once anyway).
 */
function view(
  stack: TerraformStack,
  element: TerraformResource | TerraformDataSource,
  kind: "resource" | "data",
): ElementView {
  const type = element.terraformResourceType;
  const name = element.friendlyUniqueId;
  let config: TerraformObject | undefined;
  return {
    type,
    name,
    address: kind === "data" ? `data.${type}.${name}` : `${type}.${name}`,
    path: element.node.path,
    get config() {
      if (config === undefined) {
        const synthesized = resolve(stack, element.toTerraform()) as Record<
          string,
          Record<string, Record<string, TerraformObject>>
        >;
        const { "//": _metadata, ...rest } = synthesized[kind][type][name];
        config = rest;
      }
      return config;
    },
    construct: element,
  };
}

/** Builds the rules' view of a stack (after aspects have run, so it sees the final configuration). */
export function contextOf(
  stack: TerraformStack,
  settings: Pick<PolicyContext, "profile" | "requiredTags" | "minimumBackupRetentionDays">,
): PolicyContext {
  const nodes = stack.node.findAll();
  const resources = nodes
    .filter(TerraformResource.isTerraformResource)
    .map((r) => view(stack, r, "resource"));
  const dataSources = nodes
    .filter(TerraformDataSource.isTerraformDataSource)
    .map((d) => view(stack, d as TerraformDataSource, "data"));
  const awsProvider = nodes
    .filter(TerraformProvider.isTerraformProvider)
    .find((p) => p.terraformResourceType === "aws");
  const providerConfig = awsProvider
    ? (resolve(stack, awsProvider.toTerraform()) as { provider: { aws: TerraformObject[] } }).provider.aws[0]
    : undefined;
  const defaultTags: Record<string, string> = block(providerConfig?.default_tags).tags ?? {};
  return {
    ...settings,
    resources,
    dataSources,
    defaultTags,
    ofType: (type) => resources.filter((r) => r.type === type),
  };
}
