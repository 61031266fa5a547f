/**
 * The rules and constants of EksCluster's props, defined once here and shared by the
 * construct and the environment schema (re-exported by eks-cluster.ts).
 */
import { PropProblem, listEach, oneOf } from "../core/validation";
import { IAM_ROLE } from "../core/aws-identifiers";
import { EKS_VERSIONS } from "../versions";
import type { EksAccessLevel } from "./eks-cluster";

/** The access policy behind each access level. */
export const EKS_ACCESS_POLICIES: Readonly<Record<EksAccessLevel, string>> = {
  clusterAdmin: "AmazonEKSClusterAdminPolicy",
  admin: "AmazonEKSAdminPolicy",
  edit: "AmazonEKSEditPolicy",
  adminView: "AmazonEKSAdminViewPolicy",
  view: "AmazonEKSViewPolicy",
};

/** The control-plane log types; all of them are always enabled. */
export const EKS_CONTROL_PLANE_LOG_TYPES = [
  "api",
  "audit",
  "authenticator",
  "controllerManager",
  "scheduler",
] as const;

/** A Kubernetes version EKS supports (the versions catalog). */
export const EKS_VERSION = oneOf(EKS_VERSIONS, "(EKS standard support, the versions catalog)");

/** The roles given cluster admin access (at least one: nobody else can administer the cluster). */
export const ADMIN_ROLE_ARNS = listEach(
  IAM_ROLE,
  "must be IAM role ARNs (arn:aws:iam::<12-digit account>:role/<name>)",
);

const ANYWHERE = "0.0.0.0/0";

/**
 * What is wrong with the API endpoint's exposure: a public endpoint needs an allow-list, a private one
 * none, and 0.0.0.0/0 only with `allowAnywhere` (left undefined where there is no such option).
 */
export function endpointAccessProblems(
  publicAccess: boolean,
  cidrs: readonly string[],
  allowAnywhere?: boolean,
): PropProblem[] {
  const problems: PropProblem[] = [];
  const fail = (allowed: string) => problems.push({ prop: "publicAccessCidrs", value: cidrs, allowed });
  if (publicAccess && cidrs.length === 0) {
    fail("must list the IPv4 blocks allowed to reach a public endpoint (EKS would open it to 0.0.0.0/0)");
  }
  if (!publicAccess && cidrs.length > 0) fail("must be empty unless endpointPublicAccess is true");
  if (cidrs.includes(ANYWHERE) && allowAnywhere !== true && (publicAccess || allowAnywhere === undefined)) {
    fail(
      `must not contain 0.0.0.0/0 (an API endpoint open to the internet)${allowAnywhere === undefined ? "" : " unless allowPublicEndpointFromAnywhere is true"}`,
    );
  }
  return problems;
}
