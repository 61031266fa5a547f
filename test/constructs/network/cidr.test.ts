import {
  contains,
  formatCidr,
  isNetworkAddress,
  isPrivateRange,
  overlaps,
  parseCidr,
} from "../../../constructs/network/cidr";
import {
  defaultPrefixLengths,
  planSubnets,
  requiredAddresses,
} from "../../../constructs/network/subnet-plan";

const block = (cidr: string) => {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new Error(`bad test CIDR ${cidr}`);
  return parsed;
};

describe("CIDR arithmetic", () => {
  it("parses and formats blocks", () => {
    expect(parseCidr("10.20.0.0/16")).toEqual({ base: 10 * 2 ** 24 + 20 * 2 ** 16, prefix: 16 });
    expect(formatCidr(block("192.168.4.0/22"))).toBe("192.168.4.0/22");
  });

  it.each(["10.0.0.0", "10.0.0/16", "256.0.0.0/16", "10.0.0.0/33", "a.b.c.d/16", " 10.0.0.0/16"])(
    "rejects malformed %j",
    (cidr) => expect(parseCidr(cidr)).toBeUndefined(),
  );

  it("detects host bits", () => {
    expect(isNetworkAddress(block("10.0.0.0/16"))).toBe(true);
    expect(isNetworkAddress(block("10.0.1.0/16"))).toBe(false);
  });

  it("detects overlap and containment", () => {
    expect(overlaps(block("10.0.0.0/16"), block("10.0.255.0/24"))).toBe(true);
    expect(overlaps(block("10.0.0.0/16"), block("10.1.0.0/16"))).toBe(false);
    expect(contains(block("10.0.0.0/8"), block("10.9.0.0/16"))).toBe(true);
    expect(contains(block("10.9.0.0/16"), block("10.0.0.0/8"))).toBe(false);
  });

  it("knows private address space", () => {
    expect(isPrivateRange(block("172.31.0.0/16"))).toBe(true);
    expect(isPrivateRange(block("100.64.0.0/16"))).toBe(true);
    expect(isPrivateRange(block("172.32.0.0/16"))).toBe(false);
  });
});

describe("subnet plan", () => {
  it("reserves three aligned subnets per tier, largest first", () => {
    const plan = planSubnets(block("10.0.0.0/16"), defaultPrefixLengths(16));
    expect(plan).toEqual({
      private: ["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"],
      public: ["10.0.192.0/22", "10.0.196.0/22", "10.0.200.0/22"],
      database: ["10.0.204.0/22", "10.0.208.0/22", "10.0.212.0/22"],
      intra: ["10.0.216.0/22", "10.0.220.0/22", "10.0.224.0/22"],
    });
  });

  it("never produces overlapping subnets", () => {
    for (const prefix of [16, 18, 20]) {
      const plan = planSubnets(block(`10.0.0.0/${prefix}`), defaultPrefixLengths(prefix));
      const all = Object.values(plan ?? {})
        .flat()
        .map(block);
      expect(all).toHaveLength(12);
      all.forEach((a, i) => all.slice(i + 1).forEach((b) => expect(overlaps(a, b)).toBe(false)));
    }
  });

  it("returns undefined when the tiers do not fit", () => {
    const prefixes = { ...defaultPrefixLengths(16), private: 17 };
    expect(requiredAddresses(prefixes)).toBeGreaterThan(2 ** 16);
    expect(planSubnets(block("10.0.0.0/16"), prefixes)).toBeUndefined();
  });
});
