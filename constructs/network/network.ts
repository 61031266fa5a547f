import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { policyDocument, policyJson, serviceTrustPolicy } from "../core/iam";
import { LOG_RETENTION } from "../core/log-retention";
import { PropValidator, matching, nameFromId, noted, oneOf, rule, wholeNumber } from "../core/validation";
import { EncryptionKey, cloudWatchLogsGrant } from "../kms/encryption-key";
import { IEncryptionKey, keyArnFrom } from "../kms/encryption-key-reference";
import { INetwork, ImportedNetwork, NetworkAttributes } from "./network-reference";
import { Ipv4Block, isNetworkAddress, isPrivateRange, parseCidr } from "./cidr";
import {
  MAX_AZS,
  SUBNET_TIERS,
  SubnetPlan,
  SubnetTier,
  TierPrefixLengths,
  defaultPrefixLengths,
  planSubnets,
  requiredAddresses,
} from "./subnet-plan";

/** How private subnets reach the internet: not at all, through one shared NAT gateway, or one per AZ. */
export const NAT_GATEWAY_MODES = ["none", "single", "perAz"] as const;

/** A mode from {@link NAT_GATEWAY_MODES}. */
export type NatGatewayMode = (typeof NAT_GATEWAY_MODES)[number];

/** AWS services that can get an interface endpoint (PrivateLink) in the private subnets. */
export const INTERFACE_ENDPOINT_SERVICES = [
  "ecr.api",
  "ecr.dkr",
  "sts",
  "ec2",
  "logs",
  "eks",
  "eks-auth",
  "elasticloadbalancing",
  "kms",
  "secretsmanager",
  "ssm",
] as const;

/** A service from {@link INTERFACE_ENDPOINT_SERVICES}. */
export type InterfaceEndpointService = (typeof INTERFACE_ENDPOINT_SERVICES)[number];

/** Props of {@link Network}. */
export interface NetworkProps {
  /** Prefix of resource names and `Name` tags. @default - the construct id, lowercased */
  readonly name?: string;
  /** The VPC's IPv4 block: a private (RFC 1918 or 100.64.0.0/10) /16 to /20. */
  readonly cidr: string;
  /**
   * AZ names (2–3, e.g. `eu-west-1a`). A subnet's block is chosen by the AZ's position in this list:
   * append AZs, never reorder or remove one from the middle.
   */
  readonly availabilityZones: readonly string[];
  /** NAT gateways for the private subnets. @default "perAz" */
  readonly natGateways?: NatGatewayMode;
  /** Adds an `intra` tier: subnets without any internet route (its space is always reserved). @default false */
  readonly intraSubnets?: boolean;
  /** Prefix length of each public subnet. @default - the VPC prefix + 6 (/22 in a /16) */
  readonly publicSubnetPrefixLength?: number;
  /** Prefix length of each private subnet, where nodes and pods live. @default - the VPC prefix + 2 (/18 in a /16) */
  readonly privateSubnetPrefixLength?: number;
  /** Prefix length of each database subnet. @default - the VPC prefix + 6 (/22 in a /16) */
  readonly databaseSubnetPrefixLength?: number;
  /** Prefix length of each intra subnet. @default - the VPC prefix + 6 (/22 in a /16) */
  readonly intraSubnetPrefixLength?: number;
  /** Retention of the flow-log group, in days (a CloudWatch retention period). @default 90 */
  readonly flowLogRetentionDays?: number;
  /**
   * KMS key that encrypts the flow-log group; its policy must let CloudWatch Logs use it.
   * @default - a dedicated KMS key with rotation
   */
  readonly flowLogEncryptionKey?: IEncryptionKey;
  /**
   * The key as a string; prefer `flowLogEncryptionKey` (`EncryptionKey.fromAttributes` for a key made elsewhere).
   * @default - see `flowLogEncryptionKey`
   * @deprecated use `flowLogEncryptionKey`
   */
  readonly flowLogKmsKeyArn?: string;
  /** Interface endpoints to create in the private subnets, reachable on 443 from the VPC. @default - none */
  readonly interfaceEndpoints?: readonly InterfaceEndpointService[];
  /**
   * A security group for self-hosted CI runners in the private subnets (HTTPS out, through NAT, and
   * nothing in), for clusters whose API is private: a cluster admits it on 443. @default false
   */
  readonly ciRunners?: boolean;
  /** Extra tags of the private subnets, e.g. `karpenter.sh/discovery` for node provisioning. @default - none */
  readonly privateSubnetTags?: Readonly<Record<string, string>>;
}

/** One subnet of the network. */
export interface NetworkSubnet {
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly cidr: string;
  readonly tier: SubnetTier;
}

/** An Availability Zone name such as 'eu-west-1a'. */
export const AVAILABILITY_ZONE = matching(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, "an AZ name such as 'eu-west-1a'");

/** The VPC's address space: a private /16–/20 block, so subnets of every tier fit and VPCs can be peered. */
export const VPC_CIDR = rule<string>(
  "must be a private /16–/20 IPv4 block with no host bits set (in 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10, e.g. 10.0.0.0/16)",
  (cidr) => {
    const block = parseCidr(cidr);
    return (
      block !== undefined &&
      isNetworkAddress(block) &&
      block.prefix >= 16 &&
      block.prefix <= 20 &&
      isPrivateRange(block)
    );
  },
);

/** How many AZs the network spans (the subnet plan carves room for {@link MAX_AZS}). */
export const AZ_COUNT = oneOf(Array.from({ length: MAX_AZS - 1 }, (_, i) => i + 2));

/** How many NAT gateways serve the private subnets. */
export const NAT_GATEWAYS = oneOf(NAT_GATEWAY_MODES);

/** Services that get an interface endpoint. */
export const INTERFACE_ENDPOINTS = rule<readonly string[]>(
  `must be distinct services from ${INTERFACE_ENDPOINT_SERVICES.join(", ")}`,
  (list) =>
    list.every((s) => (INTERFACE_ENDPOINT_SERVICES as readonly string[]).includes(s)) &&
    new Set(list).size === list.length,
);

const NAME = matching(/^[a-z0-9][a-z0-9-]{0,38}$/, "1–39 lowercase letters, digits or '-'");

/**
 * A VPC carved deterministically into public, private, database and (optionally) intra subnets
 * across 2–3 AZs, with NAT, route tables, a DB subnet group, encrypted flow logs, a locked-down
 * default security group, an S3 gateway endpoint and optional interface endpoints.
 */
export class Network extends Construct implements INetwork {
  /**
   * A VPC made elsewhere, by its ids, for the constructs that take an {@link INetwork}: nothing is
   * created, the ids are checked (a database creates its own DB subnet group over
   * `databaseSubnetIds` unless `databaseSubnetGroupName` names one).
   */
  static fromAttributes(scope: Construct, id: string, attributes: NetworkAttributes): INetwork {
    return new ImportedNetwork(scope, id, attributes);
  }

  /** The VPC id. */
  readonly vpcId: string;
  /** The VPC's IPv4 block. */
  readonly vpcCidr: string;
  /** The AZs the subnets are spread over, in slot order. */
  readonly availabilityZones: readonly string[];
  /** Public subnets, one per AZ. */
  readonly publicSubnets: readonly NetworkSubnet[];
  /** Private subnets, one per AZ. */
  readonly privateSubnets: readonly NetworkSubnet[];
  /** Database subnets, one per AZ; no internet route. */
  readonly databaseSubnets: readonly NetworkSubnet[];
  /** Intra subnets, one per AZ, when enabled; no internet route. */
  readonly intraSubnets: readonly NetworkSubnet[];
  /** The public route table id. */
  readonly publicRouteTableId: string;
  /** Private route table ids, one per AZ. */
  readonly privateRouteTableIds: readonly string[];
  /** The database route table id. */
  readonly databaseRouteTableId: string;
  /** Name of the DB subnet group over the database subnets. */
  readonly databaseSubnetGroupName: string;
  /** Public IPs of the NAT gateways (allow-list these at third parties). */
  readonly natPublicIps: readonly string[];
  /** Ids of the NAT gateways, in AZ slot order (for alarms and routing elsewhere). */
  readonly natGatewayIds: readonly string[];
  /** Security group of the interface endpoints, when any are created. */
  readonly endpointSecurityGroupId?: string;
  /** Security group of the self-hosted CI runners, when `ciRunners` is on. */
  readonly runnerSecurityGroupId?: string;
  /** Name of the flow-log group. */
  readonly flowLogGroupName: string;
  /** The VPC resource (escape hatch). */
  readonly vpc: Vpc;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const name = props.name ?? nameFromId(id);
    const natGateways = props.natGateways ?? "perAz";
    const flowLogRetentionDays = props.flowLogRetentionDays ?? 90;
    const interfaceEndpoints = props.interfaceEndpoints ?? [];
    const azs = props.availabilityZones;

    const v = new PropValidator("Network", this);
    v.check("name", name, NAME);
    const vpcBlock = v.check("cidr", props.cidr, VPC_CIDR) ? parseCidr(props.cidr) : undefined;
    v.check(
      "availabilityZones",
      azs,
      (list) => list.length >= 2 && list.length <= MAX_AZS,
      `must list 2 to ${MAX_AZS} AZs`,
    );
    v.check(
      "availabilityZones",
      azs,
      (list) => list.every((az) => AVAILABILITY_ZONE.test(az)) && new Set(list).size === list.length,
      "must be distinct AZ names such as 'eu-west-1a'",
    );
    v.check("natGateways", natGateways, NAT_GATEWAYS);
    v.check("flowLogRetentionDays", flowLogRetentionDays, LOG_RETENTION);
    v.check("interfaceEndpoints", interfaceEndpoints, INTERFACE_ENDPOINTS);
    const plan = vpcBlock ? validateSubnetPlan(v, vpcBlock, props) : undefined;
    const flowLogKeyArn = keyArnFrom(v, props.flowLogEncryptionKey, props.flowLogKmsKeyArn, {
      key: "flowLogEncryptionKey",
      arn: "flowLogKmsKeyArn",
    });
    v.throwIfInvalid();
    if (!plan) throw new Error("unreachable: subnet plan validated above");

    const ctx = awsContext(this);
    const nameTag = (suffix: string) => ({ Name: `${name}-${suffix}` });

    this.vpc = new Vpc(this, "Vpc", {
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: name },
    });
    this.vpcId = this.vpc.id;
    this.vpcCidr = props.cidr;
    this.availabilityZones = [...azs];

    // The default security group is adopted with no rules, so nothing can use it by accident.
    new DefaultSecurityGroup(this, "DefaultSecurityGroup", {
      vpcId: this.vpc.id,
      tags: nameTag("default-deny"),
    });

    const subnets = (tier: SubnetTier, extraTags: Record<string, string>): NetworkSubnet[] =>
      azs.map((az, slot) => {
        const cidr = plan[tier][slot];
        const subnet = new Subnet(this, `Subnet-${tier}-${az}`, {
          vpcId: this.vpc.id,
          cidrBlock: cidr,
          availabilityZone: az,
          // No public IPs on launch in any tier: load balancers and NAT gateways bring their own.
          mapPublicIpOnLaunch: false,
          tags: { ...nameTag(`${tier}-${az}`), "subnet-tier": tier, ...extraTags },
        });
        return { subnetId: subnet.id, availabilityZone: az, cidr, tier };
      });

    this.publicSubnets = subnets("public", { "kubernetes.io/role/elb": "1" });
    this.privateSubnets = subnets("private", {
      ...props.privateSubnetTags,
      "kubernetes.io/role/internal-elb": "1",
    });
    this.databaseSubnets = subnets("database", {});
    this.intraSubnets = props.intraSubnets ? subnets("intra", {}) : [];

    // Public tier: one route table with the internet gateway as default route.
    const igw = new InternetGateway(this, "InternetGateway", { vpcId: this.vpc.id, tags: nameTag("igw") });
    const publicRouteTable = this.routeTable("public", nameTag("public"), this.publicSubnets);
    new Route(this, "PublicDefaultRoute", {
      routeTableId: publicRouteTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });
    this.publicRouteTableId = publicRouteTable.id;

    // NAT gateways live in the public subnets: the first AZ's for "single", every AZ's for "perAz".
    const natSubnets =
      natGateways === "none" ? [] : natGateways === "single" ? [this.publicSubnets[0]] : this.publicSubnets;
    const nats = natSubnets.map((subnet) => {
      const az = subnet.availabilityZone;
      const eip = new Eip(this, `NatEip-${az}`, { domain: "vpc", tags: nameTag(`nat-${az}`) });
      const nat = new NatGateway(this, `NatGateway-${az}`, {
        allocationId: eip.allocationId,
        subnetId: subnet.subnetId,
        tags: nameTag(`nat-${az}`),
        dependsOn: [igw],
      });
      return { az, nat, publicIp: eip.publicIp };
    });
    this.natPublicIps = nats.map((n) => n.publicIp);
    this.natGatewayIds = nats.map((n) => n.nat.id);

    // Private tier: a route table per AZ so each AZ can use its own NAT gateway.
    this.privateRouteTableIds = this.privateSubnets.map((subnet) => {
      const az = subnet.availabilityZone;
      const table = this.routeTable(`private-${az}`, nameTag(`private-${az}`), [subnet]);
      const nat = nats.find((n) => n.az === az) ?? nats[0];
      if (nat) {
        new Route(this, `PrivateDefaultRoute-${az}`, {
          routeTableId: table.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: nat.nat.id,
        });
      }
      return table.id;
    });

    // Database and intra tiers: route tables without any route out of the VPC.
    const databaseRouteTable = this.routeTable("database", nameTag("database"), this.databaseSubnets);
    this.databaseRouteTableId = databaseRouteTable.id;
    const intraRouteTableIds = props.intraSubnets
      ? [this.routeTable("intra", nameTag("intra"), this.intraSubnets).id]
      : [];

    const dbSubnetGroup = new DbSubnetGroup(this, "DatabaseSubnetGroup", {
      name: `${name}-database`,
      description: `Database subnets of ${name}`,
      subnetIds: this.databaseSubnets.map((s) => s.subnetId),
      tags: nameTag("database"),
    });
    this.databaseSubnetGroupName = dbSubnetGroup.name;

    // S3 traffic stays on the AWS network from every tier, at no cost.
    new VpcEndpoint(this, "S3Endpoint", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${ctx.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [
        publicRouteTable.id,
        ...this.privateRouteTableIds,
        databaseRouteTable.id,
        ...intraRouteTableIds,
      ],
      tags: nameTag("s3"),
    });

    if (interfaceEndpoints.length > 0) {
      const endpointSg = new SecurityGroup(this, "EndpointSecurityGroup", {
        name: `${name}-endpoints`,
        description: `HTTPS from inside ${name} to its interface endpoints`,
        vpcId: this.vpc.id,
        tags: nameTag("endpoints"),
      });
      new VpcSecurityGroupIngressRule(this, "EndpointHttpsFromVpc", {
        securityGroupId: endpointSg.id,
        description: "HTTPS from the VPC",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: props.cidr,
      });
      this.endpointSecurityGroupId = endpointSg.id;
      for (const service of interfaceEndpoints) {
        new VpcEndpoint(this, `Endpoint-${service}`, {
          vpcId: this.vpc.id,
          serviceName: `com.amazonaws.${ctx.region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: this.privateSubnets.map((s) => s.subnetId),
          securityGroupIds: [endpointSg.id],
          tags: nameTag(service),
        });
      }
    }

    if (props.ciRunners) {
      const runnerSg = new SecurityGroup(this, "RunnerSecurityGroup", {
        name: `${name}-ci-runners`,
        description: `Self-hosted CI runners inside ${name}: HTTPS out, nothing in`,
        vpcId: this.vpc.id,
        tags: nameTag("ci-runners"),
      });
      // GitHub, AWS APIs, registries and the cluster API are all HTTPS; DNS and NTP use the VPC's
      // resolver and time service, which security groups do not filter.
      new VpcSecurityGroupEgressRule(this, "RunnerHttpsOut", {
        securityGroupId: runnerSg.id,
        description: "HTTPS to GitHub, AWS APIs, registries and the cluster API",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
      });
      this.runnerSecurityGroupId = runnerSg.id;
    }

    this.flowLogGroupName = this.flowLogs(name, flowLogRetentionDays, flowLogKeyArn);
  }

  /** Subnets the self-hosted CI runners live in: the private subnets (NAT egress, no public IPs). */
  get runnerSubnetIds(): string[] {
    return this.privateSubnetIds;
  }

  /** Public subnet ids, in AZ slot order. */
  get publicSubnetIds(): string[] {
    return this.publicSubnets.map((s) => s.subnetId);
  }

  /** Private subnet ids, in AZ slot order. */
  get privateSubnetIds(): string[] {
    return this.privateSubnets.map((s) => s.subnetId);
  }

  /** Database subnet ids, in AZ slot order. */
  get databaseSubnetIds(): string[] {
    return this.databaseSubnets.map((s) => s.subnetId);
  }

  /** Intra subnet ids, in AZ slot order (empty unless enabled). */
  get intraSubnetIds(): string[] {
    return this.intraSubnets.map((s) => s.subnetId);
  }

  private routeTable(
    key: string,
    tags: Record<string, string>,
    subnets: readonly NetworkSubnet[],
  ): RouteTable {
    const table = new RouteTable(this, `RouteTable-${key}`, { vpcId: this.vpc.id, tags });
    for (const subnet of subnets) {
      new RouteTableAssociation(this, `RouteTableAssociation-${subnet.tier}-${subnet.availabilityZone}`, {
        routeTableId: table.id,
        subnetId: subnet.subnetId,
      });
    }
    return table;
  }

  /** Flow logs of all traffic to an encrypted CloudWatch log group with retention. */
  private flowLogs(name: string, retentionDays: number, kmsKeyArn: string | undefined): string {
    const ctx = awsContext(this);
    const logGroupName = `/aws/vpc-flow-logs/${name}`;
    const keyArn =
      kmsKeyArn ??
      new EncryptionKey(this, "FlowLogKey", {
        description: `Encrypts the VPC flow logs of ${name}`,
        alias: `${name}/vpc-flow-logs`,
        serviceGrants: [cloudWatchLogsGrant(this, logGroupName)],
      }).keyArn;

    const logGroup = new CloudwatchLogGroup(this, "FlowLogGroup", {
      name: logGroupName,
      retentionInDays: retentionDays,
      kmsKeyId: keyArn,
    });
    const role = new IamRole(this, "FlowLogRole", {
      name: `${name}-vpc-flow-logs`,
      description: `Delivers the VPC flow logs of ${name} to CloudWatch Logs`,
      assumeRolePolicy: policyJson(serviceTrustPolicy("vpc-flow-logs.amazonaws.com", ctx.accountId)),
    });
    new IamRolePolicy(this, "FlowLogRolePolicy", {
      name: "deliver-flow-logs",
      role: role.id,
      policy: policyJson(
        policyDocument({
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: [logGroup.arn, `${logGroup.arn}:*`],
        }),
      ),
    });
    new FlowLog(this, "FlowLog", {
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: { Name: `${name}-flow-logs` },
    });
    return logGroup.name;
  }
}

function validateSubnetPlan(v: PropValidator, vpc: Ipv4Block, props: NetworkProps): SubnetPlan | undefined {
  const defaults = defaultPrefixLengths(vpc.prefix);
  const prefixes: TierPrefixLengths = {
    public: props.publicSubnetPrefixLength ?? defaults.public,
    private: props.privateSubnetPrefixLength ?? defaults.private,
    database: props.databaseSubnetPrefixLength ?? defaults.database,
    intra: props.intraSubnetPrefixLength ?? defaults.intra,
  };
  let valid = true;
  for (const tier of SUBNET_TIERS) {
    valid =
      v.check(
        `${tier}SubnetPrefixLength`,
        prefixes[tier],
        noted(wholeNumber(vpc.prefix + 1, 28), `(inside the /${vpc.prefix} VPC, at least a /28)`),
      ) && valid;
  }
  if (!valid) return undefined;
  const plan = planSubnets(vpc, prefixes);
  if (!plan) {
    v.fail(
      "subnetPrefixLengths",
      prefixes,
      `must fit ${MAX_AZS} subnets per tier (${requiredAddresses(prefixes)} addresses) into the VPC's ` +
        `${2 ** (32 - vpc.prefix)}; use longer prefixes or a larger VPC`,
    );
  }
  return plan;
}
