/**
 * Keeps the move from cdktf to CDK Terrain (docs/migration-cdk-terrain.md) a mechanical rename:
 * cdktf is imported from its root only (the jest matchers in the one setup file excepted), provider
 * bindings one resource at a time from `lib/<resource>`, and no other `@cdktf/*` package.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const SKIPPED = new Set(["node_modules", "dist", "cdktf.out", "coverage", ".git", "plans"]);
const SOURCE = /\.(ts|cjs|mjs|js)$/;
const SETUP_FILE = "test/setup.ts";

/** Every source file of the repository, relative to its root. */
function sourceFiles(folder = ROOT): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : sourceFiles(full);
    return SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path.relative(ROOT, full)] : [];
  });
}

/** Module specifiers of cdktf packages in a file: imports, re-exports, require() and import(). */
function cdktfSpecifiers(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const patterns = [
    /^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms,
    /^import\s+"([^"]+)"/gm,
    /\b(?:require|import)\(\s*"([^"]+)"\s*\)/g,
  ];
  return patterns
    .flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1]))
    .filter((specifier) => /^(cdktf|@cdktf\/)/.test(specifier));
}

/** Why a specifier would not survive the package rename unchanged, if it would not. */
function problem(file: string, specifier: string): string | undefined {
  if (specifier === "cdktf") return undefined;
  if (specifier === "cdktf/lib/testing/adapters/jest")
    return file === SETUP_FILE ? undefined : `only ${SETUP_FILE} may load the jest adapter`;
  if (/^@cdktf\/provider-(aws|kubernetes|helm)\/lib\/[a-z0-9-]+$/.test(specifier)) return undefined;
  if (specifier === "@cdktf/hcl2json") return undefined;
  return "import cdktf from its root and provider resources from '@cdktf/provider-<name>/lib/<resource>'";
}

const files = sourceFiles();

describe("imports that a package rename keeps working", () => {
  it("finds the repository's sources", () => {
    expect(files).toEqual(expect.arrayContaining(["main.ts", "constructs/index.ts", SETUP_FILE]));
  });

  it("imports cdktf and the provider bindings only in the forms the migration note renames", () => {
    const problems = files.flatMap((file) =>
      cdktfSpecifiers(file).flatMap((specifier) => {
        const why = problem(file, specifier);
        return why ? [`${file}: "${specifier}": ${why}`] : [];
      }),
    );
    expect(problems).toEqual([]);
  });

  it("loads the cdktf jest matchers from one setup file", () => {
    expect(cdktfSpecifiers(SETUP_FILE)).toContain("cdktf/lib/testing/adapters/jest");
    const config = fs.readFileSync(path.join(ROOT, "jest.config.js"), "utf8");
    expect([...config.matchAll(/setupFiles\w*:\s*\[([^\]]*)\]/g)].map((m) => m[1].trim())).toEqual([
      `"<rootDir>/${SETUP_FILE}"`,
    ]);
  });

  it("rejects what would break the rename", () => {
    expect(problem("stacks/x.ts", "@cdktf/provider-aws")).toBeDefined();
    expect(problem("stacks/x.ts", "@cdktf/provider-aws/lib")).toBeDefined();
    expect(problem("stacks/x.ts", "cdktf/lib/terraform-stack")).toBeDefined();
    expect(problem("test/x.test.ts", "cdktf/lib/testing/adapters/jest")).toBeDefined();
    expect(problem("stacks/x.ts", "@cdktf/provider-aws/lib/vpc")).toBeUndefined();
  });
});

describe("docs/migration-cdk-terrain.md", () => {
  const doc = fs.readFileSync(path.join(ROOT, "docs", "migration-cdk-terrain.md"), "utf8");

  it("names every script that runs the cdktf CLI, so the rename misses none", () => {
    const runners = sourceFiles().filter(
      (file) =>
        !file.startsWith("test/") && fs.readFileSync(path.join(ROOT, file), "utf8").includes("cdktf-cli/"),
    );
    expect(runners.length).toBeGreaterThan(0);
    for (const file of runners)
      expect({ file, named: doc.includes(`\`${file}\``) }).toEqual({ file, named: true });
  });
});
