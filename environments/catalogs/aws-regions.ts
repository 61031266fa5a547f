import * as fs from "node:fs";
import * as path from "node:path";

/**
 * AWS partitions and regions, read from the partition metadata that the AWS SDK for JavaScript ships
 * (`@aws-sdk/core`, pinned in package.json): the same table the SDK resolves endpoints with, so a
 * region AWS announces arrives with a dependency update, not an edit here.
 */

/** One AWS partition: its id (`aws`, `aws-cn`, `aws-us-gov`, ...) and its regions. */
export interface AwsPartition {
  readonly id: string;
  readonly regions: readonly string[];
}

interface PartitionsInfo {
  readonly partitions: readonly {
    readonly id: string;
    readonly regions: Readonly<Record<string, { readonly description?: string }>>;
  }[];
}

/** Where the SDK keeps the table: a module of the form `export const partitionsInfo = { ...JSON... };`. */
const PARTITIONS_MODULE = path.join(
  "dist-es",
  "submodules",
  "client",
  "util-endpoints",
  "lib",
  "aws",
  "partitions.js",
);

function loadPartitions(): readonly AwsPartition[] {
  const root = path.dirname(require.resolve("@aws-sdk/core/package.json"));
  const source = fs.readFileSync(path.join(root, PARTITIONS_MODULE), "utf8");
  const json = /export const partitionsInfo\s*=\s*(\{[\s\S]*\});?\s*$/.exec(source)?.[1];
  if (json === undefined) {
    throw new Error(
      `@aws-sdk/core: ${PARTITIONS_MODULE} no longer holds the partition table; update environments/catalogs/aws-regions.ts`,
    );
  }
  const info = JSON.parse(json) as PartitionsInfo;
  return info.partitions.map((p) => ({
    id: p.id,
    // Global pseudo-regions (`aws-global`, `aws-cn-global`, ...) are endpoints, not places to deploy to.
    regions: Object.keys(p.regions).filter((r) => !r.endsWith("-global")),
  }));
}

let partitions: readonly AwsPartition[] | undefined;

/** Every AWS partition with its regions, as the pinned AWS SDK knows them. */
export function awsPartitions(): readonly AwsPartition[] {
  partitions ??= loadPartitions();
  return partitions;
}

/** Every AWS region of every partition. */
export function awsRegions(): readonly string[] {
  return awsPartitions().flatMap((p) => p.regions);
}

/** The partition (`aws`, `aws-cn`, ...) a region belongs to, or undefined for an unknown region. */
export function partitionOf(region: string): string | undefined {
  return awsPartitions().find((p) => p.regions.includes(region))?.id;
}

/** True when `az` is an Availability Zone name of `region` (the region's name plus one letter, e.g. eu-west-1a). */
export function isAvailabilityZoneOf(az: string, region: string): boolean {
  return az.length === region.length + 1 && az.startsWith(region) && /[a-z]$/.test(az);
}
