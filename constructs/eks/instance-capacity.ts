/**
 * What one EKS node offers to pods: a small, dated catalog of the instance types the platform
 * uses, and the arithmetic EKS applies to it (max pods from the ENI limits, kube-reserved, the
 * eviction threshold, the hypervisor's share of memory). The capacity check of the platform
 * releases reads it; it makes no AWS call.
 */

/** One instance type as EC2 describes it. */
export interface InstanceTypeSpec {
  /** CPU architecture (EC2 `ProcessorInfo.SupportedArchitectures`): it picks the node group's AMI type. */
  readonly architecture: "x86_64" | "arm64";
  /** vCPUs. */
  readonly vcpus: number;
  /** Nominal memory, in MiB (EC2 `MemoryInfo.SizeInMiB`). */
  readonly memoryMiB: number;
  /** Maximum network interfaces. */
  readonly maxEnis: number;
  /** IPv4 addresses per network interface. */
  readonly ipv4PerEni: number;
}

/**
 * The catalog, as of 2026-12 (source: `aws ec2 describe-instance-types` fields ProcessorInfo,
 * VCpuInfo, MemoryInfo, NetworkInfo; cross-checked with the max-pods column of amazon-vpc-cni-k8s
 * `misc/eni-max-pods.txt`). Add a type here, with its architecture and four numbers, before a node group uses it:
 * environments are checked against this catalog.
 */
export const INSTANCE_TYPES: Readonly<Record<string, InstanceTypeSpec>> = {
  "t3.large": { architecture: "x86_64", vcpus: 2, memoryMiB: 8192, maxEnis: 3, ipv4PerEni: 12 },
  "t3a.large": { architecture: "x86_64", vcpus: 2, memoryMiB: 8192, maxEnis: 3, ipv4PerEni: 12 },
  "t3.xlarge": { architecture: "x86_64", vcpus: 4, memoryMiB: 16384, maxEnis: 4, ipv4PerEni: 15 },
  "t3a.xlarge": { architecture: "x86_64", vcpus: 4, memoryMiB: 16384, maxEnis: 4, ipv4PerEni: 15 },
  "m6i.large": { architecture: "x86_64", vcpus: 2, memoryMiB: 8192, maxEnis: 3, ipv4PerEni: 10 },
  "m6i.xlarge": { architecture: "x86_64", vcpus: 4, memoryMiB: 16384, maxEnis: 4, ipv4PerEni: 15 },
  "m6i.2xlarge": { architecture: "x86_64", vcpus: 8, memoryMiB: 32768, maxEnis: 4, ipv4PerEni: 15 },
  "m7i.large": { architecture: "x86_64", vcpus: 2, memoryMiB: 8192, maxEnis: 3, ipv4PerEni: 10 },
  "m7i.xlarge": { architecture: "x86_64", vcpus: 4, memoryMiB: 16384, maxEnis: 4, ipv4PerEni: 15 },
  "m7i.2xlarge": { architecture: "x86_64", vcpus: 8, memoryMiB: 32768, maxEnis: 4, ipv4PerEni: 15 },
  "m6g.large": { architecture: "arm64", vcpus: 2, memoryMiB: 8192, maxEnis: 3, ipv4PerEni: 10 },
  "m6g.xlarge": { architecture: "arm64", vcpus: 4, memoryMiB: 16384, maxEnis: 4, ipv4PerEni: 15 },
  "m7g.large": { architecture: "arm64", vcpus: 2, memoryMiB: 8192, maxEnis: 3, ipv4PerEni: 10 },
  "m7g.xlarge": { architecture: "arm64", vcpus: 4, memoryMiB: 16384, maxEnis: 4, ipv4PerEni: 15 },
  "r7i.large": { architecture: "x86_64", vcpus: 2, memoryMiB: 16384, maxEnis: 3, ipv4PerEni: 10 },
  "r7i.xlarge": { architecture: "x86_64", vcpus: 4, memoryMiB: 32768, maxEnis: 4, ipv4PerEni: 15 },
};

/** The share of nominal memory the hypervisor and firmware keep (Karpenter's `vmMemoryOverheadPercent` default). */
export const VM_MEMORY_OVERHEAD = 0.075;
/** The kubelet's hard eviction threshold on EKS AMIs (`memory.available<100Mi`). */
export const EVICTION_MEMORY_MIB = 100;

/** What the scheduler can place on one node of a type. */
export interface NodeAllocatable {
  readonly instanceType: string;
  /** Allocatable CPU, in millicores. */
  readonly cpuMillis: number;
  /** Allocatable memory, in MiB. */
  readonly memoryMiB: number;
  /** Pods the node accepts (the VPC CNI's IP limit without prefix delegation). */
  readonly pods: number;
}

/** Max pods of the VPC CNI without prefix delegation: ENIs × (IPv4 per ENI − 1) + 2 host-network pods. */
export function maxPods(spec: InstanceTypeSpec): number {
  return spec.maxEnis * (spec.ipv4PerEni - 1) + 2;
}

/** kube-reserved CPU as the EKS AMIs compute it: 6% of the first core, 1% of the second, 0.5% of cores 3–4, 0.25% above. */
export function kubeReservedCpuMillis(vcpus: number): number {
  const tiers: readonly [number, number][] = [
    [1, 60],
    [1, 10],
    [2, 5],
    [Infinity, 2.5],
  ];
  let left = vcpus;
  let reserved = 0;
  for (const [cores, millisPerCore] of tiers) {
    const used = Math.min(left, cores);
    reserved += used * millisPerCore;
    left -= used;
    if (left <= 0) break;
  }
  return Math.ceil(reserved);
}

/** kube-reserved memory as the EKS AMIs compute it: 11 MiB per pod the node may run, plus 255 MiB. */
export function kubeReservedMemoryMiB(pods: number): number {
  return 11 * pods + 255;
}

/**
 * Allocatable resources of one node of `instanceType`: capacity (nominal memory less the VM
 * overhead) minus kube-reserved and the eviction threshold. Undefined for a type not in the catalog.
 */
export function nodeAllocatable(instanceType: string): NodeAllocatable | undefined {
  const spec = INSTANCE_TYPES[instanceType];
  if (spec === undefined) return undefined;
  const pods = maxPods(spec);
  const capacityMiB = Math.floor(spec.memoryMiB * (1 - VM_MEMORY_OVERHEAD));
  return {
    instanceType,
    cpuMillis: spec.vcpus * 1000 - kubeReservedCpuMillis(spec.vcpus),
    memoryMiB: capacityMiB - kubeReservedMemoryMiB(pods) - EVICTION_MEMORY_MIB,
    pods,
  };
}
