"use strict";
/**
 * A require hook that runs TypeScript sources directly: each `.ts` file is transpiled in memory by
 * swc when it is first required. There is no build output, so the app always runs the current
 * sources, and no type-checking at run time (that is `npm test`'s job).
 */
const fs = require("node:fs");
const { transformSync } = require("@swc/core");
const options = require("./swc-options.cjs");

process.setSourceMapsEnabled(true);

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, "utf8"), { ...options, filename });
  module._compile(code, filename);
};
