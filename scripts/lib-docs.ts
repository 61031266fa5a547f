/**
 * The generated parts of the library's README and CHANGELOG: props, outputs and methods tables
 * read from the construct sources (doc comments and `@default` tags), and code blocks copied from
 * constructs/examples/ (which `tsc` type-checks and the tests synthesize).
 * `test/library/docs.test.ts` fails when the documents no longer match the sources.
 *
 *   npm run docs:lib            rewrite the generated parts of the documents, then run prettier
 *   npm run docs:lib -- --check exit 1 when they are out of date
 *   npm run docs:lib -- --force rewrite every generated part, even where only formatting differs
 *
 * Markers: `<!-- generated props:NetworkProps -->`, `<!-- generated outputs:Network -->`,
 * `<!-- generated methods:ObjectStorage -->`, `<!-- generated example:network.ts#minimal -->` (a
 * `// #region minimal` of the file) or `<!-- generated example:app.ts -->` (the whole file), each
 * closed by `<!-- end generated -->`.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/**
 * The published package name. The examples import it by this name, as a consumer does; inside this
 * repository it resolves to constructs/index.ts (tsconfig.json `paths`, jest.config.js `moduleNameMapper`).
 */
export const PACKAGE_NAME = "@acme/aws-platform-constructs";

const ROOT = path.join(__dirname, "..");
export const CONSTRUCTS_DIR = path.join(ROOT, "constructs");
export const EXAMPLES_DIR = path.join(CONSTRUCTS_DIR, "examples");
export const README_PATH = path.join(CONSTRUCTS_DIR, "README.md");
/** The documents with generated blocks. */
export const DOC_PATHS = [README_PATH, path.join(CONSTRUCTS_DIR, "CHANGELOG.md")];

const BLOCK = /<!-- generated ([a-z]+):([^\s]+) -->\n([\s\S]*?)<!-- end generated -->/g;

/** The interfaces and classes of the library sources, by name. */
export function loadDeclarations(
  dir = CONSTRUCTS_DIR,
): Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration> {
  const found = new Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration>();
  const visit = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!["examples", "dist", "node_modules"].includes(entry.name)) visit(full);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        const source = ts.createSourceFile(full, fs.readFileSync(full, "utf8"), ts.ScriptTarget.ES2022, true);
        for (const statement of source.statements) {
          if ((ts.isInterfaceDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
            found.set(statement.name.text, statement);
          }
        }
      }
    }
  };
  visit(dir);
  return found;
}

interface Doc {
  readonly text: string;
  readonly defaultValue?: string;
}

function docOf(node: ts.Node): Doc {
  let text = "";
  let defaultValue: string | undefined;
  for (const jsDoc of ts.getJSDocCommentsAndTags(node)) {
    if (!ts.isJSDoc(jsDoc)) continue;
    text = ts.getTextOfJSDocComment(jsDoc.comment) ?? "";
    for (const tag of jsDoc.tags ?? []) {
      if (tag.tagName.text === "default") defaultValue = ts.getTextOfJSDocComment(tag.comment) ?? "";
    }
  }
  return { text: inline(text), defaultValue: defaultValue === undefined ? undefined : inline(defaultValue) };
}

/** One line of markdown: whitespace collapsed, `{@link X}` as code, table pipes escaped. */
function inline(text: string): string {
  return text
    .replace(/\{@link\s+([^}\s]+)\s*\}/g, "`$1`")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\|/g, "\\|");
}

function code(text: string): string {
  const oneLine = text
    .replace(/\s+/g, " ")
    .replace(/([<([]) /g, "$1")
    .replace(/ ([>)\]])/g, "$1")
    .trim();
  return "`" + oneLine.replace(/\|/g, "\\|") + "`";
}

/** `@default - prose` stays prose; `@default value (remark)` becomes code plus the remark. */
function renderDefault(value: string | undefined, optional: boolean): string {
  if (!optional) return "required";
  if (value === undefined || value === "") return "—";
  if (value.startsWith("- ")) return value.slice(2);
  const match = /^(\[[^\]]*\]|"[^"]*"|\S+)(.*)$/.exec(value);
  if (!match) return value;
  const [, head, rest] = match;
  return `${code(head.replace(/\\\|/g, "|"))}${rest}`;
}

function isPublic(member: ts.ClassElement): boolean {
  const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
  return !modifiers.some(
    (m) =>
      m.kind === ts.SyntaxKind.PrivateKeyword ||
      m.kind === ts.SyntaxKind.ProtectedKeyword ||
      m.kind === ts.SyntaxKind.StaticKeyword,
  );
}

function memberName(name: ts.PropertyName | undefined): string {
  return name && (ts.isIdentifier(name) || ts.isStringLiteral(name)) ? name.text : "?";
}

/** An interface's properties, inherited ones first (a redeclared property keeps its latest form). */
function interfaceMembers(
  declarations: Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration>,
  name: string,
): ts.PropertySignature[] {
  const declaration = declarations.get(name);
  if (!declaration || !ts.isInterfaceDeclaration(declaration)) throw new Error(`no interface ${name}`);
  const members = new Map<string, ts.PropertySignature>();
  for (const clause of declaration.heritageClauses ?? []) {
    for (const type of clause.types) {
      for (const inherited of interfaceMembers(declarations, type.expression.getText())) {
        members.set(memberName(inherited.name), inherited);
      }
    }
  }
  for (const member of declaration.members) {
    if (ts.isPropertySignature(member)) {
      members.delete(memberName(member.name));
      members.set(memberName(member.name), member);
    }
  }
  return [...members.values()];
}

function classDeclaration(
  declarations: Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration>,
  name: string,
): ts.ClassDeclaration {
  const declaration = declarations.get(name);
  if (!declaration || !ts.isClassDeclaration(declaration)) throw new Error(`no class ${name}`);
  return declaration;
}

/** The props table of an interface: name, type, default, description. */
export function renderProps(
  declarations: Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration>,
  name: string,
): string {
  const rows = interfaceMembers(declarations, name).map((member) => {
    const doc = docOf(member);
    const optional = member.questionToken !== undefined;
    const type = member.type ? code(member.type.getText()) : "";
    return `| \`${memberName(member.name)}\` | ${type} | ${renderDefault(doc.defaultValue, optional)} | ${doc.text} |`;
  });
  return ["| Prop | Type | Default | Description |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** The outputs table of a class: its public readonly properties and getters. */
export function renderOutputs(
  declarations: Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration>,
  name: string,
): string {
  const rows: string[] = [];
  for (const member of classDeclaration(declarations, name).members) {
    if (!isPublic(member)) continue;
    if (ts.isPropertyDeclaration(member) || ts.isGetAccessorDeclaration(member)) {
      const type = member.type ? code(member.type.getText()) : "";
      const optional = ts.isPropertyDeclaration(member) && member.questionToken ? " (optional)" : "";
      rows.push(`| \`${memberName(member.name)}\`${optional} | ${type} | ${docOf(member).text} |`);
    }
  }
  return ["| Output | Type | Description |", "| --- | --- | --- |", ...rows].join("\n");
}

/** A class and the library classes it extends, nearest first (e.g. ObjectStorage, ObjectStorageBase). */
function classChain(
  declarations: Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration>,
  name: string,
): ts.ClassDeclaration[] {
  const declaration = classDeclaration(declarations, name);
  const base = declaration.heritageClauses
    ?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)
    ?.types[0]?.expression.getText();
  const inherited =
    base !== undefined && declarations.get(base) !== undefined ? classChain(declarations, base) : [];
  return [declaration, ...inherited];
}

/** The methods table of a class: its public methods (inherited ones included) with their signatures. */
export function renderMethods(
  declarations: Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration>,
  name: string,
): string {
  const rows: string[] = [];
  for (const member of classChain(declarations, name).flatMap((c) => [...c.members])) {
    if (!isPublic(member) || !ts.isMethodDeclaration(member)) continue;
    const params = member.parameters.map((p) => p.getText()).join(", ");
    const returns = member.type ? `: ${member.type.getText()}` : "";
    rows.push(`| ${code(`${memberName(member.name)}(${params})${returns}`)} | ${docOf(member).text} |`);
  }
  return ["| Method | Description |", "| --- | --- |", ...rows].join("\n");
}

/** A `// #region <name>` of an example file (dedented), or the whole file as a consumer writes it. */
export function renderExample(reference: string): string {
  const [file, region] = reference.split("#");
  const source = fs.readFileSync(path.join(EXAMPLES_DIR, file), "utf8");
  if (region === undefined) return "```ts\n" + source.trimEnd() + "\n```";
  const match = new RegExp(`^[ \\t]*// #region ${region}\\n([\\s\\S]*?)^[ \\t]*// #endregion`, "m").exec(
    source,
  );
  if (!match) throw new Error(`no region ${region} in examples/${file}`);
  const lines = match[1].replace(/\n$/, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return "```ts\n" + lines.map((l) => l.slice(indent)).join("\n") + "\n```";
}

/** The content a generated block should have. */
export function renderBlock(
  declarations: Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration>,
  kind: string,
  reference: string,
): string {
  switch (kind) {
    case "props":
      return renderProps(declarations, reference);
    case "outputs":
      return renderOutputs(declarations, reference);
    case "methods":
      return renderMethods(declarations, reference);
    case "example":
      return renderExample(reference);
    default:
      throw new Error(`unknown generated block kind '${kind}'`);
  }
}

/**
 * Content compared without the formatting prettier may change: whitespace, table alignment dashes,
 * trailing commas.
 */
export function normalize(text: string): string {
  return text
    .replace(/\s+/g, "")
    .replace(/-{3,}/g, "---")
    .replace(/,([)\]}])/g, "$1");
}

/** One generated block of the README that does not match the sources. */
export interface StaleBlock {
  readonly marker: string;
  readonly expected: string;
  readonly actual: string;
}

/** Every generated block of `text` whose content differs from the sources (formatting aside). */
export function staleBlocks(text: string, declarations = loadDeclarations()): StaleBlock[] {
  const stale: StaleBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const [, kind, reference, actual] = match;
    const expected = renderBlock(declarations, kind, reference);
    if (normalize(actual) !== normalize(expected))
      stale.push({ marker: `${kind}:${reference}`, expected, actual });
  }
  return stale;
}

/** The markers of every generated block in `text`, e.g. `props:NetworkProps`. */
export function generatedMarkers(text: string): string[] {
  return [...text.matchAll(BLOCK)].map((m) => `${m[1]}:${m[2]}`);
}

/** `text` with every stale generated block replaced by what the sources say. */
export function updateGenerated(text: string, declarations = loadDeclarations(), force = false): string {
  return text.replace(BLOCK, (whole, kind: string, reference: string, actual: string) => {
    const expected = renderBlock(declarations, kind, reference);
    return !force && normalize(actual) === normalize(expected)
      ? whole
      : `<!-- generated ${kind}:${reference} -->\n${expected}\n<!-- end generated -->`;
  });
}

function main(argv: readonly string[]): number {
  const declarations = loadDeclarations();
  let stale = 0;
  for (const file of DOC_PATHS) {
    const name = path.relative(ROOT, file);
    const text = fs.readFileSync(file, "utf8");
    if (argv.includes("--check")) {
      for (const block of staleBlocks(text, declarations)) {
        process.stderr.write(`out of date: ${name} ${block.marker}\n`);
        stale++;
      }
      continue;
    }
    const updated = updateGenerated(text, declarations, argv.includes("--force"));
    if (updated !== text) {
      fs.writeFileSync(file, updated);
      execFileSync(
        process.execPath,
        [require.resolve("prettier/bin/prettier.cjs"), "--cache", "--write", file],
        {
          stdio: "inherit",
        },
      );
    }
    process.stdout.write(`${name}: ${updated === text ? "up to date" : "updated"}\n`);
  }
  if (stale) process.stderr.write("run `npm run docs:lib` to regenerate them\n");
  return stale ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
