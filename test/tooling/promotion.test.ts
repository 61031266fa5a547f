import * as http from "node:http";
import { AddressInfo } from "node:net";
import { ENVIRONMENT_NAMES } from "../../environments";
import { main } from "../../scripts/infra/cli";
import { checkPromotion, gitHubApiFromEnvironment, promotedFrom } from "../../scripts/infra/promotion";

const SHA = "0123456789abcdef0123456789abcdef01234567";

/** A stand-in for GitHub's deployments API on the loopback interface; records the requests. */
function fakeGitHub(deployments: Record<string, { id: number; statuses: string[] }[]>) {
  const requests: { url: string; authorization?: string }[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? "", authorization: req.headers.authorization });
    const url = new URL(req.url ?? "", "http://localhost");
    const list = /^\/repos\/acme\/aws-platform\/deployments$/.test(url.pathname);
    const statuses = /^\/repos\/acme\/aws-platform\/deployments\/(\d+)\/statuses$/.exec(url.pathname);
    res.setHeader("content-type", "application/json");
    if (list && url.searchParams.get("sha") === SHA) {
      const found = deployments[url.searchParams.get("environment") ?? ""] ?? [];
      res.end(JSON.stringify(found.map(({ id }) => ({ id }))));
    } else if (list) {
      res.end("[]");
    } else if (statuses) {
      const deployment = Object.values(deployments)
        .flat()
        .find((d) => d.id === Number(statuses[1]));
      res.end(JSON.stringify((deployment?.statuses ?? []).map((state) => ({ state }))));
    } else {
      res.statusCode = 404;
      res.end('{"message":"Not Found"}');
    }
  });
  return new Promise<{
    api: ReturnType<typeof gitHubApiFromEnvironment>;
    requests: typeof requests;
    close: () => void;
  }>((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      const api = gitHubApiFromEnvironment({
        GITHUB_API_URL: `http://127.0.0.1:${port}`,
        GITHUB_REPOSITORY: "acme/aws-platform",
        GITHUB_TOKEN: "token-123",
      });
      resolve({ api, requests, close: () => server.close() });
    }),
  );
}

describe("promotion order", () => {
  it("each environment is promoted from the one before it in the registry; the first from none", () => {
    expect(promotedFrom(ENVIRONMENT_NAMES[0])).toBeUndefined();
    ENVIRONMENT_NAMES.slice(1).forEach((env, i) => expect(promotedFrom(env)).toBe(ENVIRONMENT_NAMES[i]));
  });

  it("prod is promoted from stage", () => {
    expect(promotedFrom("prod")).toBe("stage");
  });

  it("refuses an unknown environment", () => {
    expect(() => promotedFrom("sandbox-alice")).toThrow('"sandbox-alice" is not a registered environment');
  });
});

describe("promotion check against GitHub's deployment records", () => {
  it("passes when the commit's deployment to the previous environment succeeded (also once superseded)", async () => {
    const github = await fakeGitHub({ stage: [{ id: 7, statuses: ["inactive", "success"] }] });
    try {
      await expect(checkPromotion("prod", SHA, github.api)).resolves.toEqual({
        environment: "prod",
        from: "stage",
        sha: SHA,
        deployed: true,
      });
      expect(github.requests[0].url).toBe(
        `/repos/acme/aws-platform/deployments?environment=stage&sha=${SHA}&per_page=100`,
      );
      expect(github.requests[0].authorization).toBe("Bearer token-123");
    } finally {
      github.close();
    }
  });

  it("fails when the previous environment's deployment of the commit failed or never happened", async () => {
    const github = await fakeGitHub({
      stage: [{ id: 8, statuses: ["failure", "in_progress"] }],
      dev: [{ id: 9, statuses: ["success"] }],
    });
    try {
      await expect(checkPromotion("prod", SHA, github.api)).resolves.toMatchObject({
        from: "stage",
        deployed: false,
      });
      await expect(checkPromotion("stage", SHA, github.api)).resolves.toMatchObject({
        from: "dev",
        deployed: true,
      });
      await expect(checkPromotion("prod", "f".repeat(40), github.api)).resolves.toMatchObject({
        deployed: false,
      });
    } finally {
      github.close();
    }
  });

  it("the first environment needs no earlier deployment and asks nothing", async () => {
    const github = await fakeGitHub({});
    try {
      await expect(checkPromotion(ENVIRONMENT_NAMES[0], SHA, github.api)).resolves.toMatchObject({
        deployed: true,
      });
      expect(github.requests).toEqual([]);
    } finally {
      github.close();
    }
  });

  it("refuses a short commit id and an API error, naming them", async () => {
    const github = await fakeGitHub({});
    try {
      await expect(checkPromotion("prod", "0123abc", github.api)).rejects.toThrow(
        "--sha must be a full commit id",
      );
      const broken = { ...github.api, repository: "acme/other" };
      await expect(checkPromotion("prod", SHA, broken)).rejects.toThrow("GitHub answered 404");
    } finally {
      github.close();
    }
  });

  it("needs the repository and a token", () => {
    expect(() => gitHubApiFromEnvironment({ GITHUB_REPOSITORY: "acme/aws-platform" })).toThrow(
      "GITHUB_TOKEN must be set",
    );
  });
});

describe("infra promotion-check", () => {
  const run = async (argv: string[], env: Record<string, string>) => {
    const out: string[] = [];
    const err: string[] = [];
    const status = await main(argv, { io: { out: (l) => out.push(l), err: (l) => err.push(l) }, env });
    return { status, out: out.join("\n"), err: err.join("\n") };
  };

  it("exits 0 when the previous environment deployed the commit, 2 with the reason when it did not", async () => {
    const github = await fakeGitHub({ stage: [{ id: 1, statuses: ["success"] }] });
    const env = { GITHUB_API_URL: github.api.url, GITHUB_REPOSITORY: "acme/aws-platform", GITHUB_TOKEN: "t" };
    try {
      await expect(run(["promotion-check", "prod", "--sha", SHA], env)).resolves.toMatchObject({
        status: 0,
        out: `${SHA} was deployed successfully to stage: prod may deploy it.`,
      });
      const refused = await run(["promotion-check", "stage", "--sha", SHA], env);
      expect(refused.status).toBe(2);
      expect(refused.err).toContain(
        `Refusing to promote ${SHA} to stage: dev has not deployed it successfully`,
      );
    } finally {
      github.close();
    }
  });
});
