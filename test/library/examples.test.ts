/**
 * The README's and CHANGELOG's examples (constructs/examples/) synthesized against the sources, so
 * that every documented snippet runs, not only compiles. examples/app.ts is synthesized by the
 * consumer test, against the packed library.
 */
import * as fs from "node:fs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { Network } from "../../constructs/network/network";
import {
  cacheNodeGroup,
  minimalEksCluster,
  minimalPodIdentityRole,
  productionEksCluster,
} from "../../constructs/examples/eks-cluster";
import { clusterKarpenter, platformAutoscaling } from "../../constructs/examples/autoscaling";
import { minimalEncryptionKey, sharedEncryptionKey } from "../../constructs/examples/encryption-key";
import { minimalNetwork, productionNetwork } from "../../constructs/examples/network";
import { minimalObjectStorage, productionObjectStorage } from "../../constructs/examples/object-storage";
import { minimalPolicy, productionPolicy } from "../../constructs/examples/policy";
import {
  minimalPostgresDatabase,
  productionPostgresDatabase,
} from "../../constructs/examples/postgres-database";
import {
  clusterProviders,
  minimalClusterIngress,
  minimalObservability,
  minimalPlatformAlarms,
  ownAlarmTopic,
  productionClusterIngress,
  productionObservability,
  serviceSlos,
} from "../../constructs/examples/platform";
import { renamedObjectStorage } from "../../constructs/examples/rename";
import { platformSecrets } from "../../constructs/examples/secrets";
import { EXISTING, onExistingResources, withExistingKey } from "../../constructs/examples/existing-resources";
import { ObjectStorage } from "../../constructs/object-storage/object-storage";
import { README_PATH } from "../../scripts/lib-docs";
import {
  TerraformJson,
  findResource,
  onlyResource,
  refTo,
  resourcesOf,
  synthAppWithAnnotations,
  testStack,
} from "../helpers";

const CLIENT_SG = "sg-0123456789abcdef0";
const ON_CALL_TOPIC = "arn:aws:sns:eu-west-1:123456789012:on-call";

function synthStack(build: (stack: TerraformStack) => void): TerraformJson {
  const stack = testStack();
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

describe("network examples", () => {
  const minimal = synthStack((s) => minimalNetwork(s));
  const production = synthStack((s) => productionNetwork(s));

  it("minimal: two AZs with a NAT gateway each", () => {
    expect(Object.values(resourcesOf(minimal, "aws_nat_gateway"))).toHaveLength(2);
  });

  it("production: three AZs, intra subnets, interface endpoints and the stack's outputs", () => {
    expect(Object.values(resourcesOf(production, "aws_nat_gateway"))).toHaveLength(3);
    expect(Object.values(resourcesOf(production, "aws_subnet"))).toHaveLength(12);
    const interfaceEndpoints = Object.values(resourcesOf(production, "aws_vpc_endpoint")).filter(
      (e) => e.vpc_endpoint_type === "Interface",
    );
    expect(interfaceEndpoints).toHaveLength(6);
    expect(Object.keys(production.output ?? {}).sort()).toEqual([
      "nat_public_ips",
      "private_subnet_ids",
      "vpc_id",
    ]);
  });
});

describe("object storage examples", () => {
  const minimal = synthStack((s) => minimalObjectStorage(s));
  const production = synthStack((s) => productionObjectStorage(s, "orders-api"));

  it("minimal: one private bucket", () => {
    expect(onlyResource(minimal, "aws_s3_bucket_public_access_block").block_public_policy).toBe(true);
  });

  it("production: access logs to the log bucket, tiering, prevent_destroy and a prefix-scoped role policy", () => {
    const documents = findResource(production, "aws_s3_bucket", "Documents/Bucket").body;
    expect(documents.lifecycle).toEqual({ prevent_destroy: true });
    const logging = onlyResource(production, "aws_s3_bucket_logging");
    expect(logging.target_bucket).toMatch(/^\$\{aws_s3_bucket\.AccessLogs_Bucket_/);
    const policy = onlyResource(production, "aws_iam_role_policy");
    expect(policy.role).toBe("orders-api");
    expect(policy.policy).toContain("/invoices/*");
  });
});

describe("Postgres examples", () => {
  const minimal = synthStack((s) => minimalPostgresDatabase(s, minimalNetwork(s), CLIENT_SG));
  const production = synthStack((s) =>
    productionPostgresDatabase(
      s,
      minimalNetwork(s),
      { api: CLIENT_SG, migrations: "sg-0fedcba9876543210" },
      ON_CALL_TOPIC,
    ),
  );

  it("minimal: admits the client security group on 5432", () => {
    const rule = onlyResource(minimal, "aws_vpc_security_group_ingress_rule");
    expect(rule).toEqual(
      expect.objectContaining({ referenced_security_group_id: CLIENT_SG, from_port: 5432 }),
    );
  });

  it("production: sized, kept forever, backups for 35 days, alarms to the on-call topic", () => {
    expect(onlyResource(production, "aws_db_instance")).toEqual(
      expect.objectContaining({
        instance_class: "db.r7g.large",
        allocated_storage: 200,
        max_allocated_storage: 1000,
        backup_retention_period: 35,
        lifecycle: { prevent_destroy: true },
      }),
    );
    expect(resourcesOf(production, "aws_sns_topic")).toEqual({});
    const alarms = Object.values(resourcesOf(production, "aws_cloudwatch_metric_alarm"));
    expect(alarms.length).toBeGreaterThan(0);
    expect(alarms.every((a) => a.alarm_actions[0] === ON_CALL_TOPIC)).toBe(true);
    expect(Object.values(resourcesOf(production, "aws_vpc_security_group_ingress_rule"))).toHaveLength(2);
  });
});

describe("encryption key examples", () => {
  const minimal = synthStack((s) => minimalEncryptionKey(s));
  const shared = synthStack((s) => sharedEncryptionKey(s));

  it("minimal: one rotating key", () => {
    expect(onlyResource(minimal, "aws_kms_key").enable_key_rotation).toBe(true);
  });

  it("shared: an aliased, protected key that encrypts the bucket, and no key of the bucket's own", () => {
    expect(onlyResource(shared, "aws_kms_alias").name).toBe("alias/orders/data");
    expect(onlyResource(shared, "aws_kms_key").lifecycle).toEqual({ prevent_destroy: true });
    const encryption = onlyResource(shared, "aws_s3_bucket_server_side_encryption_configuration");
    expect(encryption.rule[0].apply_server_side_encryption_by_default.kms_master_key_id).toMatch(
      /^\$\{aws_kms_key\.DataKey_/,
    );
  });
});

describe("EKS examples", () => {
  const minimal = synthStack((s) => minimalEksCluster(s, minimalNetwork(s)));
  const production = synthStack((s) => {
    const network = minimalNetwork(s);
    const documents = minimalObjectStorage(s);
    const cluster = productionEksCluster(s, network, documents, CLIENT_SG);
    minimalPodIdentityRole(s, cluster, documents);
    cacheNodeGroup(s, cluster, network);
  });

  it("minimal: a cluster with one node group", () => {
    expect(Object.values(resourcesOf(minimal, "aws_eks_node_group"))).toHaveLength(1);
  });

  it("production: on-demand and spot node groups, an added cache group, a namespaced viewer, Pod Identity roles", () => {
    const groups = Object.values(resourcesOf(production, "aws_eks_node_group"));
    expect(groups.map((g) => g.capacity_type).sort()).toEqual(["ON_DEMAND", "ON_DEMAND", "SPOT"]);
    const cache = groups.find((g) => g.labels?.workload === "cache");
    expect(cache.taint).toEqual([{ key: "workload", value: "cache", effect: "NO_SCHEDULE" }]);
    const associations = Object.values(resourcesOf(production, "aws_eks_pod_identity_association"));
    expect(associations.map((a) => a.service_account)).toEqual(
      expect.arrayContaining(["orders-api", "reports-worker"]),
    );
    const viewer = Object.values(resourcesOf(production, "aws_eks_access_policy_association")).find((a) =>
      String(a.policy_arn).endsWith("AmazonEKSViewPolicy"),
    );
    expect(viewer.access_scope).toEqual(
      expect.objectContaining({ type: "namespace", namespaces: ["orders"] }),
    );
  });
});

describe("platform examples (Helm releases)", () => {
  const cluster = {
    clusterName: "orders",
    clusterEndpoint: "https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com",
    clusterCertificateAuthorityData: "Q0E=",
  };
  const minimal = synthStack((s) => {
    clusterProviders(s, cluster, "eu-west-1");
    const network = minimalNetwork(s);
    minimalClusterIngress(s, cluster, network);
    minimalObservability(s, cluster, minimalObjectStorage(s), new ObjectStorage(s, "TraceBucket"));
  });
  const production = synthStack((s) => {
    clusterProviders(s, cluster, "eu-west-1");
    const network = minimalNetwork(s);
    const database = minimalPostgresDatabase(s, network, CLIENT_SG);
    const ingress = productionClusterIngress(s, cluster, network);
    serviceSlos(s, productionObservability(s, cluster, ingress, database));
  });
  const alarmsOnly = synthStack((s) =>
    minimalPlatformAlarms(s, minimalPostgresDatabase(s, minimalNetwork(s), CLIENT_SG)),
  );

  it("providers: Kubernetes and Helm authenticate with aws eks get-token", () => {
    const kubernetes = (minimal.provider as any).kubernetes[0];
    expect(kubernetes.exec[0]).toEqual(expect.objectContaining({ command: "aws" }));
    expect(kubernetes.exec[0].args).toEqual(
      expect.arrayContaining(["get-token", "--cluster-name", "orders"]),
    );
    expect((minimal.provider as any).helm[0].kubernetes.exec.command).toBe("aws");
  });

  it("minimal: the load balancer controller and the observability charts are installed", () => {
    const charts = Object.values(resourcesOf(minimal, "helm_release")).map((r) => r.chart);
    expect(charts).toEqual(
      expect.arrayContaining(["aws-load-balancer-controller", "kube-prometheus-stack", "loki", "tempo"]),
    );
  });

  it("production: external-dns for the domain, an ACM certificate, alarms to the on-call address", () => {
    const charts = Object.values(resourcesOf(production, "helm_release")).map((r) => r.chart);
    expect(charts).toEqual(expect.arrayContaining(["external-dns", "cert-manager"]));
    expect(onlyResource(production, "aws_acm_certificate").domain_name).toBe("orders.example.com");
    const subscriptions = Object.values(resourcesOf(production, "aws_sns_topic_subscription"));
    expect(subscriptions.map((s) => s.endpoint)).toContain("orders-oncall@example.com");
  });

  it("slo: the service's SLO as a PrometheusRule in its namespace, after kube-prometheus-stack", () => {
    const release = Object.values(resourcesOf(production, "helm_release")).find(
      (r) => r.name === "ordersslos",
    );
    const [rule] = JSON.parse(release.values[0]).objects;
    expect([rule.kind, rule.metadata.name, rule.metadata.namespace]).toEqual([
      "PrometheusRule",
      "slo-orders-api-availability",
      "orders",
    ]);
    expect(rule.spec.groups[1].rules.map((r: any) => r.alert)).toEqual([
      "SLOBurnRatePage1h",
      "SLOBurnRatePage6h",
      "SLOBurnRateTicket3d",
    ]);
    expect(release.depends_on).toEqual([
      expect.stringMatching(/^helm_release\.Observability_KubePrometheusStack_/),
    ]);
  });

  it("alarm topic: encrypted with a key CloudWatch alarms may use, published to by them only", () => {
    const json = synthStack((s) => ownAlarmTopic(s));
    const key = onlyResource(json, "aws_kms_key");
    expect(JSON.parse(key.policy).Statement.map((st: any) => st.Principal?.Service)).toContain(
      "cloudwatch.amazonaws.com",
    );
    expect(onlyResource(json, "aws_sns_topic").kms_master_key_id).toMatch(/^\$\{aws_kms_key\.AlarmKey_/);
    const policy = JSON.parse(onlyResource(json, "aws_sns_topic_policy").policy);
    const publishers = policy.Statement.filter(
      (st: any) => st.Effect === "Allow" && [st.Action].flat().includes("sns:Publish"),
    );
    expect(publishers.map((st: any) => st.Principal)).toEqual([{ Service: "cloudwatch.amazonaws.com" }]);
  });

  it("alarms: a topic with the on-call subscription, without Kubernetes", () => {
    expect(resourcesOf(alarmsOnly, "helm_release")).toEqual({});
    const subscriptions = Object.values(resourcesOf(alarmsOnly, "aws_sns_topic_subscription"));
    expect(subscriptions.map((s) => s.endpoint)).toContain("orders-oncall@example.com");
  });
});

describe("existing resources example (a VPC by its ids, a bucket by its name)", () => {
  const json = synthStack((s) => {
    const { cluster } = onExistingResources(s);
    clusterProviders(s, cluster, "eu-west-1");
    withExistingKey(s);
  });
  const partition = Object.keys((json.data as any).aws_partition)[0];
  const bucketArn = `arn:\${data.aws_partition.${partition}.partition}:s3:::${EXISTING.logBucketName}`;

  it("creates no VPC, subnet or log bucket: they are only referred to", () => {
    for (const type of ["aws_vpc", "aws_subnet"]) {
      expect(resourcesOf(json, type)).toEqual({});
    }
    const buckets = Object.values(resourcesOf(json, "aws_s3_bucket"));
    expect(buckets.map((b) => b.bucket_prefix)).toEqual(["exports-"]);
  });

  it("the database's subnet group uses the given database subnets, its security group the given VPC", () => {
    const group = onlyResource(json, "aws_db_subnet_group");
    expect(group.subnet_ids).toEqual(EXISTING.databaseSubnetIds);
    expect(onlyResource(json, "aws_db_instance").db_subnet_group_name).toBe(
      refTo(findResource(json, "aws_db_subnet_group"), "name"),
    );
    expect(findResource(json, "aws_security_group", "Database/SecurityGroup").body.vpc_id).toBe(
      EXISTING.vpcId,
    );
  });

  it("the cluster runs in the given private subnets and VPC", () => {
    expect(onlyResource(json, "aws_eks_cluster").vpc_config.subnet_ids).toEqual(EXISTING.privateSubnetIds);
    const groups = Object.values(resourcesOf(json, "aws_security_group")).filter((g) =>
      /^orders-(control-plane|nodes)/.test(g.name ?? ""),
    );
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) expect(group.vpc_id).toBe(EXISTING.vpcId);
  });

  it("Loki's role is scoped to the given bucket and its key", () => {
    const policy = JSON.parse(
      findResource(json, "aws_iam_role_policy", "Observability/LokiRole/Policy-log-bucket").body.policy,
    );
    const resources = policy.Statement.flatMap((st: any) => [st.Resource].flat());
    expect(resources).toEqual(
      expect.arrayContaining([bucketArn, `${bucketArn}/*`, EXISTING.logBucketKeyArn]),
    );
    expect(resources.every((r: string) => r.startsWith(bucketArn) || r === EXISTING.logBucketKeyArn)).toBe(
      true,
    );
    const loki = findResource(json, "helm_release", "Observability/Loki/Release").body;
    expect(JSON.stringify(loki.values)).toContain(EXISTING.logBucketName);
  });

  it("Tempo's role is scoped to the given trace bucket and its key", () => {
    const traceArn = bucketArn.replace(EXISTING.logBucketName, EXISTING.traceBucketName);
    const policy = JSON.parse(
      findResource(json, "aws_iam_role_policy", "Observability/TempoRole/Policy-trace-bucket").body.policy,
    );
    const resources = policy.Statement.flatMap((st: any) => [st.Resource].flat());
    expect(resources).toEqual(expect.arrayContaining([traceArn, `${traceArn}/*`, EXISTING.logBucketKeyArn]));
    expect(resources.every((r: string) => r.startsWith(traceArn) || r === EXISTING.logBucketKeyArn)).toBe(
      true,
    );
  });

  it("a new bucket encrypts with the given key and creates none", () => {
    const encryption = onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration");
    expect(encryption.rule[0].apply_server_side_encryption_by_default.kms_master_key_id).toBe(
      EXISTING.logBucketKeyArn,
    );
    const keys = Object.values(resourcesOf(json, "aws_kms_key")).map((k) => k.description);
    expect(keys.some((d: string) => /bucket/.test(d))).toBe(false);
  });
});

describe("policy examples", () => {
  /** An app with one stack: provider with the required tags, a bucket, and the example's policy setup. */
  const policyApp = (apply: (stack: TerraformStack) => void) => (app: App) => {
    const stack = new TerraformStack(app, "orders");
    new AwsProvider(stack, "Aws", {
      region: "eu-west-1",
      defaultTags: [
        {
          tags: {
            environment: "prod",
            "managed-by": "cdktf",
            repository: "acme/orders",
            stack: "orders",
            "cost-center": "42",
          },
        },
      ],
    });
    new ObjectStorage(stack, "Documents");
    apply(stack);
  };

  it("minimal: the pack fails synthesis where production data is not protected", () => {
    expect(() => synthAppWithAnnotations(policyApp(minimalPolicy))).toThrow(/\[DATA-001\] production data/);
  });

  it("production: protects every stateful resource and reports the waiver with its reason, and no error", () => {
    const { stacks, annotations } = synthAppWithAnnotations(policyApp(productionPolicy));
    const buckets = Object.values(resourcesOf(stacks.orders, "aws_s3_bucket"));
    expect(buckets.map((b) => b.lifecycle)).toEqual([{ prevent_destroy: true }, { prevent_destroy: true }]);
    expect(annotations.orders.filter((a) => a.level === "error")).toEqual([]);
    expect(annotations.orders.map((a) => a.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\[S3-004\] waived: Build cache/)]),
    );
  });
});

describe("the rename procedure of the changelog", () => {
  /** The stack as `cdktf synth` writes it (with each resource's construct path in its metadata). */
  const synthOrders = (build: (stack: TerraformStack) => void): TerraformJson =>
    synthAppWithAnnotations((app) => {
      const stack = new TerraformStack(app, "orders");
      new AwsProvider(stack, "Aws", { region: "eu-west-1" });
      build(stack);
    }).stacks.orders;

  // The old addresses, read from the previous cdk.tf.json, by construct path below the stack.
  const before = synthOrders(
    (s) => new ObjectStorage(s, "Documents", { bucketNamePrefix: "orders-documents" }),
  );
  const moves: Record<string, string> = {};
  for (const [type, resources] of Object.entries(before.resource ?? {})) {
    for (const [name, body] of Object.entries(resources)) {
      const belowStack = String(body["//"].metadata.path).split("/").slice(1).join("/");
      moves[belowStack.replace(/^Documents\//, "CustomerDocuments/")] = `${type}.${name}`;
    }
  }
  const after = synthOrders((s) => renamedObjectStorage(s, moves));

  it("moves every resource of the renamed construct to its new address", () => {
    const moved: { from: string; to: string }[] = (after as any).moved ?? [];
    const newAddresses = Object.entries(after.resource ?? {}).flatMap(([type, resources]) =>
      Object.keys(resources).map((name) => `${type}.${name}`),
    );
    expect(Object.keys(moves).length).toBeGreaterThan(5);
    expect(moved.map((m) => m.from).sort()).toEqual(Object.values(moves).sort());
    expect(moved.map((m) => m.to).sort()).toEqual(newAddresses.sort());
    expect(newAddresses.every((a) => a.includes("CustomerDocuments"))).toBe(true);
  });

  it("refuses a move whose path names no resource (a typo would leave a replacement in the plan)", () => {
    expect(() =>
      synthOrders((s) =>
        renamedObjectStorage(s, { ...moves, "CustomerDocuments/Buckett": "aws_s3_bucket.X" }),
      ),
    ).toThrow(
      /moveResources 'orders\/CustomerDocuments': no resource at "CustomerDocuments\/Buckett"; resources under it: .*"CustomerDocuments\/Bucket"/,
    );
  });
});

describe("the README's error example", () => {
  it("is the message Network throws for a /8", () => {
    const readme = fs.readFileSync(README_PATH, "utf8");
    const documented = /## Errors[\s\S]*?```text\n(.*)\n```/.exec(readme)?.[1] ?? "";
    expect(documented).toMatch(/^Network 'orders-data-prod\/Network': 'cidr' /);
    const app = Testing.app();
    const stack = new TerraformStack(app, "orders-data-prod");
    new AwsProvider(stack, "Aws", { region: "eu-west-1" });
    expect(
      () =>
        new Network(stack, "Network", {
          cidr: "10.0.0.0/8",
          availabilityZones: ["eu-west-1a", "eu-west-1b"],
        }),
    ).toThrow(documented);
  });
});

describe("autoscaling examples", () => {
  const json = synthStack((s) => {
    const cluster = minimalEksCluster(s, minimalNetwork(s));
    platformAutoscaling(s, cluster, clusterKarpenter(s, cluster), CLIENT_SG);
  });
  const releases = Object.values(resourcesOf(json, "helm_release"));

  it("Karpenter: its AWS side, CRDs, controller and a spot-first node pool on a pinned AMI; metrics-server", () => {
    expect(onlyResource(json, "aws_sqs_queue").name).toMatch(/-karpenter$/);
    expect(releases.map((r) => r.name).sort()).toEqual([
      "karpenter",
      "karpenter-crd",
      "karpenter-node-pools",
      "metrics-server",
    ]);
    const pools = JSON.parse(releases.find((r) => r.name === "karpenter-node-pools").values[0]).objects;
    expect(pools[0].spec.amiSelectorTerms).toEqual([{ alias: "al2023@v20251120" }]);
    expect(pools[1].spec.limits).toEqual({ cpu: "64", memory: "256Gi" });
  });
});

describe("secrets examples", () => {
  const json = synthStack((s) => {
    platformSecrets(s, { clusterName: "orders" }, minimalPostgresDatabase(s, minimalNetwork(s), CLIENT_SG));
  });
  const releases = Object.values(resourcesOf(json, "helm_release"));

  it("External Secrets with its store, the database secret in one namespace, and the observability secrets", () => {
    expect(releases.map((r) => r.name).sort()).toEqual([
      "external-secrets",
      "external-secrets-stores",
      "kube-prometheus-stack",
      "observability-secrets",
      "platform-slos",
      "secret-orders-database-credentials",
    ]);
    const [, externalSecret] = JSON.parse(
      releases.find((r) => r.name === "secret-orders-database-credentials").values[0],
    ).objects;
    expect(externalSecret.spec.data.map((d: { secretKey: string }) => d.secretKey)).toEqual([
      "PGUSER",
      "PGPASSWORD",
    ]);
  });
});
