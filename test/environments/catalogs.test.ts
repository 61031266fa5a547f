import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { partition } from "@aws-sdk/core/client";
import {
  POSTGRES_INSTANCE_CLASS_CATALOG,
  isPostgresInstanceClass,
  postgresInstanceClasses,
} from "../../constructs/postgres/instance-classes";
import { didYouMean, nearestValue } from "../../constructs/core/validation";
import { POSTGRES_MAJOR_VERSIONS, TERRAFORM_PROVIDERS } from "../../constructs/versions";
import { ENVIRONMENTS } from "../../environments";
import {
  awsPartitions,
  awsRegions,
  isAvailabilityZoneOf,
  partitionOf,
} from "../../environments/catalogs/aws-regions";

const ROOT = path.join(__dirname, "..", "..");

describe("AWS regions from the pinned AWS SDK", () => {
  it("reads every partition and region the SDK resolves endpoints with", () => {
    expect(awsPartitions().map((p) => p.id)).toEqual(expect.arrayContaining(["aws", "aws-cn", "aws-us-gov"]));
    expect(awsRegions()).toEqual(
      expect.arrayContaining(["eu-west-1", "us-east-1", "cn-north-1", "us-gov-west-1"]),
    );
    // The SDK's own resolver agrees: each region has its description and partition there.
    for (const p of awsPartitions()) {
      for (const region of p.regions) {
        expect({
          region,
          partition: partition(region).name,
          known: (partition(region) as { description?: string }).description !== undefined,
        }).toEqual({
          region,
          partition: p.id,
          known: true,
        });
      }
    }
  });

  it("leaves out global endpoint pseudo-regions", () => {
    expect(awsRegions().filter((r) => r.endsWith("-global"))).toEqual([]);
  });

  it("knows each region's partition and its AZ names", () => {
    expect(partitionOf("cn-northwest-1")).toBe("aws-cn");
    expect(partitionOf("eu-west-9")).toBeUndefined();
    expect(isAvailabilityZoneOf("eu-west-1c", "eu-west-1")).toBe(true);
    expect(isAvailabilityZoneOf("eu-west-2c", "eu-west-1")).toBe(false);
    expect(isAvailabilityZoneOf("eu-west-1", "eu-west-1")).toBe(false);
    expect(isAvailabilityZoneOf("eu-west-11a", "eu-west-1")).toBe(false);
  });

  it("every registered environment's region and AZs are in the catalog", () => {
    for (const env of Object.values(ENVIRONMENTS)) {
      expect(awsRegions()).toContain(env.region);
      for (const az of env.network.availabilityZones ?? [])
        expect(isAvailabilityZoneOf(az, env.region)).toBe(true);
    }
  });
});

describe("RDS for PostgreSQL instance class catalog", () => {
  it("is dated, names its source and covers every major version of the versions catalog", () => {
    expect(POSTGRES_INSTANCE_CLASS_CATALOG.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(POSTGRES_INSTANCE_CLASS_CATALOG.source).toMatch(
      /describe-orderable-db-instance-options|Concepts\.DBInstanceClass/,
    );
    for (const major of POSTGRES_MAJOR_VERSIONS) {
      expect(postgresInstanceClasses(major).length).toBeGreaterThan(20);
      for (const c of postgresInstanceClasses(major)) expect(c).toMatch(/^db\.[a-z0-9]+\.[a-z0-9]+$/);
    }
  });

  it("holds the classes of every registered environment", () => {
    for (const env of Object.values(ENVIRONMENTS)) {
      expect(isPostgresInstanceClass(env.data.postgres.instanceClass, env.data.postgres.majorVersion)).toBe(
        true,
      );
    }
  });

  it("refuses classes RDS does not offer, and versions outside the catalog have none", () => {
    expect(isPostgresInstanceClass("db.t4g.micro", 17)).toBe(true);
    expect(isPostgresInstanceClass("db.t4g.micor", 17)).toBe(false);
    expect(isPostgresInstanceClass("db.c7g.large", 17)).toBe(false);
    expect(postgresInstanceClasses(9)).toEqual([]);
  });
});

describe("nearest-value suggestions", () => {
  it("suggest a close value and nothing for a far one", () => {
    expect(nearestValue("db.t4g.micor", postgresInstanceClasses(17))).toBe("db.t4g.micro");
    expect(nearestValue("perAZ", ["none", "single", "perAz"])).toBe("perAz");
    expect(nearestValue("something else", ["none", "single", "perAz"])).toBeUndefined();
    expect(didYouMean("eu-wset-1", awsRegions())).toBe('; did you mean "eu-west-1"?');
    expect(didYouMean("eu-west-1", awsRegions())).toBe("");
  });
});

describe("scripts/refresh-catalogs.cjs", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { main, readCatalog, CATALOG } = require("../../scripts/refresh-catalogs.cjs") as {
    main: (argv: string[], file?: string) => number;
    readCatalog: (file: string) => typeof POSTGRES_INSTANCE_CLASS_CATALOG;
    CATALOG: string;
  };
  let dir: string;
  let catalog: string;
  const originalPath = process.env.PATH;

  /** A fake `aws` on PATH that logs its arguments and answers from a script body. */
  function fakeAws(body: string): string {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(
      path.join(bin, "aws"),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> "${path.join(dir, "calls.log")}"\n${body}\n`,
      { mode: 0o755 },
    );
    process.env.PATH = `${bin}${path.delimiter}${originalPath}`;
    return path.join(dir, "calls.log");
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "refresh-catalogs-"));
    catalog = path.join(dir, "catalog.ts");
    fs.copyFileSync(path.join(ROOT, "constructs", "postgres", "instance-class-catalog.ts"), catalog);
    jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterEach(() => {
    process.env.PATH = originalPath;
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("asks RDS per major version and writes the sorted, deduplicated classes with the date and source", () => {
    const calls = fakeAws(`case "$*" in
  *"'16."*) echo '["db.t4g.micro","db.m7g.large","db.t4g.micro"]' ;;
  *"'17."*) echo '["db.r8g.large","db.t4g.micro"]' ;;
  *"'18."*) echo '["db.r8g.large"]' ;;
esac`);
    expect(main(["--region", "eu-west-1"], catalog)).toBe(0);
    const written = readCatalog(catalog);
    expect(written.majorVersions).toEqual({
      "16": ["db.m7g.large", "db.t4g.micro"],
      "17": ["db.r8g.large", "db.t4g.micro"],
      "18": ["db.r8g.large"],
    });
    expect(written.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(written.source).toBe(
      "aws rds describe-orderable-db-instance-options --engine postgres --region eu-west-1",
    );
    const log = fs.readFileSync(calls, "utf8").trim().split("\n");
    expect(log).toHaveLength(3);
    expect(log[0]).toContain(
      "rds describe-orderable-db-instance-options --engine postgres --region eu-west-1",
    );
  });

  it("writes the classes of major versions with the same list once, as one shared constant", () => {
    fakeAws(`case "$*" in
  *"'18."*) echo '["db.r8g.large"]' ;;
  *) echo '["db.t4g.micro","db.m7g.large"]' ;;
esac`);
    expect(main([], catalog)).toBe(0);
    const text = fs.readFileSync(catalog, "utf8");
    expect(text.match(/"db\.m7g\.large"/g)).toHaveLength(1);
    expect(text).toMatch(/"16": POSTGRES_16_17_CLASSES,\s*"17": POSTGRES_16_17_CLASSES,/);
    expect(readCatalog(catalog).majorVersions).toEqual({
      "16": ["db.m7g.large", "db.t4g.micro"],
      "17": ["db.m7g.large", "db.t4g.micro"],
      "18": ["db.r8g.large"],
    });
  });

  it("reads the committed catalog module as the library does", () => {
    expect(readCatalog(CATALOG)).toEqual(POSTGRES_INSTANCE_CLASS_CATALOG);
  });

  it("leaves the catalog unchanged when the AWS CLI fails (no credentials)", () => {
    fakeAws("echo 'Unable to locate credentials' >&2; exit 255");
    const before = fs.readFileSync(catalog, "utf8");
    expect(main([], catalog)).toBe(1);
    expect(fs.readFileSync(catalog, "utf8")).toBe(before);
  });

  it("leaves the catalog unchanged when RDS lists nothing for a version", () => {
    fakeAws("echo '[]'");
    const before = fs.readFileSync(catalog, "utf8");
    expect(main([], catalog)).toBe(1);
    expect(fs.readFileSync(catalog, "utf8")).toBe(before);
  });

  it("--dry-run prints the commands and runs nothing", () => {
    const calls = fakeAws("exit 1");
    expect(main(["--dry-run"], catalog)).toBe(0);
    expect(fs.existsSync(calls)).toBe(false);
  });

  it("refuses a malformed region", () => {
    const calls = fakeAws("exit 1");
    expect(main(["--region", "Europe"], catalog)).toBe(2);
    expect(fs.existsSync(calls)).toBe(false);
  });

  it("the real command line works end to end (help is the file comment)", () => {
    const result = spawnSync(
      process.execPath,
      [path.join(ROOT, "scripts", "refresh-catalogs.cjs"), "--dry-run"],
      {
        encoding: "utf8",
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout.split("\n").filter((l) => l.startsWith("aws rds"))).toHaveLength(
      POSTGRES_MAJOR_VERSIONS.length,
    );
  });
});

describe("TERRAFORM_PROVIDERS", () => {
  it.each(Object.entries(TERRAFORM_PROVIDERS))(
    "names the %s provider version the pinned bindings were generated for (%s)",
    (name, version) => {
      const provider = fs.readFileSync(
        require.resolve(`@cdktf/provider-${name}/lib/provider/index.js`),
        "utf8",
      );
      expect(/providerVersion: '([^']+)'/.exec(provider)?.[1]).toBe(version);
    },
  );
});
