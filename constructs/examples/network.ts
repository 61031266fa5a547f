import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { Network } from "@acme/aws-platform-constructs";

/** The smallest useful network: two AZs, a NAT gateway per AZ, encrypted flow logs, an S3 endpoint. */
export function minimalNetwork(scope: Construct): Network {
  // #region minimal
  const network = new Network(scope, "Network", {
    cidr: "10.0.0.0/16",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
  });
  // #endregion
  return network;
}

/** A production network for an EKS cluster whose nodes pull images without leaving the AWS network. */
export function productionNetwork(scope: Construct): Network {
  // #region example
  const network = new Network(scope, "Network", {
    name: "orders-prod",
    cidr: "10.20.0.0/16",
    // Append AZs later if needed; never reorder them (a subnet's block follows its AZ's position).
    availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    natGateways: "perAz",
    intraSubnets: true,
    flowLogRetentionDays: 365,
    interfaceEndpoints: ["ecr.api", "ecr.dkr", "sts", "logs", "eks", "eks-auth"],
  });

  // Constructs create no outputs: the stack decides what other stacks and teams may read.
  new TerraformOutput(scope, "vpc_id", { value: network.vpcId });
  new TerraformOutput(scope, "private_subnet_ids", { value: network.privateSubnetIds });
  new TerraformOutput(scope, "nat_public_ips", { value: network.natPublicIps });
  // #endregion
  return network;
}
