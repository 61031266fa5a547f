/**
 * The library's upgrade path: the same consumer app (upgrade/consumer-app.ts) synthesized with the
 * previous release's package (test/fixtures/releases/, as `npm pack` wrote it) and with the current
 * sources. A stateful resource (database, bucket, KMS key, cluster, log group) whose address
 * changed, or whose force-new attributes changed, would be destroyed or replaced in every
 * consumer's next plan: the test fails unless the current version's CHANGELOG entry declares it
 * under "Moved or replaced stateful resources", with what to do about it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import * as current from "@acme/aws-platform-constructs";
import { StatefulFinding, diffStack } from "../../scripts/infra/diff";
import { installPackedLibrary } from "./packed-library";
import { buildConsumerApp } from "./upgrade/consumer-app";

const ROOT = path.join(__dirname, "..", "..");
const RELEASES = path.join(ROOT, "test", "fixtures", "releases");
const CURRENT_VERSION: string = JSON.parse(
  fs.readFileSync(path.join(ROOT, "constructs", "package.json"), "utf8"),
).version;

const semver = (v: string) => v.split(/[.-]/).slice(0, 3).map(Number);
const newer = (a: string, b: string) => {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return false;
};

/** The newest packed release kept in test/fixtures/releases. */
function previousRelease(): { version: string; tarball: string } {
  const releases = fs
    .readdirSync(RELEASES)
    .map((file) => ({ file, version: /^acme-aws-platform-constructs-(\d+\.\d+\.\d+)\.tgz$/.exec(file)?.[1] }))
    .filter((r): r is { file: string; version: string } => r.version !== undefined)
    .sort((a, b) => (newer(a.version, b.version) ? -1 : 1));
  if (releases.length === 0) throw new Error(`no packed release in ${RELEASES}`);
  return { version: releases[0].version, tarball: path.join(RELEASES, releases[0].file) };
}

/** The previous release unpacked as a consumer installs it (peers: this repository's packages). */
function loadRelease(tarball: string, into: string): typeof current {
  const packageDir = installPackedLibrary(tarball, into);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a package unpacked at run time
  return require(path.join(packageDir, "dist", "index.js"));
}

/** The current version's CHANGELOG entry: from its heading to the next release's. */
function changelogEntry(version: string): string {
  const changelog = fs.readFileSync(path.join(ROOT, "constructs", "CHANGELOG.md"), "utf8");
  const start = changelog.search(new RegExp(`^## ${version.replace(/\./g, "\\.")}\\b`, "m"));
  if (start < 0) return "";
  const next = changelog.slice(start + 1).search(/^## \d/m);
  return next < 0 ? changelog.slice(start) : changelog.slice(start, start + 1 + next);
}

/** The findings an entry does not declare (each needs its address under the heading, with instructions). */
function undeclared(findings: readonly StatefulFinding[], entry: string): string[] {
  const heading = entry.search(/^### Moved or replaced stateful resources/m);
  const section = heading < 0 ? "" : entry.slice(heading).split(/^### (?!Moved)/m)[0];
  return findings
    .filter((f) => !section.includes(f.address))
    .map((f) => `${f.action} of ${f.kind} ${f.address}: ${f.reason}`);
}

const synth = (lib: typeof current) => JSON.parse(Testing.synth(buildConsumerApp(lib, Testing.app())));

describe("upgrading the library from its previous release", () => {
  const { version, tarball } = previousRelease();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "upgrade-"));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const before = synth(loadRelease(tarball, work));
  const after = synth(current);
  const diff = diffStack("orders", before, after);

  it(`the current version (${CURRENT_VERSION}) is newer than the previous release (${version})`, () => {
    expect(newer(CURRENT_VERSION, version)).toBe(true);
    expect(changelogEntry(CURRENT_VERSION)).not.toBe("");
  });

  it("synthesizes the same consumer app with both, with its stateful resources in both", () => {
    const stateful = (json: { resource?: Record<string, unknown> }) =>
      [
        "aws_db_instance",
        "aws_s3_bucket",
        "aws_kms_key",
        "aws_eks_cluster",
        "aws_cloudwatch_log_group",
      ].filter((type) => json.resource?.[type] !== undefined);
    expect(stateful(before)).toHaveLength(5);
    expect(stateful(after)).toEqual(stateful(before));
  });

  it("destroys or replaces no stateful resource that the CHANGELOG entry does not declare", () => {
    expect(undeclared(diff.stateful, changelogEntry(CURRENT_VERSION))).toEqual([]);
  });

  it("moves the alarm topics and their policies under AlarmTopic instead of replacing them", () => {
    const sns = (addresses: readonly string[]) =>
      addresses.filter((a) => /^aws_sns_topic(_policy)?\./.test(a));
    // Nothing of the old topics is destroyed and nothing new is created: each old address moves.
    expect(sns(diff.removed)).toEqual([]);
    expect(sns(diff.added)).toEqual([]);
    const moved = diff.moved.filter((m) => /^aws_sns_topic(_policy)?\./.test(m.from));
    expect(moved.map((m) => m.from).sort()).toEqual(
      sns(
        Object.entries(before.resource ?? {}).flatMap(([type, byName]) =>
          Object.keys(byName as object).map((name) => `${type}.${name}`),
        ),
      ).sort(),
    );
    for (const m of moved) expect(after.resource[m.to.split(".")[0]][m.to.split(".")[1]]).toBeDefined();
    // The database's, Observability's and the standalone PlatformAlarms' topic, each with its policy.
    expect(moved).toHaveLength(6);
  });

  it("the check fails on an undeclared change: a renamed database construct id", () => {
    const renamed = JSON.parse(JSON.stringify(after).replace(/"Database_Instance_/g, '"Db_Instance_'));
    const findings = diffStack("orders", before, renamed).stateful;
    const address = findings.find((f) => f.kind === "database")?.address ?? "";
    expect(address).toMatch(/^aws_db_instance\.Database_Instance_/);
    expect(undeclared(findings, changelogEntry(CURRENT_VERSION))).toEqual([
      expect.stringContaining(`destroy of database ${address}`),
    ]);
    const declared = `## 9.9.9\n\n### Moved or replaced stateful resources\n\n- \`${address}\` moved: call moveResources(...)\n`;
    expect(undeclared(findings, declared)).toEqual([]);
  });
});
