import { LOADED, problemsOf } from "../environment-problems";

const [dev, stage, prod, sandbox] = [LOADED.dev, LOADED.stage, LOADED.prod, LOADED.sandbox].map(
  (e) => e.platform,
);

describe("platform configuration of the shipped environments", () => {
  it("turns every component on in the long-lived environments", () => {
    for (const platform of [dev, stage, prod]) {
      expect(Object.values(platform.components).every(Boolean)).toBe(true);
    }
  });

  it("gives each long-lived environment its own domain and hosted zone; sandboxes have none", () => {
    expect(new Set([dev, stage, prod].map((p) => p.domain?.name)).size).toBe(3);
    expect(new Set([dev, stage, prod].map((p) => p.domain?.hostedZoneId)).size).toBe(3);
    expect(sandbox.domain).toBeUndefined();
  });

  it("runs a single-binary Loki in dev and sandboxes, a scalable one in stage and prod", () => {
    expect([dev, sandbox].map((p) => p.lokiMode)).toEqual(["singleBinary", "singleBinary"]);
    expect([stage, prod].map((p) => p.lokiMode)).toEqual(["simpleScalable", "simpleScalable"]);
  });

  it("keeps metrics and logs longest, on the largest volume, in prod", () => {
    expect(prod.prometheusRetentionDays).toBeGreaterThan(stage.prometheusRetentionDays);
    expect(stage.prometheusRetentionDays).toBeGreaterThan(dev.prometheusRetentionDays);
    expect(prod.prometheusStorageGiB).toBeGreaterThan(dev.prometheusStorageGiB);
    expect(prod.lokiRetentionDays).toBeGreaterThan(dev.lokiRetentionDays);
    expect(prod.tempoRetentionDays).toBeGreaterThan(stage.tempoRetentionDays);
    expect(stage.tempoRetentionDays).toBeGreaterThan(dev.tempoRetentionDays);
  });

  it("sandboxes: no tracing, shortest retention, nobody paged", () => {
    expect(sandbox.components.tracing).toBe(false);
    expect(sandbox.prometheusRetentionDays).toBeLessThan(dev.prometheusRetentionDays);
    expect(sandbox.alarmEmails).toEqual([]);
    expect(dev.alarmEmails.length).toBeGreaterThan(0);
  });
});

describe("platform configuration validation", () => {
  it.each([
    [
      "platform.domain.name",
      "Dev_Example",
      "must be a DNS domain such as 'dev.example.com'",
      '"Dev_Example"',
    ],
    ["platform.domain.hostedZoneId", "zone-1", "must be a Route 53 hosted zone id", '"zone-1"'],
    ["platform.domain.acmeEmail", "ops", "must be an email address (Let's Encrypt expiry notices)", '"ops"'],
    ["platform.components.externalDns", "yes", "must be true or false", '"yes"'],
    ["platform.prometheusRetentionDays", 0, "must be a whole number of days from 1 to 365", "got 0"],
    ["platform.prometheusStorageGiB", 5, "must be a whole number of GiB from 10 to 16384", "got 5"],
    ["platform.lokiMode", "distributed", "must be 'singleBinary' or 'simpleScalable'", '"distributed"'],
    ["platform.lokiRetentionDays", 2.5, "must be a whole number of days from 1 to 3650", "got 2.5"],
    ["platform.tempoRetentionDays", 0, "must be a whole number of days from 1 to 3650", "got 0"],
    ["platform.sizing.tempo.memoryMiB", 8, "must be a whole number of MiB from 16 to 262144", "got 8"],
    ["platform.alarmEmails", ["oncall"], "must be email addresses", '"oncall"'],
  ])(
    "rejects %s = %p, naming the environment, field, value and what is allowed",
    (field, value, allowed, got) => {
      const problems = problemsOf({ [field]: value });
      expect(problems).toHaveLength(1);
      for (const fragment of [
        "Environment 'dev'",
        `'${field.replace(/\.alarmEmails$/, ".alarmEmails.0")}'`,
        allowed,
        got,
      ]) {
        expect(problems[0]).toContain(fragment);
      }
    },
  );

  it("rejects unknown platform fields", () => {
    const problems = problemsOf({ "platform.components.ingressNginx": true });
    expect(problems).toEqual([expect.stringContaining("unknown field(s) ingressNginx")]);
  });

  it("rejects a Loki retention longer than the log bucket keeps objects", () => {
    const problems = problemsOf({ "platform.lokiRetentionDays": 60 });
    expect(problems).toEqual([
      "Environment 'dev': 'platform.lokiRetentionDays' must not exceed data.buckets.logExpirationDays (30): " +
        "the bucket would expire logs Loki still indexes, got 60",
    ]);
  });

  it("rejects a Tempo retention longer than the trace bucket keeps objects", () => {
    const problems = problemsOf({ "platform.tempoRetentionDays": 31 });
    expect(problems).toEqual([
      "Environment 'dev': 'platform.tempoRetentionDays' must not exceed data.buckets.logExpirationDays (30): " +
        "the bucket would expire traces Tempo still indexes, got 31",
    ]);
  });

  it("accepts an environment without a domain", () => {
    expect(problemsOf({ "platform.domain": undefined })).toEqual([]);
  });
});
