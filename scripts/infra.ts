/**
 * `npm run infra -- <command>`: plan, deploy, bootstrap and sandbox lifecycle per environment.
 * Run from source by the swc require hook (`node -r ./scripts/register.cjs scripts/infra.ts`);
 * the logic lives in scripts/infra/ (planner: pure, executor: spawns). See docs/operations.md.
 */
import { main } from "./infra/cli";

process.exitCode = main(process.argv.slice(2), {
  io: {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
});
