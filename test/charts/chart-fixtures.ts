/**
 * The vendored chart fixtures (test/fixtures/charts/<chart>/<version>/: values.yaml, the chart's
 * values.schema.json when it ships one, manifest.json naming the upstream repository, tag and
 * commit) and the checks the chart-values test runs against them: every key path a release sets
 * exists in the chart's values.yaml (or under an allow-listed free-form map), and the merged values
 * validate against the chart's schema, as Helm validates them at install.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { parse } from "yaml";

export const FIXTURES_DIR = path.join(__dirname, "..", "fixtures", "charts");

/** manifest.json of a fixture directory. */
export interface ChartFixtureManifest {
  readonly chart: string;
  readonly version: string;
  readonly repository: string;
  readonly ref: string;
  readonly commit: string;
  readonly path: string;
  readonly files: readonly string[];
  readonly note: string;
}

/** One chart version's vendored values and schema. */
export interface ChartFixture {
  readonly manifest: ChartFixtureManifest;
  readonly values: Record<string, unknown>;
  readonly schema?: object;
}

const cache = new Map<string, ChartFixture>();

/** The fixture of a chart version; fails with what to vendor when it is missing (a chart bump without fixtures). */
export function chartFixture(chart: string, version: string): ChartFixture {
  const key = `${chart}@${version}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const dir = path.join(FIXTURES_DIR, chart, version);
  if (!fs.existsSync(path.join(dir, "values.yaml")) || !fs.existsSync(path.join(dir, "manifest.json"))) {
    throw new Error(
      `No fixtures for chart '${chart}' version '${version}': refresh test/fixtures/charts/${chart}/${version}/ ` +
        `with the chart's values.yaml (and values.schema.json when it ships one) from its source repository at ` +
        `the release tag, and a manifest.json naming the repository, tag and commit (see test/fixtures/charts/README.md)`,
    );
  }
  const schemaPath = path.join(dir, "values.schema.json");
  const fixture: ChartFixture = {
    manifest: JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")),
    values: (parse(fs.readFileSync(path.join(dir, "values.yaml"), "utf8")) ?? {}) as Record<string, unknown>,
    schema: fs.existsSync(schemaPath) ? JSON.parse(fs.readFileSync(schemaPath, "utf8")) : undefined,
  };
  cache.set(key, fixture);
  return fixture;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Every leaf key path of a values object (arrays and empty maps are leaves). */
export function keyPaths(values: unknown, prefix = ""): string[] {
  if (!isMap(values) || Object.keys(values).length === 0) return prefix === "" ? [] : [prefix];
  return Object.entries(values).flatMap(([key, inner]) => keyPaths(inner, prefix ? `${prefix}.${key}` : key));
}

/** Whether `pattern` (dotted, `*` = any one key) is a prefix of `keyPath`. */
function allowedBy(pattern: string, keyPath: string): boolean {
  const p = pattern.split(".");
  const k = keyPath.split(".");
  return p.length <= k.length && p.every((segment, i) => segment === "*" || segment === k[i]);
}

/**
 * The key paths of `values` that the chart's values.yaml does not have. A path below an
 * allow-listed prefix (a free-form map: resources, exporters, subchart values) is accepted;
 * anything else must exist key by key in values.yaml.
 */
export function unknownKeyPaths(
  chartValues: Record<string, unknown>,
  values: object,
  freeForm: readonly string[],
): string[] {
  return keyPaths(values).filter((keyPath) => {
    if (freeForm.some((pattern) => allowedBy(pattern, keyPath))) return false;
    let node: unknown = chartValues;
    for (const key of keyPath.split(".")) {
      if (!isMap(node) || !(key in node)) return true;
      node = node[key];
    }
    return false;
  });
}

/** Helm's merge of user values over the chart's: maps merge, everything else replaces, null deletes. */
export function mergeValues(base: unknown, over: unknown): unknown {
  if (!isMap(base) || !isMap(over)) return over;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete merged[key];
    else merged[key] = key in base ? mergeValues(base[key], value) : value;
  }
  return merged;
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const validators = new WeakMap<object, ReturnType<Ajv["compile"]>>();

/** Schema errors of the merged values (empty when valid, or when the chart ships no schema). */
export function schemaErrors(fixture: ChartFixture, values: object): string[] {
  if (fixture.schema === undefined) return [];
  let validate = validators.get(fixture.schema);
  if (!validate) {
    const { $schema: _draft, $id: _id, ...schema } = fixture.schema as Record<string, unknown>;
    validate = ajv.compile(schema);
    validators.set(fixture.schema, validate);
  }
  const merged = mergeValues(fixture.values, values);
  return validate(merged)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}
