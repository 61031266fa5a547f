import { kubernetesObjectsRelease } from "../../../constructs/helm/kubernetes-objects";
import { findResource } from "../../helpers";
import { synthPlatformScope } from "../../platform-helpers";

const issuer = { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "a" } };
const pool = { apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: "b" } };

describe("kubernetesObjectsRelease", () => {
  const json = synthPlatformScope((scope) => {
    const first = kubernetesObjectsRelease(scope, "Issuers", {
      releaseName: "issuers",
      namespace: "cert-manager",
      objects: [issuer],
    });
    kubernetesObjectsRelease(scope, "Pools", {
      releaseName: "pools",
      namespace: "karpenter",
      objects: [pool],
      timeoutSeconds: 120,
      dependsOn: [first.release],
    });
  });
  const [issuers, pools] = ["Issuers", "Pools"].map((id) =>
    findResource(json, "helm_release", `${id}/Release`),
  );

  it("renders the objects as the chart's only value, at the given construct ids", () => {
    expect(JSON.parse(issuers.body.values[0])).toEqual({ objects: [issuer] });
    expect(JSON.parse(pools.body.values[0])).toEqual({ objects: [pool] });
    expect(issuers.body).toMatchObject({ name: "issuers", namespace: "cert-manager", timeout: 300 });
    expect(pools.body).toMatchObject({ name: "pools", namespace: "karpenter", timeout: 120 });
  });

  it("shares one chart asset per scope, pinned by the chart's version", () => {
    expect(issuers.body.chart).toBe(pools.body.chart);
    expect(issuers.body.chart).toMatch(/^assets\/KubernetesObjectsChart\//);
    expect(issuers.body.version).toBe("1.0.0");
  });

  it("waits for what it depends on", () => {
    expect(pools.body.depends_on).toEqual([issuers.address]);
    expect(issuers.body.depends_on).toBeUndefined();
  });
});
