/**
 * `npm run infra -- <command>`: plan, deploy, bootstrap and sandbox lifecycle per environment.
 * Run from source by the swc require hook (`node -r ./scripts/register.cjs scripts/infra.ts`);
 * the logic lives in scripts/infra/ (planner: pure, executor: spawns). See docs/operations.md.
 */
import { main } from "./infra/cli";

// A reader that stops early (`infra stacks | head -1`) closes the pipe: that ends the output, not the
// command with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
}

process.exitCode = main(process.argv.slice(2), {
  io: {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
});
