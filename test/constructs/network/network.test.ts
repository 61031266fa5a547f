import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformOutput, Testing } from "cdktf";
import { Network, NetworkProps } from "../../../constructs/network/network";
import {
  expectErrorContaining,
  findResource,
  findResources,
  onlyResource,
  resourcesOf,
  synthConstruct,
  testStack,
} from "../../helpers";

const AZS = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const base: NetworkProps = { name: "test", cidr: "10.0.0.0/16", availabilityZones: AZS.slice(0, 2) };
const synth = (props: Partial<NetworkProps> = {}) =>
  synthConstruct((scope) => new Network(scope, "Network", { ...base, ...props }));

/** Subnets of the synthesized network as `tier/az → cidr`. */
function subnetMap(json: string): Record<string, string> {
  return Object.fromEntries(
    Object.values(resourcesOf(json, "aws_subnet")).map((s) => [
      `${s.tags["subnet-tier"]}/${s.availability_zone}`,
      s.cidr_block,
    ]),
  );
}

describe("Network", () => {
  const twoAzSingleNat = synth({ natGateways: "single" });
  const threeAzPerAz = synth({ availabilityZones: AZS, natGateways: "perAz", intraSubnets: true });

  describe("VPC and subnets", () => {
    it("creates a VPC with DNS support and hostnames", () => {
      expect(twoAzSingleNat).toHaveResourceWithProperties(Vpc, {
        cidr_block: "10.0.0.0/16",
        enable_dns_hostnames: true,
        enable_dns_support: true,
      });
    });

    it("carves one subnet per tier and AZ at fixed, aligned positions", () => {
      expect(subnetMap(twoAzSingleNat)).toEqual({
        "private/eu-west-1a": "10.0.0.0/18",
        "private/eu-west-1b": "10.0.64.0/18",
        "public/eu-west-1a": "10.0.192.0/22",
        "public/eu-west-1b": "10.0.196.0/22",
        "database/eu-west-1a": "10.0.204.0/22",
        "database/eu-west-1b": "10.0.208.0/22",
      });
    });

    it("does not renumber existing subnets when an AZ or the intra tier is added", () => {
      const before = subnetMap(twoAzSingleNat);
      const after = subnetMap(threeAzPerAz);
      for (const [key, cidr] of Object.entries(before)) expect(after[key]).toBe(cidr);
      expect(after["private/eu-west-1c"]).toBe("10.0.128.0/18");
      expect(after["intra/eu-west-1a"]).toBe("10.0.216.0/22");
      expect(Object.keys(after)).toHaveLength(12);
    });

    it("honours explicit tier sizes", () => {
      const json = synth({
        cidr: "10.1.0.0/20",
        privateSubnetPrefixLength: 23,
        publicSubnetPrefixLength: 26,
      });
      expect(subnetMap(json)["private/eu-west-1a"]).toBe("10.1.0.0/23");
      expect(subnetMap(json)["public/eu-west-1a"]).toBe("10.1.6.0/26");
    });

    it("gives no public IPs on launch in any tier", () => {
      for (const subnet of Object.values(resourcesOf(threeAzPerAz, "aws_subnet"))) {
        expect(subnet.map_public_ip_on_launch).toBe(false);
      }
    });

    it("tags public subnets for internet-facing and private subnets for internal load balancers", () => {
      const subnets = Object.values(resourcesOf(twoAzSingleNat, "aws_subnet"));
      for (const s of subnets) {
        const tier = s.tags["subnet-tier"];
        expect(s.tags["kubernetes.io/role/elb"]).toBe(tier === "public" ? "1" : undefined);
        expect(s.tags["kubernetes.io/role/internal-elb"]).toBe(tier === "private" ? "1" : undefined);
      }
    });

    it("groups the database subnets into a DB subnet group", () => {
      expect(twoAzSingleNat).toHaveResourceWithProperties(DbSubnetGroup, {
        name: "test-database",
        subnet_ids: [
          expect.stringContaining("Subnet-database-eu-west-1a"),
          expect.stringContaining("Subnet-database-eu-west-1b"),
        ],
      });
    });
  });

  describe("routing and NAT", () => {
    const routes = (json: string) => Object.values(resourcesOf(json, "aws_route"));

    it("routes the public tier to the internet gateway", () => {
      const route = findResource(twoAzSingleNat, "aws_route", "Network/PublicDefaultRoute").body;
      expect(route.destination_cidr_block).toBe("0.0.0.0/0");
      expect(route.gateway_id).toMatch(/aws_internet_gateway\./);
    });

    it("single: one NAT gateway in the first AZ, used by every private route table", () => {
      expect(findResources(twoAzSingleNat, "aws_nat_gateway")).toHaveLength(1);
      expect(onlyResource(twoAzSingleNat, "aws_nat_gateway").subnet_id).toContain("Subnet-public-eu-west-1a");
      expect(onlyResource(twoAzSingleNat, "aws_eip").domain).toBe("vpc");
      const natRoutes = routes(twoAzSingleNat).filter((r) => r.nat_gateway_id);
      expect(natRoutes).toHaveLength(2);
      expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(1);
    });

    it("perAz: a NAT gateway per AZ, each private route table using its own AZ's", () => {
      expect(findResources(threeAzPerAz, "aws_nat_gateway")).toHaveLength(3);
      for (const az of AZS) {
        const route = findResource(threeAzPerAz, "aws_route", `Network/PrivateDefaultRoute-${az}`).body;
        expect(route.nat_gateway_id).toContain(`NatGateway-${az}`);
      }
    });

    it("none: no NAT gateway, no EIP and no default route for private subnets", () => {
      const json = synth({ natGateways: "none" });
      expect(resourcesOf(json, "aws_nat_gateway")).toEqual({});
      expect(resourcesOf(json, "aws_eip")).toEqual({});
      expect(routes(json).filter((r) => r.nat_gateway_id)).toHaveLength(0);
    });

    it("gives database and intra route tables no route out of the VPC", () => {
      const tables = ["RouteTable-database", "RouteTable-intra"].map(
        (key) => findResource(threeAzPerAz, "aws_route_table", `Network/${key}`).body,
      );
      expect(tables).toHaveLength(2);
      for (const route of routes(threeAzPerAz)) {
        expect(route.route_table_id).not.toMatch(/RouteTable-(database|intra)/);
      }
      for (const table of tables) expect(table.route ?? []).toEqual([]);
    });

    it("associates every subnet with exactly one route table", () => {
      const associations = Object.values(resourcesOf(threeAzPerAz, "aws_route_table_association"));
      expect(associations).toHaveLength(12);
      expect(new Set(associations.map((a) => a.subnet_id)).size).toBe(12);
    });
  });

  describe("security and logging", () => {
    it("adopts the default security group with no rules", () => {
      expect(twoAzSingleNat).toHaveResourceWithProperties(DefaultSecurityGroup, {
        vpc_id: expect.any(String),
      });
      const sg = onlyResource(twoAzSingleNat, "aws_default_security_group");
      expect(sg.ingress).toBeUndefined();
      expect(sg.egress).toBeUndefined();
    });

    it("logs all traffic to CloudWatch", () => {
      expect(twoAzSingleNat).toHaveResourceWithProperties(FlowLog, {
        traffic_type: "ALL",
        log_destination_type: "cloud-watch-logs",
        max_aggregation_interval: 60,
      });
    });

    it("keeps flow logs for the configured retention, encrypted with a rotating key", () => {
      const group = onlyResource(synth({ flowLogRetentionDays: 365 }), "aws_cloudwatch_log_group");
      expect(group).toMatchObject({ name: "/aws/vpc-flow-logs/test", retention_in_days: 365 });
      expect(group.kms_key_id).toMatch(/aws_kms_key\..*FlowLogKey.*\.arn/);
      expect(onlyResource(twoAzSingleNat, "aws_kms_key").enable_key_rotation).toBe(true);
    });

    it("lets CloudWatch Logs use the key only for this log group", () => {
      const policy = JSON.parse(onlyResource(twoAzSingleNat, "aws_kms_key").policy);
      const grant = policy.Statement.find((s: any) => s.Principal.Service);
      expect(grant.Principal.Service).toMatch(/^logs\./);
      expect(grant.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toContain(
        "log-group:/aws/vpc-flow-logs/test",
      );
    });

    it("uses a given flow-log key instead of creating one", () => {
      const json = synth({
        flowLogKmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
      });
      expect(resourcesOf(json, "aws_kms_key")).toEqual({});
      expect(onlyResource(json, "aws_cloudwatch_log_group").kms_key_id).toBe(
        "arn:aws:kms:eu-west-1:111111111111:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
      );
    });

    it("delivers flow logs with a role trusted only by the flow-logs service and scoped to the log group", () => {
      const role = onlyResource(twoAzSingleNat, "aws_iam_role");
      const trust = JSON.parse(role.assume_role_policy);
      expect(trust.Statement).toEqual([
        expect.objectContaining({
          Principal: { Service: "vpc-flow-logs.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
      ]);
      const policy = JSON.parse(onlyResource(twoAzSingleNat, "aws_iam_role_policy").policy);
      expect(policy.Statement[0].Resource).toEqual([
        expect.stringMatching(/aws_cloudwatch_log_group\..*\.arn/),
        expect.stringMatching(/aws_cloudwatch_log_group\..*\.arn}:\*/),
      ]);
    });
  });

  describe("endpoints", () => {
    it("always creates an S3 gateway endpoint on every route table", () => {
      expect(twoAzSingleNat).toHaveResourceWithProperties(VpcEndpoint, { vpc_endpoint_type: "Gateway" });
      const endpoint = onlyResource(twoAzSingleNat, "aws_vpc_endpoint");
      expect(endpoint.service_name).toMatch(/^com\.amazonaws\..*\.s3$/);
      expect(endpoint.route_table_ids).toHaveLength(findResources(twoAzSingleNat, "aws_route_table").length);
    });

    it("creates no interface endpoint or endpoint security group unless asked", () => {
      expect(resourcesOf(twoAzSingleNat, "aws_security_group")).toEqual({});
    });

    it("creates requested interface endpoints in the private subnets, reachable on 443 from the VPC", () => {
      const json = synth({ interfaceEndpoints: ["sts", "ecr.api"] });
      const interfaces = Object.values(resourcesOf(json, "aws_vpc_endpoint")).filter(
        (e) => e.vpc_endpoint_type === "Interface",
      );
      expect(interfaces.map((e) => e.service_name.split(".").slice(-2).join("."))).toEqual(
        expect.arrayContaining([expect.stringMatching(/sts$/), "ecr.api"]),
      );
      for (const endpoint of interfaces) {
        expect(endpoint.private_dns_enabled).toBe(true);
        expect(endpoint.subnet_ids.every((id: string) => id.includes("Subnet-private"))).toBe(true);
      }
      expect(json).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
        from_port: 443,
        to_port: 443,
        ip_protocol: "tcp",
        cidr_ipv4: "10.0.0.0/16",
      });
    });
  });

  describe("naming", () => {
    it("defaults the name to the construct id, lowercased", () => {
      const json = synthConstruct(
        (scope) => new Network(scope, "CoreNetwork", { cidr: base.cidr, availabilityZones: AZS }),
      );
      expect(onlyResource(json, "aws_vpc").tags).toEqual({ Name: "corenetwork" });
    });
  });

  describe("outputs", () => {
    it("exposes ids per tier in AZ order, CIDRs and the DB subnet group", () => {
      const stack = testStack();
      const network = new Network(stack, "Network", {
        ...base,
        availabilityZones: AZS,
        natGateways: "perAz",
      });
      expect(network.privateSubnets.map((s) => [s.availabilityZone, s.cidr])).toEqual([
        ["eu-west-1a", "10.0.0.0/18"],
        ["eu-west-1b", "10.0.64.0/18"],
        ["eu-west-1c", "10.0.128.0/18"],
      ]);
      expect(network.publicSubnetIds).toHaveLength(3);
      expect(network.databaseSubnetIds).toHaveLength(3);
      expect(network.intraSubnetIds).toEqual([]);
      expect(network.privateRouteTableIds).toHaveLength(3);
      expect(network.natPublicIps).toHaveLength(3);
      expect(network.natGatewayIds).toHaveLength(3);
      expect(network.vpcCidr).toBe("10.0.0.0/16");
      const resolved = JSON.parse(Testing.synth(stack));
      expect(Object.keys(resolved.resource.aws_db_subnet_group)).toHaveLength(1);
      expect(network.endpointSecurityGroupId).toBeUndefined();
    });
  });

  describe("CI runners", () => {
    it("have their own security group only when asked: HTTPS out, nothing in, in the private subnets", () => {
      const stack = testStack();
      const network = new Network(stack, "Network", { ...base, ciRunners: true });
      new TerraformOutput(stack, "runner", { value: network.runnerSecurityGroupId });
      const json = JSON.parse(Testing.synth(stack));
      const group = findResource(json, "aws_security_group", "Network/RunnerSecurityGroup").body;
      expect(group).toMatchObject({ name: "test-ci-runners", tags: { Name: "test-ci-runners" } });
      const egress = Object.values(resourcesOf(json, "aws_vpc_security_group_egress_rule"));
      expect(egress).toEqual([
        expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" }),
      ]);
      expect(egress[0].security_group_id).toMatch(/aws_security_group\.Network_RunnerSecurityGroup/);
      const ingress = Object.values(resourcesOf(json, "aws_vpc_security_group_ingress_rule"));
      expect(ingress.filter((r) => String(r.security_group_id).includes("RunnerSecurityGroup"))).toEqual([]);
      expect(json.output.runner.value).toMatch(
        /^\$\{aws_security_group\.Network_RunnerSecurityGroup_\w+\.id\}$/,
      );
      expect(network.runnerSubnetIds).toEqual(network.privateSubnetIds);
    });

    it("are not provided by default", () => {
      expect(findResources(synth(), "aws_security_group")).toEqual([]);
    });
  });

  describe("validation", () => {
    const invalid = (props: Partial<NetworkProps>) => () => synth(props);

    it.each<[string, Partial<NetworkProps>, string[]]>([
      [
        "a VPC CIDR that is not a CIDR",
        { cidr: "10.0.0.0" },
        ["'cidr' must be a private /16–/20", '"10.0.0.0"'],
      ],
      [
        "a VPC CIDR that is too large",
        { cidr: "10.0.0.0/8" },
        ["'cidr' must be a private /16–/20", '"10.0.0.0/8"'],
      ],
      [
        "a VPC CIDR that is too small",
        { cidr: "10.0.0.0/24" },
        ["'cidr' must be a private /16–/20", '"10.0.0.0/24"'],
      ],
      [
        "a VPC CIDR with host bits set",
        { cidr: "10.0.1.0/16" },
        ["'cidr' must be a private /16–/20", '"10.0.1.0/16"'],
      ],
      [
        "a public VPC CIDR",
        { cidr: "8.8.0.0/16" },
        ["'cidr' must be a private /16–/20 IPv4 block", '"8.8.0.0/16"'],
      ],
      ["one AZ", { availabilityZones: ["eu-west-1a"] }, ["'availabilityZones' must list 2 to 3 AZs"]],
      [
        "four AZs",
        { availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d"] },
        ["'availabilityZones' must list 2 to 3 AZs"],
      ],
      [
        "duplicate AZ names",
        { availabilityZones: ["eu-west-1a", "eu-west-1a"] },
        ["'availabilityZones' must be distinct AZ names"],
      ],
      [
        "malformed AZ names",
        { availabilityZones: ["eu-west-1", "b"] },
        ["'availabilityZones' must be distinct AZ names"],
      ],
      [
        "an unknown NAT mode",
        { natGateways: "many" as never },
        ["'natGateways' must be 'none', 'single' or 'perAz'", '"many"'],
      ],
      [
        "a retention CloudWatch does not accept",
        { flowLogRetentionDays: 10 },
        ["'flowLogRetentionDays' must be one of", "got 10"],
      ],
      [
        "an unknown interface endpoint",
        { interfaceEndpoints: ["s3" as never] },
        ["'interfaceEndpoints' must be distinct services"],
      ],
      [
        "a repeated interface endpoint",
        { interfaceEndpoints: ["sts", "sts"] },
        ["'interfaceEndpoints' must be distinct services"],
      ],
      [
        "a subnet prefix outside the VPC",
        { privateSubnetPrefixLength: 16 },
        ["'privateSubnetPrefixLength' must be a whole number from 17 to 28", "got 16"],
      ],
      [
        "a subnet prefix smaller than /28",
        { publicSubnetPrefixLength: 29 },
        ["'publicSubnetPrefixLength' must be a whole number from 17 to 28", "got 29"],
      ],
      [
        "tier sizes that do not fit into the VPC",
        { privateSubnetPrefixLength: 17 },
        ["'subnetPrefixLengths' must fit 3 subnets per tier", '"private":17'],
      ],
      ["an invalid name", { name: "Prod_VPC" }, ["'name' must be 1–39 lowercase letters", '"Prod_VPC"']],
    ])("rejects %s, naming the construct path, the field and the value", (_case, props, fragments) => {
      expectErrorContaining(invalid(props), "Network 'stack/Network'", ...fragments);
    });

    it("reports every problem in one error", () => {
      expectErrorContaining(
        invalid({ cidr: "10.0.0.0/8", natGateways: "x" as never, flowLogRetentionDays: 2 }),
        "'cidr'",
        "'natGateways'",
        "'flowLogRetentionDays'",
      );
    });
  });
});

describe("Network.fromAttributes", () => {
  const attributes = {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    privateSubnetIds: ["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"],
    databaseSubnetIds: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712"],
  };
  const imported =
    (changes: Record<string, unknown> = {}) =>
    () =>
      Network.fromAttributes(testStack(), "Shared", { ...attributes, ...changes });

  it("refers to the VPC and subnets by their ids and creates nothing", () => {
    const stack = testStack();
    const network = Network.fromAttributes(stack, "Shared", attributes);
    expect(network.vpcId).toBe(attributes.vpcId);
    expect(network.privateSubnetIds).toEqual(attributes.privateSubnetIds);
    expect(network.databaseSubnetIds).toEqual(attributes.databaseSubnetIds);
    expect(network.databaseSubnetGroupName).toBeUndefined();
    expect(JSON.parse(Testing.synth(stack)).resource).toBeUndefined();
  });

  it("keeps a given DB subnet group; database subnets default to none", () => {
    const network = Network.fromAttributes(testStack(), "Shared", {
      vpcId: attributes.vpcId,
      privateSubnetIds: attributes.privateSubnetIds,
      databaseSubnetGroupName: "shared-databases",
    });
    expect(network.databaseSubnetGroupName).toBe("shared-databases");
    expect(network.databaseSubnetIds).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ["vpcId", { vpcId: "vpc-XYZ" }, '"vpc-XYZ"', "must be a VPC id (vpc-...)"],
    [
      "privateSubnetIds",
      { privateSubnetIds: ["subnet-0a1b2c3d4e5f60701", "sg-0a1b2c3d4e5f60702"] },
      "sg-0a1b2c3d4e5f60702",
      "must be distinct subnet ids (subnet-...)",
    ],
    [
      "privateSubnetIds",
      { privateSubnetIds: ["subnet-0a1b2c3d4e5f60701"] },
      '["subnet-0a1b2c3d4e5f60701"]',
      "must list at least 2 subnets, in different AZs",
    ],
    [
      "databaseSubnetIds",
      { databaseSubnetIds: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60711"] },
      "subnet-0a1b2c3d4e5f60711",
      "must be distinct subnet ids (subnet-...)",
    ],
    [
      "databaseSubnetIds",
      { databaseSubnetIds: ["subnet-0a1b2c3d4e5f60711"] },
      '["subnet-0a1b2c3d4e5f60711"]',
      "must list at least 2 subnets, in different AZs, when given",
    ],
    [
      "databaseSubnetGroupName",
      { databaseSubnetGroupName: "Shared_DBs" },
      '"Shared_DBs"',
      "must be a DB subnet group name",
    ],
  ])("rejects %s (%j)", (prop, changes, got, allowed) => {
    expectErrorContaining(
      imported(changes),
      "Network.fromAttributes 'test/Shared'",
      `'${prop}' ${allowed}`,
      got,
    );
  });
});

describe("Network flow-log key", () => {
  const KEY = "arn:aws:kms:eu-west-1:111111111111:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

  it("encrypts the flow-log group with a given key (an IEncryptionKey) and creates none", () => {
    const json = synth({ flowLogEncryptionKey: { keyArn: KEY } });
    expect(onlyResource(json, "aws_cloudwatch_log_group").kms_key_id).toBe(KEY);
    expect(resourcesOf(json, "aws_kms_key")).toEqual({});
  });

  it("rejects the key given twice", () => {
    expectErrorContaining(
      () =>
        new Network(testStack(), "Network", {
          ...base,
          flowLogEncryptionKey: { keyArn: KEY },
          flowLogKmsKeyArn: KEY,
        }),
      "'flowLogKmsKeyArn' cannot be combined with flowLogEncryptionKey",
    );
  });

  it("rejects a deprecated flowLogKmsKeyArn that is not a key ARN", () => {
    expectErrorContaining(
      () => new Network(testStack(), "Network", { ...base, flowLogKmsKeyArn: "alias/flow-logs" }),
      "'flowLogKmsKeyArn' must be a KMS key ARN",
      '"alias/flow-logs"',
    );
  });
});
