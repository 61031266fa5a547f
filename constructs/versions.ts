/**
 * The versions catalog: every version that changes infrastructure, in one place. Bump deliberately
 * (one change per bump, with the upstream changelog read) and let the snapshot diff show the effect.
 */

/** Kubernetes versions EksCluster accepts (standard support), and the default. */
export const EKS_VERSIONS = ["1.33", "1.34", "1.35"] as const;
export const DEFAULT_EKS_VERSION = "1.35";

/** A Kubernetes version EksCluster accepts. */
export type EksVersion = (typeof EKS_VERSIONS)[number];

/** The core EKS add-ons EksCluster installs through the EKS add-on API. */
export const EKS_CORE_ADDONS = [
  "vpc-cni",
  "kube-proxy",
  "eks-pod-identity-agent",
  "coredns",
  "aws-ebs-csi-driver",
] as const;

/** A core EKS add-on. */
export type EksCoreAddon = (typeof EKS_CORE_ADDONS)[number];

/**
 * Pinned core add-on versions per Kubernetes version. Taken from public configurations pinned for
 * each Kubernetes version (not from a live `aws eks describe-addon-versions`): before a bump, run
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <addon>` and update here.
 */
export const EKS_ADDON_VERSIONS: Readonly<Record<EksVersion, Readonly<Record<EksCoreAddon, string>>>> = {
  "1.33": {
    "vpc-cni": "v1.21.1-eksbuild.7",
    "kube-proxy": "v1.33.7-eksbuild.2",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
    coredns: "v1.13.1-eksbuild.1",
    "aws-ebs-csi-driver": "v1.56.0-eksbuild.1",
  },
  "1.34": {
    "vpc-cni": "v1.21.1-eksbuild.7",
    "kube-proxy": "v1.34.6-eksbuild.11",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
    coredns: "v1.13.1-eksbuild.1",
    "aws-ebs-csi-driver": "v1.56.0-eksbuild.1",
  },
  "1.35": {
    "vpc-cni": "v1.21.1-eksbuild.7",
    "kube-proxy": "v1.35.3-eksbuild.2",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
    coredns: "v1.13.2-eksbuild.4",
    "aws-ebs-csi-driver": "v1.56.0-eksbuild.1",
  },
};

/** PostgreSQL major versions PostgresDatabase accepts, and the default. */
export const POSTGRES_MAJOR_VERSIONS = [16, 17, 18] as const;
export const DEFAULT_POSTGRES_MAJOR_VERSION = 17;

/**
 * Helm charts of the platform layer: repository, chart name and pinned version. Logs are shipped
 * by an OpenTelemetry collector DaemonSet (its config is typed values, unlike fluent-bit's text).
 */
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
  /** Grafana Tempo, monolithic (traces); the chart moved to grafana-community like Loki. */
  tempo: { repository: "https://grafana-community.github.io/helm-charts", chart: "tempo", version: "2.2.4" },
  openTelemetryCollector: {
    repository: "https://open-telemetry.github.io/opentelemetry-helm-charts",
    chart: "opentelemetry-collector",
    version: "0.170.0",
  },
  /** Karpenter's CRDs in a chart of their own, so CRD changes are applied on upgrades (Helm never upgrades `crds/`). */
  karpenterCrd: { repository: "oci://public.ecr.aws/karpenter", chart: "karpenter-crd", version: "1.14.1" },
  /** The Karpenter controller (node autoscaling); its version must equal karpenterCrd's. */
  karpenter: { repository: "oci://public.ecr.aws/karpenter", chart: "karpenter", version: "1.14.1" },
  /** metrics-server (resource metrics API for HorizontalPodAutoscalers and `kubectl top`). */
  metricsServer: {
    repository: "https://kubernetes-sigs.github.io/metrics-server",
    chart: "metrics-server",
    version: "3.13.1",
  },
  /** External Secrets Operator: Secrets Manager values into Kubernetes Secrets (with its CRDs). */
  externalSecrets: {
    repository: "https://charts.external-secrets.io",
    chart: "external-secrets",
    version: "2.9.0",
  },
} as const;

/** A chart of the versions catalog, by its key. */
export type HelmChartKey = keyof typeof HELM_CHARTS;

/** Terraform providers fixed by the pinned cdktf bindings (package.json), for reference. */
export const TERRAFORM_PROVIDERS = { aws: "6.25.0", kubernetes: "2.38.0", helm: "3.1.1" } as const;
