import { partitionOf } from "./catalogs/aws-regions";
import { EnvironmentInput } from "./schema";

/**
 * What an environment file states over its parent: any field at any depth may be left out. Objects
 * merge with the parent's (a delta names only what differs), arrays replace the parent's (a list is
 * one value), and `undefined` removes the parent's value.
 */
export type EnvironmentDelta<T = EnvironmentInput> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { readonly [K in keyof T]?: EnvironmentDelta<T[K]> | undefined }
    : T;

/** The state bucket of an environment, unless its file names another: `acme-platform-tfstate-<name>`. */
export const STATE_BUCKET_PREFIX = "acme-platform-tfstate-";

const ACCOUNT = "<account>";
const PARTITION = "<partition>";

/**
 * The ARN of the IAM role `name` in the environment's own account (and its region's partition),
 * filled in by {@link defineEnvironment}: the account id is stated once, in `accountId`.
 */
export function accountRole(name: string): string {
  return `arn:${PARTITION}:iam::${ACCOUNT}:role/${name}`;
}

/** Every string of `value` with the account and partition of {@link accountRole} filled in. */
function resolveAccount(value: unknown, accountId: string, partition: string): unknown {
  if (typeof value === "string") return value.split(ACCOUNT).join(accountId).split(PARTITION).join(partition);
  if (Array.isArray(value)) return value.map((item) => resolveAccount(item, accountId, partition));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveAccount(item, accountId, partition)]),
    );
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `delta` over `parent`: objects merge key by key, arrays and scalars replace, `undefined` removes. */
function merge(parent: unknown, delta: unknown): unknown {
  if (!isPlainObject(parent) || !isPlainObject(delta)) return delta;
  const merged: Record<string, unknown> = { ...parent };
  for (const [key, value] of Object.entries(delta)) {
    if (value === undefined) delete merged[key];
    else merged[key] = merge(parent[key], value);
  }
  return merged;
}

/**
 * An environment as its parent (usually `base`) plus a delta, with the values that follow from
 * others filled in: the state bucket from the name, the account and partition of
 * {@link accountRole} ARNs from `accountId` and `region`. The result is validated at load like any
 * environment, so a field neither the parent nor the delta sets is reported there.
 */
export function defineEnvironment(
  parent: EnvironmentDelta,
  delta: EnvironmentDelta & Pick<EnvironmentInput, "name">,
): EnvironmentInput {
  const merged = merge(parent, delta) as EnvironmentInput;
  const environment = resolveAccount(
    merged,
    merged.accountId,
    partitionOf(merged.region) ?? "aws",
  ) as EnvironmentInput;
  if (environment.state?.bucket !== undefined) return environment;
  return {
    ...environment,
    state: { ...environment.state, bucket: `${STATE_BUCKET_PREFIX}${environment.name}` },
  };
}
