import { TerraformResource } from "cdktf";
import { IConstruct } from "constructs";

/**
 * Keeps the resources of a renamed construct instead of replacing them: for every resource under
 * `scope` whose construct path below its stack (e.g. `"CustomerDocuments/Bucket"`) is a key of
 * `moves`, synthesizes a Terraform `moved` block from the old address (the value, e.g.
 * `"aws_s3_bucket.Documents_Bucket_6F1A3B2C"`, as `terraform state list` or the old `cdk.tf.json`
 * names it) to its new one (cdktf's `moveFromId`, Terraform ≥ 1.1). Every key must name a resource
 * under `scope`: a path that matches none is a typo that would leave a replacement in the plan, so
 * it throws, naming the paths that exist.
 *
 * @returns the paths moved
 */
export function moveResources(scope: IConstruct, moves: Readonly<Record<string, string>>): string[] {
  const resources = new Map<string, TerraformResource>();
  for (const child of scope.node.findAll()) {
    if (!TerraformResource.isTerraformResource(child)) continue;
    resources.set(child.node.path.split("/").slice(1).join("/"), child);
  }
  const unknown = Object.keys(moves).filter((p) => !resources.has(p));
  if (unknown.length > 0) {
    throw new Error(
      `moveResources '${scope.node.path}': no resource at ${unknown.map((p) => JSON.stringify(p)).join(", ")}; ` +
        `resources under it: ${[...resources.keys()].map((p) => JSON.stringify(p)).join(", ")}`,
    );
  }
  for (const [path, oldAddress] of Object.entries(moves)) resources.get(path)?.moveFromId(oldAddress);
  return Object.keys(moves);
}
