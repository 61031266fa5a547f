/**
 * Environment variables that would make Terraform or cdktf do something other than what the
 * reviewed configuration and the printed commands say. The `infra` CLI refuses to start while any
 * of them is set (dry runs included: the printed commands would not be what runs), and the app
 * (`scripts/app.cjs`, so `npm run synth` and the cdktf CLI too) refuses the Terraform ones.
 *
 * Found in Terraform's and cdktf's sources and documentation. Deliberately allowed: logging
 * (`TF_LOG*`), `TF_IN_AUTOMATION`, `TF_INPUT` (every command passes `-input=false`), the plugin
 * cache, registry timeouts and tokens (`TF_TOKEN_*`), `TF_CLI_CONFIG_FILE` (the same settings
 * as `~/.terraformrc`, which no variable guards either: credentials, mirrors, the plugin cache),
 * and AWS credentials (the providers pin the account through `allowed_account_ids`).
 */
import { RefusalError } from "./errors";

/** One refused variable (or family of variables) and why. */
export interface RefusedVariable {
  /** The variable name, or a prefix when `prefix` is true. */
  readonly name: string;
  readonly prefix?: boolean;
  /** What it would change, as the refusal message says it. */
  readonly why: string;
  /** Whether the app (synthesis) refuses it too, not only the infra CLI. */
  readonly synth: boolean;
}

export const REFUSED_VARIABLES: readonly RefusedVariable[] = [
  {
    name: "TF_CLI_ARGS",
    prefix: true,
    why: "adds arguments to Terraform commands (TF_CLI_ARGS_plan=-destroy turns a deploy into a teardown)",
    synth: true,
  },
  {
    name: "TF_WORKSPACE",
    why: "selects another workspace, i.e. another state than the stack's key",
    synth: true,
  },
  {
    name: "TF_DATA_DIR",
    why: "moves .terraform (backend settings, providers) away from the stack folder",
    synth: true,
  },
  {
    name: "TF_VAR_",
    prefix: true,
    why: "sets input variables outside the reviewed configuration",
    synth: true,
  },
  {
    name: "TF_REATTACH_PROVIDERS",
    why: "makes Terraform talk to already running provider processes instead of the pinned providers",
    synth: true,
  },
  {
    name: "TF_FORCE_LOCAL_BACKEND",
    why: "runs operations locally instead of through the configured backend",
    synth: true,
  },
  {
    name: "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE",
    why: "lets the plugin cache install providers that do not match the dependency lock file",
    synth: true,
  },
  {
    name: "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS",
    why: "turns policy-pack errors into a synthesis that succeeds",
    // The cdktf CLI sets it for the app and fails on error annotations itself; the app ignores it.
    synth: false,
  },
  {
    name: "CDKTF_OUTDIR",
    why: "makes the synthesis write somewhere else than the cdktf.out/ the commands run in",
    synth: false,
  },
  {
    name: "SYNTH_HCL_OUTPUT",
    why: "switches the synthesis to HCL, which the commands do not read",
    synth: false,
  },
  {
    name: "AWS_ENDPOINT_URL",
    prefix: true,
    why: "points the state backend and the providers at another endpoint than AWS",
    synth: true,
  },
];

/** The refused variables set (non-empty) in `env`, each with the reason. */
export function refusedVariables(
  env: Readonly<Record<string, string | undefined>>,
  scope: "infra" | "synth",
): { readonly name: string; readonly why: string }[] {
  const found: { name: string; why: string }[] = [];
  for (const name of Object.keys(env).sort()) {
    if (env[name] === undefined || env[name] === "") continue;
    const rule = REFUSED_VARIABLES.find((r) => (r.prefix ? name.startsWith(r.name) : name === r.name));
    if (rule && (scope === "infra" || rule.synth)) found.push({ name, why: rule.why });
  }
  return found;
}

/** Throws a {@link RefusalError} naming every refused variable set in `env`. */
export function checkEnvironmentVariables(
  env: Readonly<Record<string, string | undefined>>,
  scope: "infra" | "synth",
): void {
  const found = refusedVariables(env, scope);
  if (found.length === 0) return;
  throw new RefusalError(
    `Refusing to run with ${found.length === 1 ? "this environment variable" : "these environment variables"} set:\n` +
      found.map(({ name, why }) => `  - ${name}: ${why}`).join("\n") +
      `\nUnset ${found.length === 1 ? "it" : "them"} (unset ${found.map((f) => f.name).join(" ")}) and run again; ` +
      "see docs/operations.md, Environment variables.",
  );
}
