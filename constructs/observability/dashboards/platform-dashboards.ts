import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { KUBERNETES_NAMESPACE } from "../../core/aws-identifiers";
import { PropValidator } from "../../core/validation";
import { PlatformMetric } from "../platform-metrics";
import { LOKI_WRITE_ROUTES } from "../platform-slos";
import { LabelMatch, seriesSelector } from "../slo";
import {
  GrafanaDashboard,
  PanelSpec,
  cloudWatchDimensionVariable,
  cloudWatchQuery,
  dashboard,
  prometheusLabelVariable,
  promQuery,
} from "./grafana-dashboard";

/**
 * The label (and value) kube-prometheus-stack's Grafana dashboard sidecar loads ConfigMaps by
 * (`grafana.sidecar.dashboards.label` / `labelValue` of the pinned chart; it searches every namespace).
 */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

/** What a ConfigMap may hold in total (Kubernetes rejects larger ones). */
export const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

/** Which dashboards apply: the Loki and Tempo ones only with their component. */
export interface PlatformDashboardOptions {
  /** Namespace of the observability releases (selects Loki's and Tempo's series). */
  readonly namespace: string;
  /** Loki runs. */
  readonly logging: boolean;
  /** Tempo runs. */
  readonly tracing: boolean;
}

/** A series selector of a platform metric (names checked at compile time). */
const series = (metric: PlatformMetric, matchers?: Readonly<Record<string, LabelMatch>>) =>
  seriesSelector(metric, matchers);

function clusterCapacity(): GrafanaDashboard {
  const share = (resource: string) =>
    `sum by (node) (${series("kube_pod_container_resource_requests", { resource })}) / ` +
    `sum by (node) (${series("kube_node_status_allocatable", { resource })})`;
  return dashboard({
    uid: "platform-cluster-capacity",
    title: "Platform / Cluster capacity",
    description: "Requests against allocatable per node, usage by namespace, nodes and pending pods.",
    tags: ["capacity"],
    panels: [
      {
        title: "Nodes",
        description: "Nodes in the cluster (managed node groups and Karpenter).",
        type: "stat",
        targets: [promQuery(`count(${series("kube_node_info")})`)],
      },
      {
        title: "Pending pods",
        description: "Pods waiting for a node: Karpenter should launch one within minutes.",
        type: "stat",
        targets: [promQuery(`sum(${series("kube_pod_status_phase", { phase: "Pending" })})`)],
      },
      {
        title: "CPU requested / allocatable",
        description: "Per node: the scheduler's view of what is left.",
        unit: "percentunit",
        targets: [promQuery(share("cpu"), "{{node}}")],
      },
      {
        title: "Memory requested / allocatable",
        description: "Per node: the scheduler's view of what is left.",
        unit: "percentunit",
        targets: [promQuery(share("memory"), "{{node}}")],
      },
      {
        title: "CPU used by namespace",
        description: "Cores in use (cAdvisor).",
        targets: [
          promQuery(
            `sum by (namespace) (rate(${series("container_cpu_usage_seconds_total", { container: { regex: ".+" } })}[5m]))`,
            "{{namespace}}",
          ),
        ],
      },
      {
        title: "Memory working set by namespace",
        description: "What the OOM killer looks at (cAdvisor).",
        unit: "bytes",
        targets: [
          promQuery(
            `sum by (namespace) (${series("container_memory_working_set_bytes", { container: { regex: ".+" } })})`,
            "{{namespace}}",
          ),
        ],
      },
    ],
  });
}

function ingressLoadBalancers(): GrafanaDashboard {
  const ns = "AWS/ApplicationELB";
  const lb = { LoadBalancer: "$loadbalancer" };
  return dashboard({
    uid: "platform-ingress-alb",
    title: "Platform / Ingress (ALB)",
    description:
      "The Application Load Balancers of the region, from CloudWatch: traffic, 5xx, latency and target health. The ALB SLO's burn-rate alarms are CloudWatch alarms on the same metrics.",
    tags: ["ingress", "cloudwatch"],
    variables: [
      cloudWatchDimensionVariable("loadbalancer", "Load balancer", ns, "RequestCount", "LoadBalancer"),
    ],
    panels: [
      {
        title: "Requests",
        description: "RequestCount per period.",
        targets: [cloudWatchQuery(ns, "RequestCount", "Sum", lb, "requests")],
      },
      {
        title: "5xx responses",
        description: "From the targets and from the load balancer itself (no healthy target, timeouts).",
        targets: [
          cloudWatchQuery(ns, "HTTPCode_Target_5XX_Count", "Sum", lb, "targets"),
          cloudWatchQuery(ns, "HTTPCode_ELB_5XX_Count", "Sum", lb, "load balancer"),
        ],
      },
      {
        title: "Target response time (p99)",
        description: "Time from the load balancer's request to the target's first response byte.",
        unit: "s",
        targets: [cloudWatchQuery(ns, "TargetResponseTime", "p99", lb, "p99")],
      },
      {
        title: "Healthy and unhealthy targets",
        description: "Per target group of the selected load balancers.",
        targets: [
          cloudWatchQuery(ns, "HealthyHostCount", "Minimum", { ...lb, TargetGroup: "*" }, "healthy"),
          cloudWatchQuery(ns, "UnHealthyHostCount", "Maximum", { ...lb, TargetGroup: "*" }, "unhealthy"),
        ],
      },
    ],
  });
}

function database(): GrafanaDashboard {
  const ns = "AWS/RDS";
  const db = { DBInstanceIdentifier: "$db" };
  return dashboard({
    uid: "platform-rds",
    title: "Platform / RDS for PostgreSQL",
    description:
      "The region's RDS instances from CloudWatch: CPU, connections, memory, storage, latency and IOPS.",
    tags: ["rds", "cloudwatch"],
    variables: [
      cloudWatchDimensionVariable("db", "DB instance", ns, "CPUUtilization", "DBInstanceIdentifier"),
    ],
    panels: [
      {
        title: "CPU utilization",
        description: "Percent of the instance's vCPUs.",
        targets: [cloudWatchQuery(ns, "CPUUtilization", "Average", db)],
      },
      {
        title: "Connections",
        description: "Open database connections.",
        targets: [cloudWatchQuery(ns, "DatabaseConnections", "Maximum", db)],
      },
      {
        title: "Freeable memory",
        description: "Memory left for the page cache.",
        unit: "bytes",
        targets: [cloudWatchQuery(ns, "FreeableMemory", "Minimum", db)],
      },
      {
        title: "Free storage",
        description: "Storage autoscaling grows the volume before it runs out.",
        unit: "bytes",
        targets: [cloudWatchQuery(ns, "FreeStorageSpace", "Minimum", db)],
      },
      {
        title: "Read and write latency",
        description: "Average I/O latency.",
        unit: "s",
        targets: [
          cloudWatchQuery(ns, "ReadLatency", "Average", db, "read"),
          cloudWatchQuery(ns, "WriteLatency", "Average", db, "write"),
        ],
      },
      {
        title: "Read and write IOPS",
        description: "I/O operations per second.",
        targets: [
          cloudWatchQuery(ns, "ReadIOPS", "Average", db, "read"),
          cloudWatchQuery(ns, "WriteIOPS", "Average", db, "write"),
        ],
      },
    ],
  });
}

function loki(namespace: string): GrafanaDashboard {
  const writes = { namespace, route: { regex: LOKI_WRITE_ROUTES } };
  const requests = series("loki_request_duration_seconds_count", writes);
  return dashboard({
    uid: "platform-loki",
    title: "Platform / Loki health",
    description: "Loki's write path (what the loki-write SLO measures) and its ingestion.",
    tags: ["loki", "logs"],
    panels: [
      {
        title: "Write requests by route and status",
        description: "Push and OTLP requests per second.",
        unit: "reqps",
        targets: [
          promQuery(`sum by (route, status_code) (rate(${requests}[5m]))`, "{{route}} {{status_code}}"),
        ],
      },
      {
        title: "Write 5xx ratio",
        description: "The loki-write SLO's bad events over all events.",
        unit: "percentunit",
        targets: [
          promQuery(
            `sum(rate(${series("loki_request_duration_seconds_count", { ...writes, status_code: { regex: "5.." } })}[5m])) / sum(rate(${requests}[5m]))`,
            "5xx",
          ),
        ],
      },
      {
        title: "Bytes received",
        description: "Uncompressed bytes the distributors received.",
        unit: "bytes",
        targets: [
          promQuery(
            `sum(rate(${series("loki_distributor_bytes_received_total", { namespace })}[5m]))`,
            "bytes/s",
          ),
        ],
      },
      {
        title: "Lines received",
        description: "Log lines per second.",
        targets: [
          promQuery(
            `sum(rate(${series("loki_distributor_lines_received_total", { namespace })}[5m]))`,
            "lines/s",
          ),
        ],
      },
      {
        title: "Streams in memory",
        description: "Active streams held by the ingesters.",
        targets: [promQuery(`sum(${series("loki_ingester_memory_streams", { namespace })})`, "streams")],
      },
    ],
  });
}

function tempo(namespace: string): GrafanaDashboard {
  const sel = { namespace };
  return dashboard({
    uid: "platform-tempo",
    title: "Platform / Tempo health",
    description: "Tempo's write path (what the tempo-write SLO measures) and its requests.",
    tags: ["tempo", "traces"],
    panels: [
      {
        title: "Spans accepted and refused",
        description: "By the distributors' receivers.",
        targets: [
          promQuery(`sum(rate(${series("tempo_receiver_accepted_spans", sel)}[5m]))`, "accepted"),
          promQuery(`sum(rate(${series("tempo_receiver_refused_spans", sel)}[5m]))`, "refused"),
        ],
      },
      {
        title: "Spans received by the distributors",
        description: "Per tenant.",
        targets: [
          promQuery(
            `sum by (tenant) (rate(${series("tempo_distributor_spans_received_total", sel)}[5m]))`,
            "{{tenant}}",
          ),
        ],
      },
      {
        title: "Requests by route and status",
        description: "Every Tempo HTTP and gRPC route.",
        unit: "reqps",
        targets: [
          promQuery(
            `sum by (route, status_code) (rate(${series("tempo_request_duration_seconds_count", sel)}[5m]))`,
            "{{route}} {{status_code}}",
          ),
        ],
      },
    ],
  });
}

function serviceLevelObjectives(): GrafanaDashboard {
  const slo = { slo: { regex: "$slo" } };
  const perBudget = (metric: PlatformMetric) =>
    `${series(metric, slo)} / on (slo) group_left ${series("slo:error_budget:ratio", slo)}`;
  const burn = (window: string): PanelSpec["targets"][number] =>
    promQuery(perBudget(`slo:error_ratio:rate${window}` as PlatformMetric), `{{slo}} ${window}`);
  return dashboard({
    uid: "platform-slos",
    title: "Platform / Service level objectives",
    description:
      "Every SLO installed as a PrometheusRule (the platform's and the services'): error budget left over the SLO window, and burn rates (1 = spending the budget exactly over the window).",
    tags: ["slo"],
    from: "now-7d",
    variables: [prometheusLabelVariable("slo", "SLO", series("slo:objective:ratio"), "slo")],
    panels: [
      {
        title: "Error budget remaining",
        description: "1 − error ratio over the SLO window / error budget; below 0 the SLO is missed.",
        type: "stat",
        unit: "percentunit",
        targets: [promQuery(`1 - (${perBudget("slo:error_ratio:window")})`, "{{slo}}")],
      },
      {
        title: "Objective",
        description: "The objective of each SLO.",
        type: "stat",
        unit: "percentunit",
        targets: [promQuery(series("slo:objective:ratio", slo), "{{slo}}")],
      },
      {
        title: "Burn rate (page tiers)",
        description: "Pages at 14.4 over 1 h (and 5 m), or 6 over 6 h (and 30 m), for a 30-day SLO.",
        targets: [burn("1h"), burn("5m"), burn("6h"), burn("30m")],
      },
      {
        title: "Burn rate (ticket tier)",
        description: "A ticket at 1 over 3 d (and 6 h), for a 30-day SLO.",
        targets: [burn("3d")],
      },
    ],
  });
}

/** The platform's dashboards: capacity, ingress, RDS and SLOs always; Loki and Tempo with their component. */
export function platformDashboards(options: PlatformDashboardOptions): GrafanaDashboard[] {
  return [
    clusterCapacity(),
    ingressLoadBalancers(),
    database(),
    ...(options.logging ? [loki(options.namespace)] : []),
    ...(options.tracing ? [tempo(options.namespace)] : []),
    serviceLevelObjectives(),
  ];
}

/** Props of {@link PlatformDashboards}. */
export interface PlatformDashboardsProps extends PlatformDashboardOptions {
  /** Created before the ConfigMaps, e.g. the namespace. @default - none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * The platform dashboards ({@link platformDashboards}) provisioned through Grafana's dashboard
 * sidecar: one ConfigMap each in the observability namespace, labelled
 * {@link GRAFANA_DASHBOARD_LABEL}. ConfigMaps are core objects, so the kubernetes provider plans
 * them before Grafana exists; the sidecar loads them whenever it starts.
 */
export class PlatformDashboards extends Construct {
  /** The dashboards, as provisioned. */
  readonly dashboards: readonly GrafanaDashboard[];

  constructor(scope: Construct, id: string, props: PlatformDashboardsProps) {
    super(scope, id);
    const v = new PropValidator("PlatformDashboards", this);
    v.check("namespace", props.namespace, KUBERNETES_NAMESPACE);
    v.throwIfInvalid();
    this.dashboards = platformDashboards(props);
    for (const board of this.dashboards) {
      const json = JSON.stringify(board);
      if (Buffer.byteLength(json) >= CONFIG_MAP_MAX_BYTES) {
        throw new Error(
          `PlatformDashboards '${this.node.path}': dashboard '${board.uid}' exceeds a ConfigMap's 1 MiB`,
        );
      }
      new ConfigMapV1(this, board.uid, {
        metadata: {
          name: `dashboard-${board.uid}`,
          namespace: props.namespace,
          labels: { ...GRAFANA_DASHBOARD_LABEL, "app.kubernetes.io/managed-by": "cdktf" },
        },
        data: { [`${board.uid}.json`]: json },
        ...(props.dependsOn && props.dependsOn.length > 0 ? { dependsOn: [...props.dependsOn] } : {}),
      });
    }
  }
}
