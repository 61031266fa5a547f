import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Network, NetworkProps } from "../../constructs/network/network";
import { ObjectStorage, ObjectStorageProps } from "../../constructs/object-storage/object-storage";
import { PostgresDatabase, PostgresDatabaseProps } from "../../constructs/postgres/postgres-database";
import { PolicyStatement } from "../../constructs/core/iam";
import { ENVIRONMENTS, EnvironmentInput, sandboxEnvironment, selectEnvironments } from "../../environments";
import { unregisteredEnvironmentName } from "../environments-under-test";
import { testStack, withChanges } from "../helpers";

/**
 * Message quality across the user-facing inputs: each mistake is refused before anything reaches
 * Terraform, naming who is wrong, the field and the value. A rule's own cases live with its owner
 * (the construct's test, or test/environments/ for environment-only rules); the cases here are the
 * ones about how a message reads (suggestions, types, catalogs, cross-field rules).
 */

const networkProps: NetworkProps = { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] };
const bucket = (props: ObjectStorageProps) => () => new ObjectStorage(testStack(), "Bucket", props);
const postgres = (props: Partial<PostgresDatabaseProps>) => () => {
  const stack = testStack();
  new PostgresDatabase(stack, "Db", { network: new Network(stack, "Network", networkProps), ...props });
};

describe("invalid inputs", () => {
  it("reports several problems of one input together", () => {
    const copy = { ...structuredClone(ENVIRONMENTS.prod), accountId: "1", region: "x" } as EnvironmentInput;
    let problems = 0;
    try {
      selectEnvironments(
        { INFRA_ENVS: `prod,${unregisteredEnvironmentName()}`, INFRA_SANDBOX: "Bad" },
        { ...ENVIRONMENTS, prod: copy },
      );
    } catch (error) {
      problems = (error as Error).message.split("\n").length;
    }
    expect(problems).toBe(4);
  });
});

/** A registered environment with fields (dotted paths) replaced, selected as the app selects it. */
function envWith(name: keyof typeof ENVIRONMENTS, changes: Record<string, unknown>): () => unknown {
  const changed = withChanges(ENVIRONMENTS[name], changes);
  return () => selectEnvironments({ INFRA_ENVS: name }, { ...ENVIRONMENTS, [name]: changed });
}

const publicRead = (principal: PolicyStatement["Principal"], condition?: PolicyStatement["Condition"]) =>
  bucket({
    policyStatements: [
      { Effect: "Allow", Principal: principal, Action: "s3:GetObject", Resource: "*", Condition: condition },
    ],
  });

/**
 * The classes of mistakes that used to get through or end in a stack trace: each case names who is
 * wrong (the environment or the construct path), the field and the value the message must contain.
 */
const MISTAKES: [string, () => unknown, string, string, string][] = [
  // fields no other test covers
  [
    "compliance profile unknown",
    envWith("dev", { compliance: "strict" }),
    "Environment 'dev'",
    "'compliance'",
    '"strict"',
  ],
  [
    "bucket name with underscore",
    bucket({ bucketName: "my_bucket" }),
    "ObjectStorage 'test/Bucket'",
    "'bucketName'",
    '"my_bucket"',
  ],
  // catalogs: regions, AZs, partitions, RDS instance classes
  [
    "region misspelt",
    envWith("dev", { region: "eu-wset-1" }),
    "Environment 'dev'",
    "'region'",
    '"eu-wset-1"; did you mean "eu-west-1"?',
  ],
  [
    "region that does not exist",
    envWith("dev", { region: "eu-west-9" }),
    "Environment 'dev'",
    "'region'",
    '"eu-west-9"',
  ],
  [
    "region of a made-up partition",
    envWith("dev", { region: "mars-north-1" }),
    "Environment 'dev'",
    "'region'",
    '"mars-north-1"',
  ],
  [
    "AZ with a suffix the region does not have",
    envWith("dev", { "network.availabilityZones": ["eu-west-1a", "eu-west-1bb"] }),
    "Environment 'dev'",
    "'network.availabilityZones",
    '"eu-west-1bb"',
  ],
  [
    "admin role of another partition",
    envWith("dev", { "cluster.adminRoleArns": ["arn:aws-cn:iam::111111111111:role/admin"] }),
    "Environment 'dev'",
    "'cluster.adminRoleArns.0'",
    '"arn:aws-cn:iam::111111111111:role/admin"',
  ],
  [
    "state role of another partition",
    envWith("dev", { "state.roleArn": "arn:aws-us-gov:iam::111111111111:role/state" }),
    "Environment 'dev'",
    "'state.roleArn'",
    '"arn:aws-us-gov:iam::111111111111:role/state"',
  ],
  [
    "RDS class with a typo",
    envWith("dev", { "data.postgres.instanceClass": "db.t4g.micor" }),
    "Environment 'dev'",
    "'data.postgres.instanceClass'",
    '"db.t4g.micor"; did you mean "db.t4g.micro"?',
  ],
  [
    "RDS class of a family RDS does not offer",
    envWith("dev", { "data.postgres.instanceClass": "db.c7g.large" }),
    "Environment 'dev'",
    "'data.postgres.instanceClass'",
    '"db.c7g.large"',
  ],
  [
    "RDS class with a size the family does not have",
    envWith("prod", { "data.postgres.instanceClass": "db.r7g.48xlarge" }),
    "Environment 'prod'",
    "'data.postgres.instanceClass'",
    '"db.r7g.48xlarge"',
  ],
  [
    "RDS class written as an EC2 type",
    envWith("dev", { "data.postgres.instanceClass": "t4g.micro" }),
    "Environment 'dev'",
    "'data.postgres.instanceClass'",
    '"t4g.micro"; did you mean "db.t4g.micro"?',
  ],
  [
    "PostgresDatabase class RDS does not offer",
    postgres({ instanceClass: "db.m7g.nano" }),
    "PostgresDatabase 'test/Db'",
    "'instanceClass'",
    '"db.m7g.nano"',
  ],
  [
    "PostgresDatabase class with a typo",
    postgres({ instanceClass: "db.r7g.larg" }),
    "PostgresDatabase 'test/Db'",
    "'instanceClass'",
    '"db.r7g.larg"; did you mean "db.r7g.large"?',
  ],
  // AWS-side rules: tags
  [
    "tag key with the reserved aws: prefix",
    envWith("dev", { "tags.aws:owner": "me" }),
    "Environment 'dev'",
    "'tags.aws:owner'",
    '"aws:owner"',
  ],
  [
    "tag key with the reserved prefix in capitals",
    envWith("dev", { "tags.AWS:cost": "x" }),
    "Environment 'dev'",
    "'tags.AWS:cost'",
    '"AWS:cost"',
  ],
  [
    "tag key longer than 128",
    envWith("dev", { [`tags.${"k".repeat(129)}`]: "x" }),
    "Environment 'dev'",
    "'tags.kkk",
    `"${"k".repeat(129)}"`,
  ],
  [
    "tag key with a character AWS refuses",
    envWith("dev", { "tags.owner!": "x" }),
    "Environment 'dev'",
    "'tags.owner!'",
    '"owner!"',
  ],
  [
    "tag value that is a number",
    envWith("dev", { "tags.tier": 1 }),
    "Environment 'dev'",
    "'tags.tier'",
    'got 1 (a number); write "1"',
  ],
  // AWS-side rules: Block Public Access, lifecycles, percentages, alarm subscribers
  [
    "bucket policy for everyone",
    publicRead("*"),
    "ObjectStorage 'test/Bucket'",
    "'policyStatements.0'",
    '"*"',
  ],
  [
    "bucket policy for every AWS principal",
    publicRead({ AWS: "*" }),
    "ObjectStorage 'test/Bucket'",
    "'policyStatements.0'",
    '{"AWS":"*"}',
  ],
  [
    "bucket policy for every account's root",
    publicRead({ AWS: ["arn:aws:iam::*:root"] }),
    "ObjectStorage 'test/Bucket'",
    "'policyStatements.0'",
    "arn:aws:iam::*:root",
  ],
  [
    "bucket policy for everyone from any address",
    publicRead("*", { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } }),
    "ObjectStorage 'test/Bucket'",
    "'policyStatements.0'",
    '"*"',
  ],
  [
    "objects expiring before they tier",
    bucket({ expirationDays: 30, intelligentTieringAfterDays: 60 }),
    "ObjectStorage 'test/Bucket'",
    "'expirationDays'",
    "got 30",
  ],
  [
    "objects expiring the day they tier",
    bucket({ expirationDays: 30, intelligentTieringAfterDays: 30 }),
    "ObjectStorage 'test/Bucket'",
    "'expirationDays'",
    "got 30",
  ],
  [
    "noncurrent expiration on an unversioned bucket",
    bucket({ versioned: false, noncurrentVersionExpirationDays: 30 }),
    "ObjectStorage 'test/Bucket'",
    "'noncurrentVersionExpirationDays'",
    "got 30",
  ],
  [
    "environment: noncurrent expiration without versioning",
    envWith("dev", { "data.buckets.versioned": false }),
    "Environment 'dev'",
    "'data.buckets.noncurrentVersionExpirationDays'",
    "got 30",
  ],
  [
    "environment: versioning without a noncurrent expiration",
    envWith("dev", { "data.buckets.noncurrentVersionExpirationDays": undefined }),
    "Environment 'dev'",
    "'data.buckets.noncurrentVersionExpirationDays'",
    "is required when versioned is true",
  ],
  [
    "CPU alarm threshold as a fraction",
    postgres({ cpuAlarmThresholdPercent: 0.8 }),
    "PostgresDatabase 'test/Db'",
    "'cpuAlarmThresholdPercent'",
    "got 0.8",
  ],
  [
    "CPU alarm threshold as a small fraction",
    postgres({ cpuAlarmThresholdPercent: 0.05 }),
    "PostgresDatabase 'test/Db'",
    "'cpuAlarmThresholdPercent'",
    "write 5 for 5%",
  ],
  [
    "production with nobody to alert",
    envWith("prod", { "platform.alarmEmails": [] }),
    "Environment 'prod'",
    "'platform.alarmEmails'",
    "got []",
  ],
  [
    "production profile elsewhere with nobody to alert",
    envWith("stage", { compliance: "production", "platform.alarmEmails": [] }),
    "Environment 'stage'",
    "'platform.alarmEmails'",
    "got []",
  ],
  // identity
  [
    "prod on the staging profile",
    envWith("prod", { compliance: "staging" }),
    "Environment 'prod'",
    "'compliance'",
    '"staging"',
  ],
  [
    "prod on the development profile",
    envWith("prod", { compliance: "development" }),
    "Environment 'prod'",
    "'compliance'",
    '"development"',
  ],
  [
    "a registered sandbox selected again through INFRA_SANDBOX",
    () =>
      selectEnvironments(
        { INFRA_ENVS: "sandbox-alice", INFRA_SANDBOX: "alice" },
        { ...ENVIRONMENTS, "sandbox-alice": sandboxEnvironment("alice") },
      ),
    "Environment 'sandbox-alice'",
    "'name'",
    '"sandbox-alice"',
  ],
  // sandbox networks
  // one quality of message
  [
    "EKS version as a number",
    envWith("dev", { "cluster.version": 1.35 }),
    "Environment 'dev'",
    "'cluster.version'",
    'got 1.35 (a number); write "1.35"',
  ],
  [
    "Postgres version as a string",
    envWith("dev", { "data.postgres.majorVersion": "17" }),
    "Environment 'dev'",
    "'data.postgres.majorVersion'",
    'got "17" (a string); write 17',
  ],
  [
    "AZ count as a string",
    envWith("dev", { "network.azCount": "3" }),
    "Environment 'dev'",
    "'network.azCount'",
    'got "3" (a string); write 3',
  ],
  [
    "region missing",
    envWith("dev", { region: undefined }),
    "Environment 'dev'",
    "'region' is required",
    "an AWS region such as 'eu-west-1'",
  ],
  [
    "repository missing",
    envWith("dev", { repository: undefined }),
    "Environment 'dev'",
    "'repository' is required",
    "a string",
  ],
  [
    "VPC CIDR missing",
    envWith("dev", { "network.cidr": undefined }),
    "Environment 'dev'",
    "'network.cidr' is required",
    "(a private /16–/20 IPv4 block",
  ],
  [
    "NAT mode with a wrong capital",
    envWith("dev", { "network.natGateways": "perAZ" }),
    "Environment 'dev'",
    "'network.natGateways'",
    '"perAZ"; did you mean "perAz"?',
  ],
  [
    "unknown field that is a typo",
    envWith("dev", { "network.cdir": "10.10.0.0/16" }),
    "Environment 'dev'",
    "'network' is not a known field",
    'cdir; did you mean "cidr"?',
  ],
];

describe("configuration mistakes", () => {
  it("cover at least 40 cases", () => expect(MISTAKES.length).toBeGreaterThanOrEqual(40));

  it.each(MISTAKES)(
    "%s: refused at synth naming who, the field and the value, without a stack trace",
    (_case, input, subject, field, value) => {
      let message = "";
      try {
        input();
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
      }
      const line = message.split("\n").find((l) => l.includes(subject) && l.includes(field)) ?? message;
      expect(line).toContain(subject);
      expect(line).toContain(field);
      expect(line).toContain(value);
      expect(line).toMatch(/must|cannot|can only|is required|is not a known field/);
      expect(message).not.toMatch(/\n\s+at /);
    },
  );
});

describe("a syntax error in an environment file", () => {
  const ROOT = path.join(__dirname, "..", "..");
  let dir: string;

  beforeAll(() => {
    // The app's runner and require hook over a main.ts that loads one broken environment file.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "syntax-error-"));
    fs.mkdirSync(path.join(dir, "scripts"));
    fs.mkdirSync(path.join(dir, "environments"));
    for (const file of [
      "app.cjs",
      "register.cjs",
      "swc-options.cjs",
      "infra/environment-guard.ts",
      "infra/errors.ts",
    ]) {
      fs.mkdirSync(path.dirname(path.join(dir, "scripts", file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, "scripts", file), path.join(dir, "scripts", file));
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    fs.writeFileSync(path.join(dir, "main.ts"), 'import "./environments/qa";\n');
    fs.writeFileSync(
      path.join(dir, "environments", "qa.ts"),
      'export const qa = {\n  name: "qa"\n  region: "eu-west-1",\n};\n',
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("points at file:line with the code, and no stack trace", () => {
    const result = spawnSync(process.execPath, ["scripts/app.cjs"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CDKTF_OUTDIR: path.join(dir, "cdktf.out") },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("environments/qa.ts:3: syntax error: Expected ','");
    expect(result.stderr).toContain(' 3 |   region: "eu-west-1",');
    expect(result.stderr).not.toMatch(/\n\s+at |Stack backtrace|Caused by/);
  });
});
