import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");

describe("infra's output into a pipe", () => {
  it("a reader that stops early (| head) ends the output, not the command with a stack trace", () => {
    // `head -n 0` exits before infra writes anything: every write then meets a closed pipe (EPIPE).
    const result = spawnSync(
      "bash",
      [
        "-c",
        "set -o pipefail; node -r ./scripts/register.cjs scripts/infra.ts plan dev --dry-run | head -n 0",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
