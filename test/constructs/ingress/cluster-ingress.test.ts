import { ClusterIngress, ClusterIngressProps } from "../../../constructs/ingress/cluster-ingress";
import { HELM_CHARTS } from "../../../constructs/versions";
import {
  expectErrorContaining,
  findResource,
  findResources,
  onlyResource,
  refTo,
  resourcesOf,
} from "../../helpers";
import {
  addressesOf,
  policyStatements,
  releasesOf,
  synthPlatformScope,
  valuesOf,
} from "../../platform-helpers";

const CLUSTER = { clusterName: "test-cluster" };
const VPC = "vpc-0123456789abcdef0";
const ZONE = "Z0123456789ABCDEFGHIJ";
const DOMAIN = "dev.example.com";
const NETWORK = { vpcId: VPC, privateSubnetIds: [], databaseSubnetIds: [] };
const BASE: ClusterIngressProps = { cluster: CLUSTER, network: NETWORK, region: "eu-west-1" };
const WITH_DOMAIN: ClusterIngressProps = {
  ...BASE,
  domainName: DOMAIN,
  hostedZoneId: ZONE,
  acmeEmail: "ops@example.com",
};
const synth = (props: ClusterIngressProps) =>
  synthPlatformScope((scope) => new ClusterIngress(scope, "Ingress", props));

// Every component on, with a domain: synthesized once for the assertions below.
const full = synth(WITH_DOMAIN);
const releases = releasesOf(full);
const partition = Object.keys(full.data?.aws_partition ?? {})[0];
const zoneArn = `arn:\${data.aws_partition.${partition}.partition}:route53:::hostedzone/${ZONE}`;
const association = (serviceAccount: string) =>
  findResources(full, "aws_eks_pod_identity_association").find(
    ({ body }) => body.service_account === serviceAccount,
  );

describe("ClusterIngress: AWS Load Balancer Controller", () => {
  const values = valuesOf(full, "aws-load-balancer-controller");

  it("runs the catalog's pinned chart in kube-system, atomically with a timeout", () => {
    expect(releases["aws-load-balancer-controller"]).toMatchObject({
      repository: HELM_CHARTS.awsLoadBalancerController.repository,
      chart: HELM_CHARTS.awsLoadBalancerController.chart,
      version: HELM_CHARTS.awsLoadBalancerController.version,
      namespace: "kube-system",
      create_namespace: false,
      atomic: true,
      cleanup_on_fail: true,
      wait: true,
      timeout: 600,
    });
  });

  it("is told its cluster, region and VPC (pods cannot reach IMDS), with 2 replicas, a PDB, class alb and IP targets", () => {
    expect(values).toMatchObject({
      clusterName: "test-cluster",
      region: "eu-west-1",
      vpcId: VPC,
      replicaCount: 2,
      podDisruptionBudget: { maxUnavailable: 1 },
      ingressClass: "alb",
      createIngressClassResource: true,
      ingressClassConfig: { default: false },
      defaultTargetType: "ip",
      serviceAccount: { create: true, name: "aws-load-balancer-controller" },
    });
  });

  it("gets a Pod Identity role for its service account and starts only after the association", () => {
    const found = association("aws-load-balancer-controller");
    expect(found?.body).toMatchObject({ cluster_name: "test-cluster", namespace: "kube-system" });
    expect(releases["aws-load-balancer-controller"].depends_on).toContain(found?.address);
  });

  it("has the upstream policy scoped to this cluster's tag, this VPC, account and region", () => {
    const statements = policyStatements(full, "aws-load-balancer-controller");
    const bySid = Object.fromEntries(statements.map((s: any) => [s.Sid, s]));
    for (const s of statements) expect([s.Action].flat()).not.toContain("*");
    expect(bySid.CreateLoadBalancersForCluster.Condition).toEqual({
      StringEquals: { "aws:RequestTag/elbv2.k8s.aws/cluster": "test-cluster" },
    });
    for (const sid of ["ManageOwnLoadBalancers", "ManageOwnSecurityGroups"]) {
      expect(bySid[sid].Condition).toEqual({
        StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "test-cluster" },
      });
    }
    expect(bySid.CreateSecurityGroupInVpc.Resource).toContainEqual(
      expect.stringMatching(new RegExp(`:vpc/${VPC}$`)),
    );
    // Mutations on "*" are only those the upstream policy cannot scope, or scoped by tag conditions.
    const unconditionalOnAnything = statements
      .filter((s: any) => s.Resource === "*" && !s.Condition)
      .map((s: any) => s.Sid);
    expect(unconditionalOnAnything.sort()).toEqual(
      ["CertificatesWafShield", "Describe", "ListenerSettings", "ListenersAndRules"].sort(),
    );
    for (const s of statements.filter((s: any) => String(s.Resource).includes("elasticloadbalancing"))) {
      for (const arn of [s.Resource].flat())
        expect(arn).toMatch(/:elasticloadbalancing:eu-west-1:\$\{data\.aws_caller_identity/);
    }
  });
});

describe("ClusterIngress: cert-manager and its ClusterIssuers", () => {
  it("installs the pinned chart with its CRDs in its own namespace, after the controller", () => {
    expect(releases["cert-manager"]).toMatchObject({
      version: HELM_CHARTS.certManager.version,
      repository: HELM_CHARTS.certManager.repository,
      namespace: "cert-manager",
      atomic: true,
    });
    expect(valuesOf(full, "cert-manager").crds).toEqual({ enabled: true, keep: true });
    expect(releases["cert-manager"].depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kubernetes_namespace_v1\.Ingress_CertManagerNamespace_/),
        releases["aws-load-balancer-controller"].address,
      ]),
    );
  });

  it("creates Let's Encrypt DNS-01 ClusterIssuers limited to the domain's zone, after cert-manager", () => {
    const issuers = releases["cluster-issuers"];
    expect(issuers.depends_on).toEqual([releases["cert-manager"].address]);
    expect(issuers.chart).toMatch(/^assets\/Ingress_KubernetesObjectsChart_[0-9A-F]+\/[0-9A-F]+$/);
    expect(issuers.version).toBe("1.0.0");
    const { objects } = valuesOf(full, "cluster-issuers");
    expect(objects.map((o: any) => [o.kind, o.metadata.name])).toEqual([
      ["ClusterIssuer", "letsencrypt-staging"],
      ["ClusterIssuer", "letsencrypt-prod"],
    ]);
    for (const issuer of objects) {
      expect(issuer.spec.acme.solvers).toEqual([
        { selector: { dnsZones: [DOMAIN] }, dns01: { route53: { region: "eu-west-1", hostedZoneID: ZONE } } },
      ]);
      expect(issuer.spec.acme.privateKeySecretRef).toEqual({ name: `${issuer.metadata.name}-account-key` });
    }
  });

  it("may only write _acme-challenge TXT records in the zone", () => {
    const [records, changes] = policyStatements(full, "route53-dns01");
    expect(records).toMatchObject({
      Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
      Resource: zoneArn,
      Condition: {
        "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"] },
        "ForAllValues:StringLike": {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_acme-challenge.*"],
        },
      },
    });
    expect(changes).toMatchObject({
      Action: "route53:GetChange",
      Resource: expect.stringMatching(/:route53:::change\/\*$/),
    });
    expect(association("cert-manager")?.body.namespace).toBe("cert-manager");
  });
});

describe("ClusterIngress: external-dns", () => {
  it("states its policy, owner id, domain and zone explicitly, after the controller", () => {
    expect(releases["external-dns"]).toMatchObject({
      version: HELM_CHARTS.externalDns.version,
      namespace: "external-dns",
    });
    expect(releases["external-dns"].depends_on).toContain(releases["aws-load-balancer-controller"].address);
    expect(valuesOf(full, "external-dns")).toMatchObject({
      provider: { name: "aws" },
      policy: "upsert-only",
      registry: "txt",
      txtOwnerId: "test-cluster",
      domainFilters: [DOMAIN],
      extraArgs: [`--zone-id-filter=${ZONE}`],
      serviceAccount: { name: "external-dns" },
    });
  });

  it("may change records in the hosted zone only", () => {
    const statements = policyStatements(full, "route53-records");
    const change = statements.find((s: any) => s.Action === "route53:ChangeResourceRecordSets");
    expect(change.Resource).toBe(zoneArn);
    for (const s of statements.filter((s: any) => s.Resource === "*"))
      expect(s.Action).toBe("route53:ListHostedZones");
  });
});

describe("ClusterIngress: ACM certificate", () => {
  it("covers the domain and its wildcard, validated through their shared record in the zone", () => {
    expect(onlyResource(full, "aws_acm_certificate")).toMatchObject({
      domain_name: DOMAIN,
      subject_alternative_names: [`*.${DOMAIN}`],
      validation_method: "DNS",
    });
    const record = findResource(full, "aws_route53_record");
    expect(record.body).toMatchObject({
      zone_id: ZONE,
      name: expect.stringMatching(/domain_validation_options\)\.0\.resource_record_name\}$/),
      records: [expect.stringMatching(/\.resource_record_value\}$/)],
    });
    expect(onlyResource(full, "aws_acm_certificate_validation").validation_record_fqdns).toEqual([
      refTo(record, "fqdn"),
    ]);
  });
});

describe("ClusterIngress without a domain", () => {
  const json = synth(BASE);
  it("keeps the controller and cert-manager, and skips issuers, external-dns, DNS roles and the certificate", () => {
    expect(Object.keys(releasesOf(json)).sort()).toEqual(["aws-load-balancer-controller", "cert-manager"]);
    expect(resourcesOf(json, "aws_acm_certificate")).toEqual({});
    expect(resourcesOf(json, "aws_route53_record")).toEqual({});
    expect(Object.values(resourcesOf(json, "aws_iam_role_policy")).map((p) => p.name)).toEqual([
      "aws-load-balancer-controller",
    ]);
  });
});

describe("ClusterIngress: turning a component off removes exactly its resources", () => {
  const all = addressesOf(full);
  it.each([
    [
      "loadBalancerController",
      /^(helm_release|aws_iam_role|aws_iam_role_policy|aws_eks_pod_identity_association)\.Ingress_LoadBalancerController/,
    ],
    ["certManager", /\.Ingress_(CertManager|ClusterIssuers)/],
    ["externalDns", /\.Ingress_ExternalDns/],
    ["certificate", /\.Ingress_Certificate/],
  ] as const)("%s: false", (component, owned) => {
    const without = addressesOf(synth({ ...WITH_DOMAIN, [component]: false }));
    const removed = all.filter((a) => !without.includes(a));
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.every((a) => owned.test(a))).toBe(true);
    expect(all.filter((a) => owned.test(a))).toEqual(removed);
    expect(without.filter((a) => !all.includes(a))).toEqual([]);
  });

  it("without the controller, nothing depends on a controller release", () => {
    const json = synth({ ...WITH_DOMAIN, loadBalancerController: false });
    for (const release of Object.values(releasesOf(json))) {
      expect(release.depends_on ?? []).not.toContainEqual(
        expect.stringMatching(/LoadBalancerController_Release/),
      );
    }
  });
});

describe("ClusterIngress validation", () => {
  const build = (props: Partial<ClusterIngressProps>) => () => synth({ ...WITH_DOMAIN, ...props });
  it.each([
    ["network", { network: { ...NETWORK, vpcId: "vpc-xyz" } }, '"vpc-xyz"', "must be a VPC id"],
    ["network", { network: undefined }, '""', "is required: the cluster's network"],
    ["vpcId", { network: undefined, vpcId: "vpc-xyz" }, '"vpc-xyz"', "must be a VPC id"],
    ["vpcId", { vpcId: VPC }, JSON.stringify(VPC), "cannot be combined with network"],
    [
      "loadBalancerControllerReplicas",
      { loadBalancerControllerReplicas: 1 },
      "got 1",
      "must be a whole number of replicas from 2 to 10",
    ],
    [
      "externalDnsPolicy",
      { externalDnsPolicy: "create-only" as never },
      '"create-only"',
      "must be 'sync' or 'upsert-only'",
    ],
    ["domainName", { domainName: "Example..com" }, '"Example..com"', "must be a DNS domain"],
    [
      "hostedZoneId",
      { hostedZoneId: undefined },
      "got undefined",
      "must be the Route 53 hosted zone id (Z...) of domainName",
    ],
    [
      "acmeEmail",
      { acmeEmail: "ops" },
      '"ops"',
      "must be an email address when cert-manager issues certificates",
    ],
  ])(
    "rejects a bad %s, naming the construct, prop, value and what is allowed",
    (prop, props, got, allowed) => {
      expectErrorContaining(build(props), "ClusterIngress 'stack/Ingress'", `'${prop}'`, allowed, got);
    },
  );

  it("rejects a hosted zone without a domain", () => {
    expectErrorContaining(
      () => synth({ ...BASE, hostedZoneId: ZONE }),
      "'hostedZoneId'",
      "only set together with domainName",
      `"${ZONE}"`,
    );
  });
});
