import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { policyDocument, policyJson } from "../../core/iam";
import { EksNodeGroup, EksNodeGroupOptions } from "../eks-node-group";

/** The nodes' IAM role and its policy attachments (the node groups wait for them). */
export interface NodeRole {
  readonly role: IamRole;
  readonly policies: readonly ITerraformDependable[];
}

/** The role the managed nodes run as: join the cluster, pull images, and let the VPC CNI manage ENIs. */
export function nodeRole(scope: Construct, name: string, partition: string): NodeRole {
  const role = new IamRole(scope, "NodeRole", {
    name: `${name}-nodes`,
    description: `Managed node groups of EKS cluster ${name}`,
    assumeRolePolicy: policyJson(
      policyDocument({
        Effect: "Allow",
        Principal: { Service: "ec2.amazonaws.com" },
        Action: "sts:AssumeRole",
      }),
    ),
  });
  // Only what a node needs.
  const policies = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonEKS_CNI_Policy",
  ].map(
    (policy) =>
      new IamRolePolicyAttachment(scope, `NodeRolePolicy-${policy}`, {
        role: role.name,
        policyArn: `arn:${partition}:iam::aws:policy/${policy}`,
      }),
  );
  return { role, policies };
}

/** What every node group of the cluster shares. */
export interface NodeGroupsProps {
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly nodeRole: NodeRole;
  /** Subnets of a group that names none. */
  readonly subnetIds: readonly string[];
  /** Every node's security groups, the cluster's own included. */
  readonly securityGroupIds: readonly string[];
  readonly tags: Readonly<Record<string, string>> | undefined;
  /** What the nodes need before they can become Ready, besides the node role's policies. */
  readonly dependsOn: readonly ITerraformDependable[];
}

/** A managed node group per entry of `groups`, as children of `scope`. */
export function nodeGroups(
  scope: Construct,
  groups: Readonly<Record<string, EksNodeGroupOptions>>,
  shared: NodeGroupsProps,
): Record<string, EksNodeGroup> {
  const created: Record<string, EksNodeGroup> = {};
  for (const [groupName, options] of Object.entries(groups)) {
    created[groupName] = new EksNodeGroup(scope, `NodeGroup-${groupName}`, {
      ...options,
      name: groupName,
      clusterName: shared.clusterName,
      kubernetesVersion: shared.kubernetesVersion,
      nodeRoleArn: shared.nodeRole.role.arn,
      subnetIds: options.subnetIds ?? shared.subnetIds,
      securityGroupIds: shared.securityGroupIds,
      tags: shared.tags,
      dependsOn: [...shared.nodeRole.policies, ...shared.dependsOn],
    });
  }
  return created;
}
