import { PolicyContext, TerraformObject, blocks } from "./model";

/** An IAM statement normalized for inspection: lists everywhere, principals as `{ type: ids[] }`. */
export interface NormalizedStatement {
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** `"*"` for `Principal: "*"`, otherwise principal type → identifiers. */
  readonly principals: "*" | Readonly<Record<string, readonly string[]>> | undefined;
  /** condition operator → key → values. */
  readonly conditions: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

const list = (value: unknown): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => String(v));

function fromJson(statement: TerraformObject): NormalizedStatement {
  const principal = statement.Principal;
  const conditions: Record<string, Record<string, string[]>> = {};
  for (const [operator, entries] of Object.entries<Record<string, unknown>>(statement.Condition ?? {})) {
    conditions[operator] = Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, list(v)]));
  }
  return {
    effect: statement.Effect,
    actions: list(statement.Action),
    resources: list(statement.Resource),
    principals:
      principal === undefined
        ? undefined
        : principal === "*"
          ? "*"
          : Object.fromEntries(Object.entries<unknown>(principal).map(([type, ids]) => [type, list(ids)])),
    conditions,
  };
}

function fromPolicyDocumentDataSource(config: TerraformObject): NormalizedStatement[] {
  return blocks(config.statement).map((s) => {
    const conditions: Record<string, Record<string, string[]>> = {};
    for (const c of blocks(s.condition)) {
      conditions[c.test] = { ...(conditions[c.test] ?? {}), [c.variable]: list(c.values) };
    }
    const principals = s.principals === undefined ? undefined : blocks(s.principals);
    return {
      effect: s.effect ?? "Allow",
      actions: list(s.actions),
      resources: list(s.resources),
      principals: principals
        ? Object.fromEntries(principals.map((p) => [p.type, list(p.identifiers)]))
        : undefined,
      conditions,
    };
  });
}

/**
 * The statements of a policy argument: a JSON document (as `policyJson` writes it) or a reference to
 * an `aws_iam_policy_document` data source in the same stack. Undefined when it cannot be analysed
 * (for example a value computed by Terraform at apply time).
 */
export function statementsOf(policy: unknown, ctx: PolicyContext): NormalizedStatement[] | undefined {
  if (typeof policy !== "string") return undefined;
  const dataRef = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(policy);
  if (dataRef) {
    const source = ctx.dataSources.find((d) => d.type === "aws_iam_policy_document" && d.name === dataRef[1]);
    return source ? fromPolicyDocumentDataSource(source.config) : undefined;
  }
  try {
    const document = JSON.parse(policy) as { Statement?: unknown };
    const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    return statements.filter(Boolean).map(fromJson);
  } catch {
    return undefined;
  }
}

/** True when a statement names every principal (`"*"` or `{ AWS: "*" }`) without any condition. */
export function isWildcardPrincipal(statement: NormalizedStatement): boolean {
  const p = statement.principals;
  const wildcard = p === "*" || Object.values(p ?? {}).some((ids) => ids.includes("*"));
  return wildcard && Object.keys(statement.conditions).length === 0;
}
