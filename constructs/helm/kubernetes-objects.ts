import * as path from "node:path";
import { AssetType, ITerraformDependable, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { ChartRelease } from "./chart-release";

/**
 * The library's own chart that renders plain Kubernetes objects, one manifest each (pinned by its
 * content). Objects whose kind is a CRD installed in the same apply (NodePool, ClusterIssuer,
 * PrometheusRule, ExternalSecret…) go through it: `kubernetes_manifest` needs the CRD at plan time.
 */
export const KUBERNETES_OBJECTS_CHART = {
  path: path.join(__dirname, "charts", "kubernetes-objects"),
  version: "1.0.0",
} as const;

/** The values of the `kubernetes-objects` chart. */
export interface KubernetesObjectsValues {
  /** The objects, rendered as they are. */
  readonly objects: readonly object[];
}

/** What {@link kubernetesObjectsRelease} installs. */
export interface KubernetesObjectsReleaseProps {
  /** Name of the Helm release. */
  readonly releaseName: string;
  /** Namespace of the release (objects without a namespace of their own land there). */
  readonly namespace: string;
  /** The objects. */
  readonly objects: readonly object[];
  /** Seconds Helm waits for the objects. @default 300 */
  readonly timeoutSeconds?: number;
  /** Installed before the objects, e.g. the release with their CRDs. @default - none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * Installs `objects` as a release of the `kubernetes-objects` chart, as the construct `id` of
 * `scope`. The chart is one asset per scope, shared by every such release in it.
 */
export function kubernetesObjectsRelease(
  scope: Construct,
  id: string,
  props: KubernetesObjectsReleaseProps,
): ChartRelease {
  const chart =
    (scope.node.tryFindChild("KubernetesObjectsChart") as TerraformAsset | undefined) ??
    new TerraformAsset(scope, "KubernetesObjectsChart", {
      path: KUBERNETES_OBJECTS_CHART.path,
      type: AssetType.DIRECTORY,
    });
  const values: KubernetesObjectsValues = { objects: props.objects };
  return new ChartRelease(scope, id, {
    source: { chart: chart.path, version: KUBERNETES_OBJECTS_CHART.version },
    releaseName: props.releaseName,
    namespace: props.namespace,
    timeoutSeconds: props.timeoutSeconds ?? 300,
    values,
    dependsOn: props.dependsOn,
  });
}
