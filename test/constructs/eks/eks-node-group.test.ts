import { Testing } from "cdktf";
import {
  EksNodeGroup,
  EksNodeGroupProps,
  instanceArchitecture,
  isInstanceType,
} from "../../../constructs/eks/eks-node-group";
import { TerraformJson, expectErrorContaining, onlyResource, testStack } from "../../helpers";

const base: EksNodeGroupProps = {
  name: "general",
  clusterName: "test",
  kubernetesVersion: "1.35",
  nodeRoleArn: "arn:aws:iam::111111111111:role/test-nodes",
  subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
  securityGroupIds: ["sg-0aaaaaaaaaaaaaaaa"],
  instanceTypes: ["m7i.large", "m6i.large"],
  minSize: 2,
  maxSize: 4,
};

function build(props: Partial<EksNodeGroupProps> = {}) {
  const stack = testStack();
  new EksNodeGroup(stack, "NodeGroup", { ...base, ...props });
  return stack;
}
const synth = (props: Partial<EksNodeGroupProps> = {}): TerraformJson =>
  JSON.parse(Testing.synth(build(props)));

describe("EksNodeGroup defaults", () => {
  const json = synth();
  const group = onlyResource(json, "aws_eks_node_group");
  const template = onlyResource(json, "aws_launch_template");

  it("requires IMDSv2 with a hop limit that keeps pods away from the node's credentials", () => {
    expect(template.metadata_options).toEqual({
      http_endpoint: "enabled",
      http_tokens: "required",
      http_put_response_hop_limit: 1,
      instance_metadata_tags: "disabled",
    });
  });

  it("names what the nodes launch; without tags given, only Name and the group", () => {
    const expected = { Name: "test-general", "eks-node-group": "general" };
    expect(template.tag_specifications).toEqual([
      { resource_type: "instance", tags: expected },
      { resource_type: "volume", tags: expected },
      { resource_type: "network-interface", tags: expected },
    ]);
  });

  it("boots from an encrypted gp3 root volume", () => {
    expect(template.block_device_mappings).toEqual([
      {
        device_name: "/dev/xvda",
        ebs: { volume_size: 50, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" },
      },
    ]);
  });

  it("runs Amazon Linux 2023 on-demand from the launch template's latest version", () => {
    expect(group.ami_type).toBe("AL2023_x86_64_STANDARD");
    expect(group.capacity_type).toBe("ON_DEMAND");
    expect(group.instance_types).toEqual(["m7i.large", "m6i.large"]);
    expect(group.launch_template.id).toMatch(/^\$\{aws_launch_template\.[\w-]+\.id\}$/);
    expect(group.launch_template.version).toMatch(/\.latest_version\}$/);
    expect(template).not.toHaveProperty("image_id");
    expect(template).not.toHaveProperty("iam_instance_profile");
  });

  it("owns the desired size (no ignore_changes), so a later minSize raise applies with it", () => {
    expect(group.scaling_config).toEqual({ min_size: 2, max_size: 4, desired_size: 2 });
    expect(group.lifecycle).toEqual({ create_before_destroy: true });
  });

  it("rolls updates a third of the nodes at a time and follows the cluster's version", () => {
    expect(group.update_config).toEqual({ max_unavailable_percentage: 33 });
    expect(group.version).toBe("1.35");
    expect(group.node_group_name_prefix).toBe("general-");
  });

  it("puts the given security groups on the nodes and nothing else", () => {
    expect(template.vpc_security_group_ids).toEqual(["sg-0aaaaaaaaaaaaaaaa"]);
    expect(group).not.toHaveProperty("taint");
    expect(group.labels).toEqual({});
  });
});

describe("EksNodeGroup options", () => {
  const json = synth({
    instanceTypes: ["m7g.large", "c7g.large"],
    capacityType: "spot",
    minSize: 0,
    maxSize: 10,
    desiredSize: 3,
    diskSizeGiB: 100,
    labels: { workload: "batch", "example.com/team": "data" },
    taints: [
      { key: "dedicated", value: "batch", effect: "NoSchedule" },
      { key: "spot", effect: "PreferNoSchedule" },
    ],
    maxUnavailablePercentage: 50,
  });
  const group = onlyResource(json, "aws_eks_node_group");

  it("runs Graviton instance types on the ARM AMI and spot capacity", () => {
    expect(group.ami_type).toBe("AL2023_ARM_64_STANDARD");
    expect(group.capacity_type).toBe("SPOT");
  });

  it("sets labels, taints, sizes and the update configuration", () => {
    expect(group.labels).toEqual({ workload: "batch", "example.com/team": "data" });
    expect(group.taint).toEqual([
      { key: "dedicated", value: "batch", effect: "NO_SCHEDULE" },
      { key: "spot", effect: "PREFER_NO_SCHEDULE" },
    ]);
    expect(group.scaling_config).toEqual({ min_size: 0, max_size: 10, desired_size: 3 });
    expect(group.update_config).toEqual({ max_unavailable_percentage: 50 });
    expect(onlyResource(json, "aws_launch_template").block_device_mappings[0].ebs.volume_size).toBe(100);
  });
});

describe("instance types", () => {
  it.each(["m7i.large", "t3a.medium", "c6gn.16xlarge", "m5.metal", "c7i-flex.xlarge", "p4d.24xlarge"])(
    "%s is an instance type",
    (type) => expect(isInstanceType(type)).toBe(true),
  );
  it.each(["m7i", "large", "M7i.large", "m7i.huge", "db.t4g.micro"])("%s is not an instance type", (type) =>
    expect(isInstanceType(type)).toBe(false),
  );
  it.each([
    ["m7g.large", "arm64"],
    ["c6gn.large", "arm64"],
    ["t4g.small", "arm64"],
    ["a1.large", "arm64"],
    ["g5g.xlarge", "arm64"],
    ["g4dn.xlarge", "x86_64"],
    ["m7i.large", "x86_64"],
    ["m6a.large", "x86_64"],
  ])("%s is %s", (type, architecture) => expect(instanceArchitecture(type)).toBe(architecture));
});

describe("EksNodeGroup validation", () => {
  const path = "EksNodeGroup 'test/NodeGroup'";

  it.each<[string, Partial<EksNodeGroupProps>, string[]]>([
    ["minSize above maxSize", { minSize: 5, maxSize: 3 }, ["'minSize'", "5", "must not exceed maxSize (3)"]],
    [
      "a desired size outside min..max",
      { desiredSize: 9 },
      ["'desiredSize'", "9", "within minSize..maxSize (2..4)"],
    ],
    ["a negative minSize", { minSize: -1 }, ["'minSize'", "-1", "a whole number of nodes from 0 to 450"]],
    [
      "a maxSize of 0",
      { minSize: 0, maxSize: 0 },
      ["'maxSize'", "0", "a whole number of nodes from 1 to 450"],
    ],
    [
      "invalid instance types",
      { instanceTypes: ["m7i.large", "large"] },
      ["'instanceTypes'", '["m7i.large","large"]', "EC2 instance types such as 'm7i.large'"],
    ],
    ["an empty instance type list", { instanceTypes: [] }, ["'instanceTypes'", "[]", "must list 1–20"]],
    [
      "instance types of mixed architectures",
      { instanceTypes: ["m7i.large", "m7g.large"] },
      ["'instanceTypes'", '["m7i.large","m7g.large"]', "one architecture"],
    ],
    [
      "an unknown capacity type",
      { capacityType: "SPOT" as "spot" },
      ["'capacityType'", '"SPOT"', "'onDemand' or 'spot'"],
    ],
    ["an invalid group name", { name: "General" }, ["'name'", '"General"', "lowercase"]],
    ["a root volume too small for the AMI", { diskSizeGiB: 8 }, ["'diskSizeGiB'", "8", "from 20 to 16384"]],
    [
      "an out-of-range update percentage",
      { maxUnavailablePercentage: 0 },
      ["'maxUnavailablePercentage'", "0", "from 1 to 100"],
    ],
    [
      "an invalid label",
      { labels: { workload: "not valid!" } },
      ["'labels.workload'", '"not valid!"', "Kubernetes label value"],
    ],
    [
      "an unknown taint effect",
      { taints: [{ key: "dedicated", effect: "NO_SCHEDULE" as "NoSchedule" }] },
      ["'taints[0].effect'", '"NO_SCHEDULE"', "'NoSchedule', 'NoExecute' or 'PreferNoSchedule'"],
    ],
    ["an empty subnet list", { subnetIds: [] }, ["'subnetIds'", "[]", "at least one subnet"]],
  ])("rejects %s, naming the construct path, the field and the value", (_case, props, fragments) => {
    expectErrorContaining(() => build(props), path, ...fragments);
  });
});

describe("EksNodeGroup tags", () => {
  it("carries the given tags into instances, volumes and network interfaces (default_tags do not reach them)", () => {
    const template = onlyResource(
      synth({ tags: { environment: "dev", "cost-center": "platform", Name: "ignored" } }),
      "aws_launch_template",
    );
    const expected = {
      environment: "dev",
      "cost-center": "platform",
      Name: "test-general",
      "eks-node-group": "general",
    };
    expect(template.tag_specifications.map((spec: any) => spec.resource_type)).toEqual([
      "instance",
      "volume",
      "network-interface",
    ]);
    for (const spec of template.tag_specifications) expect(spec.tags).toEqual(expected);
  });
});
