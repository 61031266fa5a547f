import { z } from "zod";
import { LOG_RETENTION_ALLOWED, isLogRetentionDays } from "../constructs/core/log-retention";
import {
  NODE_GROUP_NAME,
  isInstanceType,
  isKubernetesLabelKey,
  isKubernetesLabelValue,
} from "../constructs/eks/eks-node-group";
import { isNetworkAddress, isPrivateRange, parseCidr } from "../constructs/network/cidr";
import { INTERFACE_ENDPOINT_SERVICES } from "../constructs/network/network";
import { isValidBucketName } from "../constructs/object-storage/object-storage";
import {
  MONITORING_INTERVALS,
  isPerformanceInsightsRetention,
} from "../constructs/postgres/postgres-database";
import {
  DEFAULT_POSTGRES_MAJOR_VERSION,
  EKS_VERSIONS,
  POSTGRES_MAJOR_VERSIONS,
} from "../constructs/versions";
import { IAM_ROLE_ARN } from "../constructs/core/aws-identifiers";
import { didYouMean } from "../constructs/core/validation";
import { INSTANCE_TYPES } from "../constructs/eks/instance-capacity";
import { postgresInstanceClasses } from "../constructs/postgres/instance-classes";
import { awsRegions, isAvailabilityZoneOf, partitionOf } from "./catalogs/aws-regions";

/** A sandbox's own name: lowercase letters and digits, 1–12 characters. */
export const SANDBOX_NAME_PATTERN = /^[a-z0-9]{1,12}$/;

/**
 * A long-lived environment's name: a lowercase letter, then 1–11 lowercase letters or digits. It
 * names stacks (`<name>-network`, `bootstrap-<name>`), state keys and AWS resources, and is the
 * name of its file and export in `environments/` (so it must not be a JavaScript reserved word).
 * `sandbox…` names are reserved for sandboxes, and `bootstrap` would collide with the bootstrap
 * stacks' ids.
 */
export const LONG_LIVED_NAME_PATTERN = /^(?!sandbox)(?!bootstrap$)[a-z][a-z0-9]{1,11}$/;

/** What {@link LONG_LIVED_NAME_PATTERN} allows, as users read it. */
export const LONG_LIVED_NAME_RULE =
  "a lowercase letter then 1–11 lowercase letters or digits, not starting with 'sandbox' and not 'bootstrap'";

const ENVIRONMENT_NAME_PATTERN = new RegExp(
  `^(${LONG_LIVED_NAME_PATTERN.source.slice(1, -1)}|sandbox-[a-z0-9]{1,12})$`,
);
const TAG_KEY_PATTERN = /^[\w .:/=+@-]{1,128}$/;

/** The policy profile an environment must use, where its name decides it (see the schema's refinements). */
export const REQUIRED_COMPLIANCE: Readonly<Record<string, "production">> = { prod: "production" };

const vpcCidr = z.string().refine(
  (cidr) => {
    const block = parseCidr(cidr);
    return (
      block !== undefined &&
      isNetworkAddress(block) &&
      block.prefix >= 16 &&
      block.prefix <= 20 &&
      isPrivateRange(block)
    );
  },
  { error: "must be a private /16–/20 IPv4 block with no host bits set (e.g. 10.10.0.0/16)" },
);

/** The network layer's settings. */
const networkSchema = z.strictObject({
  cidr: vpcCidr,
  azCount: z.union([z.literal(2), z.literal(3)], { error: "must be 2 or 3" }),
  availabilityZones: z
    .array(
      z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { error: "must be AZ names such as 'eu-west-1a'" }),
    )
    .optional(),
  natGateways: z.enum(["none", "single", "perAz"], { error: "must be 'none', 'single' or 'perAz'" }),
  flowLogRetentionDays: z.number().refine(isLogRetentionDays, { error: LOG_RETENTION_ALLOWED }),
  interfaceEndpoints: z.array(
    z.enum(INTERFACE_ENDPOINT_SERVICES, {
      error: `must be one of ${INTERFACE_ENDPOINT_SERVICES.join(", ")}`,
    }),
  ),
});

/**
 * Where `bootstrap-<env>` (the stack that creates the state bucket) keeps its own state: `local`
 * (`.bootstrap-state/`) until the bucket exists, then `bucket` once `bootstrap <env> --migrate` has
 * moved it there (docs/operations.md, Bootstrap).
 */
export const BOOTSTRAP_BACKENDS = ["local", "bucket"] as const;

/** Where the environment's Terraform state lives. */
const stateSchema = z.strictObject({
  bucket: z
    .string()
    .refine(isValidBucketName, { error: "must be a valid S3 bucket name (3–63 of a-z, 0-9, '.', '-')" }),
  roleArn: z.string().regex(IAM_ROLE_ARN, { error: "must be an IAM role ARN" }).optional(),
  bootstrapBackend: z.enum(BOOTSTRAP_BACKENDS, {
    error:
      "must be 'local' (bootstrap state in .bootstrap-state/) or 'bucket' (in the environment's state bucket, after bootstrap --migrate)",
  }),
});

/** How stateful resources are protected from deletion. */
const protectionSchema = z.strictObject({
  deletionProtection: z.boolean({ error: "must be true or false" }),
  preventDestroy: z.boolean({ error: "must be true or false" }),
  forceDestroy: z.boolean({ error: "must be true or false" }),
});

const wholeNumber = (min: number, max: number, unit: string) =>
  z
    .number({ error: `must be a whole number of ${unit} from ${min} to ${max}` })
    .int({ error: `must be a whole number of ${unit} from ${min} to ${max}` })
    .min(min, { error: `must be a whole number of ${unit} from ${min} to ${max}` })
    .max(max, { error: `must be a whole number of ${unit} from ${min} to ${max}` });

/** The data layer's sizing: the environment's Postgres database and buckets. */
const dataSchema = z.strictObject({
  postgres: z.strictObject({
    majorVersion: z.literal(POSTGRES_MAJOR_VERSIONS, {
      error: `must be one of ${POSTGRES_MAJOR_VERSIONS.join(", ")} (the versions catalog)`,
    }),
    instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, {
      error: (issue) =>
        `must be an RDS instance class such as 'db.t4g.micro'${didYouMean(issue.input, postgresInstanceClasses(DEFAULT_POSTGRES_MAJOR_VERSION))}`,
    }),
    allocatedStorageGiB: wholeNumber(20, 65536, "GiB"),
    maxAllocatedStorageGiB: wholeNumber(22, 65536, "GiB"),
    multiAz: z.boolean({ error: "must be true or false" }),
    backupRetentionDays: wholeNumber(0, 35, "days"),
    skipFinalSnapshot: z.boolean({ error: "must be true or false" }),
    logRetentionDays: z.number().refine(isLogRetentionDays, { error: LOG_RETENTION_ALLOWED }),
    performanceInsightsRetentionDays: z.number().refine(isPerformanceInsightsRetention, {
      error: "must be 7, a multiple of 31 up to 713, or 731 days",
    }),
    monitoringIntervalSeconds: z
      .number()
      .refine((s) => (MONITORING_INTERVALS as readonly number[]).includes(s), {
        error: `must be one of ${MONITORING_INTERVALS.join(", ")} seconds`,
      }),
    connectionsAlarmThreshold: wholeNumber(1, 100000, "connections"),
  }),
  buckets: z.strictObject({
    versioned: z.boolean({ error: "must be true or false" }),
    noncurrentVersionExpirationDays: wholeNumber(1, 3650, "days").optional(),
    logExpirationDays: wholeNumber(1, 3650, "days"),
    accessLogging: z.boolean({ error: "must be true or false" }),
  }),
});

const kubernetesName = z.string().refine(isKubernetesLabelKey, {
  error: "must be Kubernetes label keys (≤ 63 of letters, digits, '-', '_', '.', optional 'prefix/')",
});
const kubernetesValue = z.string().refine(isKubernetesLabelValue, {
  error: "must be Kubernetes label values (≤ 63 of letters, digits, '-', '_', '.')",
});

/** One managed node group of the cluster. */
const nodeGroupSchema = z
  .strictObject({
    instanceTypes: z
      .array(
        z.string().refine((type) => isInstanceType(type) && Object.hasOwn(INSTANCE_TYPES, type), {
          error: (issue) =>
            `must be EC2 instance types of the catalog (constructs/eks/instance-capacity.ts: ${Object.keys(INSTANCE_TYPES).length} types with their architecture, CPU, memory and ENI limits)${didYouMean(issue.input, Object.keys(INSTANCE_TYPES))}`,
        }),
      )
      .min(1, { error: "must list at least one EC2 instance type" }),
    capacityType: z.enum(["onDemand", "spot"], { error: "must be 'onDemand' or 'spot'" }),
    minSize: wholeNumber(0, 450, "nodes"),
    maxSize: wholeNumber(1, 450, "nodes"),
    desiredSize: wholeNumber(0, 450, "nodes"),
    diskSizeGiB: wholeNumber(20, 16384, "GiB"),
    labels: z.record(kubernetesName, kubernetesValue).optional(),
    taints: z
      .array(
        z.strictObject({
          key: kubernetesName,
          value: kubernetesValue.optional(),
          effect: z.enum(["NoSchedule", "NoExecute", "PreferNoSchedule"], {
            error: "must be 'NoSchedule', 'NoExecute' or 'PreferNoSchedule'",
          }),
        }),
      )
      .optional(),
  })
  .superRefine((group, ctx) => {
    if (group.minSize > group.maxSize) {
      ctx.addIssue({
        code: "custom",
        path: ["minSize"],
        input: group.minSize,
        message: `must not exceed maxSize (${group.maxSize})`,
      });
    } else if (group.desiredSize < group.minSize || group.desiredSize > group.maxSize) {
      ctx.addIssue({
        code: "custom",
        path: ["desiredSize"],
        input: group.desiredSize,
        message: `must be within minSize..maxSize (${group.minSize}..${group.maxSize})`,
      });
    }
  });

/**
 * Karpenter's default NodePool and EC2NodeClass: what it may launch (categories, families,
 * generations, architectures, capacity types), how much in total (limits), when it consolidates
 * or replaces nodes, and the AMI family and version.
 */
const karpenterSchema = z.strictObject({
  instanceCategories: z
    .array(z.string().regex(/^[a-z]{1,3}$/, { error: "must be instance categories such as 'c', 'm', 'r'" }))
    .min(1, { error: "must list at least one instance category" }),
  instanceFamilies: z
    .array(z.string().regex(/^[a-z][a-z0-9-]{1,15}$/, { error: "must be instance families such as 'm7i'" }))
    .min(1, { error: "must list at least one instance family, or be left out" })
    .optional(),
  minInstanceGeneration: wholeNumber(1, 9, "generations"),
  architectures: z
    .array(z.enum(["amd64", "arm64"], { error: "must be 'amd64' or 'arm64'" }))
    .min(1, { error: "must list at least one architecture" }),
  capacityTypes: z
    .array(z.enum(["on-demand", "spot"], { error: "must be 'on-demand' or 'spot'" }))
    .min(1, { error: "must list at least one capacity type" }),
  cpuLimit: wholeNumber(1, 10000, "vCPUs"),
  memoryLimitGiB: wholeNumber(1, 100000, "GiB"),
  consolidationPolicy: z.enum(["WhenEmpty", "WhenEmptyOrUnderutilized"], {
    error: "must be 'WhenEmpty' or 'WhenEmptyOrUnderutilized'",
  }),
  consolidateAfterSeconds: wholeNumber(0, 86400, "seconds"),
  expireAfterHours: wholeNumber(1, 8760, "hours"),
  amiFamily: z.enum(["AL2023", "Bottlerocket"], { error: "must be 'AL2023' or 'Bottlerocket'" }),
  amiVersion: z
    .string()
    .regex(/^(latest|v\d{8})$/, { error: "must be 'latest' or an AMI release such as 'v20251120'" }),
  diskSizeGiB: wholeNumber(20, 16384, "GiB"),
});

/** The cluster layer's settings: version, API endpoint exposure, admins, node groups, logs. */
const clusterSchema = z
  .strictObject({
    version: z.enum(EKS_VERSIONS, {
      error: `must be one of ${EKS_VERSIONS.join(", ")} (EKS standard support, the versions catalog)`,
    }),
    endpointPublicAccess: z.boolean({ error: "must be true or false" }),
    publicAccessCidrs: z.array(
      z.string().refine(
        (cidr) => {
          const block = parseCidr(cidr);
          return block !== undefined && isNetworkAddress(block);
        },
        { error: "must be IPv4 blocks with no host bits set (e.g. 203.0.113.0/24)" },
      ),
    ),
    adminRoleArns: z.array(z.string().regex(IAM_ROLE_ARN, { error: "must be IAM role ARNs" })).min(1, {
      error: "must name at least one cluster admin role (nobody else can administer the cluster)",
    }),
    logRetentionDays: z.number().refine(isLogRetentionDays, { error: LOG_RETENTION_ALLOWED }),
    karpenter: karpenterSchema,
    nodeGroups: z.record(z.string(), nodeGroupSchema).superRefine((groups, ctx) => {
      const names = Object.keys(groups);
      if (names.length === 0) {
        ctx.addIssue({ code: "custom", input: groups, message: "must define at least one node group" });
      }
      for (const name of names.filter((n) => !NODE_GROUP_NAME.test(n))) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          input: name,
          message: "must be node group names of 1–20 lowercase letters, digits or '-'",
        });
      }
    }),
  })
  .superRefine((cluster, ctx) => {
    const cidrs = cluster.publicAccessCidrs;
    if (cluster.endpointPublicAccess && cidrs.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["publicAccessCidrs"],
        input: cidrs,
        message: "must list the IPv4 blocks allowed to reach the public endpoint",
      });
    }
    if (!cluster.endpointPublicAccess && cidrs.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["publicAccessCidrs"],
        input: cidrs,
        message: "must be empty unless endpointPublicAccess is true",
      });
    }
    if (cidrs.includes("0.0.0.0/0")) {
      ctx.addIssue({
        code: "custom",
        path: ["publicAccessCidrs"],
        input: cidrs,
        message: "must not contain 0.0.0.0/0 (an API endpoint open to the whole internet)",
      });
    }
  });

/**
 * How the cluster API is reached by whoever applies `<env>-platform` (CI and operators):
 * `vpcRunner` — private endpoint, jobs on a self-hosted runner inside the VPC (the network layer
 * provides its security group, the control plane admits 443 from it); `publicEndpoint` — the public
 * endpoint, limited to the runner's declared egress CIDRs.
 */
export const API_ACCESS_MODES = ["vpcRunner", "publicEndpoint"] as const;

const ipv4Block = z.string().refine(
  (cidr) => {
    const block = parseCidr(cidr);
    return block !== undefined && isNetworkAddress(block);
  },
  { error: "must be IPv4 blocks with no host bits set (e.g. 198.51.100.0/28)" },
);

/**
 * CI and the deploy model: the GitHub repository and environment the account baseline's roles
 * trust, and the path from the runner that applies `<env>-platform` to the cluster API.
 */
const ciSchema = z.strictObject({
  githubRepository: z.string().regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/, {
    error: "must be a GitHub repository as owner/name (e.g. 'acme/aws-platform')",
  }),
  // The plan and deploy role names embed it (`terraform-deploy-<name>`, at most 64 characters).
  githubEnvironment: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, {
    error: "must be a GitHub environment name of 1–40 letters, digits, '.', '_' or '-'",
  }),
  apiAccess: z.enum(API_ACCESS_MODES, {
    error:
      "must be 'vpcRunner' (private endpoint, runner in the VPC) or 'publicEndpoint' (runner egress CIDRs)",
  }),
  runnerLabel: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, {
    error: "must be a GitHub Actions runner label (letters, digits, '.', '_', '-')",
  }),
  runnerEgressCidrs: z.array(ipv4Block),
  operatorRoleArns: z.array(z.string().regex(IAM_ROLE_ARN, { error: "must be IAM role ARNs" })),
  hostsSandboxes: z.boolean({ error: "must be true or false" }),
});

/** CPU and memory a pod requests. */
const requestsSchema = z.strictObject({
  cpuMillis: wholeNumber(1, 64000, "millicores"),
  memoryMiB: wholeNumber(16, 262144, "MiB"),
});
/** Requests and a replica count. */
const scaledSchema = z.strictObject({
  replicas: wholeNumber(1, 50, "replicas"),
  cpuMillis: wholeNumber(1, 64000, "millicores"),
  memoryMiB: wholeNumber(16, 262144, "MiB"),
});

/**
 * Replicas and requests of every platform release, sized so each fits the environment's baseline
 * node groups (the platform stack checks it at synth).
 */
const sizingSchema = z.strictObject({
  karpenter: scaledSchema,
  metricsServerReplicas: wholeNumber(1, 5, "replicas"),
  prometheus: requestsSchema,
  grafana: requestsSchema,
  lokiSingleBinary: requestsSchema,
  lokiRead: scaledSchema,
  lokiWrite: scaledSchema,
  lokiBackend: scaledSchema,
  lokiGateway: scaledSchema,
  lokiChunksCacheMiB: wholeNumber(64, 65536, "MiB"),
  lokiResultsCacheMiB: wholeNumber(64, 65536, "MiB"),
  logShipper: requestsSchema,
  otlpGateway: scaledSchema,
  tempo: requestsSchema,
  externalSecrets: z.strictObject({
    controller: scaledSchema,
    webhook: scaledSchema,
    certController: scaledSchema,
  }),
});

const httpsUrl = z.url({ protocol: /^https$/, error: "must be an https URL" });

/**
 * Grafana behind the ALB: `internal` (reachable from the VPC and what is peered with it) or
 * `internetFacing`; public only with a domain and OIDC settings (else port-forward only).
 */
const grafanaSchema = z.strictObject({
  exposure: z.enum(["internal", "internetFacing"], { error: "must be 'internal' or 'internetFacing'" }),
  oidc: z
    .strictObject({
      issuerUrl: httpsUrl,
      authUrl: httpsUrl,
      tokenUrl: httpsUrl,
      apiUrl: httpsUrl,
      clientId: z.string().regex(/^[\w.:@/-]{1,255}$/, { error: "must be 1–255 letters, digits or _.:@/-" }),
      clientSecretName: z.string().regex(/^[\w+=.@-][\w/+=.@-]{0,400}$/, {
        error:
          "must be a Secrets Manager secret name relative to the environment's prefix '<env>/' (e.g. 'observability/grafana-oidc-client-secret')",
      }),
      roleAttributePath: z.string().min(1).optional(),
    })
    .optional(),
});

/** The database's RDS-managed master secret, delivered into a namespace (created by the platform stack). */
const databaseSecretDeliverySchema = z.strictObject({
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
    error: "must be a Kubernetes namespace name (DNS label)",
  }),
  targetSecretName: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
    error: "must be a Kubernetes Secret name (DNS label)",
  }),
});

/** An SLO's objective: a percentage of good events, from 50 to below 100 (a fraction is refused). */
const OBJECTIVE_RULE = "must be a percentage from 50 to below 100 (e.g. 99.9)";
const objectivePercent = z
  .number({ error: OBJECTIVE_RULE })
  .min(50, { error: OBJECTIVE_RULE })
  .lt(100, { error: OBJECTIVE_RULE });

/**
 * Objectives of the platform's own SLOs (constructs/observability/platform-slos.ts): CoreDNS, Loki's
 * and Tempo's write paths and the cluster's ALBs, over one window.
 */
const slosSchema = z.strictObject({
  windowDays: wholeNumber(1, 90, "days"),
  coreDnsPercent: objectivePercent,
  lokiWritePercent: objectivePercent,
  tempoWritePercent: objectivePercent,
  loadBalancerPercent: objectivePercent,
});

const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const onOff = z.boolean({ error: "must be true or false" });

/**
 * The platform layer: which ingress and observability components run, the environment's DNS domain
 * (optional: without one, cert-manager issuers, external-dns and the ACM certificate are skipped),
 * Prometheus and Loki sizing, and who receives the environment's alarms.
 */
const platformSchema = z.strictObject({
  domain: z
    .strictObject({
      name: z.string().regex(DOMAIN_PATTERN, { error: "must be a DNS domain such as 'dev.example.com'" }),
      hostedZoneId: z
        .string()
        .regex(/^Z[A-Z0-9]{1,31}$/, { error: "must be a Route 53 hosted zone id such as 'Z0123456789ABC'" }),
      acmeEmail: z.email({ error: "must be an email address (Let's Encrypt expiry notices)" }),
    })
    .optional(),
  components: z.strictObject({
    loadBalancerController: onOff,
    certManager: onOff,
    externalDns: onOff,
    monitoring: onOff,
    logging: onOff,
    tracing: onOff,
    externalSecrets: onOff,
  }),
  prometheusRetentionDays: wholeNumber(1, 365, "days"),
  prometheusStorageGiB: wholeNumber(10, 16384, "GiB"),
  lokiMode: z.enum(["singleBinary", "simpleScalable"], {
    error: "must be 'singleBinary' or 'simpleScalable'",
  }),
  lokiRetentionDays: wholeNumber(1, 3650, "days"),
  /** Days Tempo keeps traces (with the `tracing` component). */
  tempoRetentionDays: wholeNumber(1, 3650, "days"),
  sizing: sizingSchema,
  slos: slosSchema,
  alarmEmails: z.array(z.email({ error: "must be email addresses" })),
  grafana: grafanaSchema,
  databaseSecretDelivery: databaseSecretDeliverySchema.optional(),
});

/** The schema every environment is validated against at load. */
export const environmentSchema = z
  .strictObject({
    name: z.string().regex(ENVIRONMENT_NAME_PATTERN, {
      error: `must be a long-lived environment name (${LONG_LIVED_NAME_RULE}) or 'sandbox-<name>' (<name>: 1–12 lowercase letters or digits)`,
    }),
    sandbox: z.boolean({ error: "must be true or false" }),
    accountId: z.string({ error: "must be a 12-digit AWS account id" }).regex(/^\d{12}$/, {
      error: "must be a 12-digit AWS account id",
    }),
    region: z
      .string({ error: "must be an AWS region such as 'eu-west-1'" })
      .refine((r) => awsRegions().includes(r), {
        error: (issue) =>
          `must be an AWS region (${awsRegions().length} known to the pinned AWS SDK, e.g. 'eu-west-1')${didYouMean(issue.input, awsRegions())}`,
      }),
    deployRoleArn: z.string().regex(IAM_ROLE_ARN, { error: "must be an IAM role ARN" }).optional(),
    repository: z
      .string()
      .regex(/^[\w.-]+(\/[\w.-]+)?$/, { error: "must be a repository name such as 'org/infra'" }),
    state: stateSchema,
    network: networkSchema,
    cluster: clusterSchema,
    protection: protectionSchema,
    compliance: z.enum(["production", "staging", "development", "sandbox"], {
      error: "must be 'production', 'staging', 'development' or 'sandbox' (the policy pack's profile)",
    }),
    data: dataSchema,
    platform: platformSchema,
    ci: ciSchema,
    tags: z.record(
      z
        .string()
        .regex(TAG_KEY_PATTERN, { error: "must be tag keys of 1–128 letters, digits, spaces or _.:/=+-@" })
        .refine((key) => !key.toLowerCase().startsWith("aws:"), {
          error: "must not start with 'aws:' (a prefix AWS reserves for its own tags)",
        }),
      z.string({ error: "must be tag values (strings)" }).max(256, {
        error: "must be tag values of at most 256 characters",
      }),
    ),
  })
  .superRefine((env, ctx) => {
    const azs = env.network.availabilityZones;
    if (azs !== undefined && azs.length !== env.network.azCount) {
      ctx.addIssue({
        code: "custom",
        path: ["network", "availabilityZones"],
        input: azs,
        message: `must list exactly azCount (${env.network.azCount}) AZs`,
      });
    }
    if (awsRegions().includes(env.region)) {
      azs?.forEach((az, index) => {
        if (!isAvailabilityZoneOf(az, env.region)) {
          const own = ["a", "b", "c", "d"].map((letter) => env.region + letter);
          ctx.addIssue({
            code: "custom",
            path: ["network", "availabilityZones", index],
            input: az,
            message: `must be an Availability Zone of the region '${env.region}' (${own.slice(0, 3).join(", ")}, ...)${didYouMean(az, own)}`,
          });
        }
      });
      // IAM ARNs carry their partition: a role of 'aws' cannot be assumed in 'aws-cn'.
      const partition = partitionOf(env.region);
      const roles: [(string | number)[], string | undefined][] = [
        [["state", "roleArn"], env.state?.roleArn],
        [["deployRoleArn"], env.deployRoleArn],
        ...(env.cluster?.adminRoleArns ?? []).map((arn, i): [(string | number)[], string] => [
          ["cluster", "adminRoleArns", i],
          arn,
        ]),
      ];
      for (const [path, arn] of roles) {
        const arnPartition = /^arn:([\w-]+):/.exec(arn ?? "")?.[1];
        if (arnPartition !== undefined && arnPartition !== partition) {
          ctx.addIssue({
            code: "custom",
            path,
            input: arn,
            message: `must be an ARN of the partition '${partition}' (the region '${env.region}'), not '${arnPartition}'`,
          });
        }
      }
    }
    // EKS access entries take principals of the cluster's own account only.
    const accountId = env.accountId;
    (env.cluster?.adminRoleArns ?? []).forEach((arn, index) => {
      const owner = /^arn:[\w-]+:iam::(\d{12}):/.exec(arn)?.[1];
      if (owner !== undefined && /^\d{12}$/.test(accountId) && owner !== accountId) {
        ctx.addIssue({
          code: "custom",
          path: ["cluster", "adminRoleArns", index],
          input: arn,
          message: `must be a role of the environment's own account (${accountId}), not of account ${owner}`,
        });
      }
    });
    const requiredProfile = REQUIRED_COMPLIANCE[env.name];
    if (requiredProfile !== undefined && env.compliance !== requiredProfile) {
      ctx.addIssue({
        code: "custom",
        path: ["compliance"],
        input: env.compliance,
        message: `must be '${requiredProfile}' for the environment named '${env.name}' (a copied file keeps its source's weaker profile)`,
      });
    }
    if (env.compliance === "production" && (env.platform?.alarmEmails ?? []).length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["platform", "alarmEmails"],
        input: env.platform?.alarmEmails,
        message:
          "must name at least one subscriber on the production profile (alarms nobody receives page nobody)",
      });
    }
    const oidc = env.platform?.grafana?.oidc;
    const components = env.platform?.components;
    if (oidc !== undefined) {
      // Without a domain Grafana simply stays private (port-forward): the settings wait for one.
      const needs: [boolean, string][] = [
        [
          components?.externalSecrets === true,
          "components.externalSecrets (the client secret comes through it)",
        ],
        [components?.monitoring === true, "components.monitoring (Grafana)"],
        [components?.loadBalancerController === true, "components.loadBalancerController (the ALB)"],
      ];
      for (const [, what] of needs.filter(([ok]) => !ok)) {
        ctx.addIssue({
          code: "custom",
          path: ["platform", "grafana", "oidc"],
          input: oidc,
          message: `needs ${what}`,
        });
      }
    }
    if (env.platform?.databaseSecretDelivery !== undefined && components?.externalSecrets !== true) {
      ctx.addIssue({
        code: "custom",
        path: ["platform", "databaseSecretDelivery"],
        input: env.platform.databaseSecretDelivery,
        message: "needs components.externalSecrets (External Secrets delivers it)",
      });
    }
    const pg = env.data?.postgres;
    const classes = postgresInstanceClasses(pg?.majorVersion ?? 0);
    const wellFormed = /^db\.[a-z0-9]+\.[a-z0-9]+$/.test(pg?.instanceClass ?? "");
    if (pg !== undefined && wellFormed && classes.length > 0 && !classes.includes(pg.instanceClass)) {
      ctx.addIssue({
        code: "custom",
        path: ["data", "postgres", "instanceClass"],
        input: pg.instanceClass,
        message: `must be an instance class RDS offers for PostgreSQL ${pg.majorVersion} (constructs/postgres/instance-class-catalog.ts)${didYouMean(pg.instanceClass, classes)}`,
      });
    }
    const buckets = env.data?.buckets;
    if (buckets !== undefined && buckets.versioned && buckets.noncurrentVersionExpirationDays === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["data", "buckets", "noncurrentVersionExpirationDays"],
        input: undefined,
        message: "is required when versioned is true (a whole number of days from 1 to 3650)",
      });
    }
    if (
      buckets !== undefined &&
      !buckets.versioned &&
      buckets.noncurrentVersionExpirationDays !== undefined
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["data", "buckets", "noncurrentVersionExpirationDays"],
        input: buckets.noncurrentVersionExpirationDays,
        message:
          "must not be set when versioned is false (an unversioned bucket keeps no noncurrent versions)",
      });
    }
    if ((env.compliance === "sandbox") !== env.sandbox) {
      ctx.addIssue({
        code: "custom",
        path: ["compliance"],
        input: env.compliance,
        message: "must be 'sandbox' exactly for sandboxes",
      });
    }
    if (env.protection.forceDestroy && !env.sandbox) {
      ctx.addIssue({
        code: "custom",
        path: ["protection", "forceDestroy"],
        input: true,
        message: "must be false outside sandboxes (force_destroy deletes data)",
      });
    }
    if (env.protection.forceDestroy && env.protection.preventDestroy) {
      ctx.addIssue({
        code: "custom",
        path: ["protection", "preventDestroy"],
        input: true,
        message: "cannot be true together with forceDestroy",
      });
    }
    // Guarded: refinements may run on input whose own fields already failed.
    const postgres = env.data?.postgres ?? {
      allocatedStorageGiB: 0,
      maxAllocatedStorageGiB: 0,
      skipFinalSnapshot: false,
    };
    if (postgres.maxAllocatedStorageGiB < Math.ceil((postgres.allocatedStorageGiB * 11) / 10)) {
      ctx.addIssue({
        code: "custom",
        path: ["data", "postgres", "maxAllocatedStorageGiB"],
        input: postgres.maxAllocatedStorageGiB,
        message: `must be at least 10% above allocatedStorageGiB (${Math.ceil((postgres.allocatedStorageGiB * 11) / 10)})`,
      });
    }
    if (postgres.skipFinalSnapshot && !env.sandbox) {
      ctx.addIssue({
        code: "custom",
        path: ["data", "postgres", "skipFinalSnapshot"],
        input: true,
        message: "must be false outside sandboxes (the final snapshot is the last copy of the data)",
      });
    }
    // Loki and Tempo delete old data themselves; their buckets' expiration is only the backstop, so it
    // must not come first.
    const bucketDays = env.data?.buckets?.logExpirationDays ?? Infinity;
    for (const [field, kept] of [
      ["lokiRetentionDays", "logs Loki"],
      ["tempoRetentionDays", "traces Tempo"],
    ] as const) {
      const days = env.platform?.[field] ?? 0;
      if (days > bucketDays) {
        ctx.addIssue({
          code: "custom",
          path: ["platform", field],
          input: days,
          message: `must not exceed data.buckets.logExpirationDays (${bucketDays}): the bucket would expire ${kept} still indexes`,
        });
      }
    }
    const ci = env.ci;
    if (ci?.apiAccess === "publicEndpoint") {
      if (ci.runnerEgressCidrs.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["ci", "runnerEgressCidrs"],
          input: ci.runnerEgressCidrs,
          message: "must list the runner's egress IPv4 blocks when apiAccess is 'publicEndpoint'",
        });
      }
      if (env.cluster?.endpointPublicAccess !== true) {
        ctx.addIssue({
          code: "custom",
          path: ["cluster", "endpointPublicAccess"],
          input: env.cluster?.endpointPublicAccess,
          message:
            "must be true when ci.apiAccess is 'publicEndpoint' (the runner reaches the public endpoint)",
        });
      }
    }
    if (ci?.apiAccess === "vpcRunner" && ci.runnerEgressCidrs.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["ci", "runnerEgressCidrs"],
        input: ci.runnerEgressCidrs,
        message: "must be empty when apiAccess is 'vpcRunner' (the runner reaches the private endpoint)",
      });
    }
    if (ci?.runnerEgressCidrs.includes("0.0.0.0/0")) {
      ctx.addIssue({
        code: "custom",
        path: ["ci", "runnerEgressCidrs"],
        input: ci.runnerEgressCidrs,
        message: "must not contain 0.0.0.0/0 (it would open the API endpoint to the internet)",
      });
    }
    if (ci?.hostsSandboxes && env.sandbox) {
      ctx.addIssue({
        code: "custom",
        path: ["ci", "hostsSandboxes"],
        input: true,
        message: "must be false for a sandbox (sandboxes are applied with their host environment's roles)",
      });
    }
    if (env.sandbox !== env.name.startsWith("sandbox-")) {
      ctx.addIssue({
        code: "custom",
        path: ["sandbox"],
        input: env.sandbox,
        message: "must be true exactly for environments named 'sandbox-<name>'",
      });
    }
  })
  .transform((env) => ({
    ...env,
    network: {
      ...env.network,
      availabilityZones:
        env.network.availabilityZones ??
        ["a", "b", "c"].slice(0, env.network.azCount).map((s) => env.region + s),
    },
  }));

/** An environment as written in `environments/*.ts`, before validation. */
export type EnvironmentInput = z.input<typeof environmentSchema>;

/** A validated environment, with defaults filled in. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;
