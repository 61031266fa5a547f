import { Karpenter, KarpenterProps } from "../../../constructs/eks/karpenter";
import { HELM_CHARTS } from "../../../constructs/versions";
import { expectErrorContaining } from "../../helpers";
import { releasesOf, synthPlatformScope, valuesOf } from "../../platform-helpers";

const base: KarpenterProps = {
  cluster: { clusterName: "test", clusterEndpoint: "https://example.eks.amazonaws.com" },
  interruptionQueueName: "test-karpenter",
  nodeRoleName: "karpenter-nodes-1",
  securityGroupIds: ["sg-0123456789abcdef0"],
  nodePool: { instanceCategories: ["c", "m", "r"], cpuLimit: 32, memoryLimitGiB: 128 },
  tags: { environment: "test" },
};
const synth = (props: Partial<KarpenterProps> = {}) =>
  synthPlatformScope((scope) => new Karpenter(scope, "Karpenter", { ...base, ...props }));

describe("Karpenter", () => {
  const json = synth();
  const releases = releasesOf(json);
  const [nodeClass, nodePool] = valuesOf(json, "karpenter-node-pools").objects;

  it("installs the CRDs, then the controller (skipping its crds/), then the node pool", () => {
    expect(releases["karpenter-crd"]).toMatchObject({
      chart: "karpenter-crd",
      version: HELM_CHARTS.karpenterCrd.version,
      repository: "oci://public.ecr.aws/karpenter",
      namespace: "kube-system",
    });
    expect(releases.karpenter).toMatchObject({ version: HELM_CHARTS.karpenter.version, skip_crds: true });
    expect(releases.karpenter.depends_on).toContain(releases["karpenter-crd"].address);
    expect(releases["karpenter-node-pools"].depends_on).toContain(releases.karpenter.address);
  });

  it("points the controller at the cluster and its interruption queue, sized", () => {
    expect(valuesOf(json, "karpenter")).toEqual({
      serviceAccount: { create: true, name: "karpenter" },
      replicas: 2,
      controller: { resources: { requests: { cpu: "250m", memory: "512Mi" } } },
      settings: {
        clusterName: "test",
        clusterEndpoint: "https://example.eks.amazonaws.com",
        interruptionQueue: "test-karpenter",
      },
    });
  });

  it("launches nodes with the node role into tagged subnets and security groups, IMDSv2 only, encrypted", () => {
    expect(nodeClass).toMatchObject({ apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass" });
    expect(nodeClass.spec).toEqual({
      role: "karpenter-nodes-1",
      amiSelectorTerms: [{ alias: "al2023@latest" }],
      subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "test" } }],
      securityGroupSelectorTerms: [
        { tags: { "karpenter.sh/discovery": "test" } },
        { id: "sg-0123456789abcdef0" },
      ],
      metadataOptions: {
        httpEndpoint: "enabled",
        httpProtocolIPv6: "disabled",
        httpPutResponseHopLimit: 1,
        httpTokens: "required",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: { volumeSize: "50Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true },
        },
      ],
      tags: { environment: "test" },
    });
  });

  it("limits the node pool and consolidates it, from the options", () => {
    expect(nodePool).toMatchObject({ apiVersion: "karpenter.sh/v1", kind: "NodePool" });
    expect(nodePool.spec.template.spec.requirements).toEqual([
      { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
      { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
      { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
      { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
      { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
    ]);
    expect(nodePool.spec.limits).toEqual({ cpu: "32", memory: "128Gi" });
    expect(nodePool.spec.disruption).toEqual({
      consolidationPolicy: "WhenEmptyOrUnderutilized",
      consolidateAfter: "60s",
    });
    expect(nodePool.spec.template.spec.expireAfter).toBe("720h");
  });

  it("takes families, spot, Bottlerocket and a pinned AMI from the options", () => {
    const custom = synth({
      nodePool: {
        ...base.nodePool,
        instanceFamilies: ["m7i", "c7i"],
        capacityTypes: ["spot", "on-demand"],
        amiFamily: "Bottlerocket",
        amiVersion: "v20251120",
        consolidationPolicy: "WhenEmpty",
      },
    });
    const [cls, pool] = valuesOf(custom, "karpenter-node-pools").objects;
    expect(cls.spec.amiSelectorTerms).toEqual([{ alias: "bottlerocket@v20251120" }]);
    expect(cls.spec.blockDeviceMappings[0].deviceName).toBe("/dev/xvdb");
    expect(pool.spec.template.spec.requirements).toContainEqual({
      key: "karpenter.k8s.aws/instance-family",
      operator: "In",
      values: ["m7i", "c7i"],
    });
    expect(pool.spec.template.spec.requirements).toContainEqual({
      key: "karpenter.sh/capacity-type",
      operator: "In",
      values: ["spot", "on-demand"],
    });
    expect(pool.spec.disruption.consolidationPolicy).toBe("WhenEmpty");
  });

  it.each([
    [{ replicas: 0 }, "'replicas'", "must be a whole number of replicas from 1 to 5"],
    [
      { nodePool: { ...base.nodePool, instanceCategories: [] } },
      "'nodePool.instanceCategories'",
      "must list",
    ],
    [
      { nodePool: { ...base.nodePool, amiVersion: "2025" } },
      "'nodePool.amiVersion'",
      "must be 'latest' or an AMI release",
    ],
    [{ nodePool: { ...base.nodePool, cpuLimit: 0 } }, "'nodePool.cpuLimit'", "from 1 to 10000"],
  ] as const)("rejects %j", (props, field, message) => {
    expectErrorContaining(() => synth(props as Partial<KarpenterProps>), "Karpenter", field, message);
  });
});
