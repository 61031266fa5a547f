import { Construct } from "constructs";
import { PolicyDocument } from "../core/iam";
import { PodIdentityCluster, PodIdentityRole } from "../eks/pod-identity-role";
import { ChartRelease, ChartReleaseProps, podIdentityDependencies } from "./chart-release";

/** What {@link podIdentityRelease} installs: a chart release and, when it calls AWS, its role. */
export interface PodIdentityReleaseProps extends ChartReleaseProps {
  /** The cluster whose Pod Identity agent hands the role to the release's pods. */
  readonly cluster: PodIdentityCluster;
  /** The service account the chart creates (in the release's namespace) and the role is associated with. */
  readonly serviceAccount: string;
  /** What the role is for, shown in IAM. */
  readonly roleDescription: string;
  /** The role's inline policies, by name. @default - no role: the release calls no AWS API */
  readonly policies?: Readonly<Record<string, PolicyDocument>>;
  /** Construct id of the role (kept when a role is older than this helper). @default `<id>Role` */
  readonly roleId?: string;
}

/** A release with its Pod Identity role. */
export interface PodIdentityReleaseParts {
  /** The chart release. */
  readonly release: ChartRelease;
  /** The role its service account gets, when it has policies. */
  readonly role?: PodIdentityRole;
}

/**
 * A chart release whose pods call AWS: the Pod Identity role `<id>Role` (or `roleId`; policies, association with
 * the release's service account) and the release `<id>`, both children of `scope`, the release
 * installed only once the role, its policies and its association exist (pods started earlier would
 * run without credentials until restarted).
 */
export function podIdentityRelease(
  scope: Construct,
  id: string,
  props: PodIdentityReleaseProps,
): PodIdentityReleaseParts {
  const { cluster, serviceAccount, roleDescription, policies, roleId, dependsOn, ...release } = props;
  const role =
    policies !== undefined
      ? new PodIdentityRole(scope, roleId ?? `${id}Role`, {
          cluster,
          namespace: release.namespace,
          serviceAccount,
          description: roleDescription,
          policies,
        })
      : undefined;
  return {
    role,
    release: new ChartRelease(scope, id, {
      ...release,
      dependsOn: [...(dependsOn ?? []), ...podIdentityDependencies(role)],
    }),
  };
}
