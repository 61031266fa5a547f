import { base } from "./base";
import { defineEnvironment } from "./define";
import { EnvironmentInput } from "./schema";

/** Development: two AZs, one shared NAT gateway, nothing deletion-protected. */
export const dev: EnvironmentInput = defineEnvironment(base, {
  name: "dev",
  accountId: "111111111111",
  network: { cidr: "10.10.0.0/16", flowLogRetentionDays: 30 },
  cluster: {
    // Reachable from the office VPN's egress block (placeholder documentation range) as well as the VPC.
    endpointPublicAccess: true,
    publicAccessCidrs: ["203.0.113.0/24"],
    logRetentionDays: 30,
    // Karpenter may use spot (preferred) and on-demand, up to 16 vCPUs.
    karpenter: {
      capacityTypes: ["spot", "on-demand"],
      cpuLimit: 16,
      memoryLimitGiB: 64,
    },
    // Small spot nodes over two instance types: cheap, and interruptions are acceptable in dev.
    nodeGroups: {
      general: {
        instanceTypes: ["t3.large", "t3a.large"],
        capacityType: "spot",
        minSize: 1,
        maxSize: 3,
        desiredSize: 2,
        diskSizeGiB: 30,
      },
    },
  },
  data: {
    // Smallest burstable class, one AZ, three days of backups.
    postgres: {
      instanceClass: "db.t4g.micro",
      maxAllocatedStorageGiB: 50,
      multiAz: false,
      backupRetentionDays: 3,
      logRetentionDays: 14,
      connectionsAlarmThreshold: 60,
    },
    buckets: { noncurrentVersionExpirationDays: 30, logExpirationDays: 30 },
  },
  // Its own subdomain (a zone delegated from the parent), a week of metrics, two weeks of logs, three days of traces.
  platform: {
    domain: {
      name: "dev.platform.example.com",
      hostedZoneId: "Z0DEV00000000000000001",
      acmeEmail: "platform-team@example.com",
    },
    prometheusRetentionDays: 7,
    prometheusStorageGiB: 20,
    lokiRetentionDays: 14,
    // Spot nodes and experiments: lower objectives, so dev pages on real outages only.
    slos: { coreDnsPercent: 99.5, lokiWritePercent: 99, loadBalancerPercent: 99.5 },
    tempoRetentionDays: 3,
    // Grafana at grafana.dev.platform.example.com (internal ALB) with single sign-on; the identity
    // provider and client are placeholders, and the client secret's value is the operator's to store.
    grafana: {
      oidc: {
        issuerUrl: "https://login.example.com",
        authUrl: "https://login.example.com/oauth2/v1/authorize",
        tokenUrl: "https://login.example.com/oauth2/v1/token",
        apiUrl: "https://login.example.com/oauth2/v1/userinfo",
        clientId: "grafana-dev",
        clientSecretName: "observability/grafana-oidc-client-secret",
      },
    },
    // The database's master credentials as the Secret apps/database-credentials (an example delivery).
    databaseSecretDelivery: { namespace: "apps", targetSecretName: "database-credentials" },
  },
  // Public endpoint limited to the dev runner's static egress (placeholder documentation range), so the
  // runner needs no VPC; the dev deploy role also applies the sandboxes that live in this account.
  ci: {
    githubEnvironment: "dev",
    apiAccess: "publicEndpoint",
    runnerLabel: "dev-platform",
    runnerEgressCidrs: ["198.51.100.0/28"],
    hostsSandboxes: true,
  },
});
