import { EksNodeGroup as EksNodeGroupResource } from "@cdktf/provider-aws/lib/eks-node-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { PropValidator, Rule, matching, oneOf, rule, wholeNumber } from "../core/validation";
import { INSTANCE_TYPES } from "./instance-capacity";

/** On-demand capacity, or spot capacity (cheaper, can be reclaimed with two minutes' notice). */
export const NODE_CAPACITY_TYPES = ["onDemand", "spot"] as const;

/** A capacity type from {@link NODE_CAPACITY_TYPES}. */
export type NodeCapacityType = (typeof NODE_CAPACITY_TYPES)[number];

/** What a taint does to pods that do not tolerate it (Kubernetes spelling). */
export const NODE_TAINT_EFFECTS = ["NoSchedule", "NoExecute", "PreferNoSchedule"] as const;

/** An effect from {@link NODE_TAINT_EFFECTS}. */
export type NodeTaintEffect = (typeof NODE_TAINT_EFFECTS)[number];

/** A Kubernetes taint set on every node of a group. */
export interface NodeTaint {
  /** Taint key, a Kubernetes qualified name (e.g. `dedicated` or `example.com/gpu`). */
  readonly key: string;
  /** Taint value. @default - no value */
  readonly value?: string;
  /** Effect on pods that do not tolerate the taint. */
  readonly effect: NodeTaintEffect;
}

/** The sizing and scheduling of one managed node group (the part an environment chooses). */
export interface EksNodeGroupOptions {
  /** EC2 instance types, all of one architecture (x86_64, or Graviton arm64); several spread spot risk. */
  readonly instanceTypes: readonly string[];
  /** On-demand or spot capacity. @default "onDemand" */
  readonly capacityType?: NodeCapacityType;
  /** Fewest nodes the group scales to, 0 or more. */
  readonly minSize: number;
  /** Most nodes the group scales to, at least 1 and at least `minSize`. */
  readonly maxSize: number;
  /** Nodes the group runs, within `minSize`..`maxSize` (Terraform keeps it; Karpenter adds its own nodes). @default - minSize */
  readonly desiredSize?: number;
  /** Size of each node's encrypted gp3 root volume, 20–16384 GiB. @default 50 */
  readonly diskSizeGiB?: number;
  /** Kubernetes labels of the nodes. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Kubernetes taints of the nodes. @default - none */
  readonly taints?: readonly NodeTaint[];
  /** Share of the nodes replaced at once during a rolling update, 1–100 %. @default 33 */
  readonly maxUnavailablePercentage?: number;
  /** Subnets the group's nodes live in. @default - the cluster's node subnets (every AZ) */
  readonly subnetIds?: readonly string[];
}

/** Props of {@link EksNodeGroup}. */
export interface EksNodeGroupProps extends EksNodeGroupOptions {
  /** Name of the group inside its cluster: 1–20 lowercase letters, digits or '-'. */
  readonly name: string;
  /** Name of the cluster the nodes join. */
  readonly clusterName: string;
  /** Kubernetes version of the nodes; follow the cluster's so that upgrades roll the nodes. */
  readonly kubernetesVersion: string;
  /** ARN of the IAM role the nodes run as. */
  readonly nodeRoleArn: string;
  /** Subnets the group's nodes live in (private subnets, at least one). */
  readonly subnetIds: readonly string[];
  /**
   * Security groups of the nodes. A launch template that names security groups replaces the one
   * EKS would add, so include the cluster's primary security group.
   */
  readonly securityGroupIds: readonly string[];
  /** Resources the node group waits for (node role policies, add-ons the nodes need). @default - none */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * Tags of the instances, volumes and network interfaces the nodes launch (for example the
   * environment and cost tags): the provider's `default_tags` do not reach a launch template's
   * `tag_specifications`. `Name` and `eks-node-group` are always set. @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A node group name: 1–20 lowercase letters, digits or '-'. */
export const NODE_GROUP_NAME = /^[a-z0-9][a-z0-9-]{0,19}$/;
const INSTANCE_TYPE_PATTERN =
  /^([a-z]+)(\d+)([a-z0-9-]*)\.(nano|micro|small|medium|large|metal|\d*xlarge|metal-\d+xl)$/;
const LABEL_NAME_PATTERN =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE_PATTERN = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/** The most nodes a managed node group can have (EKS quota). */
const MAX_NODES = 450;

/** The rules of node group props, shared with the environment schema. */
export const NODE_GROUP_RULES = {
  name: matching(NODE_GROUP_NAME, "1–20 lowercase letters, digits or '-'"),
  capacityType: oneOf(NODE_CAPACITY_TYPES),
  minSize: wholeNumber(0, MAX_NODES, "nodes"),
  maxSize: wholeNumber(1, MAX_NODES, "nodes"),
  diskSizeGiB: wholeNumber(20, 16384, "GiB"),
  labelKey: matching(
    LABEL_NAME_PATTERN,
    "a Kubernetes label key (≤ 63 of letters, digits, '-', '_', '.', optional 'prefix/')",
  ),
  labelValue: matching(
    LABEL_VALUE_PATTERN,
    "a Kubernetes label value (≤ 63 of letters, digits, '-', '_', '.')",
  ),
  taintEffect: oneOf(NODE_TAINT_EFFECTS),
};

/** `desiredSize` of a group sized `minSize..maxSize`. */
export function desiredSizeWithin(minSize: number, maxSize: number): Rule<number> {
  return rule(
    `must be a whole number within minSize..maxSize (${minSize}..${maxSize})`,
    (n) => Number.isInteger(n) && n >= minSize && n <= maxSize,
  );
}

/** `minSize` of a group whose `maxSize` is given. */
export function minSizeAtMost(maxSize: number): Rule<number> {
  return rule(`must not exceed maxSize (${maxSize})`, (n) => n <= maxSize);
}

const TAINT_EFFECTS: Readonly<Record<NodeTaintEffect, string>> = {
  NoSchedule: "NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
};

/** True when `key` is a valid Kubernetes label or taint key (`name` or `prefix/name`). */
export function isKubernetesLabelKey(key: string): boolean {
  return LABEL_NAME_PATTERN.test(key);
}

/** True when `value` is a valid Kubernetes label or taint value (empty allowed). */
export function isKubernetesLabelValue(value: string): boolean {
  return LABEL_VALUE_PATTERN.test(value);
}

/** True when `type` looks like an EC2 instance type such as `m7i.large` or `c7g.2xlarge`. */
export function isInstanceType(type: string): boolean {
  return INSTANCE_TYPE_PATTERN.test(type);
}

/**
 * The CPU architecture of an EC2 instance type: the catalog's (constructs/eks/instance-capacity.ts)
 * where it lists the type, otherwise from the name (Graviton families carry a `g` after the generation).
 */
export function instanceArchitecture(type: string): "arm64" | "x86_64" {
  const listed = INSTANCE_TYPES[type];
  if (listed !== undefined) return listed.architecture;
  const match = INSTANCE_TYPE_PATTERN.exec(type);
  if (!match) return "x86_64";
  const [, family, generation, attributes] = match;
  const isGraviton = (family === "a" && generation === "1") || /^[a-z-]*g/.test(attributes);
  return isGraviton ? "arm64" : "x86_64";
}

/**
 * One EKS managed node group on Amazon Linux 2023, launched from its own launch template: IMDSv2
 * required with a hop limit of 1 (pods cannot reach the node's credentials), an encrypted gp3 root
 * volume, labels and taints, on-demand or spot capacity and a rolling update configuration. The
 * desired size is Terraform's: the group is the cluster's fixed baseline (system pods, Karpenter),
 * and Karpenter scales with nodes of its own rather than by resizing the group.
 */
export class EksNodeGroup extends Construct {
  /** The node group's name (generated from the group name, so a replacement can be created first). */
  readonly nodeGroupName: string;
  /** The node group's ARN. */
  readonly nodeGroupArn: string;
  /** The launch template's id. */
  readonly launchTemplateId: string;
  /** The node group resource (escape hatch). */
  readonly nodeGroup: EksNodeGroupResource;
  /** The launch template resource (escape hatch). */
  readonly launchTemplate: LaunchTemplate;

  constructor(scope: Construct, id: string, props: EksNodeGroupProps) {
    super(scope, id);
    const capacityType = props.capacityType ?? "onDemand";
    const desiredSize = props.desiredSize ?? props.minSize;
    const diskSizeGiB = props.diskSizeGiB ?? 50;
    const maxUnavailablePercentage = props.maxUnavailablePercentage ?? 33;
    const labels = props.labels ?? {};
    const taints = props.taints ?? [];

    const v = new PropValidator("EksNodeGroup", this);
    const rules = NODE_GROUP_RULES;
    v.check("name", props.name, rules.name);
    validateInstanceTypes(v, props.instanceTypes);
    v.check("capacityType", capacityType, rules.capacityType);
    const minOk = v.check("minSize", props.minSize, rules.minSize);
    const maxOk = v.check("maxSize", props.maxSize, rules.maxSize);
    const rangeOk = minOk && maxOk && v.check("minSize", props.minSize, minSizeAtMost(props.maxSize));
    if (rangeOk) v.check("desiredSize", desiredSize, desiredSizeWithin(props.minSize, props.maxSize));
    v.check("diskSizeGiB", diskSizeGiB, rules.diskSizeGiB);
    v.check("maxUnavailablePercentage", maxUnavailablePercentage, wholeNumber(1, 100, "percent"));
    for (const [key, value] of Object.entries(labels)) {
      v.check(`labels.${key}`, key, rules.labelKey);
      v.check(`labels.${key}`, value, rules.labelValue);
    }
    v.check("taints", taints, (list) => list.length <= 50, "must list at most 50 taints");
    taints.forEach((taint, index) => {
      v.check(`taints[${index}].key`, taint.key, rules.labelKey);
      v.check(`taints[${index}].value`, taint.value ?? "", rules.labelValue);
      v.check(`taints[${index}].effect`, taint.effect, rules.taintEffect);
    });
    if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length === 0) {
      v.fail("subnetIds", props.subnetIds, "must list at least one subnet");
    }
    v.throwIfInvalid();

    const namePrefix = `${props.clusterName}-${props.name}`;
    const architecture = instanceArchitecture(props.instanceTypes[0]);
    const tags = { Name: namePrefix, "eks-node-group": props.name };
    const launchedTags = { ...props.tags, ...tags };

    this.launchTemplate = new LaunchTemplate(this, "LaunchTemplate", {
      namePrefix: `${namePrefix}-`,
      description: `Nodes of the ${props.name} group of ${props.clusterName}`,
      updateDefaultVersion: true,
      vpcSecurityGroupIds: [...props.securityGroupIds],
      // IMDSv2 only, and a hop limit of 1: containers (one hop further) cannot read the node's role.
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: diskSizeGiB,
            volumeType: "gp3",
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
      tagSpecifications: [
        { resourceType: "instance", tags: launchedTags },
        { resourceType: "volume", tags: launchedTags },
        { resourceType: "network-interface", tags: launchedTags },
      ],
      tags,
      lifecycle: { createBeforeDestroy: true },
    });
    this.launchTemplateId = this.launchTemplate.id;

    this.nodeGroup = new EksNodeGroupResource(this, "NodeGroup", {
      clusterName: props.clusterName,
      nodeGroupNamePrefix: `${props.name}-`,
      version: props.kubernetesVersion,
      nodeRoleArn: props.nodeRoleArn,
      subnetIds: [...props.subnetIds],
      amiType: architecture === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
      capacityType: capacityType === "spot" ? "SPOT" : "ON_DEMAND",
      instanceTypes: [...props.instanceTypes],
      launchTemplate: {
        id: this.launchTemplate.id,
        version: Token.asString(this.launchTemplate.latestVersion),
      },
      scalingConfig: { minSize: props.minSize, maxSize: props.maxSize, desiredSize },
      updateConfig: { maxUnavailablePercentage },
      labels: { ...labels },
      ...(taints.length > 0
        ? {
            taint: taints.map((t) => ({
              key: t.key,
              ...(t.value !== undefined ? { value: t.value } : {}),
              effect: TAINT_EFFECTS[t.effect],
            })),
          }
        : {}),
      tags,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
      lifecycle: {
        // A replacement (new instance types or capacity type) comes up before the old group drains.
        createBeforeDestroy: true,
        // No ignore_changes on the desired size: nothing else scales managed node groups (Karpenter
        // adds nodes of its own), so Terraform owns it, and raising minSize together with
        // desiredSize applies instead of failing against a stale desired size.
      },
    });
    this.nodeGroupName = this.nodeGroup.nodeGroupName;
    this.nodeGroupArn = this.nodeGroup.arn;
  }
}

function validateInstanceTypes(v: PropValidator, instanceTypes: readonly string[]): void {
  const ok = v.check(
    "instanceTypes",
    instanceTypes,
    (list) =>
      list.length >= 1 &&
      list.length <= 20 &&
      list.every(isInstanceType) &&
      new Set(list).size === list.length,
    "must list 1–20 distinct EC2 instance types such as 'm7i.large'",
  );
  if (ok && new Set(instanceTypes.map(instanceArchitecture)).size > 1) {
    v.fail(
      "instanceTypes",
      instanceTypes,
      "must all share one architecture (x86_64, or Graviton arm64 such as 'm7g.large'), one AMI per group",
    );
  }
}
