import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { PropValidator, wholeNumber } from "../core/validation";
import { ChartRelease } from "../helm/chart-release";
import { HELM_CHARTS } from "../versions";

/** metrics-server replicas (one serves; more only for availability). */
export const METRICS_SERVER_REPLICAS = wholeNumber(1, 5, "replicas");

/** Props of {@link MetricsServer}. */
export interface MetricsServerProps {
  /** Replicas; with more than one, a PodDisruptionBudget keeps all but one during drains. @default 2 */
  readonly replicas?: number;
  /** Installed after these (e.g. the load balancer controller, whose webhook admits Services). @default - none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * metrics-server in kube-system: the resource metrics API (`metrics.k8s.io`) that
 * HorizontalPodAutoscalers and `kubectl top` read. The chart's default requests (100m CPU, 200 MiB)
 * are kept and counted by the capacity check; EKS kubelets need no insecure-TLS flag.
 */
export class MetricsServer extends Construct {
  /** The release. */
  readonly release: ChartRelease;

  constructor(scope: Construct, id: string, props: MetricsServerProps = {}) {
    super(scope, id);
    const replicas = props.replicas ?? 2;
    const v = new PropValidator("MetricsServer", this);
    v.check("replicas", replicas, METRICS_SERVER_REPLICAS);
    v.throwIfInvalid();
    this.release = new ChartRelease(this, "Release", {
      source: HELM_CHARTS.metricsServer,
      releaseName: "metrics-server",
      namespace: "kube-system",
      timeoutSeconds: 300,
      values: {
        replicas,
        podDisruptionBudget: replicas > 1 ? { enabled: true, maxUnavailable: 1 } : { enabled: false },
      },
      dependsOn: props.dependsOn,
    });
  }
}
