import { LOADED, problemsOf } from "../environment-problems";

describe("secrets and Grafana access configuration of the shipped environments", () => {
  const [dev, stage, prod] = [LOADED.dev, LOADED.stage, LOADED.prod].map((e) => e.platform);

  it("runs External Secrets everywhere and keeps Grafana's load balancer internal", () => {
    for (const platform of [dev, stage, prod]) {
      expect(platform.components.externalSecrets).toBe(true);
      expect(platform.grafana.exposure).toBe("internal");
    }
  });

  it("gives Grafana single sign-on in dev only (stage and prod: port-forward until they name a provider)", () => {
    expect(dev.grafana.oidc?.clientSecretName).toBe("observability/grafana-oidc-client-secret");
    expect([stage.grafana.oidc, prod.grafana.oidc]).toEqual([undefined, undefined]);
  });
});

describe("secrets and Grafana access validation", () => {
  it.each([
    ["platform.grafana.exposure", "public", "must be 'internal' or 'internetFacing'", '"public"'],
    ["platform.grafana.oidc.issuerUrl", "http://login.example.com", "must be an https URL", "http://"],
    [
      "platform.grafana.oidc.clientId",
      "grafana dev",
      "must be 1–255 letters, digits or _.:@/-",
      '"grafana dev"',
    ],
    [
      "platform.grafana.oidc.clientSecretName",
      "/dev/grafana",
      "relative to the environment's prefix '<env>/'",
      '"/dev/grafana"',
    ],
    ["platform.databaseSecretDelivery.namespace", "Apps", "must be a Kubernetes namespace name", '"Apps"'],
    [
      "platform.databaseSecretDelivery.targetSecretName",
      "db_credentials",
      "must be a Kubernetes Secret name",
      '"db_credentials"',
    ],
    ["platform.sizing.externalSecrets.webhook.replicas", 0, "must be a whole number", "got 0"],
    // The operator's own range (ExternalSecrets), not the wider one of other releases.
    [
      "platform.sizing.externalSecrets.controller.cpuMillis",
      5000,
      "must be a whole number of millicores from 10 to 4000",
      "got 5000",
    ],
  ])(
    "rejects %s = %p, naming the environment, field, value and what is allowed",
    (field, value, allowed, got) => {
      const problems = problemsOf({ [field]: value });
      expect(problems).toHaveLength(1);
      for (const fragment of ["Environment 'dev'", `'${field}'`, allowed, got]) {
        expect(problems[0]).toContain(fragment);
      }
    },
  );

  it("rejects Grafana single sign-on without External Secrets, monitoring or the load balancer controller", () => {
    for (const [component, what] of [
      ["externalSecrets", "needs components.externalSecrets"],
      ["monitoring", "needs components.monitoring"],
      ["loadBalancerController", "needs components.loadBalancerController"],
    ]) {
      const problems = problemsOf({
        [`platform.components.${component}`]: false,
        // Only the rule under test: the database delivery needs External Secrets too.
        "platform.databaseSecretDelivery": undefined,
      });
      expect(problems).toEqual([expect.stringContaining(what)]);
      expect(problems[0]).toContain("'platform.grafana.oidc'");
    }
  });

  it("rejects a database secret delivery without External Secrets", () => {
    const problems = problemsOf({
      "platform.components.externalSecrets": false,
      "platform.grafana.oidc": undefined,
    });
    expect(problems).toEqual([
      expect.stringContaining(
        "'platform.databaseSecretDelivery' needs components.externalSecrets (External Secrets delivers it)",
      ),
    ]);
  });

  it("accepts OIDC settings without a domain (Grafana then stays private)", () => {
    expect(problemsOf({ "platform.domain": undefined })).toEqual([]);
  });
});
