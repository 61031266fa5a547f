/**
 * `infra env new <name> --from <env> --account <id> --cidr <cidr> [--domain <name> --hosted-zone-id <id>]`:
 * writes `environments/<name>.ts` as a copy of `<env>`'s file and registers it in
 * `environments/registry.ts`, so nothing else needs an edit (the app, the CLI, the workflows and
 * the tests all read the registry).
 *
 * The copy keeps `<env>`'s sizing and shape (its deltas over `base.ts`) and replaces what belongs to
 * `<env>` or to its account: the export and `name`, `accountId`, every ARN of the source account
 * (admin roles, state and deploy roles), the state bucket, the network block, the sandbox host
 * flag (`ci.hostsSandboxes`: sandboxes stay with their host), and the DNS domain
 * (dropped unless `--domain` is given: a hosted zone belongs to one account). A value that cannot
 * be derived is written as a placeholder that fails validation, so it cannot reach Terraform.
 * Nothing is written when the result would be invalid for any other reason.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import type * as TypeScript from "typescript";
import {
  ENVIRONMENTS,
  EnvironmentInput,
  LONG_LIVED_NAME_PATTERN,
  LONG_LIVED_NAME_RULE,
  environmentProblems,
  registryProblems,
} from "../../environments";
import { describe } from "../../constructs/core/validation";
import { RefusalError, UsageError } from "./errors";

/** What `env new` is asked to create. */
export interface NewEnvironmentRequest {
  readonly name: string;
  readonly from: string;
  readonly accountId: string;
  readonly cidr: string;
  readonly domain?: string;
  readonly hostedZoneId?: string;
  /** The registered environment it follows in promotion order. @default the source environment */
  readonly after?: string;
}

/** The hosted zone id written when `--domain` comes without `--hosted-zone-id`: it fails validation. */
export const HOSTED_ZONE_PLACEHOLDER = "SET-ME-hosted-zone-id";

/** Names that cannot be an export's identifier. */
const RESERVED_WORDS = new Set(
  (
    "await break case catch class const continue debugger default delete do else enum export extends false " +
    "finally for function if implements import in instanceof interface let new null package private " +
    "protected public return static super switch this throw true try typeof var void while with yield"
  ).split(" "),
);

/** The result of {@link createEnvironment}: the files written (or, in a dry run, that would be). */
export interface NewEnvironmentResult {
  readonly files: Readonly<Record<string, string>>;
  /** Values left as placeholders, which the user must set before the environment validates. */
  readonly todo: readonly string[];
}

/**
 * Writes (unless `dryRun`) the new environment's file and its registry entry under `root`.
 * Throws a {@link RefusalError} naming the problem when the request or the result is invalid;
 * in that case nothing is left behind.
 */
export function createEnvironment(
  root: string,
  request: NewEnvironmentRequest,
  options: { readonly dryRun?: boolean } = {},
): NewEnvironmentResult {
  const envDir = path.join(root, "environments");
  checkRequest(envDir, request);
  const ts = loadTypeScript(root);
  const source = ENVIRONMENTS[request.from as keyof typeof ENVIRONMENTS] as EnvironmentInput;
  const sourcePath = path.join(envDir, `${request.from}.ts`);
  const { text, todo } = copyEnvironmentFile(ts, fs.readFileSync(sourcePath, "utf8"), source, request);
  const registryPath = path.join(envDir, "registry.ts");
  const registry = registerEnvironment(fs.readFileSync(registryPath, "utf8"), request);

  const targetPath = path.join(envDir, `${request.name}.ts`);
  const candidate = evaluateCandidate(targetPath, text, request.name);
  const problems = [
    ...environmentProblems(candidate, request.name),
    ...registryProblems(withEntry(request, candidate)),
  ].filter((problem) => !problem.includes(describe(HOSTED_ZONE_PLACEHOLDER)));
  if (problems.length > 0) {
    throw new RefusalError(
      `env new: environments/${request.name}.ts would be invalid; nothing was written:\n${problems.join("\n")}`,
    );
  }

  const files = {
    [path.relative(root, targetPath)]: text,
    [path.relative(root, registryPath)]: registry,
  };
  if (!options.dryRun) {
    fs.writeFileSync(targetPath, text);
    fs.writeFileSync(registryPath, registry);
    format(root, [targetPath, registryPath]);
  }
  return { files, todo };
}

function checkRequest(envDir: string, request: NewEnvironmentRequest): void {
  const { name, from, after } = request;
  const known = Object.keys(ENVIRONMENTS);
  if (!LONG_LIVED_NAME_PATTERN.test(name) || RESERVED_WORDS.has(name)) {
    throw new RefusalError(
      `env new: ${describe(name)} is not a valid environment name; use ${LONG_LIVED_NAME_RULE}, and no JavaScript reserved word.`,
    );
  }
  if (Object.hasOwn(ENVIRONMENTS, name) || fs.existsSync(path.join(envDir, `${name}.ts`))) {
    throw new RefusalError(
      `env new: environment ${describe(name)} exists already (environments/${name}.ts).`,
    );
  }
  for (const [option, value] of [
    ["--from", from],
    ["--after", after],
  ] as const) {
    if (value !== undefined && !Object.hasOwn(ENVIRONMENTS, value)) {
      throw new RefusalError(
        `env new: ${option} must name a registered environment (${known.join(", ")}), got ${describe(value)}.`,
      );
    }
  }
  if (request.hostedZoneId !== undefined && request.domain === undefined) {
    throw new UsageError("env new: --hosted-zone-id needs --domain.");
  }
}

/** The `typescript` package of the project: only this command needs it, so it is loaded here. */
function loadTypeScript(root: string): typeof TypeScript {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve("typescript", { paths: [root] })) as typeof TypeScript;
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The copy of the source environment's file with the request applied. */
function copyEnvironmentFile(
  ts: typeof TypeScript,
  text: string,
  source: EnvironmentInput,
  request: NewEnvironmentRequest,
): { text: string; todo: string[] } {
  const file = ts.createSourceFile("source.ts", text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits: Edit[] = [];
  const todo: string[] = [];
  const replace = (node: TypeScript.Node, replacement: string) =>
    edits.push({ start: node.getStart(file), end: node.getEnd(), text: replacement });

  const declaration = file.statements
    .filter(ts.isVariableStatement)
    .flatMap((statement) => [...statement.declarationList.declarations])
    .find((d) => ts.isIdentifier(d.name) && d.name.text === request.from);
  // `defineEnvironment(parent, { ... })`: the delta is what the file states.
  const initializer = declaration?.initializer;
  const literal = initializer && ts.isCallExpression(initializer) ? initializer.arguments[1] : initializer;
  if (!declaration || !literal || !ts.isObjectLiteralExpression(literal)) {
    throw new RefusalError(
      `env new: environments/${request.from}.ts must export \`const ${request.from}: EnvironmentInput = defineEnvironment(base, { ... })\` to be copied.`,
    );
  }
  replace(declaration.name, request.name);
  const statement = declaration.parent.parent;
  const header = `/** ${request.name}: created from ${request.from} (its sizing and shape); account, state, network and domain its own. */`;
  const doc = ts.getLeadingCommentRanges(text, statement.getFullStart())?.at(-1);
  if (doc && text.startsWith("/**", doc.pos)) edits.push({ start: doc.pos, end: doc.end, text: header });
  else edits.push({ start: statement.getStart(file), end: statement.getStart(file), text: `${header}\n` });

  const property = (object: TypeScript.ObjectLiteralExpression, name: string) =>
    object.properties.find(
      (p): p is TypeScript.PropertyAssignment =>
        ts.isPropertyAssignment(p) &&
        (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) &&
        p.name.text === name,
    );
  const objectAt = (object: TypeScript.ObjectLiteralExpression, name: string) => {
    const found = property(object, name)?.initializer;
    return found && ts.isObjectLiteralExpression(found) ? found : undefined;
  };
  const setString = (
    object: TypeScript.ObjectLiteralExpression | undefined,
    name: string,
    value: string,
    where: string,
  ) => {
    const found = object && property(object, name);
    if (!found || !ts.isStringLiteralLike(found.initializer)) {
      throw new RefusalError(
        `env new: environments/${request.from}.ts must set '${where}' as a string literal to be copied.`,
      );
    }
    replace(found.initializer, JSON.stringify(value));
  };

  setString(literal, "name", request.name, "name");
  setString(literal, "accountId", request.accountId, "accountId");
  setString(objectAt(literal, "network"), "cidr", request.cidr, "network.cidr");

  // The state bucket: derived from the name unless the source names its own; then the source's name
  // with the environment's name in it, or a placeholder.
  if (objectAt(literal, "state") && property(objectAt(literal, "state")!, "bucket")) {
    const bucket = source.state.bucket;
    const renamedBucket = renameWords(bucket, request.from, request.name);
    const bucketName = renamedBucket !== bucket ? renamedBucket : `SET-ME-state-bucket-of-${request.name}`;
    if (renamedBucket === bucket) todo.push(`state.bucket: name the environment's state bucket`);
    setString(objectAt(literal, "state"), "bucket", bucketName, "state.bucket");
  }

  // Only one environment hosts the sandboxes (its GitHub environment and runner label are renamed
  // with every other string below).
  const ci = objectAt(literal, "ci");
  const hosts = ci && property(ci, "hostsSandboxes");
  if (hosts && hosts.initializer.kind === ts.SyntaxKind.TrueKeyword) replace(hosts.initializer, "false");

  // The domain: a hosted zone belongs to one account, so the source's never carries over.
  const platform = objectAt(literal, "platform");
  const domainProperty = platform && property(platform, "domain");
  const domain =
    request.domain === undefined
      ? undefined
      : `domain: { name: ${JSON.stringify(request.domain)}, hostedZoneId: ${JSON.stringify(
          request.hostedZoneId ?? HOSTED_ZONE_PLACEHOLDER,
        )}, acmeEmail: ${JSON.stringify(source.platform.domain?.acmeEmail ?? `platform-team@${request.domain}`)} }`;
  if (request.domain !== undefined && request.hostedZoneId === undefined) {
    todo.push(
      `platform.domain.hostedZoneId: the Route 53 hosted zone of ${request.domain} in account ${request.accountId}`,
    );
  }
  if (domainProperty) {
    if (domain) replace(domainProperty, domain);
    else {
      const after = text.slice(domainProperty.getEnd()).match(/^\s*,/)?.[0].length ?? 0;
      edits.push({ start: domainProperty.getFullStart(), end: domainProperty.getEnd() + after, text: "" });
    }
  } else if (domain) {
    if (platform)
      edits.push({ start: platform.getEnd() - 1, end: platform.getEnd() - 1, text: `, ${domain} ` });
    else
      edits.push({
        start: literal.getEnd() - 1,
        end: literal.getEnd() - 1,
        text: `, platform: { ${domain} } `,
      });
  }

  // Every other string literal: the source account becomes the new one (ARNs), and the source's name
  // as a word of it becomes the new name (a GitHub environment, a runner label, a role name).
  const inEdit = (node: TypeScript.Node) =>
    edits.some((e) => node.getStart(file) >= e.start && node.getEnd() <= Math.max(e.end, e.start));
  const visit = (node: TypeScript.Node) => {
    if (ts.isStringLiteralLike(node) && !inEdit(node)) {
      const renamed = renameWords(
        node.text.split(source.accountId).join(request.accountId),
        request.from,
        request.name,
      );
      if (renamed !== node.text) replace(node, JSON.stringify(renamed));
    }
    node.forEachChild(visit);
  };
  visit(literal);

  const result = [...edits]
    .sort((a, b) => b.start - a.start)
    .reduce((out, edit) => out.slice(0, edit.start) + edit.text + out.slice(edit.end), text);
  return { text: result, todo };
}

/** `text` with every word equal to `from` (between `.`, `-`, `_`, `/`, `:` or the ends) replaced by `to`. */
export function renameWords(text: string, from: string, to: string): string {
  return text
    .split(/([.\-_/:])/)
    .map((part) => (part === from ? to : part))
    .join("");
}

/** The registry with the new environment imported and listed after `request.after` (or its source). */
function registerEnvironment(text: string, request: NewEnvironmentRequest): string {
  const list = /export const ENVIRONMENTS = \{([^}]*)\};/.exec(text);
  if (!list)
    throw new RefusalError(
      "env new: environments/registry.ts has no `export const ENVIRONMENTS = { ... };`.",
    );
  const names = list[1]
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  names.splice(names.indexOf(request.after ?? request.from) + 1, 0, request.name);
  const lastImport = [...text.matchAll(/^import .*;$/gm)].at(-1);
  const importLine = `import { ${request.name} } from "./${request.name}";\n`;
  const at = lastImport ? (lastImport.index ?? 0) + lastImport[0].length + 1 : 0;
  const withImport = text.slice(0, at) + importLine + text.slice(at);
  return withImport.replace(list[0], `export const ENVIRONMENTS = { ${names.join(", ")} };`);
}

let candidates = 0;

/**
 * Loads the candidate file as the app would, from a uniquely named file beside its final place (so
 * its relative imports resolve and no module cache can return an earlier candidate), removed at once.
 */
function evaluateCandidate(target: string, text: string, name: string): EnvironmentInput {
  candidates += 1;
  const file = path.join(path.dirname(target), `.${name}.candidate-${process.pid}-${candidates}.ts`);
  fs.writeFileSync(file, text, { flag: "wx" });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file written at run time
    const loaded = require(file) as Record<string, EnvironmentInput>;
    return loaded[name];
  } catch (error) {
    throw new RefusalError(
      `env new: the copied file does not load: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    fs.rmSync(file, { force: true });
    delete require.cache[file];
  }
}

function withEntry(
  request: NewEnvironmentRequest,
  candidate: EnvironmentInput,
): Record<string, EnvironmentInput> {
  return { ...ENVIRONMENTS, [request.name]: candidate };
}

/** Formats the written files the way `npm test`'s lint expects. */
function format(root: string, files: readonly string[]): void {
  const prettier = require.resolve("prettier/bin/prettier.cjs", { paths: [root] });
  // --cache: without it prettier deletes the project's cache file, and the next lint re-checks every file.
  const result = spawnSync(process.execPath, [prettier, "--cache", "--write", ...files], {
    cwd: root,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new RefusalError(`env new: prettier could not format the written files:\n${result.stderr}`);
  }
}
