import { Construct } from "constructs";
import { SUBNET_ID, VPC } from "../core/aws-identifiers";
import { PropValidator } from "../core/validation";

/**
 * A VPC other constructs are placed in: a {@link Network} of this app, or a VPC made elsewhere
 * imported with `Network.fromAttributes` (ids only).
 */
export interface INetwork {
  /** The VPC id. */
  readonly vpcId: string;
  /** Private subnet ids (nodes, pods, the cluster's interfaces), in ≥ 2 AZs. */
  readonly privateSubnetIds: string[];
  /** Database subnet ids (no internet route), in ≥ 2 AZs; empty when the network has none. */
  readonly databaseSubnetIds: string[];
  /**
   * Name of a DB subnet group over the database subnets.
   * @default - none: a database creates its own group over `databaseSubnetIds`
   */
  readonly databaseSubnetGroupName?: string;
}

/** Attributes of a VPC made elsewhere, for `Network.fromAttributes`. */
export interface NetworkAttributes {
  /** The VPC id (`vpc-...`). */
  readonly vpcId: string;
  /** Private subnet ids (`subnet-...`), at least two, in different AZs. */
  readonly privateSubnetIds: readonly string[];
  /** Database subnet ids (`subnet-...`), at least two in different AZs when given. @default - none */
  readonly databaseSubnetIds?: readonly string[];
  /** An existing DB subnet group a database should use. @default - none: a database creates its own */
  readonly databaseSubnetGroupName?: string;
}

const DB_SUBNET_GROUP_NAME = /^[a-z0-9][a-z0-9 ._-]{0,254}$/;

/** A VPC made elsewhere: nothing is created, the ids are checked. */
export class ImportedNetwork extends Construct implements INetwork {
  readonly vpcId: string;
  readonly databaseSubnetGroupName?: string;
  private readonly privateIds: readonly string[];
  private readonly databaseIds: readonly string[];

  constructor(scope: Construct, id: string, attributes: NetworkAttributes) {
    super(scope, id);
    const databaseSubnetIds = attributes.databaseSubnetIds ?? [];
    const v = new PropValidator("Network.fromAttributes", this);
    v.check("vpcId", attributes.vpcId, VPC);
    const subnets = (prop: string, ids: readonly string[], optional: boolean) => {
      v.check(
        prop,
        ids,
        (list) => list.every((s) => SUBNET_ID.test(s)) && new Set(list).size === list.length,
        "must be distinct subnet ids (subnet-...)",
      );
      v.check(
        prop,
        ids,
        (list) => (optional && list.length === 0) || list.length >= 2,
        `must list at least 2 subnets, in different AZs${optional ? ", when given" : ""}`,
      );
    };
    subnets("privateSubnetIds", attributes.privateSubnetIds, false);
    subnets("databaseSubnetIds", databaseSubnetIds, true);
    v.check(
      "databaseSubnetGroupName",
      attributes.databaseSubnetGroupName,
      (n) => n === undefined || DB_SUBNET_GROUP_NAME.test(n),
      "must be a DB subnet group name (1–255 lowercase letters, digits, spaces, '.', '_' or '-')",
    );
    v.throwIfInvalid();
    this.vpcId = attributes.vpcId;
    this.privateIds = [...attributes.privateSubnetIds];
    this.databaseIds = [...databaseSubnetIds];
    this.databaseSubnetGroupName = attributes.databaseSubnetGroupName;
  }

  get privateSubnetIds(): string[] {
    return [...this.privateIds];
  }

  get databaseSubnetIds(): string[] {
    return [...this.databaseIds];
  }
}
