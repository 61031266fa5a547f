import {
  ENVIRONMENTS,
  ENVIRONMENT_NAMES,
  EnvironmentInput,
  loadEnvironment,
  sandboxEnvironment,
} from "../../environments";
import { problemOf } from "../environment-problems";

describe("ci configuration of the shipped environments", () => {
  const ci = (input: EnvironmentInput) => loadEnvironment(input).ci;

  it.each(ENVIRONMENT_NAMES)("%s is deployed from its own GitHub environment, on its own runner", (name) => {
    const config = ci(ENVIRONMENTS[name]);
    expect(config.githubEnvironment).toBe(name);
    expect(config.runnerLabel).toBe(`${name}-platform`);
    expect(config.githubRepository).toBe(ENVIRONMENTS[name].repository);
  });

  it("reaches stage's and prod's private API from runners in the VPC, dev's public API from a declared egress", () => {
    expect(ci(ENVIRONMENTS.stage)).toMatchObject({ apiAccess: "vpcRunner", runnerEgressCidrs: [] });
    expect(ci(ENVIRONMENTS.prod)).toMatchObject({ apiAccess: "vpcRunner", runnerEgressCidrs: [] });
    expect(ci(ENVIRONMENTS.dev).apiAccess).toBe("publicEndpoint");
    expect(ci(ENVIRONMENTS.dev).runnerEgressCidrs.length).toBeGreaterThan(0);
  });

  it("applies sandboxes the way dev is applied: dev's GitHub environment, runner and network model", () => {
    expect(ci(sandboxEnvironment("alice"))).toEqual({ ...ci(ENVIRONMENTS.dev), hostsSandboxes: false });
    expect(ENVIRONMENT_NAMES.filter((name) => ci(ENVIRONMENTS[name]).hostsSandboxes)).toEqual(["dev"]);
  });
});

describe("ci configuration validation", () => {
  const dev = ENVIRONMENTS.dev;
  const stage = ENVIRONMENTS.stage;

  it.each([
    ["ci.githubRepository", "aws-platform", "must be a GitHub repository as owner/name"],
    ["ci.githubEnvironment", "a".repeat(41), "must be a GitHub environment name of 1–40"],
    ["ci.apiAccess", "vpn", "must be 'vpcRunner' (private endpoint, runner in the VPC) or 'publicEndpoint'"],
    ["ci.runnerLabel", "self hosted", "must be a GitHub Actions runner label"],
    ["ci.operatorRoleArns", ["platform-admin"], "must be an IAM role ARN"],
    ["ci.hostsSandboxes", "yes", "must be true or false"],
  ])("rejects a bad %s, naming the environment, the field and the value", (field, value, allowed) => {
    const message = problemOf({ [field]: value }, stage);
    expect(message).toContain(`Environment 'stage': '${field}`);
    expect(message).toContain(allowed);
    expect(message).toContain(JSON.stringify(Array.isArray(value) ? value[0] : value));
  });

  // Rules of the deploy path across fields (the IPv4 block rule itself: cluster-config.test.ts).
  it.each<[string, EnvironmentInput, Record<string, unknown>, string]>([
    [
      "a public endpoint path without the runner's egress blocks",
      dev,
      { "ci.runnerEgressCidrs": [] },
      "Environment 'dev': 'ci.runnerEgressCidrs' must list the runner's egress IPv4 blocks when apiAccess is 'publicEndpoint', got []",
    ],
    [
      "a public endpoint path to a private endpoint",
      dev,
      { "cluster.endpointPublicAccess": false, "cluster.publicAccessCidrs": [] },
      "Environment 'dev': 'cluster.endpointPublicAccess' must be true when ci.apiAccess is 'publicEndpoint' (the runner reaches the public endpoint), got false",
    ],
    [
      "runner egress blocks for a runner inside the VPC",
      stage,
      { "ci.runnerEgressCidrs": ["198.51.100.0/28"] },
      "Environment 'stage': 'ci.runnerEgressCidrs' must be empty when apiAccess is 'vpcRunner' (the runner reaches the private endpoint), got [\"198.51.100.0/28\"]",
    ],
    [
      "a runner egress of the whole internet",
      dev,
      { "ci.runnerEgressCidrs": ["0.0.0.0/0"] },
      "Environment 'dev': 'ci.runnerEgressCidrs' must not contain 0.0.0.0/0 (it would open the API endpoint to the internet), got [\"0.0.0.0/0\"]",
    ],
    [
      "a sandbox that claims to host sandboxes",
      sandboxEnvironment("alice"),
      { "ci.hostsSandboxes": true },
      "Environment 'sandbox-alice': 'ci.hostsSandboxes' must be false for a sandbox (sandboxes are applied with their host environment's roles), got true",
    ],
  ])("rejects %s", (_rule, environment, changes, expected) => {
    expect(problemOf(changes, environment)).toBe(expected);
  });
});
