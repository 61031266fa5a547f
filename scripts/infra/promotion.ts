/**
 * Promotion order: an environment deploys only a commit that the environment before it (in the
 * registry's promotion order, environments/registry.ts) has deployed successfully. The record is
 * GitHub's own: every deploy job runs in its GitHub environment, which makes GitHub record a
 * deployment of the commit with its outcome. `infra promotion-check <env> --sha <commit>` asks the
 * GitHub REST API (GITHUB_API_URL, GITHUB_REPOSITORY and GITHUB_TOKEN, as set in a workflow) and
 * refuses when no successful deployment of that commit to the previous environment exists.
 */
import { ENVIRONMENT_NAMES } from "../../environments";
import { RefusalError } from "./errors";

/** The environment a registered environment is promoted from, if any (the first has none). */
export function promotedFrom(environment: string): string | undefined {
  const index = (ENVIRONMENT_NAMES as readonly string[]).indexOf(environment);
  if (index < 0) throw new RefusalError(`promotion-check: "${environment}" is not a registered environment.`);
  return index === 0 ? undefined : ENVIRONMENT_NAMES[index - 1];
}

/** Where and as whom to ask GitHub. */
export interface GitHubApi {
  readonly url: string;
  readonly repository: string;
  readonly token: string;
}

/** The GitHub API settings of a workflow run, from its environment variables. */
export function gitHubApiFromEnvironment(env: Readonly<Record<string, string | undefined>>): GitHubApi {
  const missing = ["GITHUB_REPOSITORY", "GITHUB_TOKEN"].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new RefusalError(
      `promotion-check: ${missing.join(" and ")} must be set (a workflow sets GITHUB_REPOSITORY; pass GITHUB_TOKEN: \${{ github.token }} with permissions deployments: read).`,
    );
  }
  return {
    url: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/$/, ""),
    repository: String(env.GITHUB_REPOSITORY),
    token: String(env.GITHUB_TOKEN),
  };
}

async function getJson(api: GitHubApi, path: string): Promise<unknown> {
  const response = await fetch(`${api.url}${path}`, {
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${api.token}`,
      "x-github-api-version": "2022-11-28",
    },
  });
  if (!response.ok) {
    throw new RefusalError(
      `promotion-check: GitHub answered ${response.status} for ${path}: ${await response.text()}`,
    );
  }
  return response.json();
}

/** What the check found: the environment promoted from, and whether the commit succeeded there. */
export interface PromotionResult {
  readonly environment: string;
  readonly from?: string;
  readonly sha: string;
  readonly deployed: boolean;
}

/** Whether `sha` has a successful deployment to the environment `environment` is promoted from. */
export async function checkPromotion(
  environment: string,
  sha: string,
  api: GitHubApi,
): Promise<PromotionResult> {
  if (!/^[0-9a-f]{40}$/.test(sha))
    throw new RefusalError(`promotion-check: --sha must be a full commit id, got "${sha}".`);
  const from = promotedFrom(environment);
  if (from === undefined) return { environment, sha, deployed: true };
  const query = `environment=${encodeURIComponent(from)}&sha=${sha}&per_page=100`;
  const deployments = (await getJson(api, `/repos/${api.repository}/deployments?${query}`)) as {
    id: number;
  }[];
  for (const deployment of deployments) {
    const statuses = (await getJson(
      api,
      `/repos/${api.repository}/deployments/${deployment.id}/statuses?per_page=100`,
    )) as { state: string }[];
    if (statuses.some((status) => status.state === "success"))
      return { environment, from, sha, deployed: true };
  }
  return { environment, from, sha, deployed: false };
}
