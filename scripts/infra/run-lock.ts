/**
 * One run per environment in a checkout: a run that changes files or infrastructure of `<env>`
 * (its stack folders, its plans) holds `cdktf.out/.locks/<env>.lock`; a second run of the same
 * environment is refused while the holder is alive. Runs of different environments do not touch
 * each other's files (scripts/app.cjs merges the synthesis of one environment into cdktf.out/)
 * and go side by side.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { RefusalError } from "./errors";

export const LOCKS_DIR = "cdktf.out/.locks";

interface Holder {
  readonly pid: number;
  readonly command: string;
  readonly started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock of `environment`; returns its release. Throws a {@link RefusalError} while another run holds it. */
export function lockEnvironment(root: string, environment: string, command: string): () => void {
  const dir = path.join(root, LOCKS_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${environment}.lock`);
  const me: Holder = { pid: process.pid, command, started: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: "wx" });
      return () => {
        try {
          const holder = JSON.parse(fs.readFileSync(file, "utf8")) as Holder;
          if (holder.pid === process.pid) fs.rmSync(file, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder: Holder | undefined;
    try {
      holder = JSON.parse(fs.readFileSync(file, "utf8")) as Holder;
    } catch {
      holder = undefined;
    }
    if (holder && alive(holder.pid)) {
      throw new RefusalError(
        `Another run on ${environment} is in progress in this checkout: "${holder.command}" (pid ${holder.pid}, ` +
          `started ${holder.started}). Wait for it to finish. Runs of other environments can go side by side. ` +
          `(If no such process exists any more, delete ${path.relative(root, file)}.)`,
      );
    }
    // The holder is gone (killed before it could release the lock): take it over.
    fs.rmSync(file, { force: true });
  }
  throw new RefusalError(`Could not take the lock ${path.relative(root, file)} of ${environment}.`);
}
