/**
 * Resolves an environment name and learns its stacks by building the app in-process, exactly as
 * `main.ts` does, and synthesizing it into a temporary folder (offline; nothing is written
 * elsewhere). Nothing about stacks is hard-coded: layers, their order (cross-stack references
 * only become dependencies during synthesis) and the EKS cluster names come from the synthesized
 * configuration, so a new layer is planned, deployed and torn down without touching the CLI.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import {
  ENVIRONMENTS,
  ENVIRONMENT_NAMES,
  EnvironmentConfig,
  SANDBOX_NAME_RULE,
  sandboxNameProblem,
  selectEnvironments,
} from "../../environments";
import { buildApp, stackIds } from "../../stacks/environment-app";
import { RefusalError } from "./errors";
import { EnvironmentInventory, StackInfo, StateBackend, needsConfirmation } from "./planner";
import { sandboxNameOf } from "../../environments/naming";

export { SANDBOX_NAME_RULE };

/** The environments the CLI knows, as users read them. */
export const KNOWN_ENVIRONMENTS = `${ENVIRONMENT_NAMES.join(", ")}, or sandbox-<name> (<name>: ${SANDBOX_NAME_RULE})`;

/** Validates a sandbox's own name (the `<name>` of `sandbox-<name>`); throws a {@link RefusalError} naming the rule. */
export function checkSandboxName(name: string): void {
  const problem = sandboxNameProblem(name);
  if (problem !== undefined) throw new RefusalError(`Sandbox: ${problem}.`);
}

/**
 * The validated configuration of a registered environment or `sandbox-<name>`. Unknown names and
 * invalid sandbox names throw a {@link RefusalError}; invalid values throw the environments'
 * `ConfigurationError` (which names the field, the value and what is allowed).
 */
export function resolveEnvironment(name: string): EnvironmentConfig {
  const sandbox = sandboxNameOf(name);
  if (sandbox !== undefined) {
    checkSandboxName(sandbox);
    return selectEnvironments({ INFRA_ENVS: "", INFRA_SANDBOX: sandbox })[0];
  }
  if (!Object.hasOwn(ENVIRONMENTS, name)) {
    throw new RefusalError(`Unknown environment "${name}"; known: ${KNOWN_ENVIRONMENTS}.`);
  }
  return selectEnvironments({ INFRA_ENVS: name })[0];
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/** Synthesizes the environment's stacks into a temporary folder and returns what the planner needs. */
export function environmentInventory(environment: EnvironmentConfig): EnvironmentInventory {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-inventory-"));
  // `SYNTH_HCL_OUTPUT` would switch the synthesis to HCL, which this reader does not parse, and
  // `CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS` would let policy-pack errors through.
  const saved = { ...process.env };
  delete process.env.SYNTH_HCL_OUTPUT;
  delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
  try {
    try {
      const app = new App({ outdir, stackTraces: false, hclOutput: false });
      buildApp(app, [environment]);
      app.synth();
    } catch (error) {
      throw new RefusalError(`Synthesis of ${environment.name} failed:\n${explain(error)}`);
    }
    return readInventory(environment, outdir);
  } finally {
    for (const name of ["SYNTH_HCL_OUTPUT", "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS"]) {
      if (saved[name] !== undefined) process.env[name] = saved[name];
    }
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Configuration and validation errors are explained by their message; anything else keeps its stack. */
function explain(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const explained =
    ["ConfigurationError", "ConstructValidationError"].includes(error.name) ||
    /^(Validation failed|Encountered Annotations)/.test(error.message);
  return explained ? error.message : (error.stack ?? error.message);
}

/** The one backend block of a synthesized stack (`terraform.backend.<type>`), if it declares one. */
function backendOf(config: Json): StateBackend | undefined {
  const [entry] = Object.entries(asObject(asObject(config.terraform).backend));
  return entry ? { type: entry[0], config: asObject(entry[1]) } : undefined;
}

function readInventory(environment: EnvironmentConfig, outdir: string): EnvironmentInventory {
  const manifest = asObject(JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")));
  const bootstrapId = stackIds(environment.name).bootstrap;
  const stacks: StackInfo[] = [];
  let bootstrapStack: StackInfo | undefined;
  let bootstrapBackend: StateBackend | undefined;
  let stateBackend: Json | undefined;
  const clusterNames = new Set<string>();
  let hasComputedClusterName = false;

  for (const [id, value] of Object.entries(asObject(manifest.stacks))) {
    const entry = asObject(value);
    const config = asObject(
      JSON.parse(fs.readFileSync(path.join(outdir, String(entry.synthesizedStackPath)), "utf8")),
    );
    const providers = asObject(config.provider);
    const resources = asObject(config.resource);
    const resourceTypes = Object.keys(resources);
    const info: StackInfo = {
      id,
      dependencies: (Array.isArray(entry.dependencies) ? entry.dependencies : []).map(String),
      usesKubernetes:
        "kubernetes" in providers ||
        "helm" in providers ||
        resourceTypes.some((type) => type.startsWith("kubernetes_") || type.startsWith("helm_")),
      declaresVpc: "aws_vpc" in resources,
    };
    for (const cluster of Object.values(asObject(resources.aws_eks_cluster))) {
      const name = asObject(cluster).name;
      if (typeof name === "string" && !name.includes("${")) clusterNames.add(name);
      else hasComputedClusterName = true;
    }
    if (id === bootstrapId) {
      bootstrapStack = info;
      bootstrapBackend = backendOf(config);
      continue;
    }
    stacks.push(info);
    stateBackend ??= asObject(asObject(asObject(config.terraform).backend).s3);
  }

  return {
    name: environment.name,
    sandbox: environment.sandbox,
    confirmationRequired: needsConfirmation(environment),
    region: environment.region,
    deployRoleArn: environment.deployRoleArn,
    stacks,
    bootstrapStack,
    bootstrapBackend,
    stateBackend: stateBackend && Object.keys(stateBackend).length > 0 ? stateBackend : undefined,
    clusterNames: [...clusterNames],
    hasComputedClusterName,
  };
}
