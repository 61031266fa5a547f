import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Construct } from "constructs";
import { KARPENTER_DISCOVERY_TAG } from "../constructs/eks/karpenter-infrastructure";
import { Network } from "../constructs/network/network";
import { EnvironmentStack, EnvironmentStackProps } from "./environment-stack";

/** `<env>-network`: the environment's VPC, subnets, NAT, flow logs and endpoints. */
export class NetworkStack extends EnvironmentStack {
  /** The network, for the stacks that build on it (cross-stack references). */
  readonly network: Network;
  /**
   * A rule-less security group that marks database clients: the data stack admits it on the
   * database port, the cluster attaches it to its nodes. Living here keeps data and cluster independent.
   */
  readonly databaseClientsSecurityGroupId: string;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id, props);
    const { name, network: config } = props.environment;
    this.network = new Network(this, "Network", {
      name,
      cidr: config.cidr,
      availabilityZones: config.availabilityZones,
      natGateways: config.natGateways,
      flowLogRetentionDays: config.flowLogRetentionDays,
      interfaceEndpoints: config.interfaceEndpoints,
      // A private cluster API is reached from runners inside the VPC (docs/operations.md).
      ciRunners: props.environment.ci.apiAccess === "vpcRunner",
      // Karpenter launches nodes into the subnets tagged with the cluster's name (the environment's).
      privateSubnetTags: { [KARPENTER_DISCOVERY_TAG]: name },
    });

    this.databaseClientsSecurityGroupId = new SecurityGroup(this, "DatabaseClients", {
      name: `${name}-database-clients`,
      description: `Members may connect to the databases of ${name}`,
      vpcId: this.network.vpcId,
      tags: { Name: `${name}-database-clients` },
    }).id;

    this.exportOutputs({
      vpc_id: { value: this.network.vpcId, description: "VPC id" },
      vpc_cidr: { value: this.network.vpcCidr, description: "VPC IPv4 block" },
      public_subnet_ids: {
        value: this.network.publicSubnetIds,
        description: "Public subnet ids, in AZ order",
      },
      private_subnet_ids: {
        value: this.network.privateSubnetIds,
        description: "Private subnet ids, in AZ order",
      },
      database_subnet_ids: {
        value: this.network.databaseSubnetIds,
        description: "Database subnet ids, in AZ order",
      },
      database_subnet_group_name: {
        value: this.network.databaseSubnetGroupName,
        description: "DB subnet group",
      },
      database_clients_security_group_id: {
        value: this.databaseClientsSecurityGroupId,
        description: "Security group that marks database clients",
      },
      nat_public_ips: { value: this.network.natPublicIps, description: "Public IPs of the NAT gateways" },
      ...(this.network.runnerSecurityGroupId !== undefined
        ? {
            runner_security_group_id: {
              value: this.network.runnerSecurityGroupId,
              description: "Security group of the self-hosted CI runners (the cluster API admits it on 443)",
            },
            runner_subnet_ids: {
              value: this.network.runnerSubnetIds,
              description: "Subnets of the self-hosted CI runners",
            },
          }
        : {}),
    });
  }
}
