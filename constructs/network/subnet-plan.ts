import { Ipv4Block, blockSize, formatCidr } from "./cidr";

/** The subnet tiers, in the order their address space is reserved when sizes are equal. */
export const SUBNET_TIERS = ["private", "public", "database", "intra"] as const;

/** A subnet tier: `public` (load balancers, NAT), `private` (nodes and pods), `database` and `intra` (no internet route). */
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/** Address space is reserved for this many AZs per tier, so adding an AZ never renumbers a subnet. */
export const MAX_AZS = 3;

/** Subnet prefix lengths per tier. */
export type TierPrefixLengths = Readonly<Record<SubnetTier, number>>;

/** Default prefix lengths relative to the VPC's: a /16 gives /18 private and /22 other subnets. */
export function defaultPrefixLengths(vpcPrefix: number): TierPrefixLengths {
  return { private: vpcPrefix + 2, public: vpcPrefix + 6, database: vpcPrefix + 6, intra: vpcPrefix + 6 };
}

/** The CIDR of every tier's subnet per AZ slot (index = position of the AZ in the list). */
export type SubnetPlan = Readonly<Record<SubnetTier, readonly string[]>>;

/**
 * Carves the VPC deterministically: every tier reserves room for {@link MAX_AZS} subnets whether or
 * not the tier or the AZ is in use, and tiers are laid out largest first (ties in
 * {@link SUBNET_TIERS} order) so every subnet stays aligned to its own size. Enabling a tier or
 * appending an AZ therefore never moves an existing subnet; changing a tier's size may.
 *
 * Returns undefined when the reserved space does not fit in the VPC.
 */
export function planSubnets(vpc: Ipv4Block, prefixes: TierPrefixLengths): SubnetPlan | undefined {
  const order = [...SUBNET_TIERS].sort((a, b) => prefixes[a] - prefixes[b]);
  const end = vpc.base + blockSize(vpc.prefix);
  let cursor = vpc.base;
  const plan = {} as Record<SubnetTier, string[]>;
  for (const tier of order) {
    const size = blockSize(prefixes[tier]);
    plan[tier] = [];
    for (let slot = 0; slot < MAX_AZS; slot++) {
      plan[tier].push(formatCidr({ base: cursor, prefix: prefixes[tier] }));
      cursor += size;
    }
  }
  return cursor <= end ? plan : undefined;
}

/** Addresses the reserved tiers need in total, for error messages. */
export function requiredAddresses(prefixes: TierPrefixLengths): number {
  return SUBNET_TIERS.reduce((sum, tier) => sum + MAX_AZS * blockSize(prefixes[tier]), 0);
}
