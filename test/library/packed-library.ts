import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_NAME } from "../../scripts/lib-docs";

const ROOT = path.join(__dirname, "..", "..");

/** The library's peer dependencies: a consumer installs them beside it. */
export const PEERS = [
  "cdktf",
  "constructs",
  "@cdktf/provider-aws",
  "@cdktf/provider-kubernetes",
  "@cdktf/provider-helm",
] as const;

/**
 * A packed library installed as a consumer's dependency: the tarball unpacked into
 * `<project>/node_modules/@acme/aws-platform-constructs`, its peers linked to this repository's
 * installed packages (offline). Returns the package's folder.
 */
export function installPackedLibrary(tarball: string, project: string): string {
  const packageDir = path.join(project, "node_modules", ...PACKAGE_NAME.split("/"));
  fs.mkdirSync(packageDir, { recursive: true });
  const tar = spawnSync("tar", ["-xzf", tarball, "-C", packageDir, "--strip-components=1"], {
    encoding: "utf8",
  });
  if (tar.status !== 0) throw new Error(`tar -xzf ${tarball}: ${tar.stderr}`);
  for (const peer of PEERS) {
    const link = path.join(project, "node_modules", peer);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(ROOT, "node_modules", peer), link, "dir");
  }
  return packageDir;
}
