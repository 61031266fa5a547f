"use strict";
/**
 * Builds the construct library (`npm run build:lib`, and `npm pack ./constructs` through its prepack
 * script): removes constructs/dist, compiles constructs/ with constructs/tsconfig.build.json
 * (JavaScript and type declarations; no examples, no tests), and copies the Helm charts that
 * constructs reference next to their code (`path.join(__dirname, "charts", ...)`).
 */
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const lib = path.join(__dirname, "..", "constructs");
const dist = path.join(lib, "dist");
const SKIPPED = new Set(["dist", "examples", "node_modules"]);

/** Every `charts` folder under constructs/, relative to it. */
function chartFolders(folder = lib) {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory() || SKIPPED.has(entry.name)) return [];
    const full = path.join(folder, entry.name);
    return entry.name === "charts" ? [path.relative(lib, full)] : chartFolders(full);
  });
}

fs.rmSync(dist, { recursive: true, force: true });
try {
  execFileSync(
    process.execPath,
    [require.resolve("typescript/bin/tsc"), "-p", path.join(lib, "tsconfig.build.json")],
    {
      stdio: "inherit",
    },
  );
} catch {
  process.stderr.write("build:lib: the TypeScript build of constructs/ failed\n");
  process.exit(1);
}
for (const folder of chartFolders()) {
  fs.cpSync(path.join(lib, folder), path.join(dist, folder), { recursive: true });
}
