import { environmentProblems, sandboxEnvironment } from "../../environments";
import { LOADED, problemsOf } from "../environment-problems";

const { dev, stage, prod, sandbox } = LOADED;

describe("data sizing of the shipped environments", () => {
  it("dev: a burstable class, one AZ, shorter backups than stage, final snapshot kept", () => {
    expect(dev.data.postgres.instanceClass).toMatch(/^db\.t\d/);
    expect(dev.data.postgres).toMatchObject({ multiAz: false, skipFinalSnapshot: false });
    expect(dev.data.postgres.backupRetentionDays).toBeLessThanOrEqual(
      stage.data.postgres.backupRetentionDays,
    );
    expect(dev.data.buckets).toMatchObject({ versioned: true, accessLogging: false });
  });

  it("stage: production's shape (Multi-AZ, a week of backups) on a smaller class", () => {
    expect(stage.data.postgres).toMatchObject({
      instanceClass: "db.t4g.medium",
      multiAz: true,
      backupRetentionDays: 7,
      skipFinalSnapshot: false,
    });
  });

  it("prod: memory-optimized class, Multi-AZ, 14+ days of backups, access logging, long retention", () => {
    expect(prod.data.postgres).toMatchObject({
      instanceClass: "db.r7g.large",
      multiAz: true,
      skipFinalSnapshot: false,
    });
    expect(prod.data.postgres.backupRetentionDays).toBeGreaterThanOrEqual(14);
    expect(prod.data.postgres.maxAllocatedStorageGiB).toBeGreaterThan(prod.data.postgres.allocatedStorageGiB);
    expect(prod.data.buckets).toMatchObject({ versioned: true, accessLogging: true });
    expect(prod.data.postgres.logRetentionDays).toBeGreaterThan(dev.data.postgres.logRetentionDays);
  });

  it("sandboxes: smallest, one AZ, one day of backups, no final snapshot, unversioned buckets", () => {
    expect(sandbox.data.postgres).toMatchObject({
      instanceClass: "db.t4g.micro",
      multiAz: false,
      backupRetentionDays: 1,
      skipFinalSnapshot: true,
    });
    expect(sandbox.data.buckets.versioned).toBe(false);
  });
});

describe("data configuration validation", () => {
  it.each([
    ["data.postgres.majorVersion", 15, "must be 16, 17 or 18 (the versions catalog)", "got 15"],
    ["data.postgres.instanceClass", "r7g.large", "must be an RDS instance class", '"r7g.large"'],
    ["data.postgres.allocatedStorageGiB", 10, "must be a whole number of GiB from 20 to 65536", "got 10"],
    [
      "data.postgres.maxAllocatedStorageGiB",
      70000,
      "must be a whole number of GiB from 10% above allocatedStorageGiB (22) to 65536",
      "got 70000",
    ],
    ["data.postgres.multiAz", "yes", "must be true or false", '"yes"'],
    ["data.postgres.backupRetentionDays", 36, "must be a whole number of days from 0 to 35", "got 36"],
    ["data.postgres.skipFinalSnapshot", true, "must be false outside sandboxes", "got true"],
    ["data.postgres.logRetentionDays", 10, "must be one of CloudWatch's retention periods", "got 10"],
    [
      "data.postgres.performanceInsightsRetentionDays",
      30,
      "must be 7, a multiple of 31 up to 713, or 731 days",
      "got 30",
    ],
    ["data.postgres.monitoringIntervalSeconds", 2, "must be 0, 1, 5, 10, 15, 30 or 60 seconds", "got 2"],
    ["data.postgres.connectionsAlarmThreshold", 0, "must be a whole number of connections ≥ 1", "got 0"],
    ["data.buckets.versioned", "no", "must be true or false", '"no"'],
    ["data.buckets.noncurrentVersionExpirationDays", 0, "must be a whole number of days ≥ 1", "got 0"],
    ["data.buckets.logExpirationDays", 1.5, "must be a whole number of days ≥ 1", "got 1.5"],
    ["data.buckets.accessLogging", 1, "must be true or false", "got 1"],
  ])("%s = %j is rejected", (field, value, allowed, got) => {
    const problems = problemsOf({ [field]: value });
    expect(problems).toEqual([expect.stringContaining(`Environment 'dev': '${field}' ${allowed}`)]);
    expect(problems[0]).toContain(got);
  });

  it("allows skipping the final snapshot in sandboxes (elsewhere: the table above)", () => {
    expect(environmentProblems(sandboxEnvironment("bob"), "sandbox-bob")).toEqual([]);
  });

  it("rejects unknown and missing data fields", () => {
    expect(problemsOf({ "data.postgres.storageGiB": 20 })).toEqual([
      expect.stringContaining("'data.postgres' is not a known field, got unknown field(s) storageGiB"),
    ]);
    expect(problemsOf({ "data.buckets": undefined })).toEqual([
      expect.stringContaining("Environment 'dev': 'data.buckets'"),
    ]);
  });
});
