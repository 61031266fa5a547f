import * as fs from "node:fs";
import * as path from "node:path";
import { App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";

/** A synthesized Terraform JSON document. */
export interface TerraformJson {
  readonly terraform?: Record<string, any>;
  readonly provider?: Record<string, any[]>;
  readonly resource?: Record<string, Record<string, any>>;
  readonly data?: Record<string, Record<string, any>>;
  readonly output?: Record<string, any>;
  readonly locals?: Record<string, any>;
}

/** Synthesizes whatever `build` adds to a test stack (with an AWS provider) and returns the JSON string. */
export function synthConstruct(build: (scope: Construct) => void): string {
  return Testing.synthScope((scope) => {
    new AwsProvider(scope, "Aws", { region: "eu-west-1" });
    build(scope);
  });
}

/** A test stack with an AWS provider, for constructs whose outputs a test wants to inspect. */
export function testStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "Aws", { region: "eu-west-1" });
  return stack;
}

/** The resources of one type in synthesized JSON, keyed by their Terraform name (metadata stripped). */
export function resourcesOf(synthesized: string | TerraformJson, type: string): Record<string, any> {
  const json: TerraformJson = typeof synthesized === "string" ? JSON.parse(synthesized) : synthesized;
  const found = json.resource?.[type] ?? {};
  return Object.fromEntries(
    Object.entries(found).map(([name, body]) => {
      const { "//": _metadata, ...rest } = body as Record<string, unknown>;
      return [name, rest];
    }),
  );
}

/** The single resource of a type; fails the test when there is not exactly one. */
export function onlyResource(synthesized: string | TerraformJson, type: string): any {
  const all = Object.values(resourcesOf(synthesized, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** One annotation (policy finding, warning, ...) recorded in the synthesized manifest. */
export interface ManifestAnnotation {
  readonly constructPath: string;
  readonly level: string;
  readonly message: string;
}

/** Synthesizes a whole app as `cdktf synth` does; returns every stack's JSON and annotations by stack id. */
export function synthAppWithAnnotations(build: (app: App) => void): {
  stacks: Record<string, TerraformJson>;
  annotations: Record<string, ManifestAnnotation[]>;
} {
  const app = Testing.app();
  build(app);
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string; annotations?: ManifestAnnotation[] }>;
  };
  const ids = Object.keys(manifest.stacks).sort();
  return {
    stacks: Object.fromEntries(
      ids.map((id) => [
        id,
        JSON.parse(fs.readFileSync(path.join(app.outdir, manifest.stacks[id].synthesizedStackPath), "utf8")),
      ]),
    ),
    annotations: Object.fromEntries(ids.map((id) => [id, manifest.stacks[id].annotations ?? []])),
  };
}

/** Synthesizes a whole app as `cdktf synth` does and returns every stack's JSON by stack id. */
export function synthApp(build: (app: App) => void): Record<string, TerraformJson> {
  return synthAppWithAnnotations(build).stacks;
}

/** Expects `fn` to throw an error whose message contains every one of `fragments`. */
export function expectErrorContaining(fn: () => unknown, ...fragments: string[]): void {
  let message: string | undefined;
  try {
    fn();
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  }
  if (message === undefined) throw new Error(`expected an error containing ${JSON.stringify(fragments)}`);
  for (const fragment of fragments) expect(message).toContain(fragment);
}

/**
 * A deep copy of `source` with some fields replaced: keys are dotted paths ("network.cidr"), a value
 * of `undefined` deletes the field. For feeding the schema one bad value at a time.
 */
export function withChanges<T>(source: T, changes: Record<string, unknown>): T {
  const copy = structuredClone(source) as Record<string, any>;
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split(".");
    const last = keys.pop() as string;
    const parent = keys.reduce((obj, key) => obj[key], copy);
    if (value === undefined) delete parent[last];
    else parent[last] = value;
  }
  return copy as T;
}

/** A resource of a synthesized stack: its Terraform address, its construct path and its body. */
export interface FoundResource {
  /** `type.name`, as Terraform and the state know it. */
  readonly address: string;
  /** The construct path, e.g. "dev-data/Database/Instance" (the stack id first; without metadata, from the name). */
  readonly path: string;
  /** The resource's arguments (cdktf's metadata removed). */
  readonly body: any;
}

/**
 * Every resource of `type` whose construct path ends with `pathSuffix` on a "/" boundary (every
 * resource of the type when it is omitted), in the order of the document.
 */
export function findResources(
  synthesized: string | TerraformJson,
  type: string,
  pathSuffix?: string,
): FoundResource[] {
  const json: TerraformJson = typeof synthesized === "string" ? JSON.parse(synthesized) : synthesized;
  return Object.entries(json.resource?.[type] ?? {})
    .map(([name, raw]) => {
      const { "//": metadata, ...body } = raw as Record<string, any>;
      // Without metadata (Testing.synthScope), the path is read back from the name: ids joined by "_" + a hash.
      const path = metadata?.metadata?.path ?? name.replace(/_[0-9A-F]{8}$/, "").replace(/_/g, "/");
      return { address: `${type}.${name}`, path: String(path), body };
    })
    .filter(({ path }) => pathSuffix === undefined || path === pathSuffix || path.endsWith(`/${pathSuffix}`));
}

/**
 * Every resource of `type` inside the construct whose path ends with `constructPath` (the construct's
 * own resources and those of its children), in the order of the document.
 */
export function findResourcesUnder(
  synthesized: string | TerraformJson,
  type: string,
  constructPath: string,
): FoundResource[] {
  return findResources(synthesized, type).filter(({ path }) => `/${path}/`.includes(`/${constructPath}/`));
}

/** The one resource of `type` at `pathSuffix` (see {@link findResources}); fails unless exactly one matches. */
export function findResource(
  synthesized: string | TerraformJson,
  type: string,
  pathSuffix?: string,
): FoundResource {
  const found = findResources(synthesized, type, pathSuffix);
  if (found.length !== 1) {
    const where = pathSuffix === undefined ? "" : ` at a path ending in ${pathSuffix}`;
    throw new Error(`expected one ${type}${where}, found ${found.length}`);
  }
  return found[0];
}

/** The Terraform expression referring to an attribute of a found resource: `${type.name.attribute}`. */
export function refTo(found: FoundResource, attribute: string): string {
  return `\${${found.address}.${attribute}}`;
}

/** Every key of every object in a JSON value, recursively (to assert that a key is set nowhere). */
export function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
  }
  return [];
}
