/**
 * `infra diff [<env>] [--base <git-ref>] [--json] [--fail-on-stateful]`: what a change does to each
 * environment's synthesized Terraform, offline and without credentials.
 *
 * The working tree and the base (a temporary `git worktree` of `<git-ref>`, default the merge base
 * with `main`, reusing this checkout's node_modules) are each synthesized by their own app command
 * into a temporary folder; then every stack's resources, attributes and outputs are compared. A
 * removed stateful resource (database, bucket, KMS key, cluster, log group; a state bucket in a
 * bootstrap stack) and a change of an attribute that makes Terraform replace such a resource are
 * reported loudly: that is data loss unless a `moved` block or an import keeps it.
 */
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RefusalError } from "./errors";
import { sandboxNameOf } from "../../environments/naming";

type Json = Record<string, unknown>;

/** Resource types whose destruction loses data or breaks what depends on them, with what they are. */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  aws_db_instance: "database",
  aws_rds_cluster: "database cluster",
  aws_s3_bucket: "bucket",
  aws_kms_key: "KMS key",
  aws_eks_cluster: "EKS cluster",
  aws_cloudwatch_log_group: "log group",
  aws_dynamodb_table: "table",
  aws_efs_file_system: "file system",
};

/**
 * The attributes of those types that Terraform cannot change in place (`ForceNew` in the AWS
 * provider's schema): changing one replaces the resource. Paths are dotted, list indices dropped.
 */
export const FORCE_NEW_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_db_instance: [
    "identifier",
    "identifier_prefix",
    "engine",
    "storage_encrypted",
    "kms_key_id",
    "db_name",
    "username",
    "character_set_name",
    "nchar_character_set_name",
    "timezone",
    "snapshot_identifier",
    "availability_zone",
  ],
  aws_rds_cluster: [
    "cluster_identifier",
    "cluster_identifier_prefix",
    "engine",
    "storage_encrypted",
    "kms_key_id",
    "database_name",
    "master_username",
    "snapshot_identifier",
  ],
  aws_s3_bucket: ["bucket", "bucket_prefix", "object_lock_enabled"],
  aws_kms_key: ["customer_master_key_spec", "key_usage", "multi_region", "custom_key_store_id", "xks_key_id"],
  aws_eks_cluster: [
    "name",
    "bootstrap_self_managed_addons",
    "access_config.bootstrap_cluster_creator_admin_permissions",
    "kubernetes_network_config.service_ipv4_cidr",
    "kubernetes_network_config.ip_family",
  ],
  aws_cloudwatch_log_group: ["name", "name_prefix", "log_group_class"],
  aws_dynamodb_table: ["name"],
  aws_efs_file_system: [
    "creation_token",
    "encrypted",
    "kms_key_id",
    "performance_mode",
    "availability_zone_name",
  ],
};

/** One attribute that differs, as a dotted path with its values before and after. */
export interface AttributeChange {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** A resource present on both sides whose configuration differs. */
export interface ChangedResource {
  readonly address: string;
  readonly changes: readonly AttributeChange[];
  /** The force-new attributes among the changes (Terraform replaces the resource). */
  readonly replacedBy: readonly string[];
}

/** A stateful resource that the change destroys or replaces. */
export interface StatefulFinding {
  readonly address: string;
  readonly kind: string;
  readonly action: "destroy" | "replace";
  readonly reason: string;
}

/** What the change does to one stack. */
export interface StackDiff {
  readonly stack: string;
  readonly status: "added" | "removed" | "changed";
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly ChangedResource[];
  readonly moved: readonly { readonly from: string; readonly to: string }[];
  readonly outputsAdded: readonly string[];
  readonly outputsRemoved: readonly string[];
  readonly stateful: readonly StatefulFinding[];
}

const asObject = (value: unknown): Json =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};

/**
 * Every block of a synthesized stack that Terraform plans by address: resources (`type.name`), data
 * sources (`data.type.name`), providers (`provider.name` or `provider.name.alias`: their
 * `default_tags` reach every resource they manage) and the backend (`terraform.backend`), without
 * cdktf's metadata.
 */
function resources(stack: Json): Map<string, Json> {
  const found = new Map<string, Json>();
  const strip = (body: unknown) => {
    const { "//": _metadata, ...rest } = asObject(body);
    return rest;
  };
  for (const [kind, prefix] of [
    ["resource", ""],
    ["data", "data."],
  ] as const) {
    for (const [type, byName] of Object.entries(asObject(stack[kind]))) {
      for (const [name, body] of Object.entries(asObject(byName)))
        found.set(`${prefix}${type}.${name}`, strip(body));
    }
  }
  for (const [name, blocks] of Object.entries(asObject(stack.provider))) {
    for (const block of Array.isArray(blocks) ? blocks : [blocks]) {
      const alias = asObject(block).alias;
      found.set(`provider.${name}${typeof alias === "string" ? `.${alias}` : ""}`, strip(block));
    }
  }
  const backend = asObject(stack.terraform).backend;
  if (backend !== undefined) found.set("terraform.backend", strip(backend));
  return found;
}

/** The leaves of a JSON value as dotted paths (list indices as `[i]`). */
function leaves(value: unknown, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix, []);
    value.forEach((item, i) => leaves(item, `${prefix}[${i}]`, out));
  } else if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) out.set(prefix, {});
    for (const [key, inner] of entries) leaves(inner, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

function attributeChanges(before: Json, after: Json): AttributeChange[] {
  const a = leaves(before);
  const b = leaves(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths
    .filter((p) => JSON.stringify(a.get(p)) !== JSON.stringify(b.get(p)))
    .map((p) => ({
      path: p,
      ...(a.has(p) ? { before: a.get(p) } : {}),
      ...(b.has(p) ? { after: b.get(p) } : {}),
    }));
}

const withoutIndices = (p: string) => p.replace(/\[\d+\]/g, "");

function kindOf(stack: string, type: string): string {
  const kind = STATEFUL_TYPES[type];
  return type === "aws_s3_bucket" && stack.startsWith("bootstrap-") ? "state bucket" : kind;
}

/** The `moved` blocks of a stack (cdktf's `moveFromId` / `moveTo`). */
function movedBlocks(stack: Json): { from: string; to: string }[] {
  return (Array.isArray(stack.moved) ? stack.moved : [])
    .map(asObject)
    .map((m) => ({ from: String(m.from), to: String(m.to) }));
}

/** Compares one stack's synthesized JSON before and after (either may be missing). */
export function diffStack(stack: string, before: Json | undefined, after: Json | undefined): StackDiff {
  const old = before ? resources(before) : new Map<string, Json>();
  const next = after ? resources(after) : new Map<string, Json>();
  const moved = after ? movedBlocks(after) : [];
  const movedFrom = new Set(moved.map((m) => m.from));
  const movedTo = new Set(moved.map((m) => m.to));
  const added = [...next.keys()].filter((a) => !old.has(a) && !movedTo.has(a)).sort();
  const removed = [...old.keys()].filter((a) => !next.has(a) && !movedFrom.has(a)).sort();
  const changed: ChangedResource[] = [];
  const stateful: StatefulFinding[] = [];

  for (const address of removed) {
    const type = address.split(".")[0];
    if (type in STATEFUL_TYPES) {
      stateful.push({
        address,
        kind: kindOf(stack, type),
        action: "destroy",
        reason: after
          ? "its address is gone (a renamed construct id or a removed construct): Terraform destroys it; keep it with a moved block (cdktf moveFromId) if it was renamed"
          : "its stack is gone",
      });
    }
  }
  const pairs: [string, Json, Json][] = [...old.entries()]
    .filter(([a]) => next.has(a))
    .map(([a, body]) => [a, body, next.get(a) as Json]);
  for (const m of moved) {
    const from = old.get(m.from);
    const to = next.get(m.to);
    if (from && to) pairs.push([m.to, from, to]);
  }
  for (const [address, b, a] of pairs.sort(([x], [y]) => x.localeCompare(y))) {
    const changes = attributeChanges(b, a);
    if (changes.length === 0) continue;
    const type = address.split(".")[0];
    const forceNew = FORCE_NEW_ATTRIBUTES[type] ?? [];
    const replacedBy = [
      ...new Set(
        changes
          .map((c) => withoutIndices(c.path))
          .filter((p) => forceNew.some((f) => p === f || p.startsWith(`${f}.`))),
      ),
    ];
    changed.push({ address, changes, replacedBy });
    if (replacedBy.length > 0 && type in STATEFUL_TYPES) {
      stateful.push({
        address,
        kind: kindOf(stack, type),
        action: "replace",
        reason: `${replacedBy.join(", ")} cannot change in place: Terraform destroys it and creates a new one`,
      });
    }
  }
  const outputs = (json: Json | undefined) => new Set(Object.keys(asObject(json?.output)));
  const outputsBefore = outputs(before);
  const outputsAfter = outputs(after);
  return {
    stack,
    status: !before ? "added" : !after ? "removed" : "changed",
    added,
    removed,
    changed,
    moved: moved.filter((m) => old.has(m.from)),
    outputsAdded: [...outputsAfter].filter((o) => !outputsBefore.has(o)).sort(),
    outputsRemoved: [...outputsBefore].filter((o) => !outputsAfter.has(o)).sort(),
    stateful,
  };
}

/** Compares every stack of two synthesized trees (stack id → JSON); unchanged stacks are left out. */
export function diffTrees(
  before: Readonly<Record<string, Json>>,
  after: Readonly<Record<string, Json>>,
): StackDiff[] {
  const ids = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return ids
    .map((id) => diffStack(id, before[id], after[id]))
    .filter(
      (d) =>
        d.status !== "changed" ||
        d.added.length + d.removed.length + d.changed.length + d.moved.length > 0 ||
        d.outputsAdded.length + d.outputsRemoved.length > 0,
    );
}

const show = (value: unknown) => {
  if (value === undefined) return "(none)";
  const text = JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
};

/** The diff as the lines people read; stateful findings stand out. */
export function renderDiff(diffs: readonly StackDiff[], base: string): string[] {
  if (diffs.length === 0) return [`No change to any synthesized stack against ${base}.`];
  const lines: string[] = [`Changes against ${base}:`];
  for (const d of diffs) {
    const status = d.status === "changed" ? "" : ` (stack ${d.status})`;
    lines.push("", `${d.stack}${status}`);
    const stateful = new Map(d.stateful.map((s) => [s.address, s]));
    const flag = (address: string) => {
      const s = stateful.get(address);
      return s ? `   !! STATEFUL ${s.action.toUpperCase()}: ${s.kind}; ${s.reason}` : "";
    };
    for (const a of d.added) lines.push(`  + ${a}`);
    for (const a of d.removed) lines.push(`  - ${a}${flag(a)}`);
    for (const m of d.moved) lines.push(`  > ${m.from} moved to ${m.to}`);
    for (const c of d.changed) {
      const how = c.address.startsWith("provider.")
        ? " (provider: every resource it manages sees the change)"
        : c.address === "terraform.backend"
          ? " (state location: terraform init -migrate-state)"
          : c.replacedBy.length > 0
            ? " (replaced)"
            : " (in place)";
      lines.push(`  ~ ${c.address}${how}${flag(c.address)}`);
      for (const change of c.changes)
        lines.push(`      ${change.path}: ${show(change.before)} → ${show(change.after)}`);
    }
    if (d.outputsAdded.length > 0) lines.push(`  outputs added: ${d.outputsAdded.join(", ")}`);
    if (d.outputsRemoved.length > 0) lines.push(`  outputs removed: ${d.outputsRemoved.join(", ")}`);
  }
  const count = (pick: (d: StackDiff) => number) => diffs.reduce((n, d) => n + pick(d), 0);
  const findings = diffs.flatMap((d) => d.stateful.map((s) => ({ ...s, stack: d.stack })));
  lines.push(
    "",
    `${diffs.length} stack(s): ${count((d) => d.added.length)} to add, ${count((d) => d.changed.length)} to change, ` +
      `${count((d) => d.removed.length)} to destroy, ${count((d) => d.moved.length)} moved.`,
  );
  if (findings.length > 0) {
    lines.push(`!! ${findings.length} stateful resource(s) destroyed or replaced:`);
    for (const f of findings) lines.push(`!!   ${f.stack}: ${f.action} ${f.kind} ${f.address}`);
  }
  return lines;
}

/** What `infra diff` compares. */
export interface DiffRequest {
  /** The project's root (a git checkout). */
  readonly root: string;
  /** A registered environment or `sandbox-<name>`; all registered environments when undefined. */
  readonly environment?: string;
  /** A git ref. @default the merge base of HEAD and main */
  readonly base?: string;
}

/** The result: the base it compared with (as a commit) and the per-stack differences. */
export interface DiffResult {
  readonly base: string;
  readonly baseCommit: string;
  readonly stacks: readonly StackDiff[];
  /** The working tree's synthesized stacks (by id) that were compared. */
  readonly after: Readonly<Record<string, Json>>;
}

function git(root: string, args: readonly string[]): string {
  const result = spawnSync("git", [...args], { cwd: root, encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new RefusalError(
      `diff: git ${args.join(" ")} failed: ${(result.stderr || String(result.error)).trim()}`,
    );
  }
  return result.stdout.trim();
}

/** The app's selection variables for an environment (a sandbox by its own name). */
function selection(environment: string | undefined): Record<string, string | undefined> {
  if (environment === undefined) return { INFRA_ENVS: undefined, INFRA_SANDBOX: "" };
  const sandbox = sandboxNameOf(environment);
  return sandbox
    ? { INFRA_ENVS: "", INFRA_SANDBOX: sandbox }
    : { INFRA_ENVS: environment, INFRA_SANDBOX: "" };
}

/** Synthesizes a tree with its own app command into `outdir`; returns stack id → JSON. */
function synthesize(
  root: string,
  variables: Record<string, string | undefined>,
  outdir: string,
  label: string,
): Record<string, Json> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...variables, CDKTF_OUTDIR: outdir };
  for (const [name, value] of Object.entries(variables)) if (value === undefined) delete env[name];
  const result = spawnSync(process.execPath, [path.join(root, "scripts", "app.cjs")], {
    cwd: root,
    encoding: "utf8",
    env,
  });
  if (result.status !== 0) {
    throw new RefusalError(`diff: synthesis of ${label} failed:\n${(result.stderr || result.stdout).trim()}`);
  }
  const stacksDir = path.join(outdir, "stacks");
  const stacks: Record<string, Json> = {};
  for (const id of fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir) : []) {
    const file = path.join(stacksDir, id, "cdk.tf.json");
    if (fs.existsSync(file)) stacks[id] = JSON.parse(fs.readFileSync(file, "utf8"));
  }
  return stacks;
}

const belongsTo = (environment: string | undefined) => (id: string) =>
  environment === undefined || id === `bootstrap-${environment}` || id.startsWith(`${environment}-`);

/**
 * The base's synthesized stacks: read from the cache when this commit was synthesized for the same
 * selection and dependencies before (a commit never changes), otherwise synthesized in a temporary
 * `git worktree` of it (reusing this checkout's node_modules) and cached. An environment the base
 * does not register has no stacks there.
 */
function baseStacks(
  root: string,
  commit: string,
  label: string,
  environment: string | undefined,
): Record<string, Json> {
  const lock = fs.existsSync(path.join(root, "package-lock.json"))
    ? crypto
        .createHash("sha256")
        .update(fs.readFileSync(path.join(root, "package-lock.json")))
        .digest("hex")
    : "";
  const key = crypto
    .createHash("sha256")
    .update(JSON.stringify([commit, environment ?? "", lock]))
    .digest("hex");
  const cached = path.join(root, "node_modules", ".cache", "infra-diff", `${key}.json`);
  if (fs.existsSync(cached)) return JSON.parse(fs.readFileSync(cached, "utf8"));

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "infra-diff-"));
  const tree = path.join(work, "base");
  try {
    git(root, ["worktree", "add", "--detach", "--quiet", tree, commit]);
    if (!fs.existsSync(path.join(tree, "node_modules"))) {
      fs.symlinkSync(path.join(root, "node_modules"), path.join(tree, "node_modules"), "dir");
    }
    let stacks: Record<string, Json>;
    try {
      stacks = synthesize(tree, selection(environment), path.join(work, "out"), label);
    } catch (error) {
      // The change adds the environment: the base has nothing of it.
      if (!(error instanceof RefusalError && /unknown environment/i.test(error.message))) throw error;
      stacks = {};
    }
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.writeFileSync(`${cached}.${process.pid}`, JSON.stringify(stacks));
    fs.renameSync(`${cached}.${process.pid}`, cached);
    return stacks;
  } finally {
    spawnSync("git", ["worktree", "remove", "--force", tree], { cwd: root });
    spawnSync("git", ["worktree", "prune"], { cwd: root });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Synthesizes the working tree and the base (see {@link baseStacks}) and compares them. */
export function runDiff(request: DiffRequest): DiffResult {
  const { root, environment } = request;
  const base = request.base ?? "the merge base with main";
  const ref = request.base ?? git(root, ["merge-base", "HEAD", "main"]);
  const baseCommit = git(root, ["rev-parse", "--verify", `${ref}^{commit}`]);
  const keep = belongsTo(environment);
  const pick = (stacks: Record<string, Json>) =>
    Object.fromEntries(Object.entries(stacks).filter(([id]) => keep(id)));
  const before = pick(baseStacks(root, baseCommit, `${base} (${baseCommit.slice(0, 12)})`, environment));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "infra-diff-"));
  try {
    const after = pick(
      synthesize(root, selection(environment), path.join(work, "after"), "the working tree"),
    );
    return { base, baseCommit, stacks: diffTrees(before, after), after };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The upstream stacks a stack waits for: those whose outputs the change adds (so they exist only
 * once that upstream is applied) while `stack` reads one of them through its remote state. A plan
 * of `stack` fails until then ("Unsupported attribute"), which is an order to apply in, not an error.
 */
export function waitsFor(diffs: readonly StackDiff[], stack: string, stackJson: Json | undefined): string[] {
  const text = JSON.stringify(stackJson ?? {});
  return diffs
    .filter((d) => d.stack !== stack)
    .filter((d) => d.outputsAdded.some((output) => text.includes(`.outputs.${output}`)))
    .map((d) => d.stack);
}
