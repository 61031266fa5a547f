import { contentHash } from "./content-hash";
import * as fs from "node:fs";
import * as path from "node:path";
import { ENVIRONMENTS, EnvironmentConfig, longLivedEnvironments, selectEnvironments } from "../environments";
import { buildApp } from "../stacks/environment-app";
import { synthAppWithAnnotations } from "./helpers";

/**
 * The environments the stack tests synthesize: every registered environment (environments/registry.ts)
 * plus the sandbox "alice", validated as the app validates them. Tests read sizes and identities
 * from here, never restate them, so a configuration change needs only reviewed snapshots.
 */
export const ENVIRONMENTS_UNDER_TEST: readonly EnvironmentConfig[] = selectEnvironments({
  INFRA_SANDBOX: "alice",
});

/** Their names: each registered environment, then `sandbox-alice`. */
export const ENVIRONMENT_NAMES_UNDER_TEST = ENVIRONMENTS_UNDER_TEST.map((e) => e.name);

/** The validated configuration of one environment under test. */
export function configOf(name: string): EnvironmentConfig {
  const found = ENVIRONMENTS_UNDER_TEST.find((e) => e.name === name);
  if (!found) throw new Error(`no environment ${JSON.stringify(name)} under test`);
  return found;
}

/** A long-lived environment name that is not registered (for "unknown environment" cases). */
export function unregisteredEnvironmentName(): string {
  for (let n = 0; ; n += 1) {
    const name = `unknown${n === 0 ? "" : n}`;
    if (!Object.hasOwn(ENVIRONMENTS, name)) return name;
  }
}

const ROOT = path.join(__dirname, "..");
/** What a synthesis of the environments depends on: the sources and the installed package versions. */
const INPUTS = ["constructs", "stacks", "environments", "package-lock.json"];

/**
 * The environments under test synthesized as `main.ts` synthesizes them (with their accounts'
 * baselines when asked) (stack JSON and manifest
 * annotations by stack id). Several test files read the same synthesis, so it is made once and kept
 * (node_modules/.cache/environments-under-test/) under a hash of everything it depends on; any change of a source makes a
 * new one. The synthesis is deterministic, so a kept one is the one a new run would make.
 */
export function synthesizedEnvironments(
  options: { readonly accountBaselines?: boolean } = {},
): ReturnType<typeof synthAppWithAnnotations> {
  const variant = options.accountBaselines ? "b" : "";
  // Not in the temporary folder: test/setup.ts gives each test file its own, removed after it.
  const cache = path.join(ROOT, "node_modules", ".cache", "environments-under-test");
  fs.mkdirSync(cache, { recursive: true });
  const file = path.join(cache, `${contentHash(INPUTS)}${variant}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8"));
  const synthesized = synthAppWithAnnotations((app) =>
    buildApp(
      app,
      ENVIRONMENTS_UNDER_TEST,
      options.accountBaselines ? { accountBaselines: longLivedEnvironments() } : {},
    ),
  );
  fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify(synthesized));
  fs.renameSync(`${file}.${process.pid}`, file);
  // Syntheses of sources older than a day are of no further use (other checkouts may read newer ones).
  for (const name of fs.readdirSync(cache)) {
    const full = path.join(cache, name);
    if (!/^[0-9a-f]{32}b?\.json$/.test(name)) continue;
    try {
      if (Date.now() - fs.statSync(full).mtimeMs > 86_400_000) fs.rmSync(full, { force: true });
    } catch {
      // Removed meanwhile by another run.
    }
  }
  return synthesized;
}
