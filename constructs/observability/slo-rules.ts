import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { KUBERNETES_NAMESPACE } from "../core/aws-identifiers";
import { PropValidator, nameFromId } from "../core/validation";
import { ChartRelease } from "../helm/chart-release";
import { kubernetesObjectsRelease } from "../helm/kubernetes-objects";
import { OBSERVABILITY_COMPONENTS } from "./components";
import { PrometheusRuleSpec, ServiceLevelObjective, sloFieldProblems, sloRules } from "./slo";

/**
 * Labels of every PrometheusRule this construct installs. The platform's Prometheus selects every
 * rule of every namespace (empty `ruleSelector`, see `kubePrometheusStackValues`); `release` also
 * matches kube-prometheus-stack's own default selector (`release: <its release name>`), so the rules
 * are picked up by a Prometheus installed with the chart's defaults under the name
 * `kube-prometheus-stack`.
 */
export const SLO_RULE_LABELS = {
  "app.kubernetes.io/part-of": "service-level-objectives",
  "app.kubernetes.io/managed-by": "cdktf",
  release: OBSERVABILITY_COMPONENTS.monitoring.releaseName,
} as const;

/** A Prometheus Operator `PrometheusRule` object. */
export interface PrometheusRuleObject {
  readonly apiVersion: "monitoring.coreos.com/v1";
  readonly kind: "PrometheusRule";
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
  };
  readonly spec: PrometheusRuleSpec;
}

/** Props of {@link ServiceLevelObjectives}. */
export interface ServiceLevelObjectivesProps {
  /** The SLOs, one PrometheusRule each (names unique). */
  readonly objectives: readonly ServiceLevelObjective[];
  /** Namespace of the PrometheusRules and of their release; it must exist. */
  readonly namespace: string;
  /** Name of the Helm release that installs the rules. @default - the construct id, lowercased */
  readonly releaseName?: string;
  /** Labels added to every PrometheusRule (besides {@link SLO_RULE_LABELS}). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * What the rules are installed after: the release that installs the PrometheusRule CRD
   * (kube-prometheus-stack, e.g. `Observability.monitoring.release`). @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * Service level objectives applied to a cluster: each SLO rendered by {@link sloRules} (the SRE
 * workbook's multi-window, multi-burn-rate alerts, and recording rules for dashboards) as a
 * Prometheus Operator `PrometheusRule`, all installed by one release of the repository's
 * `kubernetes-objects` chart. A release and not `kubernetes_manifest`: the PrometheusRule CRD is
 * installed by kube-prometheus-stack in the same apply, and `kubernetes_manifest` needs it at plan.
 *
 * ```ts
 * new ServiceLevelObjectives(this, "CheckoutSlos", {
 *   namespace: "checkout",
 *   objectives: [{ name: "checkout-availability", objectivePercent: 99.9, ...counterSli({ ... }) }],
 *   dependsOn: [observability.monitoring!.release],
 * });
 * ```
 */
export class ServiceLevelObjectives extends Construct {
  /** The release of the PrometheusRules. */
  readonly release: ChartRelease;
  /** The PrometheusRule objects, as installed. */
  readonly rules: readonly PrometheusRuleObject[];

  constructor(scope: Construct, id: string, props: ServiceLevelObjectivesProps) {
    super(scope, id);
    const releaseName = props.releaseName ?? nameFromId(id);
    const labels = { ...props.labels, ...SLO_RULE_LABELS };
    const v = new PropValidator("ServiceLevelObjectives", this);
    v.check("namespace", props.namespace, KUBERNETES_NAMESPACE);
    v.check("objectives", props.objectives, (o) => o.length > 0, "must list at least one SLO");
    const names = props.objectives.map((o) => o.name);
    v.check(
      "objectives",
      names,
      (n) => new Set(n).size === n.length,
      "must have distinct names (each is a PrometheusRule and a label value)",
    );
    props.objectives.forEach((slo, index) => {
      for (const p of sloFieldProblems(slo)) v.fail(`objectives[${index}].${p.field}`, p.value, p.allowed);
    });
    v.throwIfInvalid();

    this.rules = props.objectives.map((slo) => ({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { name: `slo-${slo.name}`, namespace: props.namespace, labels },
      spec: sloRules(slo),
    }));
    this.release = kubernetesObjectsRelease(this, "Rules", {
      releaseName,
      namespace: props.namespace,
      objects: this.rules,
      dependsOn: props.dependsOn,
    });
  }
}
