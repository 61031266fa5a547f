import { Network, NetworkProps } from "../../../constructs/network/network";
import { onlyResource, resourcesOf, synthConstruct } from "../../helpers";

const base: NetworkProps = { name: "test", cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] };
const synth = (props: Partial<NetworkProps> = {}) =>
  synthConstruct((scope) => new Network(scope, "Network", { ...base, ...props }));

describe("Network", () => {
  it("creates a VPC with DNS support", () => {
    expect(synth()).toHaveResourceWithProperties(require("@cdktf/provider-aws/lib/vpc").Vpc, {
      cidr_block: "10.0.0.0/16",
      enable_dns_hostnames: true,
    });
    expect(onlyResource(synth(), "aws_vpc").enable_dns_support).toBe(true);
    expect(Object.keys(resourcesOf(synth(), "aws_subnet"))).toHaveLength(6);
  });
});
