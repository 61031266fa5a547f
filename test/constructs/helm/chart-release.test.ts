import { ChartRelease, ChartReleaseProps } from "../../../constructs/helm/chart-release";
import { HELM_CHARTS } from "../../../constructs/versions";
import { expectErrorContaining, onlyResource } from "../../helpers";
import { synthPlatformScope } from "../../platform-helpers";

const PROPS: ChartReleaseProps = {
  source: HELM_CHARTS.externalDns,
  releaseName: "external-dns",
  namespace: "external-dns",
  values: { policy: "sync", domainFilters: ["example.com"] },
};
const synth = (props: ChartReleaseProps) =>
  onlyResource(
    synthPlatformScope((scope) => new ChartRelease(scope, "Release", props)),
    "helm_release",
  );

describe("ChartRelease", () => {
  const release = synth(PROPS);

  it("pins the chart, names the namespace without creating it, and is atomic with a timeout", () => {
    expect(release).toMatchObject({
      name: "external-dns",
      namespace: "external-dns",
      create_namespace: false,
      repository: HELM_CHARTS.externalDns.repository,
      chart: "external-dns",
      version: HELM_CHARTS.externalDns.version,
      atomic: true,
      cleanup_on_fail: true,
      wait: true,
      timeout: 600,
      max_history: 5,
    });
  });

  it("passes the values object as one JSON document (JSON is YAML), never as YAML text", () => {
    expect(release.values).toEqual([JSON.stringify(PROPS.values)]);
    expect(JSON.parse(release.values[0])).toEqual(PROPS.values);
    expect(release).not.toHaveProperty("set");
  });

  it("names no repository for a chart on a local path", () => {
    const local = synth({ ...PROPS, source: { chart: "charts/local", version: "1.0.0" } });
    expect(local).not.toHaveProperty("repository");
    expect(local.chart).toBe("charts/local");
  });

  it.each([
    [
      "releaseName",
      { releaseName: "External_DNS" },
      '"External_DNS"',
      "must be 1–53 lowercase letters, digits or '-'",
    ],
    [
      "source.version",
      { source: { ...HELM_CHARTS.externalDns, version: "^1.21" } },
      '"^1.21"',
      "must be an exact chart version",
    ],
    ["timeoutSeconds", { timeoutSeconds: 30 }, "got 30", "must be a whole number of seconds from 60 to 3600"],
  ])("rejects a bad %s, naming the prop, the value and what is allowed", (prop, props, got, allowed) => {
    expectErrorContaining(
      () => synth({ ...PROPS, ...props }),
      "ChartRelease 'stack/Release'",
      `'${prop}'`,
      got,
      allowed,
    );
  });
});
