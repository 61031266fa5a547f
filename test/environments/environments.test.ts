import {
  ConfigurationError,
  ENVIRONMENTS,
  ENVIRONMENT_NAMES,
  EnvironmentInput,
  environmentProblems,
  loadEnvironment,
  sandboxEnvironment,
  selectEnvironments,
} from "../../environments";
import { unregisteredEnvironmentName } from "../environments-under-test";
import { problemsOf } from "../environment-problems";
import { withChanges } from "../helpers";

function selectionError(selection: Parameters<typeof selectEnvironments>[0]): ConfigurationError {
  try {
    selectEnvironments(selection);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error("expected a ConfigurationError");
}

describe("shipped environments", () => {
  it.each(Object.keys(ENVIRONMENTS))("%s is valid", (name) => {
    expect(environmentProblems(ENVIRONMENTS[name as keyof typeof ENVIRONMENTS], name)).toEqual([]);
  });

  it("a sandbox is valid and teardown-friendly", () => {
    const sandbox = loadEnvironment(sandboxEnvironment("alice"));
    expect(sandbox).toMatchObject({
      name: "sandbox-alice",
      sandbox: true,
      accountId: ENVIRONMENTS.dev.accountId,
      state: ENVIRONMENTS.dev.state,
      protection: { forceDestroy: true, deletionProtection: false, preventDestroy: false },
    });
    expect(sandbox.network.flowLogRetentionDays).toBeLessThanOrEqual(7);
  });

  it("prod spans three AZs with a NAT gateway per AZ and protects its data", () => {
    const prod = loadEnvironment(ENVIRONMENTS.prod);
    expect(prod.network).toMatchObject({
      azCount: 3,
      natGateways: "perAz",
      availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    });
    expect(prod.protection).toEqual({ deletionProtection: true, preventDestroy: true, forceDestroy: false });
  });

  it("dev spans two AZs with a single NAT gateway", () => {
    const dev = loadEnvironment(ENVIRONMENTS.dev);
    expect(dev.network).toMatchObject({
      azCount: 2,
      natGateways: "single",
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
    });
    expect(dev.protection.forceDestroy).toBe(false);
  });

  it("environments share the base and differ only by their deltas", () => {
    const [dev, stage, prod] = ["dev", "stage", "prod"].map((n) => loadEnvironment(ENVIRONMENTS[n as "dev"]));
    expect(new Set([dev.region, stage.region, prod.region]).size).toBe(1);
    expect(new Set([dev.accountId, stage.accountId, prod.accountId]).size).toBe(3);
    expect(new Set([dev.network.cidr, stage.network.cidr, prod.network.cidr]).size).toBe(3);
  });
});

describe("environment validation", () => {
  const dev = ENVIRONMENTS.dev;

  it.each([
    ["accountId", "12345", "must be a 12-digit AWS account id", '"12345"'],
    ["accountId", 111111111111, "must be a 12-digit AWS account id", "111111111111"],
    ["region", "Europe", "must be an AWS region", '"Europe"'],
    ["state.bucket", "My_Bucket", "must be 3–63 characters of lowercase letters", '"My_Bucket"'],
    ["state.roleArn", "admin", "must be an IAM role ARN", '"admin"'],
    ["deployRoleArn", "arn:aws:iam::1:role/x", "must be an IAM role ARN", '"arn:aws:iam::1:role/x"'],
    ["network.cidr", "10.0.0.0/8", "must be a private /16–/20 IPv4 block", '"10.0.0.0/8"'],
    ["network.azCount", 4, "must be 2 or 3", "got 4"],
    ["network.natGateways", "double", "must be 'none', 'single' or 'perAz'", '"double"'],
    ["network.flowLogRetentionDays", 10, "must be one of CloudWatch's retention periods", "got 10"],
    ["network.interfaceEndpoints", ["s4"], "must be 'ecr.api', 'ecr.dkr'", '"s4"'],
    ["network.availabilityZones", ["eu-west-1a"], "must list exactly azCount (2) AZs", '["eu-west-1a"]'],
    [
      "network.availabilityZones",
      ["eu-west-1a", "eu-west-2b"],
      "must be an Availability Zone of the region 'eu-west-1'",
      '"eu-west-2b"; did you mean "eu-west-1b"?',
    ],
    ["name", "Prod", "must be a long-lived environment name", '"Prod"'],
    ["name", "sandbox", "must be a long-lived environment name", '"sandbox"'],
    ["name", "bootstrap", "must be a long-lived environment name", '"bootstrap"'],
    ["name", "x", "must be a long-lived environment name", '"x"'],
    ["name", "sandbox-Alice", "must be a long-lived environment name", '"sandbox-Alice"'],
    ["sandbox", true, "must be true exactly for environments named 'sandbox-<name>'", "got true"],
    ["protection.forceDestroy", true, "must be false outside sandboxes", "got true"],
    ["tags.owner", "x".repeat(300), "must be tag values of at most 256 characters", "xxxx"],
    ["repository", "not a repo!", "must be a repository name", '"not a repo!"'],
  ])("%s = %j is rejected", (field, value, allowed, got) => {
    const problems = problemsOf({ [field]: value });
    // The field (or an element of it, e.g. 'network.interfaceEndpoints.0') and what is allowed.
    const matching = problems.filter(
      (p) => p.startsWith(`Environment 'dev': '${field}`) && p.includes(`' ${allowed}`),
    );
    expect({ problems, matching: matching.length }).toEqual({ problems, matching: 1 });
    expect(problems.join("\n")).toContain(got);
  });

  it("rejects a missing field", () => {
    expect(problemsOf({ region: undefined })).toEqual([
      expect.stringContaining("Environment 'dev': 'region'"),
    ]);
  });

  it("rejects unknown fields instead of ignoring them", () => {
    expect(problemsOf({ "network.nat": "single" })).toEqual([
      expect.stringContaining("Environment 'dev': 'network' is not a known field, got unknown field(s) nat"),
    ]);
  });

  it("rejects forceDestroy together with preventDestroy", () => {
    const sandbox = withChanges(sandboxEnvironment("bob"), { "protection.preventDestroy": true });
    expect(environmentProblems(sandbox, "sandbox-bob")).toEqual([
      expect.stringContaining("'protection.preventDestroy' cannot be true together with forceDestroy"),
    ]);
  });

  it("lists every problem of an environment in one error", () => {
    const input = withChanges(dev, { accountId: "1", region: "x", "network.azCount": 9 }) as EnvironmentInput;
    expect(() => loadEnvironment(input)).toThrow(ConfigurationError);
    try {
      loadEnvironment(input);
    } catch (error) {
      expect((error as ConfigurationError).problems).toHaveLength(3);
    }
  });
});

describe("environment selection", () => {
  const names = (selection: Parameters<typeof selectEnvironments>[0]) =>
    selectEnvironments(selection).map((e) => e.name);

  it("defaults to every registered environment, in promotion order", () => {
    expect(names({})).toEqual(ENVIRONMENT_NAMES);
  });

  it("builds only the named environments", () => {
    expect(names({ INFRA_ENVS: "prod" })).toEqual(["prod"]);
    expect(names({ INFRA_ENVS: " stage , dev,dev" })).toEqual(["stage", "dev"]);
  });

  it("adds a sandbox per INFRA_SANDBOX name", () => {
    expect(names({ INFRA_SANDBOX: "alice" })).toEqual([...ENVIRONMENT_NAMES, "sandbox-alice"]);
    expect(names({ INFRA_ENVS: "", INFRA_SANDBOX: "alice,bob2" })).toEqual(["sandbox-alice", "sandbox-bob2"]);
  });

  it("fails on an unknown environment instead of falling back", () => {
    const unknown = unregisteredEnvironmentName();
    expect(selectionError({ INFRA_ENVS: unknown }).message).toBe(
      `INFRA_ENVS: unknown environment "${unknown}"; known: ${ENVIRONMENT_NAMES.join(", ")}`,
    );
  });

  it("points sandbox names given to INFRA_ENVS at INFRA_SANDBOX", () => {
    expect(selectionError({ INFRA_ENVS: "sandbox-alice" }).message).toContain(
      "select sandboxes with INFRA_SANDBOX=<name>",
    );
  });

  it.each(["Bad_Name", "UPPER", "has-dash", "waytoolongname13"])("rejects the sandbox name %j", (name) => {
    expect(selectionError({ INFRA_SANDBOX: name }).message).toBe(
      `INFRA_SANDBOX: "${name}" is not a valid sandbox name; use 1–12 lowercase letters or digits (/^[a-z0-9]{1,12}$/), e.g. "alice"`,
    );
  });

  it.each(["dev", "prod"])("refuses the long-lived environment name %j as a sandbox name", (name) => {
    expect(selectionError({ INFRA_SANDBOX: name }).message).toContain(
      `INFRA_SANDBOX: "${name}" is a long-lived environment, not a sandbox name`,
    );
  });

  it("fails when nothing is selected", () => {
    expect(selectionError({ INFRA_ENVS: " , " }).message).toContain("no environment selected");
  });

  it("reports every selection problem together", () => {
    const unknown = unregisteredEnvironmentName();
    expect(
      selectionError({ INFRA_ENVS: `${unknown},prod,${unknown}x`, INFRA_SANDBOX: "Bad_Name" }).problems,
    ).toHaveLength(3);
  });

  it("rejects an environment registered under another name (a copied file that kept its name)", () => {
    const defined = {
      ...ENVIRONMENTS,
      stage2: withChanges(ENVIRONMENTS.stage, { "network.cidr": "10.50.0.0/16" }),
    };
    expect(() => selectEnvironments({ INFRA_ENVS: "dev" }, defined)).toThrow(
      `Environment 'stage2': 'name' must equal its key in environments/registry.ts ("stage2"), got "stage"`,
    );
  });

  it("rejects two environments with one state bucket", () => {
    const copy = withChanges(ENVIRONMENTS.stage, { name: "qa", "network.cidr": "10.50.0.0/16" });
    expect(() => selectEnvironments({ INFRA_ENVS: "dev" }, { ...ENVIRONMENTS, qa: copy })).toThrow(
      `Environment 'qa': 'state.bucket' must not be the state bucket of environment 'stage', got "${ENVIRONMENTS.stage.state.bucket}"`,
    );
  });

  it("rejects a hosted zone of another environment's account", () => {
    const copy = withChanges(ENVIRONMENTS.stage, {
      name: "qa",
      accountId: "444444444444",
      "cluster.adminRoleArns": ["arn:aws:iam::444444444444:role/platform-admin"],
      "state.bucket": "acme-platform-tfstate-qa",
      "network.cidr": "10.50.0.0/16",
    });
    expect(() => selectEnvironments({ INFRA_ENVS: "qa" }, { ...ENVIRONMENTS, qa: copy })).toThrow(
      `Environment 'qa': 'platform.domain.hostedZoneId' is the hosted zone of environment 'stage' in account ${ENVIRONMENTS.stage.accountId}, not of this environment's account 444444444444`,
    );
  });

  it("rejects environments whose networks overlap", () => {
    const defined = {
      ...ENVIRONMENTS,
      stage: withChanges(ENVIRONMENTS.stage, { "network.cidr": "10.10.0.0/17" }) as EnvironmentInput,
    };
    expect(() => selectEnvironments({ INFRA_ENVS: "prod" }, defined)).toThrow(
      "Environment 'stage': 'network.cidr' must not overlap environment 'dev' (10.10.0.0/16), got \"10.10.0.0/17\"",
    );
  });
});
