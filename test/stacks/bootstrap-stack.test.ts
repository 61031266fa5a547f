import { ENVIRONMENTS, loadEnvironment } from "../../environments";
import { buildEnvironment } from "../../stacks/environment-app";
import { synthesizedEnvironments } from "../environments-under-test";
import { TerraformJson, synthApp, withChanges } from "../helpers";

// dev as shipped (local bootstrap state), and dev and stage after their owners set
// state.bootstrapBackend: "bucket" (stage with a role for state access), built as the app builds them.
const STATE_ROLE = "arn:aws:iam::222222222222:role/terraform-state";
// dev as shipped is the shared synthesis of the environments under test (made once per source tree).
const local = synthesizedEnvironments().stacks;
const bucket = synthApp((app) => {
  buildEnvironment(
    app,
    loadEnvironment(withChanges(ENVIRONMENTS.dev, { "state.bootstrapBackend": "bucket" })),
  );
  buildEnvironment(
    app,
    loadEnvironment(
      withChanges(ENVIRONMENTS.stage, { "state.bootstrapBackend": "bucket", "state.roleArn": STATE_ROLE }),
    ),
  );
});

/** Everything but the backend (and the stack metadata that names its type): resources, outputs, providers. */
const withoutBackend = (json: TerraformJson) => {
  const { "//": _metadata, ...rest } = json as TerraformJson & { "//"?: unknown };
  const { backend: _backend, ...terraform } = json.terraform ?? {};
  return { ...rest, terraform };
};

describe("bootstrap-<env>'s state key", () => {
  it("gets the alias the layer stacks' backends name as kms_key_id (a backend cannot refer to a resource)", () => {
    const [alias] = Object.values(local["bootstrap-dev"].resource?.aws_kms_alias ?? {}) as any[];
    expect(alias.name).toBe("alias/terraform-state-acme-platform-tfstate-dev");
    expect(alias.target_key_id).toMatch(/^\$\{aws_kms_key\.StateBucket_Key_\w+\.arn\}$/);
    expect(local["dev-network"].terraform?.backend?.s3?.kms_key_id).toBe(
      "arn:aws:kms:eu-west-1:111111111111:alias/terraform-state-acme-platform-tfstate-dev",
    );
  });
});

describe('bootstrap-<env> with state.bootstrapBackend "bucket"', () => {
  it("keeps its state in the environment's bucket under <env>/bootstrap-<env>.tfstate, encrypted and lock-file-locked", () => {
    expect(bucket["bootstrap-dev"].terraform?.backend).toEqual({
      s3: {
        bucket: "acme-platform-tfstate-dev",
        key: "dev/bootstrap-dev.tfstate",
        region: "eu-west-1",
        encrypt: true,
        kms_key_id: "arn:aws:kms:eu-west-1:111111111111:alias/terraform-state-acme-platform-tfstate-dev",
        use_lockfile: true,
      },
    });
  });

  it("assumes the environment's state role when it names one", () => {
    expect(bucket["bootstrap-stage"].terraform?.backend).toEqual({
      s3: {
        bucket: "acme-platform-tfstate-stage",
        key: "stage/bootstrap-stage.tfstate",
        region: "eu-west-1",
        encrypt: true,
        kms_key_id: "arn:aws:kms:eu-west-1:222222222222:alias/terraform-state-acme-platform-tfstate-stage",
        use_lockfile: true,
        assume_role: { role_arn: STATE_ROLE },
      },
    });
  });

  it("declares the same S3 backend as the layer stacks, only the key differs", () => {
    const s3 = (id: string): Record<string, unknown> => ({ ...bucket[id].terraform?.backend?.s3 });
    const { key: _bootstrapKey, ...bootstrap } = s3("bootstrap-stage");
    const { key: _networkKey, ...network } = s3("stage-network");
    expect(network).toMatchObject({ bucket: "acme-platform-tfstate-stage", use_lockfile: true });
    expect(bootstrap).toEqual(network);
  });

  it("changes nothing but the backend: same resources, addresses, outputs and providers as with local state", () => {
    expect(local["bootstrap-dev"].terraform?.backend).toEqual({
      local: { path: "../../../.bootstrap-state/bootstrap-dev.tfstate" },
    });
    expect(withoutBackend(bucket["bootstrap-dev"])).toEqual(withoutBackend(local["bootstrap-dev"]));
  });

  it("leaves the layer stacks as they are", () => {
    for (const id of ["dev-network", "dev-cluster", "dev-data", "dev-platform"]) {
      expect(bucket[id]).toEqual(local[id]);
    }
  });
});
