import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { Construct } from "constructs";
import { ObjectStorage } from "../constructs/object-storage/object-storage";
import {
  AccountStack,
  EnvironmentStackProps,
  addBootstrapLocalBackend,
  addEnvironmentBackend,
} from "./environment-stack";
import { stateKeyAliasName } from "./deploy-identity";

/**
 * `bootstrap-<env>`: the bucket that holds the environment's Terraform state. Its own state starts
 * local (it cannot live in a bucket that does not exist yet) and moves into that bucket, under
 * `<env>/bootstrap-<env>.tfstate` like the layer stacks, once the environment sets
 * `state.bootstrapBackend: "bucket"` and runs `bootstrap <env> --migrate`. The bucket is versioned,
 * encrypted with its own KMS key, private, TLS-only and protected by `prevent_destroy` in every
 * environment.
 */
export class BootstrapStack extends AccountStack {
  /** The state bucket. */
  readonly stateBucket: ObjectStorage;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id, props);
    if (props.environment.state.bootstrapBackend === "bucket") addEnvironmentBackend(this, props.environment);
    else addBootstrapLocalBackend(this);
    this.stateBucket = new ObjectStorage(this, "StateBucket", {
      bucketName: props.environment.state.bucket,
      encryption: "kms",
      versioned: true,
      // Old state versions are the way back from a bad apply: keep them for a year.
      noncurrentVersionExpirationDays: 365,
      preventDestroy: true,
    });
    // The layer stacks' backends name the key by this alias (`kms_key_id`), and the CI roles are
    // granted the key through it (kms:ResourceAliases): a backend cannot refer to a resource.
    const keyAlias = new KmsAlias(this, "StateKeyAlias", {
      name: stateKeyAliasName(props.environment.state.bucket),
      targetKeyId: this.stateBucket.kmsKeyArn as string,
    });
    this.exportOutputs({
      state_bucket: { value: this.stateBucket.bucketName, description: "State bucket" },
      state_kms_key_arn: {
        value: this.stateBucket.kmsKeyArn,
        description: "KMS key of the state bucket (state readers need kms:Decrypt)",
      },
      state_kms_key_alias: {
        value: keyAlias.name,
        description: "Alias of the state key, the layer stacks' backend kms_key_id",
      },
    });
  }
}
