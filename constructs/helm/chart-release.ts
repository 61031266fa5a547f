import { Release } from "@cdktf/provider-helm/lib/release";
import { ITerraformDependable, TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { PropValidator, dnsLabel, wholeNumber } from "../core/validation";
import { PodIdentityRole } from "../eks/pod-identity-role";

/** A chart as the versions catalog pins it (`HELM_CHARTS`), or a chart shipped in this repository. */
export interface ChartSource {
  /** Chart repository URL; omitted for a chart on a local path. */
  readonly repository?: string;
  /** Chart name in the repository, or the local chart's path. */
  readonly chart: string;
  /** The exact chart version. */
  readonly version: string;
}

/** Props of {@link ChartRelease}. */
export interface ChartReleaseProps {
  /** The pinned chart, normally an entry of `HELM_CHARTS` from the versions catalog. */
  readonly source: ChartSource;
  /** Release name (a DNS label). */
  readonly releaseName: string;
  /** Namespace of the release; it must exist (create it with `NamespaceV1`, or use kube-system). */
  readonly namespace: string;
  /** Chart values as a typed object; serialized to JSON (valid YAML) for the release. @default - the chart's defaults */
  readonly values?: object;
  /** Seconds Helm waits for the release's resources before rolling it back. @default 600 */
  readonly timeoutSeconds?: number;
  /** Resources the release is installed after (and uninstalled before). @default - none */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** Skips the chart's `crds/` directory, for charts whose CRDs are installed by a release of their own. @default false */
  readonly skipCrds?: boolean;
}

const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * One Helm release the way the platform installs every chart: pinned to an exact chart version,
 * in an explicit namespace that Helm never creates, atomic (a failed install or upgrade is rolled
 * back, and cleaned up) with a timeout, with values given as an object and serialized, never as
 * YAML text.
 */
export class ChartRelease extends Construct {
  /** The release resource (also what other releases depend on). */
  readonly release: Release;
  /** The release's name. */
  readonly releaseName: string;
  /** The release's namespace. */
  readonly namespace: string;
  /** The chart the release installs. */
  readonly source: ChartSource;
  /** The values given to the chart (what the capacity and chart-values checks read). */
  readonly values: object;

  constructor(scope: Construct, id: string, props: ChartReleaseProps) {
    super(scope, id);
    const timeoutSeconds = props.timeoutSeconds ?? 600;
    const v = new PropValidator("ChartRelease", this);
    v.check("releaseName", props.releaseName, dnsLabel(53));
    v.check(
      "source.version",
      props.source.version,
      (ver) => EXACT_VERSION.test(ver),
      "must be an exact chart version such as '1.2.3' (no ranges: charts are pinned)",
    );
    v.check("timeoutSeconds", timeoutSeconds, wholeNumber(60, 3600, "seconds"));
    v.throwIfInvalid();

    this.releaseName = props.releaseName;
    this.namespace = props.namespace;
    this.source = props.source;
    this.values = props.values ?? {};
    this.release = new Release(this, "Release", {
      name: props.releaseName,
      namespace: props.namespace,
      createNamespace: false,
      ...(props.source.repository !== undefined ? { repository: props.source.repository } : {}),
      chart: props.source.chart,
      version: props.source.version,
      atomic: true,
      cleanupOnFail: true,
      wait: true,
      timeout: timeoutSeconds,
      maxHistory: 5,
      ...(props.skipCrds ? { skipCrds: true } : {}),
      values: props.values !== undefined ? [JSON.stringify(props.values)] : [],
      ...(props.dependsOn && props.dependsOn.length > 0 ? { dependsOn: [...props.dependsOn] } : {}),
    });
  }
}

/**
 * What a release waits for so that its pods start with AWS credentials: the Pod Identity role, its
 * policies and its association (none without a role).
 */
export function podIdentityDependencies(role: PodIdentityRole | undefined): ITerraformDependable[] {
  return role ? role.node.findAll().filter(TerraformResource.isTerraformResource) : [];
}
