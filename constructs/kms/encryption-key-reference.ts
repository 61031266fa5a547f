import { Construct } from "constructs";
import { KMS_KEY } from "../core/aws-identifiers";
import { PropValidator, optional } from "../core/validation";

/**
 * A KMS key another construct encrypts with: an {@link EncryptionKey} of this app, or a key made
 * elsewhere imported with `EncryptionKey.fromAttributes`. Its policy must let the services that use
 * it do so (CloudWatch Logs for log groups, CloudWatch for an alarm topic): an imported key's policy
 * is not changed.
 */
export interface IEncryptionKey {
  /** The key's ARN. */
  readonly keyArn: string;
}

/** Attributes of a KMS key made elsewhere, for `EncryptionKey.fromAttributes`. */
export interface EncryptionKeyAttributes {
  /** The key's ARN (`arn:aws:kms:<region>:<account>:key/<id>`); an alias ARN is not accepted. */
  readonly keyArn: string;
}

/** A KMS key made elsewhere: nothing is created, the ARN is checked. */
export class ImportedEncryptionKey extends Construct implements IEncryptionKey {
  readonly keyArn: string;

  constructor(scope: Construct, id: string, attributes: EncryptionKeyAttributes) {
    super(scope, id);
    const v = new PropValidator("EncryptionKey.fromAttributes", this);
    v.check("keyArn", attributes.keyArn, KMS_KEY);
    v.throwIfInvalid();
    this.keyArn = attributes.keyArn;
  }
}

/**
 * The key ARN a construct encrypts with, from its `encryptionKey` prop or its deprecated
 * `kmsKeyArn` string (checked, and refused together with `encryptionKey`).
 */
export function keyArnFrom(
  v: PropValidator,
  key: IEncryptionKey | undefined,
  arn: string | undefined,
  names: { readonly key: string; readonly arn: string } = { key: "encryptionKey", arn: "kmsKeyArn" },
): string | undefined {
  v.check(
    names.arn,
    arn,
    (a) => a === undefined || key === undefined,
    `cannot be combined with ${names.key} (give the key once, preferably as ${names.key})`,
  );
  v.check(names.arn, arn, optional(KMS_KEY));
  return key?.keyArn ?? arn;
}
