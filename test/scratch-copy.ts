import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");
const FOLDERS = ["environments", "constructs", "stacks", "scripts", "test", ".github"];
const FILES = [
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "jest.config.js",
  "cdktf.json",
  "main.ts",
  ".gitignore",
  ".prettierrc.json",
  ".prettierignore",
  "eslint.config.mjs",
];

/**
 * A scratch copy of the project (sources, tests and configuration; node_modules linked), for tests
 * that change files or run commands as a user would. Remove it with {@link removeScratchCopies}.
 */
export function scratchCopy(options: { readonly git?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scratch-"));
  created.push(dir);
  for (const entry of FOLDERS) {
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), {
      recursive: true,
      // Chart fixtures and release tarballs serve tests that scratch copies do not run.
      filter: (source) => !source.startsWith(path.join(ROOT, "test", "fixtures")),
    });
  }
  for (const file of FILES) fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  if (options.git) {
    gitIn(dir, "init", "--quiet", "--initial-branch=main");
    // The linked node_modules is a symlink, which the `node_modules/` pattern (folders only) misses.
    fs.appendFileSync(path.join(dir, ".git", "info", "exclude"), "node_modules\n");
    gitIn(dir, "add", "-A");
    gitIn(dir, "commit", "--quiet", "-m", "scratch");
  }
  return dir;
}

/** Runs git in `dir` with a fixed identity; throws on failure. */
export function gitIn(dir: string, ...args: string[]): string {
  const result = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], {
    cwd: dir,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

const created: string[] = [];

/** Removes every scratch copy made so far (call it in `afterAll`). */
export function removeScratchCopies(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
