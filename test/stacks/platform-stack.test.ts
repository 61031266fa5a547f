import { KUBERNETES_OBJECTS_CHART } from "../../constructs/helm/kubernetes-objects";
import { HELM_CHARTS } from "../../constructs/versions";
import { ENVIRONMENTS, loadEnvironment } from "../../environments";
import { buildEnvironment } from "../../stacks/environment-app";
import { ENVIRONMENT_NAMES_UNDER_TEST, configOf, synthesizedEnvironments } from "../environments-under-test";
import { TerraformJson, findResources, keysOf, resourcesOf, synthApp, withChanges } from "../helpers";
import { addressesOf, releasesOf, statementsOfPolicies, valuesOf } from "../platform-helpers";

// Every registered environment and a sandbox, synthesized once, exactly as main.ts does it.
const { stacks, annotations } = synthesizedEnvironments();
const ENVS = ENVIRONMENT_NAMES_UNDER_TEST;
const platform = (env: string): TerraformJson => stacks[`${env}-platform`];
const remote = (env: string, stack: string) =>
  `data.terraform_remote_state.cross-stack-reference-input-${env}-${stack}`;
const releases = (env: string) => releasesOf(platform(env));
const values = (env: string, release: string) => valuesOf(platform(env), release);
const policies = (env: string, name: string) => statementsOfPolicies(platform(env), name).flat();

/** The release addresses a release depends on, directly or through other releases. */
function releaseAncestors(env: string, name: string): string[] {
  const byAddress = Object.fromEntries(Object.values(releases(env)).map((r) => [r.address, r]));
  const seen = new Set<string>();
  const visit = (address: string) => {
    for (const dep of byAddress[address]?.depends_on ?? []) {
      if (dep.startsWith("helm_release.") && !seen.has(dep)) {
        seen.add(dep);
        visit(dep);
      }
    }
  };
  visit(releases(env)[name].address);
  return [...seen];
}

describe("<env>-platform stacks", () => {
  it.each(ENVS)("%s-platform exists, with its state under <env>/<env>-platform.tfstate", (env) => {
    expect(platform(env).terraform?.backend.s3.key).toBe(`${env}/${env}-platform.tfstate`);
  });

  it("are the only stacks with the Kubernetes and Helm providers", () => {
    for (const [id, json] of Object.entries(stacks)) {
      const providers = Object.keys(json.provider ?? {}).sort();
      expect(providers).toEqual(id.endsWith("-platform") ? ["aws", "helm", "kubernetes"] : ["aws"]);
    }
  });

  it.each(ENVS)("%s-platform configures both providers from the cluster stack, with exec auth", (env) => {
    const cluster = `\${${remote(env, "cluster")}.outputs.cross-stack-output-aws_eks_clusterCluster_`;
    const [kubernetes] = platform(env).provider?.kubernetes ?? [];
    const [helm] = platform(env).provider?.helm ?? [];
    for (const config of [kubernetes, helm.kubernetes]) {
      expect(config.host).toMatch(new RegExp(`^${escape(cluster)}[0-9A-F]+endpoint\\}$`));
      expect(config.cluster_ca_certificate).toMatch(
        /^\$\{base64decode\(data\.terraform_remote_state\..*certificate_authority0data\)\}$/,
      );
      const exec = Array.isArray(config.exec) ? config.exec[0] : config.exec;
      expect(exec).toMatchObject({ api_version: "client.authentication.k8s.io/v1beta1", command: "aws" });
      expect(exec.args.slice(0, 3)).toEqual(["eks", "get-token", "--cluster-name"]);
      expect(exec.args[3]).toMatch(new RegExp(`^${escape(cluster)}[0-9A-F]+name\\}$`));
      expect(exec.args.slice(4)).toEqual(["--region", "eu-west-1"]);
      expect(JSON.stringify(config)).not.toMatch(/"(token|password|client_key)"/);
    }
  });

  it.each(ENVS)(
    "%s-platform: every release is pinned to the catalog, namespaced, atomic, with a timeout",
    (env) => {
      const catalog = Object.fromEntries(Object.values(HELM_CHARTS).map((c) => [c.chart, c]));
      for (const release of Object.values(releases(env))) {
        const pinned = release.chart.startsWith("assets/")
          ? KUBERNETES_OBJECTS_CHART
          : catalog[release.chart];
        expect(pinned).toBeDefined();
        expect(release.version).toBe(pinned.version);
        if (!release.chart.startsWith("assets/"))
          expect(release.repository).toBe(catalog[release.chart].repository);
        expect(release).toMatchObject({ atomic: true, create_namespace: false, wait: true });
        expect(release.namespace).toMatch(/^[a-z0-9-]+$/);
        expect(release.timeout).toBeGreaterThanOrEqual(300);
        expect(release.values).toHaveLength(1);
      }
    },
  );

  it.each(ENVS)("%s-platform: no secret literal in any release's values", (env) => {
    for (const name of Object.keys(releases(env))) {
      const keys = keysOf(values(env, name));
      expect(
        keys.filter((k) => /^(password|adminPassword|secretAccessKey|accessKeyId|apiKey|token)$/i.test(k)),
      ).toEqual([]);
    }
    // Grafana's admin login: a Secret by name (External Secrets fills it), never a value.
    expect(values(env, "kube-prometheus-stack").grafana.admin).toEqual({
      existingSecret: "grafana-admin",
      userKey: "admin-user",
      passwordKey: "admin-password",
    });
  });

  it.each(ENVS)(
    "%s-platform: the LB controller starts after its Pod Identity association and goes last",
    (env) => {
      const controller = releases(env)["aws-load-balancer-controller"];
      expect(controller.depends_on).toContainEqual(
        expect.stringMatching(/^aws_eks_pod_identity_association\.Ingress_LoadBalancerControllerRole/),
      );
      for (const name of Object.keys(releases(env)).filter((n) => n !== "aws-load-balancer-controller")) {
        expect(releaseAncestors(env, name)).toContain(controller.address);
      }
    },
  );

  it.each(ENVS)(
    "%s-platform: IAM policies allow no '*' action and scope DNS to the environment's zone",
    (env) => {
      for (const policy of Object.values(resourcesOf(platform(env), "aws_iam_role_policy"))) {
        for (const s of JSON.parse(policy.policy).Statement) expect([s.Action].flat()).not.toContain("*");
      }
      const zone = configOf(env).platform.domain;
      const dnsStatements = [...policies(env, "route53-records"), ...policies(env, "route53-dns01")].filter(
        (s: any) => [s.Action].flat().includes("route53:ChangeResourceRecordSets"),
      );
      if (zone === undefined) {
        expect(dnsStatements).toEqual([]);
      } else {
        expect(dnsStatements).toHaveLength(2);
        for (const s of dnsStatements)
          expect(s.Resource).toMatch(new RegExp(`:route53:::hostedzone/${zone?.hostedZoneId}$`));
      }
    },
  );

  it.each(ENVS)("%s-platform: Loki's role may use the data stack's log bucket and its key only", (env) => {
    const resources = policies(env, "log-bucket").flatMap((s: any) => [s.Resource].flat());
    expect(resources.length).toBeGreaterThan(0);
    for (const resource of resources) {
      expect(resource).toMatch(
        new RegExp(
          `^\\$\\{${escape(remote(env, "data"))}\\.outputs\\.cross-stack-output-aws_(s3_bucketLogBucket|kms_keyLogBucket_Key)`,
        ),
      );
    }
    expect(values(env, "loki").loki.storage.bucketNames.chunks).toContain(
      `${remote(env, "data")}.outputs.cross-stack-output-aws_s3_bucketLogBucket`,
    );
  });

  it.each(ENVS)("%s-platform sizes Prometheus and Loki as configured", (env) => {
    const { prometheusRetentionDays, prometheusStorageGiB, lokiMode } = configOf(env).platform;
    const spec = values(env, "kube-prometheus-stack").prometheus.prometheusSpec;
    expect(spec.retention).toBe(`${prometheusRetentionDays}d`);
    expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe(
      `${prometheusStorageGiB}Gi`,
    );
    expect(values(env, "loki").deploymentMode).toBe(
      { singleBinary: "Monolithic", simpleScalable: "SimpleScalable" }[lokiMode],
    );
  });

  it.each(ENVS)("%s-platform runs DNS, certificates and tracing exactly where configured", (env) => {
    const { domain, components } = configOf(env).platform;
    const names = Object.keys(releases(env));
    expect(names.includes("external-dns")).toBe(domain !== undefined && components.externalDns);
    expect(names.includes("cluster-issuers")).toBe(domain !== undefined && components.certManager);
    expect(names.includes("otel-collector")).toBe(components.tracing);
    expect(findResources(platform(env), "aws_acm_certificate")).toHaveLength(domain ? 1 : 0);
    expect(Object.keys(platform(env).output ?? {}).includes("certificate_arn")).toBe(domain !== undefined);
  });

  it.each(ENVS)(
    "%s-platform: Karpenter's nodes get the managed nodes' security groups and the configured node pool",
    (env) => {
      // Karpenter (CRDs, controller, node pool) and metrics-server run in every environment.
      expect(Object.keys(releases(env))).toEqual(
        expect.arrayContaining(["karpenter-crd", "karpenter", "karpenter-node-pools", "metrics-server"]),
      );
      const [nodeClass, nodePool] = values(env, "karpenter-node-pools").objects;
      // A cross-stack output whose name matches `name` (a RegExp source), and nothing else.
      const output = (stack: string, name: string) =>
        expect.stringMatching(
          new RegExp(`^\\$\\{${escape(remote(env, stack))}\\.outputs\\.cross-stack-output-${name}\\}$`),
        );
      // Discovery by the cluster's name: the network tags its private subnets, and the cluster its
      // node security group, with the same value (the environment's name).
      const discovery = {
        tags: { "karpenter.sh/discovery": output("cluster", "aws_eks_clusterCluster_[0-9A-F]+name") },
      };
      expect(nodeClass.spec.subnetSelectorTerms).toEqual([discovery]);
      expect(nodeClass.spec.securityGroupSelectorTerms).toEqual([
        discovery,
        { id: output("cluster", "aws_eks_clusterCluster_[0-9A-F]+vpc_config0cluster_security_group_id") },
        { id: output("network", "aws_security_groupDatabaseClientsid") },
      ]);
      expect(Object.values(resourcesOf(stacks[`${env}-cluster`], "aws_eks_cluster"))[0].name).toBe(env);
      const privateSubnets = Object.values(resourcesOf(stacks[`${env}-network`], "aws_subnet")).filter(
        (subnet) => subnet.tags["subnet-tier"] === "private",
      );
      expect(privateSubnets.length).toBeGreaterThan(0);
      for (const subnet of privateSubnets) expect(subnet.tags["karpenter.sh/discovery"]).toBe(env);
      const nodeGroup = Object.values(resourcesOf(stacks[`${env}-cluster`], "aws_security_group")).find(
        (sg) => sg.name === `${env}-nodes`,
      );
      expect(nodeGroup.tags["karpenter.sh/discovery"]).toBe(env);
      const { karpenter } = configOf(env).cluster;
      expect(nodePool.spec.limits).toEqual({
        cpu: String(karpenter.cpuLimit),
        memory: `${karpenter.memoryLimitGiB}Gi`,
      });
      expect(nodePool.spec.template.spec.requirements).toContainEqual({
        key: "karpenter.sh/capacity-type",
        operator: "In",
        values: karpenter.capacityTypes,
      });
      expect(values(env, "karpenter").settings.interruptionQueue).toEqual(
        output("cluster", "aws_sqs_queueKarpenter_InterruptionQueue_[0-9A-F]+name"),
      );
    },
  );

  it("skips DNS, certificates and tracing in the sandbox (no domain, tracing off)", () => {
    expect(Object.keys(releases("sandbox-alice")).sort()).toEqual([
      "aws-load-balancer-controller",
      "cert-manager",
      "external-secrets",
      "external-secrets-stores",
      "karpenter",
      "karpenter-crd",
      "karpenter-node-pools",
      "kube-prometheus-stack",
      "log-shipper",
      "loki",
      "metrics-server",
      "observability-secrets",
      "platform-slos",
    ]);
    expect(resourcesOf(platform("sandbox-alice"), "aws_acm_certificate")).toEqual({});
    expect(Object.keys(platform("sandbox-alice").output ?? {}).sort()).toEqual([
      "alarm_topic_arn",
      "ingress_class",
    ]);
  });

  it.each(ENVS)(
    "%s-platform alarms on the VPC's NAT gateways and the data stack's database, to its own topic",
    (env) => {
      const alarms = Object.values(resourcesOf(platform(env), "aws_cloudwatch_metric_alarm"));
      const natAlarms = alarms.filter((a) => a.namespace === "AWS/NATGateway");
      expect(natAlarms).toHaveLength(2);
      for (const alarm of natAlarms) {
        // One alarm per NAT gateway of the network stack, keyed by the gateway ids it exports.
        expect(alarm.for_each).toMatch(/^\$\{toset\(\[.*\]\)\}$/);
        expect(alarm.for_each).toContain(remote(env, "network"));
        expect(alarm.for_each).toContain("aws_nat_gateway");
      }
      expect(
        alarms.filter((a) => a.namespace === "AWS/RDS").map((a) => a.dimensions.DBInstanceIdentifier),
      ).toEqual([`${env}-postgres`, `${env}-postgres`]);
      expect(Object.values(resourcesOf(platform(env), "aws_sns_topic")).map((t) => t.name)).toEqual([
        `${env}-alarms`,
      ]);
    },
  );

  it.each(ENVS)(
    "%s-platform emails the alarms (platform and database topics) to the configured list",
    (env) => {
      const subscriptions = Object.values(resourcesOf(platform(env), "aws_sns_topic_subscription"));
      const emails = configOf(env).platform.alarmEmails;
      expect(subscriptions.map((s) => s.endpoint).sort()).toEqual([...emails, ...emails].sort());
      expect(subscriptions.filter((s) => s.topic_arn.includes(remote(env, "data")))).toHaveLength(
        emails.length,
      );
    },
  );

  it.each(ENVS)(
    "%s: moves each subscription to the database's topic from its previous address (keyed by position)",
    (env) => {
      const subscriptions = resourcesOf(platform(env), "aws_sns_topic_subscription");
      const moved = ((platform(env) as any).moved ?? []).filter((m: any) =>
        m.to.startsWith("aws_sns_topic_subscription."),
      );
      const emails = configOf(env).platform.alarmEmails;
      expect(moved).toHaveLength(emails.length);
      for (const email of emails) {
        const id = `Observability_Alarms_Subscription-database-${email.replace(/[^A-Za-z0-9-]/g, "")}`;
        const [name] = Object.keys(subscriptions).filter((n) => n.startsWith(`${id}_`));
        const { from } = moved.find((m: any) => m.to === `aws_sns_topic_subscription.${name}`);
        expect(from).toMatch(
          new RegExp(`^aws_sns_topic_subscription\\.${id.replace("-database-", "-topic0-")}_[0-9A-F]{8}$`),
        );
      }
    },
  );

  it("the moves name the addresses the subscriptions had before", () => {
    // As the snapshots before the change recorded it, for the shared on-call address.
    const moved = ((platform("prod") as any).moved ?? []).map((m: any) => m.from);
    expect(moved).toContain(
      "aws_sns_topic_subscription.Observability_Alarms_Subscription-topic0-platform-oncallexamplecom_D6212648",
    );
  });

  it("pages someone for prod, nobody for sandboxes", () => {
    expect(configOf("prod").platform.alarmEmails.length).toBeGreaterThan(0);
    expect(configOf("sandbox-alice").platform.alarmEmails).toEqual([]);
  });

  it("pass the policy pack without findings", () => {
    for (const env of ENVS) expect(annotations[`${env}-platform`]).toEqual([]);
  });
});

describe("<env>-platform: turning a component off in an environment removes exactly its resources", () => {
  const devPlatform = (changes: Record<string, unknown>) =>
    synthApp((app) => buildEnvironment(app, loadEnvironment(withChanges(ENVIRONMENTS.dev, changes))))[
      "dev-platform"
    ];
  const all = addressesOf(platform("dev"));

  it.each([
    ["externalDns", /\.Ingress_ExternalDns/],
    ["tracing", /\.Observability_(OtlpGateway|Tempo|Dashboards_platform-tempo_)/],
    ["logging", /\.Observability_(Loki|LogShipper|Dashboards_platform-loki_)/],
  ] as const)("platform.components.%s = false", (component, owned) => {
    const without = addressesOf(devPlatform({ [`platform.components.${component}`]: false }));
    const removed = all.filter((a) => !without.includes(a));
    expect(removed.length).toBeGreaterThan(0);
    expect(removed).toEqual(all.filter((a) => owned.test(a)));
    expect(without.filter((a) => !all.includes(a))).toEqual([]);
  });
});

/** Escapes a string for use in a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
