/**
 * `npm run infra -- <command>`: plan, apply, deploy, bootstrap and sandbox lifecycle per environment.
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

// Plan files hold sensitive values in clear: everything this run and its commands create is
// private to the user (the executor also makes each plan file 0600 explicitly).
process.umask(0o077);

void main(process.argv.slice(2), {
  io: {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
}).then((status) => {
  process.exitCode = status;
});
