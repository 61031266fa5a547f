import { PropValidator, isUnresolved } from "./validation";

/** Keys of construct ids: letters, digits, '-', '_' and '.', up to 64 characters. */
const KEY = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Values a construct creates one resource each for, by the stable key of the resource's construct id
 * (part of its Terraform address, so never an array position): a record as given, or a list keyed
 * by `keyOf` (e.g. an identifier, or a policy's name from its ARN). A list value whose key is only
 * known at apply time (a Terraform reference) is a problem: the caller gives it by name instead.
 */
export function keyedEntries(
  v: PropValidator,
  prop: string,
  given: readonly string[] | Readonly<Record<string, string>>,
  keyOf: (value: string) => string,
): [string, string][] {
  if (Array.isArray(given)) {
    const list = given as readonly string[];
    const keyed = list.map((value): [string, string] => [keyOf(value), value]);
    if (keyed.some(([key]) => key === "" || isUnresolved(key))) {
      v.fail(
        prop,
        keyed.map(([key, value]) => (key === "" || isUnresolved(key) ? "<Terraform reference>" : value)),
        `must be known at synth (each keys a Terraform address); give Terraform references by a stable name instead: { name: reference }`,
      );
    }
    return keyed;
  }
  const entries = Object.entries(given as Readonly<Record<string, string>>);
  v.check(
    prop,
    entries.map(([key]) => key),
    (keys) => keys.every((key) => KEY.test(key)),
    "keys must be 1–64 letters, digits, '-', '_' or '.' (they become Terraform addresses)",
  );
  return entries;
}
