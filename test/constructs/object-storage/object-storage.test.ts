import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { TerraformOutput, Testing } from "cdktf";
import {
  ObjectStorage,
  ObjectStorageProps,
  isValidBucketName,
} from "../../../constructs/object-storage/object-storage";
import { PolicyDocument } from "../../../constructs/core/iam";
import {
  TerraformJson,
  expectErrorContaining,
  findResource,
  onlyResource,
  resourcesOf,
  synthConstruct,
  testStack,
} from "../../helpers";

const synthText = (props: ObjectStorageProps = {}) =>
  synthConstruct((scope) => new ObjectStorage(scope, "Bucket", props));
const synth = (props: ObjectStorageProps = {}): TerraformJson => JSON.parse(synthText(props));

/** A bucket in a test stack, with its grant documents resolved to Terraform expressions. */
function grants(
  props: ObjectStorageProps,
  build: (bucket: ObjectStorage) => Record<string, PolicyDocument>,
): Record<string, PolicyDocument> {
  const stack = testStack();
  const bucket = new ObjectStorage(stack, "Bucket", props);
  for (const [id, document] of Object.entries(build(bucket)))
    new TerraformOutput(stack, id, { value: document });
  const json: TerraformJson = JSON.parse(Testing.synth(stack));
  return Object.fromEntries(Object.entries(json.output ?? {}).map(([id, o]) => [id, o.value]));
}

const ref = (json: TerraformJson, type: string, attribute: string) =>
  `\${${type}.${Object.keys(json.resource?.[type] ?? {})[0]}.${attribute}}`;

// One synthesis per shape, shared by the tests below.
const defaults = synth();
const defaultsText = JSON.stringify(defaults);
const sseS3 = synth({ encryption: "s3", versioned: false });
const protectedBucket = synth({ bucketName: "acme-prod-data", preventDestroy: true });
const throwAway = synth({ forceDestroy: true, versioned: false });
const logged = synth({ accessLogBucketName: "acme-access-logs", bucketNamePrefix: "app-data" });
const logTarget = synth({ encryption: "s3", receivesAccessLogs: true });

describe("ObjectStorage: naming", () => {
  it("generates a unique name from the construct id when none is given", () => {
    expect(onlyResource(defaults, "aws_s3_bucket")).toMatchObject({
      bucket_prefix: "bucket-",
      force_destroy: false,
    });
    expect(onlyResource(defaults, "aws_s3_bucket")).not.toHaveProperty("bucket");
    expect(onlyResource(logged, "aws_s3_bucket").bucket_prefix).toBe("app-data-");
  });

  it("uses an exact name when given", () => {
    expect(onlyResource(protectedBucket, "aws_s3_bucket").bucket).toBe("acme-prod-data");
    expect(onlyResource(protectedBucket, "aws_s3_bucket")).not.toHaveProperty("bucket_prefix");
  });

  it.each(["acme-data", "a.b-c", "abc", "a".repeat(63)])("accepts the bucket name %s", (name) => {
    expect(isValidBucketName(name)).toBe(true);
  });

  it.each([
    "ab",
    "a".repeat(64),
    "Upper",
    "under_score",
    "-leading",
    "trailing-",
    "dot..dot",
    "192.168.1.1",
    "xn--punycode",
    "sthree-reserved",
    "name-s3alias",
    "name--ol-s3",
    "name--x-s3",
  ])("rejects the bucket name %s", (name) => {
    expect(isValidBucketName(name)).toBe(false);
  });
});

describe("ObjectStorage: always private", () => {
  it.each([
    ["defaults", defaultsText],
    ["SSE-S3", JSON.stringify(sseS3)],
    ["log target", JSON.stringify(logTarget)],
  ])("blocks every kind of public access (%s)", (_shape, text) => {
    expect(text).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it("enforces bucket-owner ownership: ACLs are disabled", () => {
    expect(onlyResource(defaults, "aws_s3_bucket_ownership_controls").rule).toEqual({
      object_ownership: "BucketOwnerEnforced",
    });
  });

  it("denies plain HTTP and TLS older than 1.2 on the bucket and its objects", () => {
    const policy = JSON.parse(onlyResource(defaults, "aws_s3_bucket_policy").policy);
    const bucketArn = ref(defaults, "aws_s3_bucket", "arn");
    expect(policy.Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyOutdatedTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      },
    ]);
  });

  it("applies the bucket policy only after the public access block", () => {
    expect(onlyResource(defaults, "aws_s3_bucket_policy").depends_on).toEqual([
      findResource(defaults, "aws_s3_bucket_public_access_block").address,
    ]);
  });

  it("appends extra statements after the TLS-only ones", () => {
    const extra = {
      Sid: "Extra",
      Effect: "Deny" as const,
      Principal: "*" as const,
      Action: "s3:DeleteBucket",
    };
    const policy = JSON.parse(
      onlyResource(synth({ policyStatements: [extra] }), "aws_s3_bucket_policy").policy,
    );
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      "DenyInsecureTransport",
      "DenyOutdatedTls",
      "Extra",
    ]);
  });
});

describe("ObjectStorage: encryption", () => {
  it("uses SSE-KMS with a bucket key and a dedicated rotating key by default", () => {
    const keyArn = ref(defaults, "aws_kms_key", "arn");
    expect(onlyResource(defaults, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: keyArn },
        bucket_key_enabled: true,
      },
    ]);
    expect(onlyResource(defaults, "aws_kms_key")).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
  });

  it("uses a given customer-managed key and then creates none", () => {
    const given = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555";
    const json = synth({ kmsKeyArn: given });
    expect(resourcesOf(json, "aws_kms_key")).toEqual({});
    expect(
      onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration").rule[0]
        .apply_server_side_encryption_by_default,
    ).toEqual({ sse_algorithm: "aws:kms", kms_master_key_id: given });
  });

  it("uses SSE-S3 when asked, without a key", () => {
    expect(onlyResource(sseS3, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" }, bucket_key_enabled: false },
    ]);
    expect(resourcesOf(sseS3, "aws_kms_key")).toEqual({});
  });
});

describe("ObjectStorage: versioning and lifecycle", () => {
  it("versions every object by default", () => {
    expect(onlyResource(defaults, "aws_s3_bucket_versioning").versioning_configuration).toEqual({
      status: "Enabled",
    });
  });

  it("aborts incomplete uploads after 7 days and expires noncurrent versions after 90 by default", () => {
    const lifecycle = onlyResource(defaults, "aws_s3_bucket_lifecycle_configuration");
    expect(lifecycle.rule).toEqual([
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: [{}],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: [{}],
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        expiration: [{ expired_object_delete_marker: true }],
      },
    ]);
  });

  it("applies the lifecycle only after versioning is on", () => {
    expect(onlyResource(defaults, "aws_s3_bucket_lifecycle_configuration").depends_on).toEqual([
      findResource(defaults, "aws_s3_bucket_versioning").address,
    ]);
  });

  it("has neither versioning nor noncurrent-version rules when unversioned", () => {
    expect(resourcesOf(sseS3, "aws_s3_bucket_versioning")).toEqual({});
    const lifecycle = onlyResource(sseS3, "aws_s3_bucket_lifecycle_configuration");
    expect(lifecycle.rule.map((r: { id: string }) => r.id)).toEqual(["abort-incomplete-multipart-uploads"]);
    expect(lifecycle).not.toHaveProperty("depends_on");
  });

  it("adds expiration and Intelligent-Tiering presets with the given day counts", () => {
    const json = synth({
      noncurrentVersionExpirationDays: 30,
      abortIncompleteUploadDays: 2,
      expirationDays: 400,
      intelligentTieringAfterDays: 30,
    });
    const rules = onlyResource(json, "aws_s3_bucket_lifecycle_configuration").rule;
    expect(rules).toEqual([
      expect.objectContaining({ abort_incomplete_multipart_upload: [{ days_after_initiation: 2 }] }),
      expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 30 }] }),
      { id: "expire-objects", status: "Enabled", filter: [{}], expiration: [{ days: 400 }] },
      {
        id: "intelligent-tiering",
        status: "Enabled",
        filter: [{}],
        transition: [{ days: 30, storage_class: "INTELLIGENT_TIERING" }],
      },
    ]);
  });
});

describe("ObjectStorage: access logging", () => {
  it("logs server access to the given bucket under the bucket's name by default", () => {
    expect(onlyResource(logged, "aws_s3_bucket_logging")).toMatchObject({
      bucket: ref(logged, "aws_s3_bucket", "id"),
      target_bucket: "acme-access-logs",
      target_prefix: "app-data/",
    });
    expect(resourcesOf(defaults, "aws_s3_bucket_logging")).toEqual({});
  });

  it("uses a given log prefix", () => {
    const json = synth({ accessLogBucketName: "acme-access-logs", accessLogPrefix: "s3/app/" });
    expect(onlyResource(json, "aws_s3_bucket_logging").target_prefix).toBe("s3/app/");
  });

  it("accepts server access logs from this account's buckets when it is a log target", () => {
    const policy = JSON.parse(onlyResource(logTarget, "aws_s3_bucket_policy").policy);
    expect(policy.Statement[2]).toEqual({
      Sid: "S3ServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${ref(logTarget, "aws_s3_bucket", "arn")}/*`,
      Condition: {
        StringEquals: { "aws:SourceAccount": expect.stringMatching(/aws_caller_identity.*account_id/) },
      },
    });
    const defaultSids = JSON.parse(onlyResource(defaults, "aws_s3_bucket_policy").policy).Statement.map(
      (s: { Sid: string }) => s.Sid,
    );
    expect(defaultSids).not.toContain("S3ServerAccessLogDelivery");
  });
});

describe("ObjectStorage: destruction", () => {
  it("refuses to delete a non-empty bucket by default and has no prevent_destroy", () => {
    expect(onlyResource(defaults, "aws_s3_bucket").force_destroy).toBe(false);
    expect(onlyResource(defaults, "aws_s3_bucket")).not.toHaveProperty("lifecycle");
  });

  it("force_destroy only by explicit choice, with the shortest key deletion window", () => {
    expect(onlyResource(throwAway, "aws_s3_bucket").force_destroy).toBe(true);
    expect(onlyResource(throwAway, "aws_kms_key").deletion_window_in_days).toBe(7);
  });

  it("prevent_destroy guards the bucket and its key for production data", () => {
    expect(onlyResource(protectedBucket, "aws_s3_bucket").lifecycle).toEqual({ prevent_destroy: true });
    expect(onlyResource(protectedBucket, "aws_kms_key").lifecycle).toEqual({ prevent_destroy: true });
  });
});

describe("ObjectStorage: typed outputs", () => {
  it("exposes the bucket name and ARN, and the key ARN when KMS-encrypted", () => {
    const stack = testStack();
    const kms = new ObjectStorage(stack, "Kms", {});
    const s3 = new ObjectStorage(stack, "S3", { encryption: "s3" });
    new TerraformOutput(stack, "name", { value: kms.bucketName });
    new TerraformOutput(stack, "arn", { value: kms.bucketArn });
    new TerraformOutput(stack, "key", { value: kms.kmsKeyArn });
    const outputs = JSON.parse(Testing.synth(stack)).output;
    expect(outputs.name.value).toMatch(/^\$\{aws_s3_bucket\.Kms_\w+\.bucket\}$/);
    expect(outputs.arn.value).toMatch(/^\$\{aws_s3_bucket\.Kms_\w+\.arn\}$/);
    expect(outputs.key.value).toMatch(/^\$\{aws_kms_key\.Kms_Key_\w+\.arn\}$/);
    expect(s3.kmsKeyArn).toBeUndefined();
    expect(s3.bucket.terraformResourceType).toBe("aws_s3_bucket");
  });
});

describe("ObjectStorage: least-privilege grants", () => {
  const docs = grants({}, (b) => ({
    read: b.grantRead(),
    write: b.grantWrite(),
    readWrite: b.grantReadWrite(),
    prefixed: b.grantReadWrite("loki/"),
  }));
  const s3Docs = grants({ encryption: "s3" }, (b) => ({ readWrite: b.grantReadWrite() }));
  const bucketArn = expect.stringMatching(/^\$\{aws_s3_bucket\.Bucket_\w+\.arn\}$/);
  const objectsArn = (prefix = "") =>
    expect.stringMatching(new RegExp(`^\\$\\{aws_s3_bucket\\.Bucket_\\w+\\.arn\\}/${prefix}\\*$`));
  const keyArn = expect.stringMatching(/^\$\{aws_kms_key\.Bucket_Key_\w+\.arn\}$/);

  it("grantRead lists the bucket, reads objects and decrypts with the bucket's key only", () => {
    expect(docs.read).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "BucketLocation", Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: bucketArn },
        { Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: bucketArn },
        { Sid: "ReadObjects", Effect: "Allow", Action: ["s3:GetObject"], Resource: objectsArn() },
        { Sid: "UseBucketKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: keyArn },
      ],
    });
  });

  it("grantWrite writes and deletes objects, with data keys from the bucket's key, and cannot read or list", () => {
    expect(docs.write.Statement).toEqual([
      {
        Sid: "WriteObjects",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        Resource: objectsArn(),
      },
      {
        Sid: "UseBucketKey",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: keyArn,
      },
    ]);
  });

  it("grantReadWrite combines both, for workloads such as Loki", () => {
    expect(docs.readWrite.Statement.map((s) => s.Sid)).toEqual([
      "BucketLocation",
      "ListBucket",
      "ReadObjects",
      "WriteObjects",
      "UseBucketKey",
    ]);
  });

  it("never grants wildcard actions or other resources", () => {
    for (const doc of Object.values(docs)) {
      for (const statement of doc.Statement) {
        expect(statement.Effect).toBe("Allow");
        for (const action of [statement.Action].flat()) expect(action).not.toMatch(/\*/);
        expect(String(statement.Resource)).toMatch(/^\$\{aws_(s3_bucket|kms_key)\.Bucket_/);
      }
    }
  });

  it("scopes listing and objects to a key prefix", () => {
    const statements = docs.prefixed.Statement;
    expect(statements.find((s) => s.Sid === "ListBucket")).toEqual({
      Sid: "ListBucket",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: bucketArn,
      Condition: { StringLike: { "s3:prefix": ["loki/*"] } },
    });
    expect(statements.find((s) => s.Sid === "ReadObjects")?.Resource).toEqual(objectsArn("loki/"));
    expect(statements.find((s) => s.Sid === "WriteObjects")?.Resource).toEqual(objectsArn("loki/"));
  });

  it("has no KMS statement when the bucket uses SSE-S3", () => {
    expect(s3Docs.readWrite.Statement.map((s) => s.Sid)).toEqual([
      "BucketLocation",
      "ListBucket",
      "ReadObjects",
      "WriteObjects",
    ]);
  });

  it("uses a given key in the KMS statement", () => {
    const given = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555";
    const doc = grants({ kmsKeyArn: given }, (b) => ({ read: b.grantRead() })).read;
    expect(doc.Statement.find((s) => s.Sid === "UseBucketKey")?.Resource).toBe(given);
  });
});

describe("ObjectStorage: validation", () => {
  const build = (props: ObjectStorageProps) => new ObjectStorage(testStack(), "Bucket", props);

  it.each<[string, ObjectStorageProps, string, string]>([
    [
      "bucketName",
      { bucketName: "My_Bucket" },
      '"My_Bucket"',
      "must be 3–63 characters of lowercase letters",
    ],
    [
      "bucketNamePrefix",
      { bucketNamePrefix: "-Data" },
      '"-Data"',
      "must be 1–36 lowercase letters, digits, '.' or '-', starting with a letter or digit",
    ],
    [
      "bucketNamePrefix",
      { bucketName: "acme-data", bucketNamePrefix: "acme" },
      '"acme"',
      "cannot be combined with bucketName",
    ],
    ["encryption", { encryption: "aes" as never }, '"aes"', "must be 'kms' or 's3'"],
    [
      "kmsKeyArn",
      { encryption: "s3", kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/x" },
      '"arn:aws:kms:eu-west-1:111111111111:key/x"',
      "can only be set with encryption 'kms'",
    ],
    [
      "noncurrentVersionExpirationDays",
      { noncurrentVersionExpirationDays: 0 },
      "got 0",
      "must be a whole number of days ≥ 1",
    ],
    [
      "abortIncompleteUploadDays",
      { abortIncompleteUploadDays: 1.5 },
      "got 1.5",
      "must be a whole number of days ≥ 1",
    ],
    ["expirationDays", { expirationDays: -1 }, "got -1", "must be a whole number of days ≥ 1"],
    [
      "intelligentTieringAfterDays",
      { intelligentTieringAfterDays: 0 },
      "got 0",
      "must be a whole number of days ≥ 1",
    ],
    [
      "accessLogBucketName",
      { accessLogBucketName: "Logs!" },
      '"Logs!"',
      "must be 3–63 characters of lowercase letters",
    ],
    ["accessLogPrefix", { accessLogPrefix: "logs/" }, '"logs/"', "can only be set with accessLogBucket"],
    [
      "receivesAccessLogs",
      { receivesAccessLogs: true },
      "got true",
      "requires encryption 's3' (S3 delivers server access logs only to SSE-S3 buckets)",
    ],
    [
      "forceDestroy",
      { forceDestroy: true, preventDestroy: true },
      "got true",
      "cannot be combined with preventDestroy",
    ],
  ])("rejects %s (%j)", (prop, props, got, allowed) => {
    expectErrorContaining(() => build(props), "ObjectStorage 'test/Bucket'", `'${prop}' ${allowed}`, got);
  });

  it("derives a valid prefix from any construct id, and rejects one that cannot be", () => {
    expect(() => new ObjectStorage(testStack(), "App_Data", {})).not.toThrow();
    expectErrorContaining(
      () => new ObjectStorage(testStack(), "_Data", {}),
      "'bucketNamePrefix' must be 1–36",
      '"-data"',
    );
  });

  it("lists every problem in one error", () => {
    let message = "";
    try {
      build({ bucketName: "A", encryption: "s3", kmsKeyArn: "k", expirationDays: 0 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n")).toEqual([
      expect.stringContaining("'bucketName'"),
      expect.stringContaining("'kmsKeyArn' must be a KMS key ARN"),
      expect.stringContaining("'kmsKeyArn' can only be set with encryption 'kms'"),
      expect.stringContaining("'expirationDays'"),
    ]);
  });
});

describe("ObjectStorage.fromAttributes", () => {
  const KEY = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555";

  /** The grants of an owned bucket and of the same bucket imported by name, resolved. */
  function ownedAndImported(keyPrefix: string) {
    const stack = testStack();
    const owned = new ObjectStorage(stack, "Owned", {
      bucketName: "acme-shared-logs",
      encryptionKey: { keyArn: KEY },
    });
    const imported = ObjectStorage.fromAttributes(stack, "Imported", {
      bucketName: "acme-shared-logs",
      kmsKeyArn: KEY,
    });
    for (const [name, bucket] of [
      ["owned", owned],
      ["imported", imported],
    ] as const) {
      new TerraformOutput(stack, `${name}-read`, { value: bucket.grantRead(keyPrefix) });
      new TerraformOutput(stack, `${name}-write`, { value: bucket.grantWrite(keyPrefix) });
      new TerraformOutput(stack, `${name}-readwrite`, { value: bucket.grantReadWrite(keyPrefix) });
    }
    const json: TerraformJson = JSON.parse(Testing.synth(stack));
    const outputs = Object.fromEntries(Object.entries(json.output ?? {}).map(([id, o]) => [id, o.value]));
    return { outputs };
  }

  it("grants the same least-privilege policies as an owned bucket, on the bucket's ARN and key", () => {
    const { outputs } = ownedAndImported("loki/");
    const arnOf = (doc: any, sid: string) => doc.Statement.find((s: any) => s.Sid === sid).Resource;
    for (const access of ["read", "write", "readwrite"]) {
      const owned = JSON.stringify(outputs[`owned-${access}`]);
      const importedDoc = outputs[`imported-${access}`];
      // Same statements and actions; the owned bucket's ARN is a reference, the imported one's is built from its name.
      expect(JSON.stringify(importedDoc).replace(/arn:\$\{[^}]+\}:s3:::acme-shared-logs/g, "BUCKET")).toBe(
        owned.replace(/\$\{aws_s3_bucket\.[^}]+\.arn\}/g, "BUCKET"),
      );
    }
    expect(arnOf(outputs["imported-readwrite"], "UseBucketKey")).toBe(KEY);
    const bucketArn = arnOf(outputs["imported-read"], "BucketLocation");
    expect(bucketArn).toMatch(/^arn:\$\{data\.aws_partition\.[^}]+\.partition\}:s3:::acme-shared-logs$/);
    expect(arnOf(outputs["imported-read"], "ReadObjects")).toBe(`${bucketArn}/loki/*`);
  });

  it("creates nothing for the imported bucket", () => {
    const stack = testStack();
    ObjectStorage.fromAttributes(stack, "Imported", { bucketName: "acme-shared-logs" });
    expect(JSON.parse(Testing.synth(stack)).resource).toBeUndefined();
  });

  it.each<[string, Record<string, string>, string, string]>([
    [
      "bucketName",
      { bucketName: "Shared_Logs" },
      '"Shared_Logs"',
      "must be 3–63 characters of lowercase letters",
    ],
    [
      "kmsKeyArn",
      { bucketName: "acme-shared-logs", kmsKeyArn: "alias/logs" },
      '"alias/logs"',
      "must be a KMS key ARN",
    ],
  ])("rejects %s (%j)", (prop, attributes, got, allowed) => {
    expectErrorContaining(
      () => ObjectStorage.fromAttributes(testStack(), "Imported", attributes as never),
      "ObjectStorage.fromAttributes 'test/Imported'",
      `'${prop}' ${allowed}`,
      got,
    );
  });
});

describe("ObjectStorage references", () => {
  const KEY = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555";

  it("logs to an access-log bucket given as a construct", () => {
    const stack = testStack();
    const logs = ObjectStorage.fromAttributes(stack, "Logs", { bucketName: "acme-access-logs" });
    new ObjectStorage(stack, "Bucket", { bucketName: "acme-data", accessLogBucket: logs });
    const json = JSON.parse(Testing.synth(stack));
    expect(onlyResource(json, "aws_s3_bucket_logging")).toMatchObject({
      target_bucket: "acme-access-logs",
      target_prefix: "acme-data/",
    });
  });

  it("encrypts with a given key (an IEncryptionKey) and creates none", () => {
    const json = synth({ encryptionKey: { keyArn: KEY } });
    expect(resourcesOf(json, "aws_kms_key")).toEqual({});
    const rule = onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration").rule[0];
    expect(rule.apply_server_side_encryption_by_default.kms_master_key_id).toBe(KEY);
  });

  it.each<[string, ObjectStorageProps, string]>([
    [
      "accessLogBucketName",
      {
        accessLogBucketName: "acme-access-logs",
        accessLogBucket: { bucketName: "acme-other-logs" } as never,
      },
      "cannot be combined with accessLogBucket",
    ],
    [
      "kmsKeyArn",
      { kmsKeyArn: KEY, encryptionKey: { keyArn: KEY } },
      "cannot be combined with encryptionKey",
    ],
    [
      "encryptionKey",
      { encryption: "s3", encryptionKey: { keyArn: KEY } },
      "can only be set with encryption 'kms'",
    ],
  ])("rejects %s given twice or where it does not apply", (prop, props, allowed) => {
    expectErrorContaining(() => new ObjectStorage(testStack(), "Bucket", props), `'${prop}' ${allowed}`);
  });
});
