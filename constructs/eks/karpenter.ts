import { IEksCluster } from "./eks-cluster-reference";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { PropValidator, listEach, matching, oneOf, optional, wholeNumber } from "../core/validation";
import { ChartRelease } from "../helm/chart-release";
import { kubernetesObjectsRelease } from "../helm/kubernetes-objects";
import { HELM_CHARTS } from "../versions";
import { KARPENTER_DISCOVERY_TAG } from "./karpenter-infrastructure";

/** AMI families an EC2NodeClass can select by alias. */
export const KARPENTER_AMI_FAMILIES = ["AL2023", "Bottlerocket"] as const;
/** An AMI family of {@link KARPENTER_AMI_FAMILIES}. */
export type KarpenterAmiFamily = (typeof KARPENTER_AMI_FAMILIES)[number];

/** The default NodePool and its EC2NodeClass. */
export interface KarpenterNodePoolOptions {
  /** Instance categories (`c`, `m`, `r`, `t`, ...): `karpenter.k8s.aws/instance-category`. */
  readonly instanceCategories: readonly string[];
  /** Instance families (e.g. `m7i`), narrowing the categories. @default - every family of the categories */
  readonly instanceFamilies?: readonly string[];
  /** Oldest instance generation allowed. @default 6 */
  readonly minInstanceGeneration?: number;
  /** CPU architectures. @default ["amd64"] */
  readonly architectures?: readonly (typeof KARPENTER_ARCHITECTURES)[number][];
  /** Capacity types; with both, Karpenter prefers spot. @default ["on-demand"] */
  readonly capacityTypes?: readonly (typeof KARPENTER_CAPACITY_TYPES)[number][];
  /** vCPUs the NodePool may launch in total (its `limits.cpu`). */
  readonly cpuLimit: number;
  /** Memory the NodePool may launch in total, in GiB (its `limits.memory`). */
  readonly memoryLimitGiB: number;
  /** When nodes are consolidated. @default "WhenEmptyOrUnderutilized" */
  readonly consolidationPolicy?: (typeof KARPENTER_CONSOLIDATION_POLICIES)[number];
  /** Seconds a node must be empty or underutilized before it is consolidated. @default 60 */
  readonly consolidateAfterSeconds?: number;
  /** Hours after which a node is replaced (picks up new AMIs). @default 720 */
  readonly expireAfterHours?: number;
  /** AMI family. @default "AL2023" */
  readonly amiFamily?: KarpenterAmiFamily;
  /** AMI version of the alias (`latest`, or a release such as `v20251120`; pin it in production). @default "latest" */
  readonly amiVersion?: string;
  /** Root (AL2023) or data (Bottlerocket) volume size, in GiB. @default 50 */
  readonly diskSizeGiB?: number;
}

/** Props of {@link Karpenter}. */
export interface KarpenterProps {
  /**
   * The cluster Karpenter runs in: its name (settings.clusterName, the discovery tag's value) and API
   * endpoint (settings.clusterEndpoint). An `EksCluster`, `EksCluster.fromAttributes`, or another
   * stack's cluster.
   */
  readonly cluster: Pick<IEksCluster, "clusterName" | "clusterEndpoint">;
  /** Name of the interruption queue ({@link KarpenterInfrastructure}). */
  readonly interruptionQueueName: string;
  /** Name of the nodes' IAM role ({@link KarpenterInfrastructure}). */
  readonly nodeRoleName: string;
  /** Namespace of the controller; its Pod Identity association must name it. @default "kube-system" */
  readonly namespace?: string;
  /** Service account of the controller; its Pod Identity association must name it. @default "karpenter" */
  readonly serviceAccount?: string;
  /** Controller replicas (the chart keeps them on different nodes). @default 2 */
  readonly replicas?: number;
  /** CPU each controller pod requests, in millicores. @default 250 */
  readonly cpuMillis?: number;
  /** Memory each controller pod requests, in MiB. @default 512 */
  readonly memoryMiB?: number;
  /**
   * Security groups of Karpenter's nodes besides those tagged for discovery: give them the same
   * groups as the managed nodes (EKS's cluster security group, which the load balancer controller
   * opens to its load balancers; a database-clients marker). @default - none
   */
  readonly securityGroupIds?: readonly string[];
  /** The default NodePool and EC2NodeClass. */
  readonly nodePool: KarpenterNodePoolOptions;
  /** Tags of everything Karpenter launches (instances, volumes, interfaces). @default - none */
  readonly tags?: Readonly<Record<string, string>>;
  /** Installed before the releases (e.g. the controller's Pod Identity association). @default - none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** Name of the default NodePool and EC2NodeClass. */
export const KARPENTER_DEFAULT_POOL = "default";

/** CPU architectures a NodePool may launch. */
export const KARPENTER_ARCHITECTURES = ["amd64", "arm64"] as const;

/** Capacity types a NodePool may launch (Karpenter's spelling). */
export const KARPENTER_CAPACITY_TYPES = ["on-demand", "spot"] as const;

/** When Karpenter consolidates nodes. */
export const KARPENTER_CONSOLIDATION_POLICIES = ["WhenEmpty", "WhenEmptyOrUnderutilized"] as const;

/** The rules of the default NodePool's options, shared with the environment schema. */
export const KARPENTER_POOL_RULES = {
  instanceCategory: matching(/^[a-z]{1,3}$/, "an instance category such as 'c', 'm', 'r'"),
  instanceFamily: matching(/^[a-z][a-z0-9-]{1,15}$/, "an instance family such as 'm7i'"),
  minInstanceGeneration: wholeNumber(1, 9, "generations"),
  architecture: oneOf(KARPENTER_ARCHITECTURES),
  capacityType: oneOf(KARPENTER_CAPACITY_TYPES),
  cpuLimit: wholeNumber(1, 10000, "vCPUs"),
  memoryLimitGiB: wholeNumber(1, 100000, "GiB"),
  consolidationPolicy: oneOf(KARPENTER_CONSOLIDATION_POLICIES),
  consolidateAfterSeconds: wholeNumber(0, 86400, "seconds"),
  expireAfterHours: wholeNumber(1, 8760, "hours"),
  amiFamily: oneOf(KARPENTER_AMI_FAMILIES),
  amiVersion: matching(/^(latest|v\d{8})$/, "'latest' or an AMI release such as 'v20251120'"),
  diskSizeGiB: wholeNumber(20, 16384, "GiB"),
};

/**
 * Karpenter in the cluster: its CRDs (a release of their own, so upgrades update them), the
 * controller (Pod Identity, interruption queue, on managed-node-group nodes only by the chart's
 * affinity) and a default NodePool with its EC2NodeClass. Nodes come from subnets and security
 * groups tagged `karpenter.sh/discovery=<cluster>`, with IMDSv2 (hop limit 1) and encrypted gp3
 * volumes. The NodePool and EC2NodeClass are installed through the repository's
 * `kubernetes-objects` chart once the CRDs exist (`kubernetes_manifest` would need them at plan time).
 */
export class Karpenter extends Construct {
  /** The CRD release. */
  readonly crds: ChartRelease;
  /** The controller release. */
  readonly controller: ChartRelease;
  /** The release of the default NodePool and EC2NodeClass. */
  readonly nodePool: ChartRelease;

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    const namespace = props.namespace ?? "kube-system";
    const serviceAccount = props.serviceAccount ?? "karpenter";
    const replicas = props.replicas ?? 2;
    const cpuMillis = props.cpuMillis ?? 250;
    const memoryMiB = props.memoryMiB ?? 512;
    const pool = props.nodePool;
    const minGeneration = pool.minInstanceGeneration ?? 6;
    const architectures = pool.architectures ?? ["amd64"];
    const capacityTypes = pool.capacityTypes ?? ["on-demand"];
    const consolidateAfterSeconds = pool.consolidateAfterSeconds ?? 60;
    const expireAfterHours = pool.expireAfterHours ?? 720;
    const amiFamily = pool.amiFamily ?? "AL2023";
    const amiVersion = pool.amiVersion ?? "latest";
    const diskSizeGiB = pool.diskSizeGiB ?? 50;

    const v = new PropValidator("Karpenter", this);
    const r = KARPENTER_POOL_RULES;
    v.check("replicas", replicas, wholeNumber(1, 5, "replicas"));
    v.check("cpuMillis", cpuMillis, wholeNumber(50, 8000, "millicores"));
    v.check("memoryMiB", memoryMiB, wholeNumber(128, 16384, "MiB"));
    v.check(
      "nodePool.instanceCategories",
      pool.instanceCategories,
      listEach(r.instanceCategory, "must list instance categories such as 'c', 'm', 'r'", 1),
    );
    v.check(
      "nodePool.instanceFamilies",
      pool.instanceFamilies,
      optional(listEach(r.instanceFamily, "must list instance families such as 'm7i' (or be left out)", 1)),
    );
    v.check("nodePool.minInstanceGeneration", minGeneration, r.minInstanceGeneration);
    v.check(
      "nodePool.architectures",
      architectures,
      listEach(r.architecture, "must list at least one architecture ('amd64' or 'arm64')", 1),
    );
    v.check(
      "nodePool.capacityTypes",
      capacityTypes,
      listEach(r.capacityType, "must list at least one capacity type ('on-demand' or 'spot')", 1),
    );
    v.check("nodePool.cpuLimit", pool.cpuLimit, r.cpuLimit);
    v.check("nodePool.memoryLimitGiB", pool.memoryLimitGiB, r.memoryLimitGiB);
    v.check(
      "nodePool.consolidationPolicy",
      pool.consolidationPolicy ?? "WhenEmptyOrUnderutilized",
      r.consolidationPolicy,
    );
    v.check("nodePool.consolidateAfterSeconds", consolidateAfterSeconds, r.consolidateAfterSeconds);
    v.check("nodePool.expireAfterHours", expireAfterHours, r.expireAfterHours);
    v.check("nodePool.amiFamily", amiFamily, r.amiFamily);
    v.check("nodePool.amiVersion", amiVersion, r.amiVersion);
    v.check("nodePool.diskSizeGiB", diskSizeGiB, r.diskSizeGiB);
    v.throwIfInvalid();

    this.crds = new ChartRelease(this, "Crds", {
      source: HELM_CHARTS.karpenterCrd,
      releaseName: "karpenter-crd",
      values: {},
      namespace,
      timeoutSeconds: 300,
      dependsOn: props.dependsOn,
    });
    this.controller = new ChartRelease(this, "Controller", {
      source: HELM_CHARTS.karpenter,
      releaseName: "karpenter",
      namespace,
      skipCrds: true,
      timeoutSeconds: 600,
      values: {
        serviceAccount: { create: true, name: serviceAccount },
        replicas,
        controller: {
          resources: { requests: { cpu: `${cpuMillis}m`, memory: `${memoryMiB}Mi` } },
        },
        settings: {
          clusterName: props.cluster.clusterName,
          clusterEndpoint: props.cluster.clusterEndpoint,
          interruptionQueue: props.interruptionQueueName,
        },
      },
      dependsOn: [this.crds.release, ...(props.dependsOn ?? [])],
    });

    const discovery = { [KARPENTER_DISCOVERY_TAG]: props.cluster.clusterName };
    const alias = `${amiFamily === "AL2023" ? "al2023" : "bottlerocket"}@${amiVersion}`;
    const nodeClass = {
      apiVersion: "karpenter.k8s.aws/v1",
      kind: "EC2NodeClass",
      metadata: { name: KARPENTER_DEFAULT_POOL },
      spec: {
        role: props.nodeRoleName,
        amiSelectorTerms: [{ alias }],
        subnetSelectorTerms: [{ tags: discovery }],
        securityGroupSelectorTerms: [
          { tags: discovery },
          ...(props.securityGroupIds ?? []).map((sg) => ({ id: sg })),
        ],
        // IMDSv2 only, hop limit 1: containers cannot read the node's credentials.
        metadataOptions: {
          httpEndpoint: "enabled",
          httpProtocolIPv6: "disabled",
          httpPutResponseHopLimit: 1,
          httpTokens: "required",
        },
        blockDeviceMappings: [
          {
            deviceName: amiFamily === "AL2023" ? "/dev/xvda" : "/dev/xvdb",
            ebs: {
              volumeSize: `${diskSizeGiB}Gi`,
              volumeType: "gp3",
              encrypted: true,
              deleteOnTermination: true,
            },
          },
        ],
        tags: { ...props.tags },
      },
    };
    const requirement = (key: string, values: readonly string[], operator = "In") => ({
      key,
      operator,
      values: [...values],
    });
    const nodePool = {
      apiVersion: "karpenter.sh/v1",
      kind: "NodePool",
      metadata: { name: KARPENTER_DEFAULT_POOL },
      spec: {
        template: {
          spec: {
            nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: KARPENTER_DEFAULT_POOL },
            requirements: [
              requirement("karpenter.k8s.aws/instance-category", pool.instanceCategories),
              ...(pool.instanceFamilies
                ? [requirement("karpenter.k8s.aws/instance-family", pool.instanceFamilies)]
                : []),
              requirement("karpenter.k8s.aws/instance-generation", [String(minGeneration - 1)], "Gt"),
              requirement("kubernetes.io/arch", architectures),
              requirement("kubernetes.io/os", ["linux"]),
              requirement("karpenter.sh/capacity-type", capacityTypes),
            ],
            expireAfter: `${expireAfterHours}h`,
          },
        },
        limits: { cpu: String(pool.cpuLimit), memory: `${pool.memoryLimitGiB}Gi` },
        disruption: {
          consolidationPolicy: pool.consolidationPolicy ?? "WhenEmptyOrUnderutilized",
          consolidateAfter: `${consolidateAfterSeconds}s`,
        },
      },
    };
    this.nodePool = kubernetesObjectsRelease(this, "NodePool", {
      releaseName: "karpenter-node-pools",
      namespace,
      objects: [nodeClass, nodePool],
      dependsOn: [this.controller.release],
    });
  }
}
