import { contains, overlaps, parseCidr } from "../../constructs/network/cidr";
import {
  ENVIRONMENTS,
  EnvironmentInput,
  SANDBOX_CIDR_POOL,
  sandboxCidr,
  sandboxCidrCollisions,
  sandboxEnvironment,
  selectEnvironments,
} from "../../environments";
import { withChanges } from "../helpers";

const block = (cidr: string) => parseCidr(cidr)!;
const pool = block(SANDBOX_CIDR_POOL);

describe("sandbox networks", () => {
  it("each sandbox gets a /16 of the declared pool, the same one every time", () => {
    for (const name of ["alice", "bob", "carol", "ci1"]) {
      const cidr = sandboxCidr(name);
      expect(block(cidr).prefix).toBe(16);
      expect(contains(pool, block(cidr))).toBe(true);
      expect(sandboxCidr(name)).toBe(cidr);
      expect(sandboxEnvironment(name).network.cidr).toBe(cidr);
    }
  });

  it("different names spread over the pool", () => {
    const names = ["alice", "bob", "carol", "dave", "erin", "frank"];
    expect(new Set(names.map((n) => sandboxCidr(n))).size).toBeGreaterThan(4);
  });

  it("never overlaps a long-lived environment of the sandbox account", () => {
    const account = sandboxEnvironment("alice").accountId;
    // A long-lived environment of that account moved onto alice's block: alice moves on.
    const occupied = sandboxCidr("alice");
    const registry: Record<string, EnvironmentInput> = {
      ...ENVIRONMENTS,
      dev: withChanges(ENVIRONMENTS.dev, { accountId: account, "network.cidr": occupied }),
    };
    const moved = sandboxCidr("alice", registry);
    expect(moved).not.toBe(occupied);
    expect(contains(pool, block(moved))).toBe(true);
    for (const env of Object.values(registry).filter((e) => e.accountId === account)) {
      expect(overlaps(block(env.network.cidr), block(moved))).toBe(false);
    }
    // ...and the app accepts it beside that environment.
    expect(() => selectEnvironments({ INFRA_ENVS: "dev", INFRA_SANDBOX: "alice" }, registry)).not.toThrow();
  });

  it("a long-lived environment of another account does not move a sandbox", () => {
    const registry: Record<string, EnvironmentInput> = {
      ...ENVIRONMENTS,
      prod: withChanges(ENVIRONMENTS.prod, { "network.cidr": sandboxCidr("alice") }),
    };
    expect(sandboxCidr("alice", registry)).toBe(sandboxCidr("alice"));
  });

  it("sandboxes selected together that collide are reported with a name that would not", () => {
    // Find two names that hash to the same block (the pool has 64 blocks).
    const seen = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined; i++) {
      const name = `u${i}`;
      const cidr = sandboxCidr(name);
      const first = seen.get(cidr);
      if (first !== undefined) pair = [first, name];
      else seen.set(cidr, name);
    }
    const [first, second] = pair;
    const problems = sandboxCidrCollisions([first, second]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(
      `Environment 'sandbox-${second}': 'network.cidr' must not overlap sandbox-${first}`,
    );
    const suggested = /INFRA_SANDBOX=(\w+) gets ([\d./]+)/.exec(problems[0]);
    expect(suggested).not.toBeNull();
    expect(sandboxCidr(suggested![1])).toBe(suggested![2]);
    expect(suggested![2]).not.toBe(sandboxCidr(first));
    expect(() =>
      selectEnvironments({ INFRA_ENVS: "dev", INFRA_SANDBOX: `${first},${suggested![1]}` }),
    ).not.toThrow();
    expect(() => selectEnvironments({ INFRA_ENVS: "dev", INFRA_SANDBOX: `${first},${second}` })).toThrow(
      /must not overlap/,
    );
  });

  it("sandboxes that do not collide are not reported", () => {
    expect(sandboxCidr("alice")).not.toBe(sandboxCidr("bob"));
    expect(sandboxCidrCollisions(["alice", "bob"])).toEqual([]);
  });
});
