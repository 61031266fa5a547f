import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
const packages: Record<string, { optionalDependencies?: Record<string, string> }> = lock.packages;

/** Where npm would find `name` for the package installed at `at` (its own node_modules, then upwards). */
function resolves(at: string, name: string): boolean {
  for (let dir = at; ; dir = dir.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, "")) {
    if (`${dir ? `${dir}/` : ""}node_modules/${name}` in packages) return true;
    if (dir === "") return false;
  }
}

describe("package-lock.json", () => {
  it("names every optional platform package, so npm ci installs it on Linux, macOS and Windows", () => {
    const missing = Object.entries(packages).flatMap(([at, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((name) => !resolves(at, name))
        .map((name) => `${at || "(root)"} → ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it("is what npm install would write (a lockfile npm install changes fails here)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lockfile-"));
    try {
      for (const file of ["package.json", "package-lock.json"]) {
        fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
      }
      const npm = spawnSync(
        "npm",
        ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"],
        { cwd: dir, encoding: "utf8", env: { ...process.env, npm_config_loglevel: "error" } },
      );
      expect(npm.stderr).toBe("");
      expect(npm.status).toBe(0);
      expect(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8")).toBe(
        fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
