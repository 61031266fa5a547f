import { tempoValues } from "../../../../constructs/observability/private/tempo-values";

const inputs = {
  bucketName: "dev-traces-abc",
  region: "eu-west-1",
  retentionDays: 3,
  storageClassName: "observability-gp3",
  serviceAccount: "tempo",
  serviceMonitor: true,
  requests: { cpuMillis: 100, memoryMiB: 512 },
};

describe("tempoValues", () => {
  it("stores blocks in the bucket through the SDK's credential chain (no key in any value) and keeps them retentionDays", () => {
    const values = tempoValues(inputs);
    expect(values.tempo.storage.trace).toEqual({
      backend: "s3",
      s3: { bucket: "dev-traces-abc", endpoint: "s3.eu-west-1.amazonaws.com", region: "eu-west-1" },
      wal: { path: "/var/tempo/wal" },
    });
    expect(JSON.stringify(values)).not.toMatch(/access_key|secret_key/);
    expect(values.tempo.retention).toBe("72h");
    expect(values.tempo.resources).toEqual({ requests: { cpu: "100m", memory: "512Mi" } });
  });

  it("receives OTLP only (no Jaeger ports): the gateway is the one entry point", () => {
    expect(Object.keys(tempoValues(inputs).tempo.receivers)).toEqual(["otlp"]);
  });

  it("runs the metrics generator only with a Prometheus to write to", () => {
    const without = tempoValues(inputs).tempo;
    expect(without.metricsGenerator).toEqual({ enabled: false });
    expect(without.overrides.defaults).toEqual({});
    const withPrometheus = tempoValues({ ...inputs, remoteWriteUrl: "http://prom:9090/api/v1/write" }).tempo;
    expect(withPrometheus.metricsGenerator).toEqual({
      enabled: true,
      remoteWriteUrl: "http://prom:9090/api/v1/write",
    });
    expect(withPrometheus.overrides.defaults.metrics_generator?.processors).toEqual([
      "service-graphs",
      "span-metrics",
    ]);
  });
});
