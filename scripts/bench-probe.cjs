"use strict";
/** Preloaded by the benchmark: reports the process's peak resident memory (KiB) when it exits. */
const fs = require("node:fs");

process.on("exit", () => {
  const file = process.env.BENCH_PROBE_FILE;
  if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
});
