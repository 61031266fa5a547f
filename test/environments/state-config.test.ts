import {
  BOOTSTRAP_BACKENDS,
  ENVIRONMENTS,
  environmentProblems,
  loadEnvironment,
  sandboxEnvironment,
} from "../../environments";
import { base } from "../../environments/base";
import { problemsOf } from "../environment-problems";
import { withChanges } from "../helpers";

describe("state.bootstrapBackend of the shipped environments", () => {
  it('base states "local": the bootstrap state starts in .bootstrap-state/', () => {
    expect(base.state.bootstrapBackend).toBe("local");
  });

  it.each(["dev", "stage", "prod"] as const)('%s keeps its bootstrap state local ("local")', (name) => {
    expect(loadEnvironment(ENVIRONMENTS[name]).state.bootstrapBackend).toBe("local");
  });

  it("sandboxes (no bootstrap stack) carry a valid value, whichever dev uses", () => {
    const sandbox = sandboxEnvironment("alice");
    expect(loadEnvironment(sandbox).state.bootstrapBackend).toBe("local");
    const bucket = withChanges(sandbox, { "state.bootstrapBackend": "bucket" });
    expect(loadEnvironment(bucket).state.bootstrapBackend).toBe("bucket");
  });
});

describe("state.bootstrapBackend validation", () => {
  it.each(BOOTSTRAP_BACKENDS)("accepts %j", (value) => {
    expect(problemsOf({ "state.bootstrapBackend": value })).toEqual([]);
    expect(
      loadEnvironment(withChanges(ENVIRONMENTS.prod, { "state.bootstrapBackend": value })).state,
    ).toEqual({
      bucket: "acme-platform-tfstate-prod",
      bootstrapBackend: value,
    });
  });

  it("requires a value: every environment states where its bootstrap state lives", () => {
    const input = withChanges(ENVIRONMENTS.stage, { "state.bootstrapBackend": undefined });
    expect(environmentProblems(input, "stage")).toEqual([
      expect.stringContaining("Environment 'stage': 'state.bootstrapBackend' must be 'local'"),
    ]);
  });

  it("rejects any other value, naming the environment, the field, the value and what is allowed", () => {
    expect(problemsOf({ "state.bootstrapBackend": "s3" })).toEqual([
      "Environment 'dev': 'state.bootstrapBackend' must be 'local' (bootstrap state in .bootstrap-state/) or " +
        "'bucket' (in the environment's state bucket, after bootstrap --migrate), got \"s3\"",
    ]);
  });
});
