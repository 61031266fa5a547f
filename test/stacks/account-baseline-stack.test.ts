import { Testing } from "cdktf";
import { ENVIRONMENTS, EnvironmentConfig, loadEnvironment, sandboxEnvironment } from "../../environments";
import { AccountBaselineStack } from "../../stacks/account-baseline-stack";
import { expectErrorContaining, withChanges } from "../helpers";

const dev = loadEnvironment(ENVIRONMENTS.dev);
const stage = loadEnvironment(ENVIRONMENTS.stage);
const build = (environments: EnvironmentConfig[]) =>
  new AccountBaselineStack(Testing.app(), "account-111111111111", { environments });

describe("AccountBaselineStack validation", () => {
  it("rejects an account without environments", () => {
    expectErrorContaining(
      () => build([]),
      "AccountBaselineStack 'account-111111111111'",
      "'environments' must list at least one environment of the account",
    );
  });

  it("rejects environments of different accounts", () => {
    expectErrorContaining(
      () => build([dev, stage]),
      "'environments' must share one account, got 111111111111, 222222222222",
    );
  });

  it("rejects a sandbox (sandboxes use their host environment's roles)", () => {
    expectErrorContaining(
      () => build([dev, loadEnvironment(sandboxEnvironment("alice"))]),
      "'environments' must be long-lived",
      "sandbox-alice",
    );
  });

  it("rejects two environments with the same GitHub environment (their roles would collide)", () => {
    const stageInDev = loadEnvironment(
      withChanges(ENVIRONMENTS.stage, { accountId: "111111111111", "ci.githubEnvironment": "dev" }),
    );
    expectErrorContaining(
      () => build([dev, stageInDev]),
      "'environments' must each have their own ci.githubEnvironment, shared: dev",
    );
  });
});

describe("AccountBaselineStack state", () => {
  it('moves into the first environment\'s bucket with state.bootstrapBackend "bucket", encrypted with its key', () => {
    const inBucket = loadEnvironment(withChanges(ENVIRONMENTS.dev, { "state.bootstrapBackend": "bucket" }));
    const json = JSON.parse(Testing.synth(build([inBucket])));
    expect(json.terraform.backend).toEqual({
      s3: {
        bucket: "acme-platform-tfstate-dev",
        key: "dev/account-111111111111.tfstate",
        region: "eu-west-1",
        encrypt: true,
        kms_key_id: "arn:aws:kms:eu-west-1:111111111111:alias/terraform-state-acme-platform-tfstate-dev",
        use_lockfile: true,
      },
    });
  });
});
