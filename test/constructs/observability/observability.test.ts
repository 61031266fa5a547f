import { Construct } from "constructs";
import { ChartRelease } from "../../../constructs/helm/chart-release";
import { ObjectStorage } from "../../../constructs/object-storage/object-storage";
import {
  DEFAULT_OBSERVABILITY_SIZING,
  Observability,
  ObservabilityProps,
} from "../../../constructs/observability/observability";
import { HELM_CHARTS } from "../../../constructs/versions";
import { TerraformJson, expectErrorContaining, findResources, keysOf, resourcesOf } from "../../helpers";
import {
  addressesOf,
  policyStatements,
  releasesOf,
  synthPlatformScope,
  valuesOf,
} from "../../platform-helpers";

const CLUSTER = { clusterName: "test-cluster" };
type Options = Omit<ObservabilityProps, "cluster" | "logBucket" | "traceBucket" | "dependsOn"> & {
  withBucket?: boolean;
  withTraceBucket?: boolean;
};

/** Observability in a scope with log and trace buckets and a stand-in for the load balancer controller's release. */
function synth(options: Options = {}): TerraformJson {
  const { withBucket = true, withTraceBucket = true, ...props } = options;
  return synthPlatformScope((scope: Construct) => {
    const bucket = withBucket ? new ObjectStorage(scope, "LogBucket") : undefined;
    const traceBucket = withTraceBucket ? new ObjectStorage(scope, "TraceBucket") : undefined;
    const controller = new ChartRelease(scope, "Controller", {
      source: HELM_CHARTS.awsLoadBalancerController,
      releaseName: "aws-load-balancer-controller",
      namespace: "kube-system",
    });
    new Observability(scope, "Observability", {
      cluster: CLUSTER,
      region: "eu-west-1",
      logBucket: bucket,
      traceBucket,
      dependsOn: [controller.release],
      alarmName: "test",
      ...props,
    });
  });
}

const full = synth({ prometheusRetentionDays: 7, prometheusStorageGiB: 20, lokiRetentionDays: 14 });
const releases = releasesOf(full);
// Traces to X-Ray as well, and a month of traces in Tempo.
const withXray = synth({ xray: true, tempoRetentionDays: 30 });
const OBSERVABILITY_RELEASES = ["kube-prometheus-stack", "loki", "log-shipper", "otel-collector"];

describe("Observability releases", () => {
  it("are the catalog's pinned charts, in one namespace Terraform creates, atomic with timeouts", () => {
    const charts: Record<string, { repository: string; chart: string; version: string }> = {
      "kube-prometheus-stack": HELM_CHARTS.kubePrometheusStack,
      loki: HELM_CHARTS.loki,
      "log-shipper": HELM_CHARTS.openTelemetryCollector,
      "otel-collector": HELM_CHARTS.openTelemetryCollector,
    };
    for (const [name, source] of Object.entries(charts)) {
      expect(releases[name]).toMatchObject({
        ...source,
        namespace: "observability",
        atomic: true,
        wait: true,
      });
      expect(releases[name].timeout).toBeGreaterThanOrEqual(600);
      expect(releases[name].depends_on).toContainEqual(
        expect.stringMatching(/^kubernetes_namespace_v1\.Observability_Namespace_/),
      );
    }
    expect(Object.values(resourcesOf(full, "kubernetes_namespace_v1")).map((n) => n.metadata.name)).toEqual([
      "observability",
    ]);
  });

  it("are installed after (and uninstalled before) the given dependency, in dependency order", () => {
    for (const name of OBSERVABILITY_RELEASES) {
      expect(releases[name].depends_on).toContain(releases["aws-load-balancer-controller"].address);
    }
    const prometheus = releases["kube-prometheus-stack"].address;
    expect(releases.loki.depends_on).toContain(prometheus);
    expect(releases["log-shipper"].depends_on).toContain(releases.loki.address);
    expect(releases["otel-collector"].depends_on).toEqual(
      expect.arrayContaining([prometheus, releases.loki.address]),
    );
  });

  it("hold no secret: no password, key or token value anywhere, only names of Kubernetes Secrets", () => {
    for (const name of OBSERVABILITY_RELEASES) {
      const keys = keysOf(valuesOf(full, name));
      expect(
        keys.filter((k) => /^(password|adminPassword|secretAccessKey|accessKeyId|apiKey|token)$/i.test(k)),
      ).toEqual([]);
    }
  });
});

describe("Observability: kube-prometheus-stack", () => {
  const values = valuesOf(full, "kube-prometheus-stack");
  const spec = values.prometheus.prometheusSpec;

  it("keeps metrics for the given days on an encrypted gp3 volume of the given size", () => {
    expect(spec.retention).toBe("7d");
    expect(spec.retentionSize).toBe("17GB");
    expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe("20Gi");
    expect(spec.storageSpec.volumeClaimTemplate.spec.storageClassName).toMatch(
      /kubernetes_storage_class_v1\./,
    );
    expect(Object.values(resourcesOf(full, "kubernetes_storage_class_v1"))[0]).toMatchObject({
      storage_provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      volume_binding_mode: "WaitForFirstConsumer",
    });
  });

  it("selects every ServiceMonitor, PodMonitor, probe and rule in every namespace", () => {
    for (const kind of ["serviceMonitor", "podMonitor", "rule", "probe", "scrapeConfig"]) {
      expect(spec[`${kind}SelectorNilUsesHelmValues`]).toBe(false);
    }
    for (const selector of ["serviceMonitor", "podMonitor", "rule"]) {
      expect(spec[`${selector}Selector`]).toEqual({});
      expect(spec[`${selector}NamespaceSelector`]).toEqual({});
    }
  });

  it("disables the control-plane jobs EKS manages", () => {
    for (const job of ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"]) {
      expect(values[job]).toEqual({ enabled: false });
    }
  });

  it("lets the Grafana chart generate its admin password by default (no password in any value)", () => {
    expect(values.grafana).not.toHaveProperty("admin");
    expect(values.grafana).not.toHaveProperty("adminPassword");
  });

  it("reads Grafana's admin from a named Secret when one is given", () => {
    const json = synth({ grafanaAdminSecretName: "grafana-admin" });
    expect(valuesOf(json, "kube-prometheus-stack").grafana.admin).toEqual({
      existingSecret: "grafana-admin",
      userKey: "admin-user",
      passwordKey: "admin-password",
    });
  });

  it("reads Alertmanager's receivers from a Secret by name, and adds Loki, Tempo and CloudWatch datasources", () => {
    expect(values.alertmanager.alertmanagerSpec).toEqual({
      useExistingSecret: true,
      configSecret: "alertmanager-config",
    });
    expect(values.grafana.additionalDataSources).toEqual([
      expect.objectContaining({ type: "loki", url: "http://loki-gateway.observability.svc.cluster.local" }),
      expect.objectContaining({ type: "tempo", url: "http://tempo.observability.svc.cluster.local:3200" }),
      expect.objectContaining({
        type: "cloudwatch",
        jsonData: { authType: "default", defaultRegion: "eu-west-1" },
      }),
    ]);
  });

  it("keeps exemplars and accepts Tempo's remote writes", () => {
    expect(values.prometheus.prometheusSpec).toMatchObject({
      enableFeatures: ["exemplar-storage"],
      enableRemoteWriteReceiver: true,
    });
  });

  it("gives Grafana's service account a read-only CloudWatch role in the region, installed before Grafana", () => {
    const association = Object.values(resourcesOf(full, "aws_eks_pod_identity_association")).find((a) =>
      String(a.role_arn).includes("GrafanaCloudWatchRole"),
    );
    expect(association).toMatchObject({ namespace: "observability", service_account: "grafana" });
    expect(values.grafana.serviceAccount).toEqual({ create: true, name: "grafana" });
    const statements = policyStatements(full, "cloudwatch-read");
    for (const s of statements) {
      expect(s.Condition).toEqual({ StringEquals: { "aws:RequestedRegion": "eu-west-1" } });
    }
    expect(releasesOf(full)["kube-prometheus-stack"].depends_on).toContainEqual(
      expect.stringMatching(/^aws_eks_pod_identity_association\.Observability_GrafanaCloudWatchRole_/),
    );
  });

  it("without Tempo: no remote-write receiver, no Tempo datasource; without grafanaCloudWatch: no role", () => {
    const json = synth({ tracing: false, grafanaCloudWatch: false });
    const own = valuesOf(json, "kube-prometheus-stack");
    expect(own.prometheus.prometheusSpec.enableRemoteWriteReceiver).toBe(false);
    expect(own.grafana.additionalDataSources.map((d: { type: string }) => d.type)).toEqual(["loki"]);
    expect(own.grafana.sidecar.datasources).not.toHaveProperty("exemplarTraceIdDestinations");
    expect(addressesOf(json).filter((a) => a.includes("GrafanaCloudWatchRole"))).toEqual([]);
  });
});

describe("Observability: Loki and log shipping", () => {
  const values = valuesOf(full, "loki");

  it("stores chunks and indexes in the log bucket (schema v13, TSDB) and deletes logs after the retention", () => {
    // Monolithic: the pinned chart's name for the deprecated SingleBinary.
    expect(values.deploymentMode).toBe("Monolithic");
    expect(values.loki.storage.type).toBe("s3");
    // chunks and ruler only: the chart has no `admin` bucket (Enterprise support was removed).
    expect(Object.keys(values.loki.storage.bucketNames).sort()).toEqual(["chunks", "ruler"]);
    for (const bucket of Object.values(values.loki.storage.bucketNames)) {
      expect(bucket).toMatch(/^\$\{aws_s3_bucket\.LogBucket_[0-9A-F]+\.bucket\}$/);
    }
    expect(values.loki.storage.s3).toEqual({ region: "eu-west-1" });
    expect(values.loki.schemaConfig.configs[0]).toMatchObject({
      store: "tsdb",
      object_store: "s3",
      schema: "v13",
    });
    expect(values.loki.limits_config.retention_period).toBe("336h");
    expect(values.loki.compactor).toEqual({ retention_enabled: true, delete_request_store: "s3" });
    expect(values.singleBinary.replicas).toBe(1);
  });

  it("reaches S3 through a Pod Identity role limited to the log bucket and its key", () => {
    const statements = policyStatements(full, "log-bucket");
    const resources = statements.flatMap((s: any) => [s.Resource].flat());
    expect(resources.length).toBeGreaterThan(0);
    for (const resource of resources) {
      expect(resource).toMatch(
        /^\$\{(aws_s3_bucket\.LogBucket_[0-9A-F]+\.arn\}(\/\*)?|aws_kms_key\.LogBucket_Key_[0-9A-F]+\.arn\})$/,
      );
    }
    const association = Object.values(resourcesOf(full, "aws_eks_pod_identity_association")).find(
      (a) => a.service_account === "loki",
    );
    expect(association).toMatchObject({ namespace: "observability", cluster_name: "test-cluster" });
    expect(values.serviceAccount).toEqual({ create: true, name: "loki" });
  });

  it("runs read/write/backend targets with replication in simple-scalable mode, sized by the defaults", () => {
    const scalable = valuesOf(synth({ lokiMode: "simpleScalable" }), "loki");
    expect(scalable).toMatchObject({
      deploymentMode: "SimpleScalable",
      loki: { commonConfig: { replication_factor: 2 } },
      singleBinary: { replicas: 0 },
      read: { replicas: 2, resources: { requests: { cpu: "100m", memory: "256Mi" } } },
      write: { replicas: 2, resources: { requests: { cpu: "100m", memory: "512Mi" } } },
      backend: { replicas: 2 },
      chunksCache: { enabled: true, allocatedMemory: 512 },
      resultsCache: { enabled: true, allocatedMemory: 256 },
    });
  });

  it("takes replicas and requests from sizing; the replication factor follows the writers up to 3", () => {
    const sizing = {
      ...DEFAULT_OBSERVABILITY_SIZING,
      loki: {
        ...DEFAULT_OBSERVABILITY_SIZING.loki,
        write: { replicas: 4, cpuMillis: 300, memoryMiB: 2048 },
        chunksCacheMiB: 1024,
      },
      prometheus: { cpuMillis: 700, memoryMiB: 3072 },
    };
    const synthesized = synth({ lokiMode: "simpleScalable", sizing });
    const loki = valuesOf(synthesized, "loki");
    expect(loki.write).toMatchObject({
      replicas: 4,
      resources: { requests: { cpu: "300m", memory: "2048Mi" } },
    });
    expect(loki.loki.commonConfig.replication_factor).toBe(3);
    expect(loki.chunksCache).toEqual({ enabled: true, allocatedMemory: 1024 });
    expect(valuesOf(synthesized, "kube-prometheus-stack").prometheus.prometheusSpec.resources).toEqual({
      requests: { cpu: "700m", memory: "3072Mi" },
    });
  });

  it("rejects sizing that is not whole and positive", () => {
    const sizing = {
      ...DEFAULT_OBSERVABILITY_SIZING,
      loki: { ...DEFAULT_OBSERVABILITY_SIZING.loki, read: { replicas: 0, cpuMillis: 100, memoryMiB: 256 } },
    };
    expect(() => synth({ sizing })).toThrow(
      /'sizing\.loki\.read\.replicas' must be a whole number of replicas from 1 to 50, got 0/,
    );
  });

  it("ships every node's container logs to Loki over OTLP", () => {
    expect(valuesOf(full, "log-shipper")).toMatchObject({
      mode: "daemonset",
      presets: { logsCollection: { enabled: true }, kubernetesAttributes: { enabled: true } },
      config: {
        exporters: {
          "otlphttp/loki": { endpoint: "http://loki-gateway.observability.svc.cluster.local/otlp" },
        },
        service: { pipelines: { logs: { exporters: ["otlphttp/loki"] } } },
      },
    });
  });
});

describe("Observability: Tempo", () => {
  const values = valuesOf(full, "tempo");

  it("stores traces in the trace bucket through a Pod Identity role limited to that bucket and its key", () => {
    expect(values.tempo.storage.trace).toMatchObject({
      backend: "s3",
      s3: {
        bucket: expect.stringMatching(/^\$\{aws_s3_bucket\.TraceBucket_\w+\.bucket\}$/),
        region: "eu-west-1",
        endpoint: "s3.eu-west-1.amazonaws.com",
      },
    });
    const association = Object.values(resourcesOf(full, "aws_eks_pod_identity_association")).find((a) =>
      String(a.role_arn).includes("TempoRole"),
    );
    expect(association).toMatchObject({ namespace: "observability", service_account: "tempo" });
    expect(values.serviceAccount).toEqual({ create: true, name: "tempo" });
    const resources = policyStatements(full, "trace-bucket").flatMap((s) => [s.Resource].flat());
    expect(resources.length).toBeGreaterThan(0);
    for (const resource of resources) {
      expect(resource).toMatch(
        /^\$\{(aws_s3_bucket\.TraceBucket_\w+\.arn\}(\/\*)?|aws_kms_key\.TraceBucket_\w+\.arn\})$/,
      );
    }
    expect(releasesOf(full).tempo.depends_on).toContainEqual(
      expect.stringMatching(/^aws_eks_pod_identity_association\.Observability_TempoRole_/),
    );
  });

  it("keeps traces for tempoRetentionDays (default 7), its WAL on a persistent encrypted volume", () => {
    expect(values.tempo.retention).toBe("168h");
    expect(valuesOf(withXray, "tempo").tempo.retention).toBe("720h");
    expect(values.persistence).toEqual({
      enabled: true,
      storageClassName: expect.stringMatching(
        /^\$\{kubernetes_storage_class_v1\.Observability_StorageClass_/,
      ),
      size: "10Gi",
    });
    expect(values.tempo.reportingEnabled).toBe(false);
  });

  it("writes span metrics and the service graph to Prometheus when monitoring runs", () => {
    expect(values.tempo.metricsGenerator).toEqual({
      enabled: true,
      remoteWriteUrl:
        "http://kube-prometheus-stack-prometheus.observability.svc.cluster.local:9090/api/v1/write",
    });
    expect(values.tempo.overrides.defaults.metrics_generator.processors).toEqual([
      "service-graphs",
      "span-metrics",
    ]);
    expect(values.serviceMonitor.enabled).toBe(true);
  });
});

describe("Observability: OTLP gateway", () => {
  it("receives OTLP and sends traces to Tempo, metrics to Prometheus, logs to Loki; no AWS role by default", () => {
    const values = valuesOf(full, "otel-collector");
    expect(values).toMatchObject({ mode: "deployment", replicaCount: 2, fullnameOverride: "otel-collector" });
    expect(values.config.service.pipelines).toEqual({
      traces: { exporters: ["otlp_grpc/tempo"] },
      metrics: { exporters: ["prometheus"] },
      logs: { exporters: ["otlphttp/loki"] },
    });
    expect(values.config.exporters["otlp_grpc/tempo"]).toEqual({
      endpoint: "tempo.observability.svc.cluster.local:4317",
      tls: { insecure: true },
    });
    expect(values.config.exporters).not.toHaveProperty("awsxray");
    expect(values.serviceMonitor.enabled).toBe(true);
    expect(addressesOf(full).filter((a) => a.includes("OtlpGatewayRole"))).toEqual([]);
    expect(releasesOf(full)["otel-collector"].depends_on).toContainEqual(releasesOf(full).tempo.address);
  });

  it("with xray, also sends traces to X-Ray through a role that may only write them", () => {
    const json = withXray;
    const values = valuesOf(json, "otel-collector");
    expect(values.config.service.pipelines.traces).toEqual({ exporters: ["otlp_grpc/tempo", "awsxray"] });
    expect(values.config.exporters.awsxray).toEqual({ region: "eu-west-1" });
    const statements = policyStatements(json, "xray-write");
    expect(statements).toHaveLength(1);
    expect(statements[0].Action.every((a: string) => a.startsWith("xray:"))).toBe(true);
  });

  it("with xray and no trace bucket, sends traces to X-Ray only (no Tempo)", () => {
    const json = synth({
      xray: true,
      withTraceBucket: false,
      withBucket: false,
      monitoring: false,
      logging: false,
    });
    expect(releasesOf(json)).not.toHaveProperty("tempo");
    expect(valuesOf(json, "otel-collector").config.service.pipelines.traces).toEqual({
      exporters: ["awsxray"],
    });
  });
});

describe("Observability: turning a component off removes exactly its resources", () => {
  const all = addressesOf(full);
  it.each([
    ["monitoring", /\.Observability_(KubePrometheusStack|GrafanaCloudWatchRole|Slos|Dashboards)_/],
    ["logging", /\.Observability_(Loki|LogShipper|Dashboards_platform-loki_)/],
    ["tracing", /\.Observability_(OtlpGateway|Tempo|Dashboards_platform-tempo_)/],
  ] as const)("%s: false", (component, owned) => {
    const without = addressesOf(
      synth({
        prometheusRetentionDays: 7,
        prometheusStorageGiB: 20,
        lokiRetentionDays: 14,
        [component]: false,
      }),
    );
    const removed = all.filter((a) => !without.includes(a));
    expect(removed.length).toBeGreaterThan(0);
    expect(removed).toEqual(all.filter((a) => owned.test(a)));
    expect(without.filter((a) => !all.includes(a))).toEqual([]);
  });

  it("with everything off, only the alarms remain", () => {
    const json = synth({ monitoring: false, logging: false, tracing: false });
    expect(resourcesOf(json, "kubernetes_namespace_v1")).toEqual({});
    expect(Object.keys(releasesOf(json))).toEqual(["aws-load-balancer-controller"]);
    expect(findResources(json, "aws_sns_topic")).toHaveLength(1);
  });
});

describe("Observability validation", () => {
  it.each([
    ["namespace", { namespace: "Observability" }, '"Observability"', "must be a Kubernetes namespace name"],
    [
      "prometheusRetentionDays",
      { prometheusRetentionDays: 0 },
      "got 0",
      "must be a whole number of days from 1 to 365",
    ],
    [
      "prometheusStorageGiB",
      { prometheusStorageGiB: 5 },
      "got 5",
      "must be a whole number of GiB from 10 to 16384",
    ],
    [
      "lokiMode",
      { lokiMode: "distributed" as never },
      '"distributed"',
      "must be 'singleBinary' or 'simpleScalable'",
    ],
    [
      "lokiRetentionDays",
      { lokiRetentionDays: 1.5 },
      "got 1.5",
      "must be a whole number of days from 1 to 3650",
    ],
    [
      "grafanaAdminSecretName",
      { grafanaAdminSecretName: "Grafana Admin" },
      '"Grafana Admin"',
      "must be a Kubernetes object name",
    ],
    ["logBucket", { withBucket: false }, "got undefined", "is required when logging is on"],
    [
      "traceBucket",
      { withTraceBucket: false },
      "got undefined",
      "is required when tracing is on (Tempo stores traces in it), unless only X-Ray receives traces",
    ],
    [
      "tempoRetentionDays",
      { tempoRetentionDays: 0 },
      "got 0",
      "must be a whole number of days from 1 to 3650",
    ],
    [
      "sizing.tempo.memoryMiB",
      { sizing: { ...DEFAULT_OBSERVABILITY_SIZING, tempo: { cpuMillis: 100, memoryMiB: 8 } } },
      "got 8",
      "must be a whole number of MiB from 16 to 262144",
    ],
  ])(
    "rejects a bad %s, naming the construct, prop, value and what is allowed",
    (prop, options, got, allowed) => {
      expectErrorContaining(
        () => synth(options as Options),
        "Observability 'stack/Observability'",
        `'${prop}'`,
        got,
        allowed,
      );
    },
  );
});
