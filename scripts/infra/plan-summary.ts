/**
 * Plan summaries: what `terraform show -json <plan>` says a plan does, reduced to addresses and
 * actions (no values: the JSON holds sensitive values in clear and is never written to disk),
 * plus the SHA-256 of the plan file and of the stack's synthesized configuration, so an apply can
 * prove that the plan it is about to apply is the one reviewed, for the configuration of now.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { STATEFUL_RESOURCE_TYPES } from "./planner";

/** One resource change of a plan. */
export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  /** Terraform's actions: ["create"], ["update"], ["delete"], ["delete","create"] (replace), ... */
  readonly actions: readonly string[];
}

/** The summary file of one stack's plan (`plans/<env>/<stack>.plan.json`). */
export interface PlanSummary {
  readonly format: 1;
  readonly stack: string;
  readonly planSha256: string;
  readonly configSha256: string;
  readonly changes: readonly ResourceChange[];
}

export function sha256File(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** The resource changes of `terraform show -json` output; no-ops and reads left out. */
export function resourceChanges(showJson: string): ResourceChange[] {
  const parsed = JSON.parse(showJson) as {
    resource_changes?: { address?: unknown; type?: unknown; change?: { actions?: unknown } }[];
  };
  if (typeof parsed !== "object" || parsed === null) throw new Error("not a JSON object");
  const changes: ResourceChange[] = [];
  for (const entry of parsed.resource_changes ?? []) {
    const actions = Array.isArray(entry.change?.actions) ? entry.change.actions.map(String) : [];
    if (actions.length === 0 || actions.every((a) => a === "no-op" || a === "read")) continue;
    changes.push({ address: String(entry.address), type: String(entry.type), actions });
  }
  return changes;
}

export type ChangeKind = "create" | "update" | "replace" | "delete" | "forget";

export function changeKind(change: ResourceChange): ChangeKind {
  const { actions } = change;
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("delete")) return "delete";
  if (actions.includes("create")) return "create";
  if (actions.includes("forget")) return "forget";
  return "update";
}

/** Deletes and replacements of resources that hold data or identity. */
export function statefulLosses(changes: readonly ResourceChange[]): ResourceChange[] {
  return changes.filter(
    (change) =>
      STATEFUL_RESOURCE_TYPES.includes(change.type) && ["delete", "replace"].includes(changeKind(change)),
  );
}

const SYMBOL: Record<ChangeKind, string> = {
  create: "+",
  update: "~",
  replace: "-/+",
  delete: "-",
  forget: "(forget)",
};

/** The readable summary of one stack's plan: a count line, then one line per change. */
export function describePlan(stack: string, changes: readonly ResourceChange[]): string[] {
  const counts = { create: 0, update: 0, replace: 0, delete: 0, forget: 0 };
  for (const change of changes) counts[changeKind(change)]++;
  if (changes.length === 0) return [`${stack}: no changes`];
  const losses = new Set(statefulLosses(changes));
  return [
    `${stack}: ${counts.create} to create, ${counts.update} to update, ${counts.replace} to replace, ` +
      `${counts.delete} to delete${counts.forget ? `, ${counts.forget} to forget` : ""}`,
    ...changes.map((change) => {
      const line = `  ${SYMBOL[changeKind(change)]} ${change.address}`;
      return losses.has(change)
        ? `${line}  ⚠ ${changeKind(change)}s a stateful ${change.type}: refused outside sandboxes unless --allow-destroy ${stack}:${change.address}`
        : line;
    }),
  ];
}

/** Reads a summary file; undefined when it is missing or not a summary. */
export function readSummary(file: string): PlanSummary | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as PlanSummary;
    return parsed.format === 1 && Array.isArray(parsed.changes) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a file readable by its owner only (plans and their summaries). */
export function writePrivate(file: string, content: string): void {
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, content, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
