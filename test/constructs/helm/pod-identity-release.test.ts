import { podIdentityRelease } from "../../../constructs/helm/pod-identity-release";
import { policyDocument } from "../../../constructs/core/iam";
import { HELM_CHARTS } from "../../../constructs/versions";
import { findResource, findResources } from "../../helpers";
import { synthPlatformScope } from "../../platform-helpers";

const read = policyDocument({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" });

describe("podIdentityRelease", () => {
  const json = synthPlatformScope((scope) => {
    podIdentityRelease(scope, "WithRole", {
      cluster: { clusterName: "c" },
      serviceAccount: "reader",
      roleDescription: "reads b",
      policies: { "read-b": read },
      source: HELM_CHARTS.externalDns,
      releaseName: "with-role",
      namespace: "apps",
    });
    podIdentityRelease(scope, "WithoutRole", {
      cluster: { clusterName: "c" },
      serviceAccount: "quiet",
      roleDescription: "unused",
      source: HELM_CHARTS.externalDns,
      releaseName: "without-role",
      namespace: "apps",
    });
  });

  it("associates a role named <id>Role with the release's service account in its namespace", () => {
    const association = findResource(json, "aws_eks_pod_identity_association", "WithRoleRole/Association");
    expect(association.body).toMatchObject({
      cluster_name: "c",
      namespace: "apps",
      service_account: "reader",
    });
    const policy = findResource(json, "aws_iam_role_policy", "WithRoleRole/Policy-read-b");
    expect(JSON.parse(policy.body.policy).Statement[0].Action).toBe("s3:GetObject");
  });

  it("installs the release only after the role, its policy and its association", () => {
    const release = findResource(json, "helm_release", "WithRole/Release");
    const roleParts = [
      ...findResources(json, "aws_iam_role"),
      ...findResources(json, "aws_iam_role_policy"),
      ...findResources(json, "aws_eks_pod_identity_association"),
    ].map((r) => r.address);
    expect([...release.body.depends_on].sort()).toEqual(roleParts.sort());
  });

  it("creates no role without policies", () => {
    expect(findResources(json, "aws_iam_role")).toHaveLength(1);
    expect(findResource(json, "helm_release", "WithoutRole/Release").body.depends_on).toBeUndefined();
  });
});
