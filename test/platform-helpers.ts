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

/** The statements of every inline role policy whose name is `policyName`. */
export function policyStatements(json: TerraformJson, policyName: string): any[] {
  const policies = Object.values(resourcesOf(json, "aws_iam_role_policy")).filter(
    (p) => p.name === policyName,
  );
  if (policies.length !== 1)
    throw new Error(`expected one role policy ${policyName}, found ${policies.length}`);
  return JSON.parse(policies[0].policy).Statement;
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
