/**
 * Does every Helm release fit the cluster's baseline nodes? Computed at synth from the values each
 * release is given plus the chart defaults it relies on (replicas, resource requests, hard pod
 * anti-affinity), against the allocatable resources of the managed node groups' nodes. A release
 * that would stay Pending fails synthesis here instead of rolling back an atomic apply later.
 *
 * Karpenter capacity does not count: the platform releases include Karpenter itself (which can
 * only run on managed-node-group nodes), the check has to be decidable offline (what Karpenter can
 * launch depends on EC2 capacity, quotas and the NodePool's limits at apply time), and a cluster
 * whose Karpenter cannot launch a node must still install its platform. Karpenter nodes are room
 * for workloads, not for the platform's own guarantee.
 */

import { Construct } from "constructs";
import { NodeAllocatable, nodeAllocatable } from "../eks/instance-capacity";
import { ChartRelease } from "./chart-release";

/** One workload (Deployment, StatefulSet, DaemonSet or install hook) of a release, and what it requests. */
export interface WorkloadDemand {
  /** The component's name inside the release (e.g. Loki's `write`). */
  readonly component: string;
  /** Pods requested; ignored for DaemonSets (one per node). */
  readonly replicas: number;
  /** CPU requested per pod, in millicores. */
  readonly cpuMillis: number;
  /** Memory requested per pod, in MiB. */
  readonly memoryMiB: number;
  /** Hard pod anti-affinity on `kubernetes.io/hostname`: at most one pod of the component per node. */
  readonly onePerNode: boolean;
  /** A DaemonSet: one pod on every node. @default false */
  readonly daemonSet?: boolean;
}

/** A managed node group as the check sees it. */
export interface BaselineNodeGroup {
  /** The group's name. */
  readonly name: string;
  /** Its instance types; the smallest allocatable of them is assumed for every node. */
  readonly instanceTypes: readonly string[];
  /** Nodes the group runs (its desired size: nothing else scales managed node groups). */
  readonly nodes: number;
  /** Groups with NoSchedule/NoExecute taints take no platform pods. @default false */
  readonly tainted?: boolean;
}

/** A chart default a demand model relies on; the chart-values test checks each against the vendored values.yaml. */
export interface ReliedDefault {
  readonly path: string;
  readonly value: unknown;
}

/**
 * The defaults the demand models read when a release does not set the value itself, per chart
 * name. Every entry is checked against `test/fixtures/charts/<chart>/<version>/values.yaml`.
 */
export const RELIED_CHART_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  "aws-load-balancer-controller": { replicaCount: 2, resources: {}, configureDefaultAffinity: true },
  "cert-manager": {
    replicaCount: 1,
    resources: {},
    "webhook.replicaCount": 1,
    "webhook.resources": {},
    "cainjector.enabled": true,
    "cainjector.replicaCount": 1,
    "cainjector.resources": {},
    "startupapicheck.enabled": true,
    "startupapicheck.resources": {},
  },
  "external-dns": { resources: {} },
  "kube-prometheus-stack": {
    "prometheus.prometheusSpec.replicas": 1,
    "prometheus.prometheusSpec.resources": {},
    "alertmanager.alertmanagerSpec.replicas": 1,
    "alertmanager.alertmanagerSpec.resources": {},
    "prometheusOperator.resources": {},
  },
  loki: {
    "singleBinary.replicas": 0,
    "singleBinary.resources": {},
    "read.replicas": 3,
    "read.resources": {},
    "write.replicas": 3,
    "write.resources": {},
    "backend.replicas": 3,
    "backend.resources": {},
    "gateway.enabled": true,
    "gateway.replicas": 1,
    "gateway.resources": {},
    "chunksCache.enabled": true,
    "chunksCache.replicas": 1,
    "chunksCache.allocatedMemory": 8192,
    "chunksCache.allocatedCPU": "500m",
    "resultsCache.enabled": true,
    "resultsCache.replicas": 1,
    "resultsCache.allocatedMemory": 1024,
    "resultsCache.allocatedCPU": "500m",
  },
  "opentelemetry-collector": { replicaCount: 1, resources: {} },
  tempo: { replicas: 1, "tempo.resources": {}, "tempoQuery.enabled": false, "tempoQuery.resources": {} },
  karpenter: { replicas: 2, "controller.resources": {} },
  "karpenter-crd": {},
  "metrics-server": { replicas: 1, resources: { requests: { cpu: "100m", memory: "200Mi" } } },
  "external-secrets": {
    replicaCount: 1,
    resources: {},
    "webhook.create": true,
    "webhook.replicaCount": 1,
    "webhook.resources": {},
    "certController.create": true,
    "certController.replicaCount": 1,
    "certController.resources": {},
  },
};

/**
 * Components whose chart default affinity is a hard one-pod-per-node anti-affinity (checked
 * against the vendored values.yaml by the chart-values test), per chart name.
 */
export const HARD_ANTI_AFFINITY_DEFAULTS: Readonly<Record<string, readonly string[]>> = {
  loki: ["singleBinary", "read", "write", "backend", "gateway"],
  karpenter: [""],
};

/**
 * The EKS add-ons on every node (vpc-cni, kube-proxy, Pod Identity agent, EBS CSI node plugin),
 * budgeted at 200m CPU and 256 MiB per node in total: aws-node requests 25m and kube-proxy 100m by
 * default; the rest is headroom for the other two.
 */
export const SYSTEM_DAEMONSETS: WorkloadDemand = {
  component: "eks-addon-daemonsets",
  replicas: 0,
  cpuMillis: 200,
  memoryMiB: 256,
  onePerNode: true,
  daemonSet: true,
};
/** Pods per node of those DaemonSets. */
export const SYSTEM_DAEMONSET_PODS = 4;

/** The EKS add-on Deployments: CoreDNS (2 × 100m/70 MiB, its default requests) and the EBS CSI controller (a budget). */
export const SYSTEM_DEPLOYMENTS: readonly WorkloadDemand[] = [
  { component: "coredns", replicas: 2, cpuMillis: 100, memoryMiB: 70, onePerNode: false },
  { component: "ebs-csi-controller", replicas: 2, cpuMillis: 60, memoryMiB: 240, onePerNode: false },
];

type Values = Record<string, unknown>;

/** The value at a dotted path, or undefined. */
export function valueAt(values: unknown, path: string): unknown {
  let node: unknown = values;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object" || !(key in (node as Values))) return undefined;
    node = (node as Values)[key];
  }
  return node;
}

/** A Kubernetes CPU quantity in millicores (`"250m"`, `"1"`, `0.5`). */
export function cpuMillis(quantity: unknown): number {
  if (quantity === undefined || quantity === null || quantity === "") return 0;
  const text = String(quantity);
  if (text.endsWith("m")) return Number(text.slice(0, -1));
  return Math.round(Number(text) * 1000);
}

const MEMORY_UNITS: Readonly<Record<string, number>> = {
  "": 1 / (1024 * 1024),
  k: 1000 / (1024 * 1024),
  M: 1e6 / (1024 * 1024),
  G: 1e9 / (1024 * 1024),
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  Ti: 1024 * 1024,
};

/** A Kubernetes memory quantity in MiB (`"512Mi"`, `"1Gi"`, `"1G"`). */
export function memoryMiB(quantity: unknown): number {
  if (quantity === undefined || quantity === null || quantity === "") return 0;
  const match = /^(\d+(?:\.\d+)?)([KMGT]i|[kMG])?$/.exec(String(quantity));
  if (!match) throw new Error(`not a Kubernetes memory quantity: ${JSON.stringify(quantity)}`);
  return Math.ceil(Number(match[1]) * MEMORY_UNITS[match[2] ?? ""]);
}

/** Reads a release's values, falling back to the chart defaults it declares it relies on. */
class ValueReader {
  constructor(
    private readonly chart: string,
    private readonly values: object,
  ) {}

  get(path: string): unknown {
    const own = valueAt(this.values, path);
    if (own !== undefined && own !== null) return own;
    const defaults = RELIED_CHART_DEFAULTS[this.chart] ?? {};
    if (!(path in defaults)) {
      throw new Error(`release-capacity: chart '${this.chart}' default '${path}' is read but not declared`);
    }
    return defaults[path];
  }

  number(path: string): number {
    return Number(this.get(path));
  }

  workload(component: string, base: string, replicasPath: string | undefined, onePerNode: boolean) {
    const resources = this.get(`${base}resources`);
    const requests = valueAt(resources, "requests");
    return {
      component,
      replicas: replicasPath === undefined ? 1 : this.number(replicasPath),
      cpuMillis: cpuMillis(valueAt(requests, "cpu")),
      memoryMiB: memoryMiB(valueAt(requests, "memory")),
      onePerNode,
    };
  }
}

/** A memcached cache of the Loki chart: memory request = round(allocatedMemory × 1.2) MiB (its template). */
function lokiCache(reader: ValueReader, key: string): WorkloadDemand[] {
  if (reader.get(`${key}.enabled`) !== true) return [];
  return [
    {
      component: key,
      replicas: reader.number(`${key}.replicas`),
      cpuMillis: cpuMillis(reader.get(`${key}.allocatedCPU`)),
      memoryMiB: Math.floor((reader.number(`${key}.allocatedMemory`) * 12 + 5) / 10),
      onePerNode: false,
    },
  ];
}

/** Whether a Loki component keeps the chart's hard anti-affinity (the release did not replace `affinity`). */
function hardAntiAffinity(values: object, chart: string, component: string): boolean {
  const own = valueAt(values, component === "" ? "affinity" : `${component}.affinity`);
  if (own !== undefined) {
    return valueAt(own, "podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution") !== undefined;
  }
  return (HARD_ANTI_AFFINITY_DEFAULTS[chart] ?? []).includes(component);
}

/** What one chart's values ask of the cluster, per chart name. */
export const DEMAND_MODELS: Readonly<Record<string, (values: object) => WorkloadDemand[]>> = {
  "aws-load-balancer-controller": (values) => {
    const r = new ValueReader("aws-load-balancer-controller", values);
    // The default affinity is a preferred (soft) anti-affinity.
    return [r.workload("controller", "", "replicaCount", false)];
  },
  "cert-manager": (values) => {
    const r = new ValueReader("cert-manager", values);
    return [
      r.workload("controller", "", "replicaCount", false),
      r.workload("webhook", "webhook.", "webhook.replicaCount", false),
      ...(r.get("cainjector.enabled") === true
        ? [r.workload("cainjector", "cainjector.", "cainjector.replicaCount", false)]
        : []),
      // A post-install hook Job that must schedule before the release counts as installed.
      ...(r.get("startupapicheck.enabled") === true
        ? [r.workload("startupapicheck", "startupapicheck.", undefined, false)]
        : []),
    ];
  },
  "external-dns": (values) => [
    new ValueReader("external-dns", values).workload("controller", "", undefined, false),
  ],
  "kube-prometheus-stack": (values) => {
    const r = new ValueReader("kube-prometheus-stack", values);
    const grafana = valueAt(values, "grafana.resources.requests");
    return [
      r.workload("prometheus", "prometheus.prometheusSpec.", "prometheus.prometheusSpec.replicas", false),
      r.workload(
        "alertmanager",
        "alertmanager.alertmanagerSpec.",
        "alertmanager.alertmanagerSpec.replicas",
        false,
      ),
      r.workload("operator", "prometheusOperator.", undefined, false),
      {
        component: "grafana",
        replicas: 1,
        cpuMillis: cpuMillis(valueAt(grafana, "cpu")),
        memoryMiB: memoryMiB(valueAt(grafana, "memory")),
        onePerNode: false,
      },
      { component: "kube-state-metrics", replicas: 1, cpuMillis: 0, memoryMiB: 0, onePerNode: false },
      {
        component: "node-exporter",
        replicas: 0,
        cpuMillis: 0,
        memoryMiB: 0,
        onePerNode: true,
        daemonSet: true,
      },
    ];
  },
  loki: (values) => {
    const r = new ValueReader("loki", values);
    const targets = ["singleBinary", "read", "write", "backend"].map((t) =>
      r.workload(t, `${t}.`, `${t}.replicas`, hardAntiAffinity(values, "loki", t)),
    );
    const gateway =
      r.get("gateway.enabled") === true
        ? [r.workload("gateway", "gateway.", "gateway.replicas", hardAntiAffinity(values, "loki", "gateway"))]
        : [];
    return [...targets, ...gateway, ...lokiCache(r, "chunksCache"), ...lokiCache(r, "resultsCache")].filter(
      (w) => w.replicas > 0,
    );
  },
  "opentelemetry-collector": (values) => {
    const r = new ValueReader("opentelemetry-collector", values);
    const daemonSet = valueAt(values, "mode") === "daemonset";
    return [{ ...r.workload("collector", "", daemonSet ? undefined : "replicaCount", false), daemonSet }];
  },
  tempo: (values) => {
    // One StatefulSet; the optional tempo-query sidecar adds its requests to each pod.
    const r = new ValueReader("tempo", values);
    const tempo = r.workload("tempo", "tempo.", "replicas", false);
    if (r.get("tempoQuery.enabled") !== true) return [tempo];
    const query = r.workload("tempo-query", "tempoQuery.", undefined, false);
    return [
      {
        ...tempo,
        cpuMillis: tempo.cpuMillis + query.cpuMillis,
        memoryMiB: tempo.memoryMiB + query.memoryMiB,
      },
    ];
  },
  karpenter: (values) => [
    new ValueReader("karpenter", values).workload(
      "controller",
      "controller.",
      "replicas",
      hardAntiAffinity(values, "karpenter", ""),
    ),
  ],
  "karpenter-crd": () => [],
  "metrics-server": (values) => [
    new ValueReader("metrics-server", values).workload("server", "", "replicas", false),
  ],
  "kubernetes-objects": () => [],
  "external-secrets": (values) => {
    const r = new ValueReader("external-secrets", values);
    return [
      r.workload("controller", "", "replicaCount", false),
      ...(["webhook", "certController"] as const)
        .filter((c) => r.get(`${c}.create`) === true)
        .map((c) => r.workload(c, `${c}.`, `${c}.replicaCount`, false)),
    ];
  },
};

/**
 * The chart's name: the catalog's name, or for a local chart (an asset path, no repository) the
 * repository's `kubernetes-objects` chart, recognised by its only value, `objects`.
 */
export function chartNameOf(release: ChartRelease): string {
  if (release.source.repository !== undefined) return release.source.chart;
  const keys = Object.keys(release.values);
  return keys.length === 1 && keys[0] === "objects" ? "kubernetes-objects" : release.source.chart;
}

/** The demand of one release (its chart's model applied to its values). */
export function releaseDemand(release: ChartRelease): WorkloadDemand[] {
  const chartName = chartNameOf(release);
  const model = DEMAND_MODELS[chartName];
  if (model === undefined) {
    throw new Error(
      `ChartRelease '${release.node.path}': no capacity model for chart '${chartName}'; add one to DEMAND_MODELS (constructs/helm/release-capacity.ts)`,
    );
  }
  return model(release.values);
}

interface Node {
  readonly group: string;
  cpuMillis: number;
  memoryMiB: number;
  pods: number;
  readonly components: Set<string>;
}

const describe = (cpu: number, mem: number) => `${cpu}m CPU / ${mem} MiB`;

/**
 * Checks that every {@link ChartRelease} under `scope` schedules on the baseline node groups and
 * returns the problems (empty when everything fits). Packing is first-fit decreasing, which may
 * reject a set that a perfect packing would place: the check errs on the safe side.
 */
export function releaseCapacityProblems(
  scope: Construct,
  nodeGroups: readonly BaselineNodeGroup[],
): string[] {
  const problems: string[] = [];
  const nodes: Node[] = [];
  const offers: string[] = [];
  for (const group of nodeGroups.filter((g) => !g.tainted)) {
    const sizes = group.instanceTypes.map((t) => ({ t, a: nodeAllocatable(t) }));
    const unknown = sizes.filter((s) => s.a === undefined).map((s) => s.t);
    if (unknown.length > 0) {
      problems.push(
        `node group '${group.name}': instance types ${unknown.join(", ")} are not in the catalog (constructs/eks/instance-capacity.ts INSTANCE_TYPES); add them with their vCPUs, memory and ENI limits`,
      );
      continue;
    }
    const allocs = sizes.map((s) => s.a as NodeAllocatable);
    const smallest = {
      cpuMillis: Math.min(...allocs.map((a) => a.cpuMillis)),
      memoryMiB: Math.min(...allocs.map((a) => a.memoryMiB)),
      pods: Math.min(...allocs.map((a) => a.pods)),
    };
    offers.push(
      `'${group.name}': ${group.nodes} × ${group.instanceTypes.join("|")} (${describe(smallest.cpuMillis, smallest.memoryMiB)} / ${smallest.pods} pods allocatable each)`,
    );
    for (let i = 0; i < group.nodes; i++)
      nodes.push({ group: group.name, ...smallest, components: new Set() });
  }
  if (problems.length > 0) return problems;
  const offer = `the baseline node groups offer ${nodes.length} node(s): ${offers.join("; ") || "none untainted"}`;

  type Owned = WorkloadDemand & { readonly owner: string };
  const workloads: Owned[] = [
    { ...SYSTEM_DAEMONSETS, owner: "EKS add-ons" },
    ...SYSTEM_DEPLOYMENTS.map((w) => ({ ...w, owner: "EKS add-ons" })),
  ];
  for (const release of scope.node.findAll().filter((c): c is ChartRelease => c instanceof ChartRelease)) {
    for (const w of releaseDemand(release))
      workloads.push({ ...w, owner: `release '${release.releaseName}'` });
  }

  // DaemonSets first: they take their share of every node.
  for (const w of workloads.filter((x) => x.daemonSet)) {
    const pods = w.owner === "EKS add-ons" ? SYSTEM_DAEMONSET_PODS : 1;
    for (const node of nodes) {
      node.cpuMillis -= w.cpuMillis;
      node.memoryMiB -= w.memoryMiB;
      node.pods -= pods;
    }
    if (nodes.some((n) => n.cpuMillis < 0 || n.memoryMiB < 0 || n.pods < 0)) {
      problems.push(
        `${w.owner} component '${w.component}' (DaemonSet, ${describe(w.cpuMillis, w.memoryMiB)} per node) does not fit next to the other DaemonSets; ${offer}`,
      );
      return problems;
    }
  }

  const pods = workloads
    .filter((w) => !w.daemonSet)
    .flatMap((w) => Array.from({ length: w.replicas }, () => w))
    .sort((a, b) => b.memoryMiB - a.memoryMiB || b.cpuMillis - a.cpuMillis);
  const failed = new Map<Owned, number>();
  for (const w of pods) {
    const key = `${w.owner}/${w.component}`;
    const node = nodes.find(
      (n) =>
        n.cpuMillis >= w.cpuMillis &&
        n.memoryMiB >= w.memoryMiB &&
        n.pods >= 1 &&
        !(w.onePerNode && n.components.has(key)),
    );
    if (node === undefined) {
      failed.set(w, (failed.get(w) ?? 0) + 1);
      continue;
    }
    node.cpuMillis -= w.cpuMillis;
    node.memoryMiB -= w.memoryMiB;
    node.pods -= 1;
    node.components.add(key);
  }
  for (const [w, unplaced] of failed) {
    const need = `${w.replicas} pod(s) × ${describe(w.cpuMillis, w.memoryMiB)}${w.onePerNode ? ", at most one per node (hard pod anti-affinity)" : ""}`;
    const largest = nodes.reduce((m, n) => Math.max(m, n.memoryMiB), 0);
    const why =
      w.onePerNode && w.replicas > nodes.length
        ? `it needs ${w.replicas} nodes`
        : `${unplaced} pod(s) find no node with room left (largest free memory on a node: ${largest} MiB)`;
    problems.push(
      `${w.owner} component '${w.component}' cannot be scheduled: needs ${need}; ${why}; ${offer}`,
    );
  }
  return problems;
}
