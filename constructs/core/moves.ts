import { TerraformElement, TerraformResource, TerraformStack } from "cdktf";
import { IConstruct, Node } from "constructs";

/**
 * A Terraform `moved` block from an old address to a resource's current one. Written as its own
 * element rather than through cdktf's `moveFromId`: that one makes every synthesis of the stack run
 * `terraform version` (a check for Terraform ≥ 1.5, which the stacks' `required_version` already
 * states), so synthesis would need Terraform and a dry run would execute it.
 */
class MovedBlock extends TerraformElement {
  constructor(
    private readonly resource: TerraformResource,
    private readonly from: string,
  ) {
    super(resource, "MovedFrom");
  }

  private get to(): string {
    return `${this.resource.terraformResourceType}.${this.resource.friendlyUniqueId}`;
  }

  override toTerraform(): Record<string, unknown> {
    return { moved: [{ to: this.to, from: this.from }] };
  }

  /** The stack metadata cdktf writes for a moved resource (`"//".metadata.moved`). */
  override toMetadata(): Record<string, unknown> {
    return { moved: { [this.resource.terraformResourceType]: [this.resource.friendlyUniqueId] } };
  }

  override toHclTerraform(): Record<string, unknown> {
    const address = (value: string) => ({
      value,
      isBlock: false,
      type: "simple",
      storageClassType: "reference",
    });
    return { moved: [{ to: address(this.to), from: address(this.from) }] };
  }
}

/**
 * Keeps the resources of a renamed construct instead of replacing them: for every resource under
 * `scope` whose construct path below its stack (e.g. `"CustomerDocuments/Bucket"`) is a key of
 * `moves`, synthesizes a Terraform `moved` block from the old address (the value, e.g.
 * `"aws_s3_bucket.Documents_Bucket_6F1A3B2C"`, as `terraform state list` or the old `cdk.tf.json`
 * names it) to its new one (as cdktf's `moveFromId` writes it, Terraform ≥ 1.1). Every key must name a resource
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
  for (const [path, oldAddress] of Object.entries(moves)) {
    const resource = resources.get(path);
    if (resource) new MovedBlock(resource, oldAddress);
  }
  return Object.keys(moves);
}

/**
 * The Terraform address cdktf gives (or gave) a resource of `resourceType` whose construct ids below
 * `scope` are `ids`, e.g. `addressAt(alarms, "aws_sns_topic", ["Topic"])`: the stack's own logical-id
 * scheme applied to a path that need not exist any more, for a `moveFromId` after a rename.
 */
export function addressAt(scope: IConstruct, resourceType: string, ids: readonly string[]): string {
  const path = { scopes: [...scope.node.scopes, ...ids.map((id) => ({ node: { id } }))] };
  return `${resourceType}.${TerraformStack.of(scope).getLogicalId(path as unknown as Node)}`;
}

/**
 * Keeps the state of resources a construct renamed: each `[resource, oldIds]` becomes a `moved`
 * block from the address the resource had at `oldIds` below `scope` (see {@link addressAt}).
 */
export function movedFrom(
  scope: IConstruct,
  moves: readonly (readonly [TerraformResource, readonly string[]])[],
): void {
  for (const [resource, ids] of moves) {
    new MovedBlock(resource, addressAt(scope, resource.terraformResourceType, ids));
  }
}
