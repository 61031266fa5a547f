import { MetricsServer } from "../../../constructs/eks/metrics-server";
import { HELM_CHARTS } from "../../../constructs/versions";
import { expectErrorContaining } from "../../helpers";
import { releasesOf, synthPlatformScope, valuesOf } from "../../platform-helpers";

describe("MetricsServer", () => {
  it("installs the pinned chart in kube-system, two replicas under a PodDisruptionBudget", () => {
    const json = synthPlatformScope((scope) => new MetricsServer(scope, "MetricsServer"));
    expect(releasesOf(json)["metrics-server"]).toMatchObject({
      chart: "metrics-server",
      version: HELM_CHARTS.metricsServer.version,
      namespace: "kube-system",
      atomic: true,
    });
    expect(valuesOf(json, "metrics-server")).toEqual({
      replicas: 2,
      podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    });
  });

  it("has no PodDisruptionBudget with one replica (it would block every drain)", () => {
    const json = synthPlatformScope((scope) => new MetricsServer(scope, "MetricsServer", { replicas: 1 }));
    expect(valuesOf(json, "metrics-server").podDisruptionBudget).toEqual({ enabled: false });
  });

  it("rejects a replica count outside 1–5", () => {
    expectErrorContaining(
      () => synthPlatformScope((scope) => new MetricsServer(scope, "MetricsServer", { replicas: 0 })),
      "MetricsServer",
      "'replicas'",
      "must be a whole number of replicas from 1 to 5",
    );
  });
});
