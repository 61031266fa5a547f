"use strict";
/**
 * A require hook that runs TypeScript sources directly: each `.ts` file is transpiled by swc
 * (types stripped, not checked: that is `npm test`'s job). There is no build output to go stale:
 * transpiled code is cached by a hash of the source, the file name and the transpiler settings,
 * so an edited file is always transpiled again, and an unchanged tree never loads swc at all.
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const options = require("./swc-options.cjs");

const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "swc-register");
const salt = JSON.stringify([require("@swc/core/package.json").version, options]);
let swc;

function transpile(source, filename) {
  const key = crypto.createHash("sha256").update(salt).update(filename).update(source).digest("hex");
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    swc ??= require("@swc/core");
    let code;
    try {
      ({ code } = swc.transformSync(source, { ...options, filename }));
    } catch (error) {
      throw syntaxError(error, filename);
    }
    fs.mkdirSync(cacheDir, { recursive: true });
    const partial = `${cached}.${process.pid}`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, cached);
    return code;
  }
}

const root = path.join(__dirname, "..");
const environmentsDir = path.join(root, "environments") + path.sep;

/**
 * swc's parse error as a user reads it: `file:line: what is wrong`, then swc's code frame, without
 * swc's native backtrace or a JavaScript stack. In an environment file it is a configuration error
 * (named so, and the app prints its message alone); elsewhere a SyntaxError.
 */
function syntaxError(error, filename) {
  const text = String((error && error.message) || error);
  const what = /^\s*x (.+)$/m.exec(text)?.[1] ?? "cannot be parsed";
  const line = /,-\[.*:(\d+):\d+\]/.exec(text)?.[1];
  const frame = text
    .split("\n")
    .filter((l) => /^\s*\d+ \|/.test(l) || /^\s+: /.test(l))
    .join("\n");
  const where = `${path.relative(process.cwd(), filename) || filename}${line ? `:${line}` : ""}`;
  const result = new SyntaxError(`${where}: syntax error: ${what}${frame ? `\n${frame}` : ""}`);
  if (filename.startsWith(environmentsDir)) result.name = "ConfigurationError";
  result.stack = `${result.name}: ${result.message}`;
  return result;
}

// Source maps are inline but not applied by default: with them on, Node source-maps every stack
// trace, and cdktf captures one per token (≈ 0.3 s per synth). For TypeScript line numbers in a
// stack trace, run with NODE_OPTIONS=--enable-source-maps.

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
};
