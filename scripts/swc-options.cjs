"use strict";
/**
 * The one transpile configuration shared by the app runner and jest: TypeScript to CommonJS,
 * types stripped without checking (`tsc --noEmit` does that in `npm test`).
 */
module.exports = {
  swcrc: false,
  configFile: false,
  sourceMaps: "inline",
  module: { type: "commonjs" },
  jsc: {
    parser: { syntax: "typescript" },
    target: "es2022",
  },
};
