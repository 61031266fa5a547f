/**
 * The versions catalog: every version that changes infrastructure, in one place. Bump deliberately
 * (one change per bump, with the upstream changelog read) and let the snapshot diff show the effect.
 */

/** Kubernetes versions EksCluster accepts (standard support), and the default. */
export const EKS_VERSIONS = ["1.33", "1.34", "1.35"] as const;
export const DEFAULT_EKS_VERSION = "1.35";

/** PostgreSQL major versions PostgresDatabase accepts, and the default. */
export const POSTGRES_MAJOR_VERSIONS = [16, 17, 18] as const;
export const DEFAULT_POSTGRES_MAJOR_VERSION = 17;

/** Helm charts of the platform layer: repository, chart name and pinned version. */
export const HELM_CHARTS = {
  awsLoadBalancerController: {
    repository: "https://aws.github.io/eks-charts",
    chart: "aws-load-balancer-controller",
    version: "3.5.0",
  },
  certManager: { repository: "https://charts.jetstack.io", chart: "cert-manager", version: "v1.21.1" },
  externalDns: {
    repository: "https://kubernetes-sigs.github.io/external-dns",
    chart: "external-dns",
    version: "1.21.1",
  },
  kubePrometheusStack: {
    repository: "https://prometheus-community.github.io/helm-charts",
    chart: "kube-prometheus-stack",
    version: "88.5.3",
  },
  loki: { repository: "https://grafana-community.github.io/helm-charts", chart: "loki", version: "18.11.0" },
  fluentBit: { repository: "https://fluent.github.io/helm-charts", chart: "fluent-bit", version: "0.58.1" },
  openTelemetryCollector: {
    repository: "https://open-telemetry.github.io/opentelemetry-helm-charts",
    chart: "opentelemetry-collector",
    version: "0.170.0",
  },
} as const;

/** Terraform providers fixed by the pinned cdktf bindings (package.json), for reference. */
export const TERRAFORM_PROVIDERS = { aws: "6.25.0", kubernetes: "2.38.0", helm: "3.1.1" } as const;
