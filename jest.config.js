/** Jest: transpile-only through swc (type-checking is `tsc --noEmit` in `npm test`). */
const swcOptions = require("./scripts/swc-options.cjs");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  moduleFileExtensions: ["ts", "js", "json"],
  // The examples import the library by its package name, as consumers do.
  moduleNameMapper: { "^@acme/aws-platform-constructs$": "<rootDir>/constructs/index.ts" },
  transform: { "^.+\\.ts$": ["@swc/jest", swcOptions] },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  reporters: ["default", "<rootDir>/scripts/jest-summary-reporter.cjs"],
  maxWorkers: 2,
  testTimeout: 30000,
};
