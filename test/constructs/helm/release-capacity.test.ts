import { ChartRelease } from "../../../constructs/helm/chart-release";
import {
  DEMAND_MODELS,
  cpuMillis,
  memoryMiB,
  releaseCapacityProblems,
  releaseDemand,
} from "../../../constructs/helm/release-capacity";
import { HELM_CHARTS } from "../../../constructs/versions";
import { testStack } from "../../helpers";

describe("Kubernetes quantities", () => {
  it("reads CPU in millicores and memory in MiB", () => {
    expect([cpuMillis("250m"), cpuMillis("1"), cpuMillis(0.5), cpuMillis(undefined)]).toEqual([
      250, 1000, 500, 0,
    ]);
    expect([memoryMiB("512Mi"), memoryMiB("1Gi"), memoryMiB("1G"), memoryMiB(undefined)]).toEqual([
      512, 1024, 954, 0,
    ]);
    expect(() => memoryMiB("lots")).toThrow('not a Kubernetes memory quantity: "lots"');
  });
});

describe("demand models", () => {
  it("counts Loki's chart defaults: three of each target one per node, the caches at 1.2 × allocatedMemory", () => {
    const demand = DEMAND_MODELS.loki({ deploymentMode: "SimpleScalable" });
    const byName = Object.fromEntries(demand.map((w) => [w.component, w]));
    expect(Object.keys(byName).sort()).toEqual([
      "backend",
      "chunksCache",
      "gateway",
      "read",
      "resultsCache",
      "write",
    ]);
    expect(byName.write).toMatchObject({ replicas: 3, onePerNode: true });
    expect(byName.chunksCache).toMatchObject({
      replicas: 1,
      cpuMillis: 500,
      memoryMiB: 9830,
      onePerNode: false,
    });
    expect(byName.resultsCache).toMatchObject({ memoryMiB: 1229 });
  });

  it("drops the one-per-node rule when a release replaces the affinity with a soft one", () => {
    const soft = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } };
    const [write] = DEMAND_MODELS.loki({ write: { replicas: 3, affinity: soft } }).filter(
      (w) => w.component === "write",
    );
    expect(write.onePerNode).toBe(false);
  });

  it("counts DaemonSets per node and metrics-server at its chart's default requests", () => {
    expect(DEMAND_MODELS["opentelemetry-collector"]({ mode: "daemonset" })[0]).toMatchObject({
      daemonSet: true,
    });
    expect(DEMAND_MODELS["metrics-server"]({ replicas: 2 })[0]).toMatchObject({
      replicas: 2,
      cpuMillis: 100,
      memoryMiB: 200,
    });
  });

  it("counts Tempo's one pod at its requests, the tempo-query sidecar added when enabled", () => {
    const tempo = { cpu: "250m", memory: "1536Mi" };
    expect(DEMAND_MODELS.tempo({ tempo: { resources: { requests: tempo } } })).toEqual([
      { component: "tempo", replicas: 1, cpuMillis: 250, memoryMiB: 1536, onePerNode: false },
    ]);
    const withQuery = DEMAND_MODELS.tempo({
      tempo: { resources: { requests: tempo } },
      tempoQuery: { enabled: true, resources: { requests: { cpu: "50m", memory: "64Mi" } } },
    });
    expect(withQuery).toEqual([
      { component: "tempo", replicas: 1, cpuMillis: 300, memoryMiB: 1600, onePerNode: false },
    ]);
  });

  it("refuses a chart without a model, naming where to add one", () => {
    const stack = testStack();
    const release = new ChartRelease(stack, "Unknown", {
      source: { repository: "https://charts.example.com", chart: "mystery", version: "1.0.0" },
      releaseName: "mystery",
      namespace: "default",
    });
    expect(() => releaseDemand(release)).toThrow(
      "ChartRelease 'test/Unknown': no capacity model for chart 'mystery'; add one to DEMAND_MODELS",
    );
  });
});

describe("releaseCapacityProblems", () => {
  const withRelease = (values: object) => {
    const stack = testStack();
    new ChartRelease(stack, "Metrics", {
      source: HELM_CHARTS.metricsServer,
      releaseName: "metrics-server",
      namespace: "kube-system",
      values,
    });
    return stack;
  };
  const large = (nodes: number, tainted = false) => ({
    name: tainted ? "gpu" : "general",
    instanceTypes: ["m7i.large"],
    nodes,
    tainted,
  });

  it("is empty when everything fits", () => {
    expect(releaseCapacityProblems(withRelease({ replicas: 2 }), [large(2)])).toEqual([]);
  });

  it("reports pods that find no room, with what the nodes offer", () => {
    const problems = releaseCapacityProblems(
      withRelease({ replicas: 2, resources: { requests: { cpu: "1500m", memory: "1Gi" } } }),
      [large(1)],
    );
    expect(problems).toContainEqual(
      expect.stringContaining(
        "release 'metrics-server' component 'server' cannot be scheduled: needs 2 pod(s) × 1500m CPU / 1024 MiB; 1 pod(s) find no node with room left",
      ),
    );
    expect(problems[0]).toContain(
      "'general': 1 × m7i.large (1930m CPU / 6903 MiB / 29 pods allocatable each)",
    );
  });

  it("reports a node group whose instance types the catalog does not know (a library consumer's own group)", () => {
    const unknown = { ...large(2), instanceTypes: ["m7i.large", "z9.mega"] };
    expect(releaseCapacityProblems(withRelease({ replicas: 1 }), [unknown])).toContainEqual(
      expect.stringContaining(
        "instance types z9.mega are not in the catalog (constructs/eks/instance-capacity.ts INSTANCE_TYPES)",
      ),
    );
  });

  it("does not count tainted node groups", () => {
    const problems = releaseCapacityProblems(
      withRelease({ replicas: 1, resources: { requests: { cpu: "1800m", memory: "1Gi" } } }),
      [large(1), large(5, true)],
    );
    expect(problems).toHaveLength(1);
  });

  it("reports the DaemonSets when they alone exceed a node", () => {
    const stack = withRelease({ replicas: 1 });
    new ChartRelease(stack, "Shipper", {
      source: HELM_CHARTS.openTelemetryCollector,
      releaseName: "log-shipper",
      namespace: "observability",
      values: { mode: "daemonset", resources: { requests: { cpu: "2", memory: "128Mi" } } },
    });
    expect(releaseCapacityProblems(stack, [large(2)])).toEqual([
      expect.stringContaining(
        "release 'log-shipper' component 'collector' (DaemonSet, 2000m CPU / 128 MiB per node)",
      ),
    ]);
  });
});
