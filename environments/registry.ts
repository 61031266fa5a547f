/**
 * The long-lived environments, in promotion order (CI deploys them one after another in this
 * order). Everything that lists environments reads this registry: the app's default selection,
 * the `infra` CLI and its help, the workflows (through `infra stacks --json`) and the tests.
 *
 * `npm run infra -- env new <name> --from <env> ...` writes `environments/<name>.ts` and adds it
 * here; by hand, add the import and the entry (its key is the environment's `name`).
 */
import { dev } from "./dev";
import { prod } from "./prod";
import { stage } from "./stage";

export const ENVIRONMENTS = { dev, stage, prod };
