import * as fs from "node:fs";
import * as path from "node:path";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Aspects, Testing } from "cdktf";
import { POLICY_RULES, POLICY_RULE_IDS } from "../../../constructs/policy/rules";
import { PolicyPack, evaluatePolicy, waivePolicy } from "../../../constructs/policy/policy-pack";
import { Network } from "../../../constructs/network/network";
import { ObjectStorage } from "../../../constructs/object-storage/object-storage";
import { expectErrorContaining, testStack } from "../../helpers";
import { insecureStack } from "./insecure-fixture";

describe("policy pack on a deliberately insecure stack", () => {
  const { stack } = insecureStack(Testing.app());
  const findings = evaluatePolicy(stack, { profile: "production" });

  it.each(POLICY_RULES.map((r) => [r.id, r.title]))("%s (%s) reports a violation", (ruleId) => {
    expect(findings.filter((f) => f.ruleId === ruleId).length).toBeGreaterThan(0);
  });

  it("names the resource, the problem and the scanner ids", () => {
    const rotation = findings.find((f) => f.ruleId === "KMS-001");
    expect(rotation).toMatchObject({
      severity: "error",
      path: "insecure/Key",
      address: expect.stringMatching(/^aws_kms_key\./),
      message: expect.stringContaining("enable_key_rotation is not true"),
    });
    expect(rotation?.message).toContain("CKV_AWS_7");
    expect(rotation?.message).toContain("AVD-AWS-0065");
  });

  it("fails synthesis with every error as an annotation on its resource", () => {
    const app = Testing.app();
    const fixture = insecureStack(app);
    Aspects.of(fixture.stack).add(new PolicyPack({ profile: "production" }));
    expectErrorContaining(
      () => app.synth(),
      "[insecure/Key] [KMS-001]",
      "[insecure/Vpc] [NET-001]",
      "[insecure/Logs] [LOG-001]",
    );
  });
});

describe("profiles", () => {
  // One insecure stack, evaluated under each profile (evaluation does not change the stack).
  const { stack: insecure } = insecureStack(Testing.app());
  const profileFindings = (profile: "production" | "staging" | "development" | "sandbox") =>
    new Set(evaluatePolicy(insecure, { profile }).map((f) => f.ruleId));

  it("production-only rules apply only to production", () => {
    for (const profile of ["staging", "development"] as const) {
      const findings = profileFindings(profile);
      expect(findings.has("RDS-004")).toBe(false);
      expect(findings.has("DATA-001")).toBe(false);
    }
    const production = profileFindings("production");
    expect(production.has("RDS-004") && production.has("DATA-001")).toBe(true);
  });

  it("sandboxes may force-destroy and skip versioning, but still need backups", () => {
    const sandbox = profileFindings("sandbox");
    expect(sandbox.has("DATA-002")).toBe(false);
    expect(sandbox.has("S3-004")).toBe(false);
    expect(sandbox.has("RDS-003")).toBe(true);
  });

  it("requires 7 days of backups in staging and production only", () => {
    const stack = testStack();
    new DbInstance(stack, "Db", {
      engine: "mysql",
      instanceClass: "db.t4g.micro",
      storageEncrypted: true,
      backupRetentionPeriod: 3,
    });
    const backup = (profile: "production" | "staging" | "development" | "sandbox") =>
      evaluatePolicy(stack, { profile }).filter((f) => f.ruleId === "RDS-003");
    expect(backup("production")[0].message).toContain("backup_retention_period is 3, below 7 days");
    expect(backup("staging")[0].message).toContain("backup_retention_period is 3, below 7 days");
    expect(backup("development")).toEqual([]);
    expect(backup("sandbox")).toEqual([]);
  });
});

describe("secure constructs", () => {
  it("Network and ObjectStorage pass every rule, production included", () => {
    const stack = testStack();
    new Network(stack, "Network", { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] });
    new ObjectStorage(stack, "Bucket", { preventDestroy: true });
    const findings = evaluatePolicy(stack, { profile: "development", requiredTags: [] });
    expect(findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual([]);
  });
});

describe("waivers", () => {
  it("turn a finding into a warning that quotes the reason", () => {
    const app = Testing.app();
    const fixture = insecureStack(app);
    waivePolicy(fixture.key, "KMS-001", "imported key, rotated by the security team's own process");
    const findings = evaluatePolicy(fixture.stack, { profile: "production" }).filter(
      (f) => f.ruleId === "KMS-001",
    );
    expect(findings).toEqual([
      expect.objectContaining({ waiver: "imported key, rotated by the security team's own process" }),
    ]);
  });

  it("are visible in the synthesized output and do not fail synthesis", () => {
    const stack = testStack();
    const key = new KmsKey(stack, "Key", { enableKeyRotation: false });
    waivePolicy(key, "KMS-001", "asymmetric signing key in all but name");
    Aspects.of(stack).add(new PolicyPack({ profile: "development", requiredTags: [] }));
    Testing.synth(stack, true);
    const warnings = key.node.metadata.filter((m: { type: string }) => m.type === "@cdktf/warn");
    expect(warnings.map((m: { data: string }) => m.data)).toEqual([
      expect.stringContaining("[KMS-001] waived: asymmetric signing key in all but name"),
    ]);
  });

  it("apply to one resource only", () => {
    const app = Testing.app();
    const fixture = insecureStack(app);
    waivePolicy(fixture.bucket, "S3-001", "public website bucket behind CloudFront only");
    const s3 = evaluatePolicy(fixture.stack, { profile: "production" }).filter((f) => f.waiver);
    expect(s3.map((f) => f.ruleId)).toEqual(["S3-001"]);
  });

  it.each([
    ["an unknown rule", "XYZ-001", "a long enough reason", "'ruleId' must be one of"],
    ["no reason", "KMS-001", "  ", "'reason' must explain the waiver in at least 10 characters"],
  ])("reject %s", (_case, ruleId, reason, message) => {
    const fixture = insecureStack(Testing.app());
    expectErrorContaining(
      () => waivePolicy(fixture.key, ruleId, reason),
      "waivePolicy 'insecure/Key'",
      message,
    );
  });

  it("reject anything but a resource", () => {
    const fixture = insecureStack(Testing.app());
    expectErrorContaining(
      () => waivePolicy(fixture.stack, "KMS-001", "the whole stack, please"),
      "'resource' must be a Terraform resource (waivers are per resource)",
    );
  });
});

describe("rule catalogue", () => {
  it("is documented rule by rule in the README", () => {
    const readme = fs.readFileSync(path.join(__dirname, "../../../README.md"), "utf8");
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    for (const rule of POLICY_RULES) {
      expect(readme).toMatch(new RegExp(`\\|\\s*${rule.id}\\s*\\|\\s*${escape(rule.title)}\\s*\\|`));
    }
  });

  it("has unique ids, and scanner ids wherever a scanner has the check", () => {
    expect(new Set(POLICY_RULE_IDS).size).toBe(POLICY_RULE_IDS.length);
    expect(POLICY_RULES.filter((r) => r.scanners.length === 0).map((r) => r.id)).toEqual([
      "TAG-001",
      "DATA-002",
    ]);
  });
});
