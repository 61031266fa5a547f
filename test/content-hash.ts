import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");

/**
 * A hash of the contents of `entries` (files and folders, relative to the project root; `dist` and
 * `node_modules` skipped): the key under which a test keeps what it built from them, so that any
 * change of an input builds anew.
 */
export function contentHash(entries: readonly string[]): string {
  const hash = crypto.createHash("sha256");
  const visit = (entry: string) => {
    const full = path.join(ROOT, entry);
    if (fs.statSync(full).isDirectory()) {
      for (const child of fs.readdirSync(full).sort()) {
        if (!["dist", "node_modules"].includes(child)) visit(path.join(entry, child));
      }
    } else {
      hash.update(entry).update("\0").update(fs.readFileSync(full)).update("\0");
    }
  };
  entries.forEach(visit);
  return hash.digest("hex").slice(0, 32);
}
