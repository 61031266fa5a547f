"use strict";
/**
 * `npm test`'s static checks, run side by side: ESLint, Prettier and the type-check (`tsc --noEmit`).
 * Each writes its own cache (node_modules/.cache), so a warm run takes about as long as the slowest
 * one. Every failing check's output is printed; the exit status is non-zero if any check failed.
 */
const { spawn } = require("node:child_process");
const path = require("node:path");

const root = path.join(__dirname, "..");
const bin = (pkg, file) => path.join(root, "node_modules", pkg, file);
const CHECKS = [
  [
    "eslint",
    bin("eslint", "bin/eslint.js"),
    ["--cache", "--cache-location", "node_modules/.cache/eslint/", "."],
  ],
  ["prettier", bin("prettier", "bin/prettier.cjs"), ["--cache", "--check", "--log-level", "warn", "."]],
  ["tsc", bin("typescript", "bin/tsc"), ["--noEmit"]],
];

function run([name, script, args]) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code, signal) => resolve({ name, ok: code === 0, output, code, signal }));
  });
}

Promise.all(CHECKS.map(run)).then((results) => {
  let failed = false;
  for (const { name, ok, output, code, signal } of results) {
    if (ok) continue;
    failed = true;
    process.stderr.write(`\n${name} failed (${signal ?? `exit ${code}`}):\n${output}`);
  }
  process.exitCode = failed ? 1 : 0;
});
