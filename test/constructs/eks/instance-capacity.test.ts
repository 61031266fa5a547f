import {
  INSTANCE_TYPES,
  kubeReservedCpuMillis,
  kubeReservedMemoryMiB,
  maxPods,
  nodeAllocatable,
} from "../../../constructs/eks/instance-capacity";

describe("instance capacity", () => {
  it("computes max pods as the VPC CNI's eni-max-pods table does", () => {
    // amazon-vpc-cni-k8s misc/eni-max-pods.txt: m7i.large 29, m7i.xlarge 58, t3.large 35.
    expect(maxPods(INSTANCE_TYPES["m7i.large"])).toBe(29);
    expect(maxPods(INSTANCE_TYPES["m7i.xlarge"])).toBe(58);
    expect(maxPods(INSTANCE_TYPES["t3.large"])).toBe(35);
  });

  it("reserves CPU by the EKS tiers (6%, 1%, 0.5%, 0.25% per core)", () => {
    expect(kubeReservedCpuMillis(2)).toBe(70);
    expect(kubeReservedCpuMillis(4)).toBe(80);
    expect(kubeReservedCpuMillis(8)).toBe(90);
  });

  it("reserves 11 MiB per pod plus 255 MiB of memory", () => {
    expect(kubeReservedMemoryMiB(29)).toBe(574);
  });

  it("leaves capacity minus VM overhead, kube-reserved and the eviction threshold allocatable", () => {
    // 8192 MiB × 0.925 = 7577; − 574 kube-reserved − 100 eviction.
    expect(nodeAllocatable("m7i.large")).toEqual({
      instanceType: "m7i.large",
      cpuMillis: 1930,
      memoryMiB: 6903,
      pods: 29,
    });
    expect(nodeAllocatable("m7i.xlarge")).toMatchObject({ cpuMillis: 3920, memoryMiB: 14162, pods: 58 });
    expect(nodeAllocatable("x9.huge")).toBeUndefined();
  });

  it("knows every instance type the shipped environments use", () => {
    for (const type of ["t3.large", "t3a.large", "m7i.large", "m6i.large", "m7i.xlarge", "m6i.xlarge"]) {
      expect([type, nodeAllocatable(type) !== undefined]).toEqual([type, true]);
    }
  });
});
