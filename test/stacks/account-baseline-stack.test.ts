import { Testing } from "cdktf";
import { ENVIRONMENTS, EnvironmentConfig, loadEnvironment, sandboxEnvironment } from "../../environments";
import { AccountBaselineStack } from "../../stacks/account-baseline-stack";
import { expectErrorContaining, withChanges } from "../helpers";

const dev = loadEnvironment(ENVIRONMENTS.dev);
const stage = loadEnvironment(ENVIRONMENTS.stage);
const build = (environments: EnvironmentConfig[]) =>
  new AccountBaselineStack(Testing.app(), `account-${dev.accountId}`, { environments });

describe("AccountBaselineStack validation", () => {
  it("rejects an account without environments", () => {
    expectErrorContaining(
      () => build([]),
      `AccountBaselineStack 'account-${dev.accountId}'`,
      "'environments' must list at least one environment of the account",
    );
  });

  it("rejects environments of different accounts", () => {
    expectErrorContaining(
      () => build([dev, stage]),
      `'environments' must share one account, got ${dev.accountId}, ${stage.accountId}`,
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
      withChanges(ENVIRONMENTS.stage, {
        accountId: dev.accountId,
        "cluster.adminRoleArns": dev.cluster.adminRoleArns,
        "ci.githubEnvironment": dev.ci.githubEnvironment,
      }),
    );
    expectErrorContaining(
      () => build([dev, stageInDev]),
      `'environments' must each have their own ci.githubEnvironment, shared: ${dev.ci.githubEnvironment}`,
    );
  });
});

describe("AccountBaselineStack state", () => {
  it('moves into the first environment\'s bucket with state.bootstrapBackend "bucket", encrypted with its key', () => {
    const inBucket = loadEnvironment(withChanges(ENVIRONMENTS.dev, { "state.bootstrapBackend": "bucket" }));
    const json = JSON.parse(Testing.synth(build([inBucket])));
    expect(json.terraform.backend).toEqual({
      s3: {
        bucket: dev.state.bucket,
        key: `dev/account-${dev.accountId}.tfstate`,
        region: dev.region,
        encrypt: true,
        kms_key_id: `arn:aws:kms:${dev.region}:${dev.accountId}:alias/terraform-state-${dev.state.bucket}`,
        use_lockfile: true,
      },
    });
  });
});
