import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import {
  AlarmTopic,
  ClusterIngress,
  EncryptionKey,
  EksClusterConnection,
  Network,
  ObjectStorage,
  Observability,
  PlatformAlarms,
  PostgresDatabase,
  ServiceLevelObjectives,
  counterSli,
  cloudWatchAlarmsGrant,
  eksExecAuth,
} from "@acme/aws-platform-constructs";

/**
 * The Kubernetes and Helm providers of a platform stack, configured from a cluster (made in another
 * stack): a short-lived token from `aws eks get-token` on every run, no stored credential.
 */
export function clusterProviders(scope: Construct, cluster: EksClusterConnection, region: string): void {
  // #region providers
  const host = cluster.clusterEndpoint;
  const clusterCaCertificate = Fn.base64decode(cluster.clusterCertificateAuthorityData);
  const exec = eksExecAuth(cluster.clusterName, region);
  new KubernetesProvider(scope, "Kubernetes", { host, clusterCaCertificate, exec: [exec] });
  new HelmProvider(scope, "Helm", { kubernetes: { host, clusterCaCertificate, exec } });
  // #endregion
}

/** The AWS Load Balancer Controller and cert-manager, without a DNS domain. */
export function minimalClusterIngress(
  scope: Construct,
  cluster: EksClusterConnection,
  network: Network,
): ClusterIngress {
  // #region ingress-minimal
  const ingress = new ClusterIngress(scope, "Ingress", { cluster, network });
  // #endregion
  return ingress;
}

/** Ingress for a domain: Let's Encrypt issuers, external-dns records and an ACM certificate for the ALBs. */
export function productionClusterIngress(
  scope: Construct,
  cluster: EksClusterConnection,
  network: Network,
): ClusterIngress {
  // #region ingress-example
  const ingress = new ClusterIngress(scope, "Ingress", {
    cluster,
    network,
    domainName: "orders.example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    acmeEmail: "platform-team@example.com",
    // Only this cluster writes records in the zone: let external-dns delete the ones it created.
    externalDnsPolicy: "sync",
    loadBalancerTags: { "cost-center": "orders" },
  });
  // #endregion
  return ingress;
}

/** Prometheus and Grafana, Loki and Tempo on their buckets, log shipping, an OTLP gateway and the alarm topic. */
export function minimalObservability(
  scope: Construct,
  cluster: EksClusterConnection,
  logBucket: ObjectStorage,
  traceBucket: ObjectStorage,
): Observability {
  // #region observability-minimal
  const observability = new Observability(scope, "Observability", { cluster, logBucket, traceBucket });
  // #endregion
  return observability;
}

/** Production observability: longer retention, scalable Loki, alarms to the on-call team and on the database. */
export function productionObservability(
  scope: Construct,
  cluster: EksClusterConnection,
  ingress: ClusterIngress,
  database: PostgresDatabase,
): Observability {
  // #region observability-example
  // Loki's bucket: logs are kept 90 days by Loki itself; old versions need not be kept long.
  const logBucket = new ObjectStorage(scope, "LogBucket", {
    bucketNamePrefix: "orders-prod-loki",
    noncurrentVersionExpirationDays: 7,
  });
  // Tempo's bucket: traces are kept 30 days by Tempo itself.
  const traceBucket = new ObjectStorage(scope, "TraceBucket", {
    bucketNamePrefix: "orders-prod-tempo",
    noncurrentVersionExpirationDays: 7,
  });
  const observability = new Observability(scope, "Observability", {
    cluster,
    // Charts whose Services get load balancers wait for the controller, and are removed before it.
    dependsOn: ingress.loadBalancerController ? [ingress.loadBalancerController.release] : [],
    prometheusRetentionDays: 30,
    prometheusStorageGiB: 200,
    logBucket,
    lokiMode: "simpleScalable",
    lokiRetentionDays: 90,
    traceBucket,
    tempoRetentionDays: 30,
    alarmName: "orders-prod",
    alarmEmails: ["orders-oncall@example.com"],
    alarmSubscribeToTopicArns: { database: database.alarmTopicArn },
    databaseInstanceIdentifiers: [database.identifier],
  });
  // #endregion
  return observability;
}

/** Alarms of an account's shared infrastructure, without Kubernetes. */
export function minimalPlatformAlarms(scope: Construct, database: PostgresDatabase): PlatformAlarms {
  // #region alarms
  const alarms = new PlatformAlarms(scope, "Alarms", {
    name: "orders-prod",
    emails: ["orders-oncall@example.com"],
    subscribeToTopicArns: { database: database.alarmTopicArn },
    databaseInstanceIdentifiers: [database.identifier],
  });
  // #endregion
  return alarms;
}

/** A service's own SLO, installed next to the platform's once kube-prometheus-stack (its CRDs) is. */
export function serviceSlos(scope: Construct, observability: Observability): ServiceLevelObjectives {
  // #region slo
  const slos = new ServiceLevelObjectives(scope, "OrdersSlos", {
    namespace: "orders",
    objectives: [
      {
        name: "orders-api-availability",
        objectivePercent: 99.9,
        windowDays: 30,
        labels: { team: "orders" },
        // Bad events: 5xx responses of the orders API; all events: every response.
        ...counterSli({
          selector: { namespace: "orders", job: "orders-api" },
          errors: [{ metric: "http_server_requests_seconds_count", matchers: { status: { regex: "5.." } } }],
          total: [{ metric: "http_server_requests_seconds_count" }],
        }),
      },
    ],
    dependsOn: observability.monitoring ? [observability.monitoring.release] : [],
  });
  // #endregion
  return slos;
}

/** An alarm topic of its own, for alarms the platform's constructs do not create. */
export function ownAlarmTopic(scope: Construct): AlarmTopic {
  // #region alarm-topic
  const key = new EncryptionKey(scope, "AlarmKey", {
    description: "Encrypts the orders alarm topic",
    // CloudWatch publishes to an encrypted topic only with the key's use (this account's alarms only).
    serviceGrants: [cloudWatchAlarmsGrant(scope)],
  });
  const topic = new AlarmTopic(scope, "AlarmTopic", { topicName: "orders-alarms", encryptionKey: key });
  // #endregion
  return topic;
}
