/**
 * The library's documents and manifest agree with its sources: the README's and CHANGELOG's
 * generated tables and examples are current, every exported construct has its section, and the
 * package manifest matches the versions this repository pins.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Construct } from "constructs";
import * as library from "../../constructs/index";
import {
  CONSTRUCTS_DIR,
  DOC_PATHS,
  EXAMPLES_DIR,
  PACKAGE_NAME,
  README_PATH,
  generatedMarkers,
  loadDeclarations,
  staleBlocks,
} from "../../scripts/lib-docs";

const ROOT = path.join(__dirname, "..", "..");
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
const declarations = loadDeclarations();
const readme = fs.readFileSync(README_PATH, "utf8");
const changelog = fs.readFileSync(path.join(CONSTRUCTS_DIR, "CHANGELOG.md"), "utf8");
const manifest = readJson(path.join(CONSTRUCTS_DIR, "package.json"));
const rootManifest = readJson(path.join(ROOT, "package.json"));

/** The README's `## <Name>` sections by heading. */
const sections = Object.fromEntries(
  readme
    .split(/^## /m)
    .slice(1)
    .map((section) => [section.slice(0, section.indexOf("\n")).trim(), section]),
);

/** Constructs exported from the package entry point. */
const exportedConstructs = Object.entries(library)
  .filter(([, value]) => typeof value === "function" && value.prototype instanceof Construct)
  .map(([name]) => name)
  .sort();

describe("generated documentation", () => {
  it.each(DOC_PATHS.map((file) => [path.basename(file), file]))(
    "%s matches the sources (npm run docs:lib regenerates it)",
    (_name, file) => {
      const stale = staleBlocks(fs.readFileSync(file, "utf8"), declarations).map((b) => b.marker);
      expect(stale).toEqual([]);
    },
  );

  it("shows every region of every example file", () => {
    const shown = new Set(
      DOC_PATHS.flatMap((file) => generatedMarkers(fs.readFileSync(file, "utf8")))
        .filter((m) => m.startsWith("example:"))
        .map((m) => m.slice("example:".length)),
    );
    const regions = fs
      .readdirSync(EXAMPLES_DIR)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((file) => {
        const names = [
          ...fs.readFileSync(path.join(EXAMPLES_DIR, file), "utf8").matchAll(/\/\/ #region (\S+)/g),
        ];
        return names.length ? names.map((n) => `${file}#${n[1]}`) : [file];
      });
    expect(regions.filter((r) => !shown.has(r))).toEqual([]);
  });
});

describe("a README section per exported construct", () => {
  it("exports the public constructs", () => {
    expect(exportedConstructs).toEqual(
      expect.arrayContaining(["EksCluster", "EncryptionKey", "Network", "ObjectStorage", "PostgresDatabase"]),
    );
  });

  it.each(exportedConstructs)("%s: usage, props, outputs and an example", (name) => {
    const section = sections[name] ?? "";
    const markers = generatedMarkers(section);
    expect(markers).toEqual(expect.arrayContaining([`outputs:${name}`]));
    if (declarations.has(`${name}Props`)) expect(markers).toContain(`props:${name}Props`);
    expect(markers.filter((m) => m.startsWith("example:")).length).toBeGreaterThanOrEqual(1);
  });
});

describe("the package manifest", () => {
  it("is the package the documents name", () => {
    expect(manifest.name).toBe(PACKAGE_NAME);
    expect(readme.startsWith(`# ${PACKAGE_NAME}\n`)).toBe(true);
  });

  it("has a changelog entry for its version", () => {
    expect(changelog).toContain(`\n## ${manifest.version}\n`);
  });

  it("pins each peer to the minor (patch for 0.x and bindings) of the version this repository uses", () => {
    for (const [name, range] of Object.entries<string>(manifest.peerDependencies)) {
      const pinned: string = rootManifest.dependencies[name];
      expect([`~${pinned}`, `^${pinned}`]).toContain(range);
    }
  });

  it("exports one entry point, with types, and no runtime dependencies", () => {
    expect(manifest.exports).toEqual({
      ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
      "./package.json": "./package.json",
    });
    expect(manifest.dependencies).toBeUndefined();
  });

  it("has the license of the repository", () => {
    expect(manifest.license).toBe(rootManifest.license);
    expect(fs.readFileSync(path.join(CONSTRUCTS_DIR, "LICENSE"), "utf8")).toContain("Apache License");
  });
});
