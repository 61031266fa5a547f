import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Testing } from "cdktf";
import { Construct } from "constructs";
import { TerraformJson, resourcesOf } from "./helpers";

/** Synthesizes what `build` adds to a test stack with AWS, Kubernetes and Helm providers; returns the JSON. */
export function synthPlatformScope(build: (scope: Construct) => void): TerraformJson {
  return JSON.parse(
    Testing.synthScope((scope) => {
      new AwsProvider(scope, "Aws", { region: "eu-west-1" });
      new KubernetesProvider(scope, "Kubernetes", {});
      new HelmProvider(scope, "Helm", {});
      build(scope);
    }),
  );
}

/** The helm_release resources of a synthesized stack, keyed by release name. */
export function releasesOf(json: TerraformJson): Record<string, any> {
  return Object.fromEntries(
    Object.entries(resourcesOf(json, "helm_release")).map(([address, body]) => [
      body.name,
      { ...body, address: `helm_release.${address}` },
    ]),
  );
}

/** The parsed values of one release (each release passes exactly one JSON document). */
export function valuesOf(json: TerraformJson, releaseName: string): any {
  const release = releasesOf(json)[releaseName];
  if (!release) throw new Error(`no release ${releaseName}`);
  expect(release.values).toHaveLength(1);
  return JSON.parse(release.values[0]);
}

/** The statements of each inline role policy named `policyName`, one array per policy (none when there is none). */
export function statementsOfPolicies(json: TerraformJson, policyName: string): any[][] {
  return Object.values(resourcesOf(json, "aws_iam_role_policy"))
    .filter((p) => p.name === policyName)
    .map((p) => JSON.parse(p.policy).Statement);
}

/** The statements of the one inline role policy named `policyName`; fails unless exactly one has that name. */
export function policyStatements(json: TerraformJson, policyName: string): any[] {
  const policies = statementsOfPolicies(json, policyName);
  if (policies.length !== 1)
    throw new Error(`expected one role policy ${policyName}, found ${policies.length}`);
  return policies[0];
}

/** Every Terraform address (type.name) in a synthesized stack, resources and data sources. */
export function addressesOf(json: TerraformJson): string[] {
  const resources = Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
    Object.keys(byName).map((name) => `${type}.${name}`),
  );
  const data = Object.entries(json.data ?? {}).flatMap(([type, byName]) =>
    Object.keys(byName).map((name) => `data.${type}.${name}`),
  );
  return [...resources, ...data].sort();
}
