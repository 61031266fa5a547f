"use strict";
/**
 * `npm run cdktf -- <command>`: the pinned cdktf CLI with HashiCorp's checkpoint service (the CLI's
 * version check and usage report) turned off, as `CHECKPOINT_DISABLE=1 npx cdktf <command>` would.
 * Without it, every command run offline or behind a strict proxy prints
 * `getaddrinfo ENOTFOUND checkpoint-api.hashicorp.com`. Set CHECKPOINT_DISABLE yourself to keep it on.
 */
const { spawnSync } = require("node:child_process");

const cli = require.resolve("cdktf-cli/bundle/bin/cdktf");
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { CHECKPOINT_DISABLE: "1", ...process.env },
});
if (result.error) throw result.error;
process.exitCode = result.status ?? (result.signal === "SIGINT" ? 130 : 143);
