import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Testing } from "cdktf";
import { EncryptionKey, EncryptionKeyProps } from "../../../constructs/kms/encryption-key";
import { expectErrorContaining, onlyResource, resourcesOf, synthConstruct, testStack } from "../../helpers";

const synth = (props: Partial<EncryptionKeyProps> = {}) =>
  synthConstruct((scope) => new EncryptionKey(scope, "Key", { description: "test key", ...props }));

describe("EncryptionKey", () => {
  it("rotates yearly and waits 30 days before deletion by default", () => {
    expect(synth()).toHaveResourceWithProperties(KmsKey, {
      description: "test key",
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
  });

  it("delegates to the account's IAM policies without wildcard principals", () => {
    const policy = JSON.parse(onlyResource(synth(), "aws_kms_key").policy);
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0].Principal.AWS).toMatch(/^arn:\$\{.*\}:iam::\$\{.*account_id\}:root$/);
  });

  it("adds scoped service grants", () => {
    const json = synth({
      serviceGrants: [
        {
          principal: "logs.eu-west-1.amazonaws.com",
          actions: ["kms:Decrypt"],
          condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
        },
      ],
    });
    const statement = JSON.parse(onlyResource(json, "aws_kms_key").policy).Statement[1];
    expect(statement).toEqual({
      Sid: "ServiceGrant0",
      Effect: "Allow",
      Principal: { Service: "logs.eu-west-1.amazonaws.com" },
      Action: ["kms:Decrypt"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
    });
  });

  it("creates an alias only when named", () => {
    expect(resourcesOf(synth(), "aws_kms_alias")).toEqual({});
    expect(onlyResource(synth({ alias: "app/data" }), "aws_kms_alias").name).toBe("alias/app/data");
  });

  it("adds prevent_destroy when asked", () => {
    expect(onlyResource(synth({ preventDestroy: true }), "aws_kms_key").lifecycle).toEqual({
      prevent_destroy: true,
    });
    expect(onlyResource(synth(), "aws_kms_key").lifecycle).toBeUndefined();
  });

  it.each<[string, Partial<EncryptionKeyProps>, string[]]>([
    [
      "a service grant that is not pinned to this account's resources (confused deputy)",
      {
        serviceGrants: [
          { principal: "sns.amazonaws.com", actions: ["kms:Decrypt"], condition: { Bool: { x: true } } },
        ],
      },
      ["'serviceGrants[0].condition' must pin sns.amazonaws.com", "aws:SourceAccount, aws:SourceArn"],
    ],
    [
      "a deletion window outside 7–30 days",
      { deletionWindowDays: 3 },
      ["'deletionWindowDays' must be a whole number of days from 7 to 30", "got 3"],
    ],
    ["an alias with the alias/ prefix", { alias: "alias/x" }, ["'alias' must be 1–250", '"alias/x"']],
    ["an alias in the aws/ namespace", { alias: "aws/x" }, ["'alias' must be 1–250", '"aws/x"']],
  ])("rejects %s", (_case, props, fragments) => {
    expectErrorContaining(() => synth(props), "EncryptionKey", ...fragments);
  });
});

describe("EncryptionKey.fromAttributes", () => {
  const ARN = "arn:aws:kms:eu-west-1:111111111111:key/mrk-0123456789abcdef0123456789abcdef";

  it("refers to a key by its ARN and creates nothing", () => {
    const stack = testStack();
    expect(EncryptionKey.fromAttributes(stack, "Shared", { keyArn: ARN }).keyArn).toBe(ARN);
    expect(JSON.parse(Testing.synth(stack)).resource).toBeUndefined();
  });

  it("rejects what is not a key ARN (an alias ARN included)", () => {
    const alias = "arn:aws:kms:eu-west-1:111111111111:alias/shared";
    expectErrorContaining(
      () => EncryptionKey.fromAttributes(testStack(), "Shared", { keyArn: alias }),
      "EncryptionKey.fromAttributes 'test/Shared': 'keyArn' must be a KMS key ARN",
      JSON.stringify(alias),
    );
  });
});
