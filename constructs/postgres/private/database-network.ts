import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { INetwork } from "../../network/network-reference";
import { POSTGRES_PORT } from "../postgres-database-rules";

/**
 * The database's security group: 5432 from each client security group, no CIDR ingress and no
 * egress rules (Terraform removes AWS's default allow-all), so only members of a client group can connect.
 */
export function databaseSecurityGroup(
  scope: Construct,
  identifier: string,
  vpcId: string,
  clients: Readonly<Record<string, string>>,
): SecurityGroup {
  const securityGroup = new SecurityGroup(scope, "SecurityGroup", {
    name: `${identifier}-postgres`,
    description: `PostgreSQL ${identifier}: ${POSTGRES_PORT} from its client security groups only`,
    vpcId,
    tags: { Name: `${identifier}-postgres` },
  });
  for (const [name, groupId] of Object.entries(clients)) {
    new VpcSecurityGroupIngressRule(scope, `Ingress-${name}`, {
      securityGroupId: securityGroup.id,
      description: `PostgreSQL from ${name}`,
      ipProtocol: "tcp",
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      referencedSecurityGroupId: groupId,
      tags: { Name: `${identifier}-from-${name}` },
    });
  }
  return securityGroup;
}

/** The network's DB subnet group, or one this database creates over the network's database subnets. */
export function databaseSubnetGroupName(scope: Construct, identifier: string, network: INetwork): string {
  return (
    network.databaseSubnetGroupName ??
    new DbSubnetGroup(scope, "SubnetGroup", {
      name: `${identifier}-postgres`,
      description: `Database subnets of PostgreSQL ${identifier}`,
      subnetIds: network.databaseSubnetIds,
      tags: { Name: `${identifier}-postgres` },
    }).name
  );
}
