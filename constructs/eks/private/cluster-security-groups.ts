import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { KARPENTER_DISCOVERY_TAG } from "../karpenter-infrastructure";

/** The security groups of a cluster's control plane interfaces and of its nodes. */
export interface ClusterSecurityGroups {
  readonly controlPlaneSg: SecurityGroup;
  readonly nodeSg: SecurityGroup;
}

/** A TCP port range opened from or to another security group. */
interface TcpRule {
  /** Construct id of the rule. */
  readonly id: string;
  readonly securityGroupId: string;
  readonly peerSecurityGroupId: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly description: string;
}

/** An ingress rule admitting `peerSecurityGroupId` on a TCP port range. */
function tcpIngress(scope: Construct, rule: TcpRule): VpcSecurityGroupIngressRule {
  return new VpcSecurityGroupIngressRule(scope, rule.id, tcpRuleConfig(rule));
}

/** An egress rule allowing traffic to `peerSecurityGroupId` on a TCP port range. */
function tcpEgress(scope: Construct, rule: TcpRule): VpcSecurityGroupEgressRule {
  return new VpcSecurityGroupEgressRule(scope, rule.id, tcpRuleConfig(rule));
}

function tcpRuleConfig(rule: TcpRule) {
  return {
    securityGroupId: rule.securityGroupId,
    description: rule.description,
    ipProtocol: "tcp",
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    referencedSecurityGroupId: rule.peerSecurityGroupId,
  };
}

/**
 * The control plane's additional security group and the nodes' security group with their rules
 * (nodes and `apiClients` to the API on 443, control plane to nodes, node to node, nodes out), as
 * children of `scope`.
 */
export function clusterSecurityGroups(
  scope: Construct,
  name: string,
  vpcId: string,
  apiClients: Readonly<Record<string, string>>,
): ClusterSecurityGroups {
  const controlPlaneSg = new SecurityGroup(scope, "ControlPlaneSecurityGroup", {
    name: `${name}-control-plane`,
    description: `Control plane of EKS cluster ${name}`,
    vpcId,
    tags: { Name: `${name}-control-plane` },
  });
  const nodeSg = new SecurityGroup(scope, "NodeSecurityGroup", {
    name: `${name}-nodes`,
    description: `Nodes of EKS cluster ${name}`,
    vpcId,
    // No `kubernetes.io/cluster/<name>` tag: the AWS Load Balancer Controller expects exactly one
    // tagged group per node interface, and EKS already tags the cluster security group.
    // The discovery tag lets Karpenter's EC2NodeClass give its nodes this group too.
    tags: { Name: `${name}-nodes`, [KARPENTER_DISCOVERY_TAG]: name },
  });
  const https = { fromPort: 443, toPort: 443 };
  tcpIngress(scope, {
    id: "ControlPlaneFromNodesHttps",
    securityGroupId: controlPlaneSg.id,
    peerSecurityGroupId: nodeSg.id,
    ...https,
    description: "Nodes to the Kubernetes API",
  });
  const controlPlaneToNodes = [
    { key: "Https", ...https, description: "extension API servers and webhooks on 443" },
    { key: "Ephemeral", fromPort: 1025, toPort: 65535, description: "kubelet and webhooks" },
  ];
  for (const { key, fromPort, toPort, description } of controlPlaneToNodes) {
    const ports = { fromPort, toPort, description: `Control plane to nodes: ${description}` };
    tcpEgress(scope, {
      id: `ControlPlaneToNodes${key}`,
      securityGroupId: controlPlaneSg.id,
      peerSecurityGroupId: nodeSg.id,
      ...ports,
    });
    tcpIngress(scope, {
      id: `NodesFromControlPlane${key}`,
      securityGroupId: nodeSg.id,
      peerSecurityGroupId: controlPlaneSg.id,
      ...ports,
    });
  }
  new VpcSecurityGroupIngressRule(scope, "NodesFromNodes", {
    securityGroupId: nodeSg.id,
    description: "Node to node: pod traffic, DNS",
    ipProtocol: "-1",
    referencedSecurityGroupId: nodeSg.id,
  });
  new VpcSecurityGroupEgressRule(scope, "NodesToAnywhere", {
    securityGroupId: nodeSg.id,
    description: "Nodes to AWS APIs, registries and the internet (through NAT)",
    ipProtocol: "-1",
    cidrIpv4: "0.0.0.0/0",
  });
  for (const [clientName, sg] of Object.entries(apiClients)) {
    tcpIngress(scope, {
      id: `ControlPlaneFrom-${clientName}`,
      securityGroupId: controlPlaneSg.id,
      peerSecurityGroupId: sg,
      ...https,
      description: `${clientName} to the Kubernetes API`,
    });
  }
  return { controlPlaneSg, nodeSg };
}
