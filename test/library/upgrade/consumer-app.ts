import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { App, TerraformStack } from "cdktf";
import type * as Library from "@acme/aws-platform-constructs";

/**
 * The consumer app of the upgrade test: every public construct, with props the previous release
 * accepts, in one stack. It takes the library as a parameter so that the same code is synthesized
 * with the previous release's package and with the current sources. Keep it to the previous
 * release's API: a change here that the previous release rejects is a breaking change.
 */
export function buildConsumerApp(lib: typeof Library, app: App): TerraformStack {
  const stack = new TerraformStack(app, "orders");
  new AwsProvider(stack, "Aws", { region: "eu-west-1" });
  const host = "https://ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com";
  new KubernetesProvider(stack, "Kubernetes", { host });
  new HelmProvider(stack, "Helm", { kubernetes: { host } });

  const network = new lib.Network(stack, "Network", {
    cidr: "10.20.0.0/16",
    availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  });
  const key = new lib.EncryptionKey(stack, "SharedKey", { description: "orders data", alias: "orders-data" });
  const documents = new lib.ObjectStorage(stack, "Documents", {
    bucketNamePrefix: "orders-documents",
    kmsKeyArn: key.keyArn,
  });
  const logs = new lib.ObjectStorage(stack, "Logs", { bucketNamePrefix: "orders-logs" });
  // Required with tracing since 0.2.0; the previous release ignores the prop (the bucket is created either way).
  const traces = new lib.ObjectStorage(stack, "Traces", { bucketNamePrefix: "orders-traces" });
  const database = new lib.PostgresDatabase(stack, "Database", {
    network,
    identifier: "orders",
    databaseName: "orders",
    clientSecurityGroups: { app: "sg-0123456789abcdef0" },
  });
  const cluster = new lib.EksCluster(stack, "Cluster", {
    name: "orders",
    network,
    nodeGroups: { general: { instanceTypes: ["m7g.large"], minSize: 2, maxSize: 6 } },
  });
  new lib.PodIdentityRole(stack, "ReportsRole", {
    cluster,
    namespace: "reports",
    serviceAccount: "reports-worker",
    policies: { documents: documents.grantRead("reports/") },
  });
  new lib.ClusterIngress(stack, "Ingress", {
    cluster,
    vpcId: network.vpcId,
    domainName: "orders.example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    acmeEmail: "platform-team@example.com",
  });
  new lib.Observability(stack, "Observability", {
    cluster,
    logBucket: logs,
    traceBucket: traces,
    alarmEmails: ["oncall@example.com"],
  });
  new lib.PlatformAlarms(stack, "Alarms", {
    name: "orders-alarms",
    emails: ["oncall@example.com"],
    databaseInstanceIdentifiers: [database.identifier],
  });
  return stack;
}
