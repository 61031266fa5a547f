/**
 * `npm run check:deploy`: the deployability check on the selected environments (INFRA_ENVS /
 * INFRA_SANDBOX, as synth; by default every registered environment): synthesizes them with their
 * account baselines, reads `.github/workflows`, and prints every missing link of the deploy path
 * (identity, cluster access, state key, network path, runner). Exits 1 when one is missing.
 */
import * as path from "node:path";
import { checkDeployability, formatProblems } from "./deployability";

const { environments, problems } = checkDeployability(
  { INFRA_ENVS: process.env.INFRA_ENVS, INFRA_SANDBOX: process.env.INFRA_SANDBOX },
  path.join(__dirname, "..", ".github", "workflows"),
);
if (problems.length > 0) {
  process.stderr.write(`${formatProblems(problems)}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`deployable: ${environments.join(", ")}\n`);
}
