import { GRAFANA_DATASOURCE_UIDS } from "../../../../constructs/observability/grafana-datasources";
import {
  GrafanaDatasourcesValues,
  TRACE_ID_IN_LINE_REGEX,
  grafanaCloudWatchPolicy,
  grafanaDatasourcesValues,
} from "../../../../constructs/observability/private/grafana-values";

const all = grafanaDatasourcesValues({
  lokiUrl: "http://loki-gateway.observability.svc.cluster.local",
  tempoUrl: "http://tempo.observability.svc.cluster.local:3200",
  cloudWatchRegion: "eu-west-1",
});
const byType = (values: GrafanaDatasourcesValues, type: string): any =>
  values.additionalDataSources.find((d) => d.type === type);

/** Every `datasourceUid` anywhere in a value. */
function referencedUids(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedUids);
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) =>
      key === "datasourceUid" ? [inner as string] : referencedUids(inner),
    );
  }
  return [];
}

/** The uids Grafana is provisioned with: the chart's Prometheus and Alertmanager, and the additional ones. */
const provisioned = (values: GrafanaDatasourcesValues) => [
  values.sidecar.datasources.uid,
  values.sidecar.datasources.alertmanager.uid,
  ...values.additionalDataSources.map((d) => d.uid),
];

describe("Grafana datasources", () => {
  it("provision every datasource under the uid of GRAFANA_DATASOURCE_UIDS, the chart's own included", () => {
    expect(provisioned(all).sort()).toEqual(Object.values(GRAFANA_DATASOURCE_UIDS).sort());
    expect(all.additionalDataSources.every((d) => d.editable === false && d.access === "proxy")).toBe(true);
  });

  it.each([
    ["everything", all],
    ["no Tempo", grafanaDatasourcesValues({ lokiUrl: "http://loki", cloudWatchRegion: "eu-west-1" })],
    ["no Loki", grafanaDatasourcesValues({ tempoUrl: "http://tempo:3200" })],
    ["nothing but the chart's", grafanaDatasourcesValues({})],
  ])("%s: every datasourceUid a setting refers to is provisioned", (_case, values) => {
    const refs = referencedUids(values);
    for (const uid of refs) expect([uid, provisioned(values)]).toEqual([uid, expect.arrayContaining([uid])]);
  });

  it("Prometheus: exemplars' trace_id opens the trace in Tempo", () => {
    expect(all.sidecar.datasources.exemplarTraceIdDestinations).toEqual({
      datasourceUid: "tempo",
      traceIdLabelName: "trace_id",
      urlDisplayLabel: "View trace",
    });
  });

  it("Loki: trace ids in structured metadata and in log lines link to Tempo, escaped for provisioning", () => {
    expect(byType(all, "loki").jsonData.derivedFields).toEqual([
      expect.objectContaining({ matcherType: "label", matcherRegex: "trace_id", datasourceUid: "tempo" }),
      expect.objectContaining({
        matcherType: "regex",
        matcherRegex: TRACE_ID_IN_LINE_REGEX,
        datasourceUid: "tempo",
      }),
    ]);
    for (const field of byType(all, "loki").jsonData.derivedFields) expect(field.url).toBe("$${__value.raw}");
    const regex = new RegExp(TRACE_ID_IN_LINE_REGEX);
    expect(regex.exec('level=info traceID=4bf92f3577b34da6 msg="ok"')?.[1]).toBe("4bf92f3577b34da6");
    expect(regex.exec("trace_id=0af7651916cd43dd8448eb211c80319c span_id=b7ad6b71")?.[1]).toBe(
      "0af7651916cd43dd8448eb211c80319c",
    );
    expect(regex.exec("no trace here")).toBeNull();
  });

  it("Tempo: traces to the service's logs by trace id, to span metrics, service map, node graph, Loki search", () => {
    const { jsonData } = byType(all, "tempo");
    expect(jsonData.tracesToLogsV2).toMatchObject({
      datasourceUid: "loki",
      filterByTraceID: true,
      tags: [{ key: "service.name", value: "service_name" }],
    });
    expect(jsonData.tracesToMetrics).toMatchObject({
      datasourceUid: "prometheus",
      tags: [{ key: "service.name", value: "service" }],
    });
    for (const { query } of jsonData.tracesToMetrics.queries) {
      expect(query).toContain("traces_spanmetrics_");
      // `$__tags` is a Grafana variable: written `$$` so provisioning does not expand it as an env variable.
      expect(query).toContain("{$$__tags");
    }
    expect(jsonData.serviceMap).toEqual({ datasourceUid: "prometheus" });
    expect(jsonData.nodeGraph).toEqual({ enabled: true });
    expect(jsonData.lokiSearch).toEqual({ datasourceUid: "loki" });
  });

  it("Loki and Tempo drop the links to a backend that does not run", () => {
    const noTempo = grafanaDatasourcesValues({ lokiUrl: "http://loki" });
    expect(byType(noTempo, "loki").jsonData).toEqual({});
    expect(noTempo.sidecar.datasources).not.toHaveProperty("exemplarTraceIdDestinations");
    const noLoki = grafanaDatasourcesValues({ tempoUrl: "http://tempo:3200" });
    expect(byType(noLoki, "tempo").jsonData).not.toHaveProperty("tracesToLogsV2");
    expect(byType(noLoki, "tempo").jsonData).not.toHaveProperty("lokiSearch");
  });

  it("CloudWatch: the SDK's default credentials (Pod Identity) and the environment's region", () => {
    expect(byType(all, "cloudwatch")).toMatchObject({
      uid: "cloudwatch",
      jsonData: { authType: "default", defaultRegion: "eu-west-1" },
    });
    expect(byType(all, "cloudwatch")).not.toHaveProperty("secureJsonData");
  });
});

describe("Grafana's CloudWatch policy", () => {
  const statements = grafanaCloudWatchPolicy("eu-west-1").Statement;
  const actions = statements.flatMap((s) => [s.Action].flat());

  it("is read-only: describe, list, get and Logs Insights queries only", () => {
    for (const action of actions) {
      expect(action).toMatch(
        /^(cloudwatch:(Describe|List|Get)\w+|logs:(Describe|Get)\w+|logs:(Start|Stop)Query|ec2:Describe\w+|tag:GetResources)$/,
      );
    }
    expect(actions).toEqual(
      expect.arrayContaining(["logs:StartQuery", "tag:GetResources", "ec2:DescribeRegions"]),
    );
    expect(statements.every((s) => s.Effect === "Allow")).toBe(true);
  });

  it("is limited to the region", () => {
    for (const s of statements)
      expect(s.Condition).toEqual({ StringEquals: { "aws:RequestedRegion": "eu-west-1" } });
  });
});
