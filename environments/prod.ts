import { base } from "./base";
import { defineEnvironment } from "./define";
import { EnvironmentInput } from "./schema";

/** Production: three AZs, a NAT gateway per AZ, private endpoints, everything deletion-protected. */
export const prod: EnvironmentInput = defineEnvironment(base, {
  name: "prod",
  accountId: "333333333333",
  network: {
    cidr: "10.30.0.0/16",
    azCount: 3,
    natGateways: "perAz",
    flowLogRetentionDays: 365,
    interfaceEndpoints: [
      "ecr.api",
      "ecr.dkr",
      "sts",
      "ec2",
      "logs",
      "eks",
      "eks-auth",
      "elasticloadbalancing",
    ],
  },
  compliance: "production",
  protection: { deletionProtection: true, preventDestroy: true },
  cluster: {
    logRetentionDays: 365,
    karpenter: { cpuLimit: 128, memoryLimitGiB: 512, diskSizeGiB: 100 },
    // Larger on-demand nodes, at least one per AZ (three AZs), room to grow.
    nodeGroups: {
      general: {
        instanceTypes: ["m7i.xlarge", "m6i.xlarge"],
        minSize: 3,
        maxSize: 9,
        desiredSize: 3,
        diskSizeGiB: 100,
      },
    },
  },
  data: {
    // Memory-optimized Graviton, Multi-AZ, a month of backups, longer diagnostics, access logs.
    postgres: {
      instanceClass: "db.r7g.large",
      allocatedStorageGiB: 100,
      maxAllocatedStorageGiB: 1000,
      backupRetentionDays: 30,
      logRetentionDays: 90,
      performanceInsightsRetentionDays: 31,
      monitoringIntervalSeconds: 15,
      connectionsAlarmThreshold: 1200,
    },
    buckets: {
      noncurrentVersionExpirationDays: 365,
      logExpirationDays: 365,
      accessLogging: true,
    },
  },
  // The apex platform domain, a month of metrics on larger volumes, scalable Loki with 90 days of logs,
  // a month of traces.
  platform: {
    domain: {
      name: "platform.example.com",
      hostedZoneId: "Z0PROD0000000000000001",
      acmeEmail: "platform-team@example.com",
    },
    prometheusRetentionDays: 30,
    prometheusStorageGiB: 200,
    lokiMode: "simpleScalable",
    lokiRetentionDays: 90,
    tempoRetentionDays: 30,
    // Three 4-vCPU/16-GiB baseline nodes: three of each Loki target, larger caches and Prometheus.
    sizing: {
      karpenter: { replicas: 2, cpuMillis: 500, memoryMiB: 1024 },
      metricsServerReplicas: 2,
      prometheus: { cpuMillis: 1000, memoryMiB: 4096 },
      grafana: { cpuMillis: 100, memoryMiB: 512 },
      lokiSingleBinary: { cpuMillis: 500, memoryMiB: 1024 },
      lokiRead: { replicas: 3, cpuMillis: 250, memoryMiB: 512 },
      lokiWrite: { replicas: 3, cpuMillis: 250, memoryMiB: 1024 },
      lokiBackend: { replicas: 3, cpuMillis: 100, memoryMiB: 512 },
      lokiGateway: { replicas: 2, cpuMillis: 50, memoryMiB: 64 },
      lokiChunksCacheMiB: 2048,
      lokiResultsCacheMiB: 512,
      logShipper: { cpuMillis: 100, memoryMiB: 256 },
      otlpGateway: { replicas: 2, cpuMillis: 100, memoryMiB: 256 },
      tempo: { cpuMillis: 250, memoryMiB: 1536 },
      // Two controllers and webhooks (leader election; admission survives a node drain).
      externalSecrets: {
        controller: { replicas: 2, cpuMillis: 100, memoryMiB: 256 },
        webhook: { replicas: 2, cpuMillis: 50, memoryMiB: 128 },
        certController: { replicas: 1, cpuMillis: 50, memoryMiB: 128 },
      },
    },
  },
  // Private endpoint; platform jobs run on the self-hosted runner inside the prod VPC.
  ci: {
    githubEnvironment: "prod",
    runnerLabel: "prod-platform",
  },
});
