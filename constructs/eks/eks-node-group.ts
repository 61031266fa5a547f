import { EksNodeGroup as EksNodeGroupResource } from "@cdktf/provider-aws/lib/eks-node-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { PropValidator } from "../core/validation";
import { INSTANCE_TYPES } from "./instance-capacity";

/** On-demand capacity, or spot capacity (cheaper, can be reclaimed with two minutes' notice). */
export type NodeCapacityType = "onDemand" | "spot";

/** What a taint does to pods that do not tolerate it (Kubernetes spelling). */
export type NodeTaintEffect = "NoSchedule" | "NoExecute" | "PreferNoSchedule";

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
    v.check(
      "name",
      props.name,
      (n) => NODE_GROUP_NAME.test(n),
      "must be 1–20 lowercase letters, digits or '-'",
    );
    validateInstanceTypes(v, props.instanceTypes);
    v.check(
      "capacityType",
      capacityType,
      (c) => c === "onDemand" || c === "spot",
      "must be 'onDemand' or 'spot'",
    );
    const minOk = v.check(
      "minSize",
      props.minSize,
      (n) => Number.isInteger(n) && n >= 0,
      "must be an integer ≥ 0",
    );
    const maxOk = v.check(
      "maxSize",
      props.maxSize,
      (n) => Number.isInteger(n) && n >= 1,
      "must be an integer ≥ 1",
    );
    const rangeOk =
      minOk &&
      maxOk &&
      v.check(
        "minSize",
        props.minSize,
        (n) => n <= props.maxSize,
        `must not exceed maxSize (${props.maxSize})`,
      );
    if (rangeOk) {
      v.check(
        "desiredSize",
        desiredSize,
        (n) => Number.isInteger(n) && n >= props.minSize && n <= props.maxSize,
        `must be an integer within minSize..maxSize (${props.minSize}..${props.maxSize})`,
      );
    }
    v.check(
      "diskSizeGiB",
      diskSizeGiB,
      (n) => Number.isInteger(n) && n >= 20 && n <= 16384,
      "must be an integer from 20 to 16384 (GiB)",
    );
    v.check(
      "maxUnavailablePercentage",
      maxUnavailablePercentage,
      (n) => Number.isInteger(n) && n >= 1 && n <= 100,
      "must be an integer from 1 to 100",
    );
    for (const [key, value] of Object.entries(labels)) {
      v.check(`labels.${key}`, key, (k) => LABEL_NAME_PATTERN.test(k), "must be a Kubernetes label key");
      v.check(
        `labels.${key}`,
        value,
        (val) => LABEL_VALUE_PATTERN.test(val),
        "must be a Kubernetes label value (≤ 63 of letters, digits, '-', '_', '.')",
      );
    }
    v.check("taints", taints, (list) => list.length <= 50, "must list at most 50 taints");
    taints.forEach((taint, index) => {
      v.check(
        `taints[${index}].key`,
        taint.key,
        (k) => LABEL_NAME_PATTERN.test(k),
        "must be a Kubernetes taint key",
      );
      v.check(
        `taints[${index}].value`,
        taint.value ?? "",
        (val) => LABEL_VALUE_PATTERN.test(val),
        "must be a Kubernetes taint value (≤ 63 of letters, digits, '-', '_', '.')",
      );
      v.check(
        `taints[${index}].effect`,
        taint.effect,
        (e) => e in TAINT_EFFECTS,
        `must be one of ${Object.keys(TAINT_EFFECTS).join(", ")}`,
      );
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
