/** IPv4 CIDR arithmetic for deterministic subnet carving. Pure functions, no cdktf. */

import { listEach, rule } from "../core/validation";

/** A parsed IPv4 block: its first address as an unsigned 32-bit integer and its prefix length. */
export interface Ipv4Block {
  readonly base: number;
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined for anything that is not a well-formed IPv4 CIDR block. */
export function parseCidr(cidr: string): Ipv4Block | undefined {
  const match = CIDR_PATTERN.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { base, prefix };
}

/** The number of addresses in a block of this prefix length. */
export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** True when the block's address has no host bits set (`10.0.0.0/16`, not `10.0.1.0/16`). */
export function isNetworkAddress(block: Ipv4Block): boolean {
  return block.base % blockSize(block.prefix) === 0;
}

/** Formats a block back to `a.b.c.d/n`. */
export function formatCidr(block: Ipv4Block): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(block.base / 2 ** shift) % 256);
  return `${octets.join(".")}/${block.prefix}`;
}

/** True when two blocks share at least one address. */
export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.base < b.base + blockSize(b.prefix) && b.base < a.base + blockSize(a.prefix);
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return (
    inner.base >= outer.base && inner.base + blockSize(inner.prefix) <= outer.base + blockSize(outer.prefix)
  );
}

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map(
  (c) => parseCidr(c) as Ipv4Block,
);

/** True when the block lies inside RFC 1918 space or the shared (CGNAT) range 100.64.0.0/10. */
export function isPrivateRange(block: Ipv4Block): boolean {
  return PRIVATE_RANGES.some((range) => contains(range, block));
}

/** An IPv4 block with no host bits set, such as an allow-list entry. */
export const IPV4_BLOCK = rule<string>(
  "must be an IPv4 block with no host bits set (e.g. 203.0.113.0/24)",
  (cidr) => {
    const block = parseCidr(cidr);
    return block !== undefined && isNetworkAddress(block);
  },
);

/** A list of {@link IPV4_BLOCK}s. */
export const IPV4_BLOCKS = listEach(
  IPV4_BLOCK,
  "must be IPv4 blocks with no host bits set (e.g. 203.0.113.0/24)",
);
