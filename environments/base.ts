import {
  DEFAULT_OBSERVABILITY_SIZING,
  OBSERVABILITY_DEFAULTS,
} from "../constructs/observability/observability";
import { DEFAULT_PLATFORM_SLO_OBJECTIVES } from "../constructs/observability/platform-slos";
import { DEFAULT_EKS_VERSION, DEFAULT_POSTGRES_MAJOR_VERSION } from "../constructs/versions";

/** Observability's own defaults: a change of default is made once, in the construct. */
const observability = DEFAULT_OBSERVABILITY_SIZING;
import { accountRole } from "./define";
import { EnvironmentInput } from "./schema";

/** The values every environment shares; each environment file states only its deltas. */
export const base = {
  sandbox: false,
  region: "eu-west-1",
  repository: "acme/aws-platform",
  network: {
    azCount: 2,
    natGateways: "single",
    flowLogRetentionDays: 90,
    interfaceEndpoints: [],
  },
  // The bootstrap stack's own state starts local (its bucket does not exist yet); an environment switches
  // to "bucket" when it migrates that state (docs/operations.md, Bootstrap).
  state: { bootstrapBackend: "local" },
  /** The policy pack's profile (constructs/policy): staging and production demand more. */
  compliance: "development",
  protection: {
    deletionProtection: false,
    preventDestroy: false,
    forceDestroy: false,
  },
  // The cluster layer: private API endpoint, one on-demand node group over every AZ. The admin role
  // lives in each environment's own account (accountRole: its ARN follows from accountId).
  cluster: {
    // The catalog's defaults (constructs/versions.ts): bumping the catalog upgrades every environment.
    version: DEFAULT_EKS_VERSION,
    endpointPublicAccess: false,
    publicAccessCidrs: [],
    adminRoleArns: [accountRole("platform-admin")],
    logRetentionDays: 90,
    // Karpenter's default NodePool: current-generation c/m/r on-demand x86 nodes, consolidated when
    // empty or underutilized after a minute, replaced monthly (new AMIs), at most 32 vCPUs in total.
    karpenter: {
      instanceCategories: ["c", "m", "r"],
      minInstanceGeneration: 6,
      architectures: ["amd64"],
      capacityTypes: ["on-demand"],
      cpuLimit: 32,
      memoryLimitGiB: 128,
      consolidationPolicy: "WhenEmptyOrUnderutilized",
      consolidateAfterSeconds: 60,
      expireAfterHours: 720,
      amiFamily: "AL2023",
      amiVersion: "latest",
      diskSizeGiB: 50,
    },
    // The baseline: system pods, Karpenter and the platform releases (sized below to fit it).
    nodeGroups: {
      general: {
        instanceTypes: ["m7i.large", "m6i.large"],
        capacityType: "onDemand",
        minSize: 2,
        maxSize: 4,
        desiredSize: 2,
        diskSizeGiB: 50,
        labels: { workload: "general" },
      },
    },
  },
  // The data layer: a mid-sized, Multi-AZ database with a week of backups, and versioned buckets.
  data: {
    postgres: {
      majorVersion: DEFAULT_POSTGRES_MAJOR_VERSION,
      instanceClass: "db.t4g.medium",
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 100,
      multiAz: true,
      backupRetentionDays: 7,
      skipFinalSnapshot: false,
      logRetentionDays: 30,
      performanceInsightsRetentionDays: 7,
      monitoringIntervalSeconds: 60,
      connectionsAlarmThreshold: 300,
    },
    buckets: {
      versioned: true,
      noncurrentVersionExpirationDays: 90,
      logExpirationDays: 90,
      accessLogging: false,
    },
  },
  // The platform layer: every component on, no DNS domain (each environment names its own), a small
  // single-binary Loki, a week of traces, and alarms to the platform team's on-call list.
  platform: {
    components: {
      loadBalancerController: true,
      certManager: true,
      externalDns: true,
      monitoring: true,
      logging: true,
      tracing: true,
      externalSecrets: true,
    },
    // Retention, Prometheus's volume and Loki's mode: the construct's defaults.
    ...OBSERVABILITY_DEFAULTS,
    // Replicas and requests of the platform releases, for two 2-vCPU/8-GiB baseline nodes; the
    // platform stack fails synthesis when they do not fit an environment's node groups. The
    // observability releases take the construct's defaults, except a larger Prometheus.
    sizing: {
      karpenter: { replicas: 2, cpuMillis: 250, memoryMiB: 512 },
      metricsServerReplicas: 2,
      prometheus: { cpuMillis: 250, memoryMiB: 1536 },
      grafana: observability.grafana,
      lokiSingleBinary: observability.loki.singleBinary,
      lokiRead: observability.loki.read,
      lokiWrite: observability.loki.write,
      lokiBackend: observability.loki.backend,
      lokiGateway: observability.loki.gateway,
      lokiChunksCacheMiB: observability.loki.chunksCacheMiB,
      lokiResultsCacheMiB: observability.loki.resultsCacheMiB,
      logShipper: observability.logShipper,
      otlpGateway: observability.otlpGateway,
      tempo: observability.tempo,
      externalSecrets: {
        controller: { replicas: 1, cpuMillis: 50, memoryMiB: 128 },
        webhook: { replicas: 1, cpuMillis: 20, memoryMiB: 64 },
        certController: { replicas: 1, cpuMillis: 20, memoryMiB: 64 },
      },
    },
    // The platform's own SLOs: the construct's defaults (constructs/observability/platform-slos.ts).
    slos: DEFAULT_PLATFORM_SLO_OBJECTIVES,
    alarmEmails: ["platform-oncall@example.com"],
    // Grafana through port-forward unless an environment names an OIDC provider (and has a domain):
    // then behind an internal ALB at grafana.<domain>.
    grafana: { exposure: "internal" },
  },
  // The deploy model (docs/operations.md, Identities and network paths): the account baseline's roles
  // trust this repository; by default the cluster API stays private and the jobs that talk to it run
  // on a self-hosted runner inside the environment's VPC.
  ci: {
    githubRepository: "acme/aws-platform",
    apiAccess: "vpcRunner",
    runnerEgressCidrs: [],
    operatorRoleArns: [accountRole("platform-admin")],
    hostsSandboxes: false,
  },
  tags: {
    "cost-center": "platform",
    owner: "platform-team",
  },
} as const satisfies Omit<EnvironmentInput, "name" | "accountId" | "state" | "network" | "ci"> & {
  network: Omit<EnvironmentInput["network"], "cidr">;
  ci: Omit<EnvironmentInput["ci"], "githubEnvironment" | "runnerLabel">;
  state: Omit<EnvironmentInput["state"], "bucket">;
};
