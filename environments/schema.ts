import { z } from "zod";
import { IAM_ROLE } from "../constructs/core/aws-identifiers";
import { LOG_RETENTION } from "../constructs/core/log-retention";
import { Rule, allowedFor, didYouMean, noted, oneOf } from "../constructs/core/validation";
import { EKS_VERSION, endpointAccessProblems } from "../constructs/eks/eks-cluster";
import {
  NODE_CAPACITY_TYPES,
  NODE_GROUP_RULES,
  NODE_TAINT_EFFECTS,
  desiredSizeWithin,
  isInstanceType,
  minSizeAtMost,
} from "../constructs/eks/eks-node-group";
import { INSTANCE_TYPES } from "../constructs/eks/instance-capacity";
import {
  KARPENTER_AMI_FAMILIES,
  KARPENTER_ARCHITECTURES,
  KARPENTER_CAPACITY_TYPES,
  KARPENTER_CONSOLIDATION_POLICIES,
  KARPENTER_POOL_RULES,
} from "../constructs/eks/karpenter";
import { METRICS_SERVER_REPLICAS } from "../constructs/eks/metrics-server";
import { DOMAIN_NAME, HOSTED_ZONE_ID } from "../constructs/ingress/cluster-ingress";
import { IPV4_BLOCK } from "../constructs/network/cidr";
import {
  AVAILABILITY_ZONE,
  AZ_COUNT,
  INTERFACE_ENDPOINT_SERVICES,
  NAT_GATEWAY_MODES,
  VPC_CIDR,
} from "../constructs/network/network";
import { BUCKET_NAME, LIFECYCLE_DAYS } from "../constructs/object-storage/object-storage";
import { LOKI_MODES } from "../constructs/observability/private/chart-values";
import { GRAFANA_ACCESS_RULES, GRAFANA_EXPOSURES } from "../constructs/observability/grafana-access";
import {
  OBSERVABILITY_RULES,
  RELEASE_SIZING_RULES,
} from "../constructs/observability/observability-validation";
import { SLO_RULES } from "../constructs/observability/slo";
import { EXTERNAL_SECRETS_SIZING_RULES } from "../constructs/secrets/external-secrets";
import { SECRET_DELIVERY_RULES } from "../constructs/secrets/secret-delivery";
import { POLICY_PROFILES } from "../constructs/policy/model";
import {
  instanceClassFormat,
  offeredInstanceClass,
  postgresInstanceClasses,
} from "../constructs/postgres/instance-classes";
import {
  ALLOCATED_STORAGE_GIB,
  BACKUP_RETENTION_DAYS,
  CONNECTIONS_ALARM_THRESHOLD,
  MONITORING_INTERVAL,
  PERFORMANCE_INSIGHTS_RETENTION,
  POSTGRES_MAJOR_VERSION,
  storageCap,
} from "../constructs/postgres/postgres-database";
import {
  DEFAULT_POSTGRES_MAJOR_VERSION,
  EKS_VERSIONS,
  POSTGRES_MAJOR_VERSIONS,
} from "../constructs/versions";
import { awsRegions, isAvailabilityZoneOf, partitionOf } from "./catalogs/aws-regions";
import { SANDBOX_ENVIRONMENT_PATTERN, SANDBOX_NAME_PATTERN, isSandboxEnvironmentName } from "./naming";

export { SANDBOX_NAME_PATTERN };

/** A number checked by a construct's rule, in the rule's words. */
const numberBy = (rule: Rule<number>) =>
  z.number({ error: rule.allowed }).refine(rule.test, { error: (issue) => allowedFor(rule, issue.input) });

/** A string checked by a construct's rule, in the rule's words. */
const stringBy = (rule: Rule<string>) =>
  z.string({ error: rule.allowed }).refine(rule.test, { error: (issue) => allowedFor(rule, issue.input) });

/** One of a construct's enum values, in the words of {@link oneOf}. */
const enumOf = <const V extends readonly [string, ...string[]]>(values: V, note?: string) =>
  z.enum(values, { error: oneOf(values, note).allowed });

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
  `^(${LONG_LIVED_NAME_PATTERN.source.slice(1, -1)}|${SANDBOX_ENVIRONMENT_PATTERN.source.slice(1, -1)})$`,
);
const TAG_KEY_PATTERN = /^[\w .:/=+@-]{1,128}$/;

/** The policy profile an environment must use, where its name decides it (see the schema's refinements). */
export const REQUIRED_COMPLIANCE: Readonly<Record<string, "production">> = { prod: "production" };

/** The network layer's settings. */
const networkSchema = z.strictObject({
  cidr: stringBy(VPC_CIDR),
  azCount: z.literal(AZ_COUNT.values, { error: AZ_COUNT.allowed }),
  availabilityZones: z.array(stringBy(AVAILABILITY_ZONE)).optional(),
  natGateways: enumOf(NAT_GATEWAY_MODES),
  flowLogRetentionDays: numberBy(LOG_RETENTION),
  interfaceEndpoints: z.array(enumOf(INTERFACE_ENDPOINT_SERVICES)),
});

/**
 * Where `bootstrap-<env>` (the stack that creates the state bucket) keeps its own state: `local`
 * (`.bootstrap-state/`) until the bucket exists, then `bucket` once `bootstrap <env> --migrate` has
 * moved it there (docs/operations.md, Bootstrap).
 */
export const BOOTSTRAP_BACKENDS = ["local", "bucket"] as const;

/** Where the environment's Terraform state lives. */
const stateSchema = z.strictObject({
  bucket: stringBy(BUCKET_NAME),
  roleArn: stringBy(IAM_ROLE).optional(),
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

/** The data layer's sizing: the environment's Postgres database and buckets. */
const dataSchema = z.strictObject({
  postgres: z.strictObject({
    majorVersion: z.literal(POSTGRES_MAJOR_VERSIONS, { error: POSTGRES_MAJOR_VERSION.allowed }),
    instanceClass: stringBy(instanceClassFormat(DEFAULT_POSTGRES_MAJOR_VERSION)),
    allocatedStorageGiB: numberBy(ALLOCATED_STORAGE_GIB),
    // The cap's lower bound follows allocatedStorageGiB: checked with storageCap() below.
    maxAllocatedStorageGiB: z.number({ error: storageCap(20).allowed }),
    multiAz: z.boolean({ error: "must be true or false" }),
    backupRetentionDays: numberBy(BACKUP_RETENTION_DAYS),
    skipFinalSnapshot: z.boolean({ error: "must be true or false" }),
    logRetentionDays: numberBy(LOG_RETENTION),
    performanceInsightsRetentionDays: numberBy(PERFORMANCE_INSIGHTS_RETENTION),
    monitoringIntervalSeconds: numberBy(MONITORING_INTERVAL),
    connectionsAlarmThreshold: numberBy(CONNECTIONS_ALARM_THRESHOLD),
  }),
  buckets: z.strictObject({
    versioned: z.boolean({ error: "must be true or false" }),
    noncurrentVersionExpirationDays: numberBy(LIFECYCLE_DAYS).optional(),
    logExpirationDays: numberBy(LIFECYCLE_DAYS),
    accessLogging: z.boolean({ error: "must be true or false" }),
  }),
});

const kubernetesName = stringBy(NODE_GROUP_RULES.labelKey);
const kubernetesValue = stringBy(NODE_GROUP_RULES.labelValue);

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
    capacityType: enumOf(NODE_CAPACITY_TYPES),
    minSize: numberBy(NODE_GROUP_RULES.minSize),
    maxSize: numberBy(NODE_GROUP_RULES.maxSize),
    desiredSize: numberBy(NODE_GROUP_RULES.minSize),
    diskSizeGiB: numberBy(NODE_GROUP_RULES.diskSizeGiB),
    labels: z.record(kubernetesName, kubernetesValue).optional(),
    taints: z
      .array(
        z.strictObject({
          key: kubernetesName,
          value: kubernetesValue.optional(),
          effect: enumOf(NODE_TAINT_EFFECTS),
        }),
      )
      .optional(),
  })
  .superRefine((group, ctx) => {
    const atMost = minSizeAtMost(group.maxSize);
    const within = desiredSizeWithin(group.minSize, group.maxSize);
    if (!atMost.test(group.minSize)) {
      ctx.addIssue({ code: "custom", path: ["minSize"], input: group.minSize, message: atMost.allowed });
    } else if (!within.test(group.desiredSize)) {
      ctx.addIssue({
        code: "custom",
        path: ["desiredSize"],
        input: group.desiredSize,
        message: within.allowed,
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
    .array(stringBy(KARPENTER_POOL_RULES.instanceCategory))
    .min(1, { error: "must list at least one instance category" }),
  instanceFamilies: z
    .array(stringBy(KARPENTER_POOL_RULES.instanceFamily))
    .min(1, { error: "must list at least one instance family, or be left out" })
    .optional(),
  minInstanceGeneration: numberBy(KARPENTER_POOL_RULES.minInstanceGeneration),
  architectures: z
    .array(enumOf(KARPENTER_ARCHITECTURES))
    .min(1, { error: "must list at least one architecture" }),
  capacityTypes: z
    .array(enumOf(KARPENTER_CAPACITY_TYPES))
    .min(1, { error: "must list at least one capacity type" }),
  cpuLimit: numberBy(KARPENTER_POOL_RULES.cpuLimit),
  memoryLimitGiB: numberBy(KARPENTER_POOL_RULES.memoryLimitGiB),
  consolidationPolicy: enumOf(KARPENTER_CONSOLIDATION_POLICIES),
  consolidateAfterSeconds: numberBy(KARPENTER_POOL_RULES.consolidateAfterSeconds),
  expireAfterHours: numberBy(KARPENTER_POOL_RULES.expireAfterHours),
  amiFamily: enumOf(KARPENTER_AMI_FAMILIES),
  amiVersion: stringBy(KARPENTER_POOL_RULES.amiVersion),
  diskSizeGiB: numberBy(KARPENTER_POOL_RULES.diskSizeGiB),
});

/** The cluster layer's settings: version, API endpoint exposure, admins, node groups, logs. */
const clusterSchema = z
  .strictObject({
    version: z.enum(EKS_VERSIONS, { error: EKS_VERSION.allowed }),
    endpointPublicAccess: z.boolean({ error: "must be true or false" }),
    publicAccessCidrs: z.array(stringBy(IPV4_BLOCK)),
    adminRoleArns: z.array(stringBy(IAM_ROLE)).min(1, {
      error: "must name at least one cluster admin role (nobody else can administer the cluster)",
    }),
    logRetentionDays: numberBy(LOG_RETENTION),
    karpenter: karpenterSchema,
    nodeGroups: z.record(z.string(), nodeGroupSchema).superRefine((groups, ctx) => {
      const names = Object.keys(groups);
      if (names.length === 0) {
        ctx.addIssue({ code: "custom", input: groups, message: "must define at least one node group" });
      }
      for (const name of names.filter((n) => !NODE_GROUP_RULES.name.test(n))) {
        ctx.addIssue({ code: "custom", path: [name], input: name, message: NODE_GROUP_RULES.name.allowed });
      }
    }),
  })
  .superRefine((cluster, ctx) => {
    for (const problem of endpointAccessProblems(cluster.endpointPublicAccess, cluster.publicAccessCidrs)) {
      ctx.addIssue({ code: "custom", path: [problem.prop], input: problem.value, message: problem.allowed });
    }
  });

/**
 * How the cluster API is reached by whoever applies `<env>-platform` (CI and operators):
 * `vpcRunner` — private endpoint, jobs on a self-hosted runner inside the VPC (the network layer
 * provides its security group, the control plane admits 443 from it); `publicEndpoint` — the public
 * endpoint, limited to the runner's declared egress CIDRs.
 */
export const API_ACCESS_MODES = ["vpcRunner", "publicEndpoint"] as const;

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
  runnerEgressCidrs: z.array(stringBy(IPV4_BLOCK)),
  operatorRoleArns: z.array(stringBy(IAM_ROLE)),
  hostsSandboxes: z.boolean({ error: "must be true or false" }),
});

/** CPU and memory a pod of a platform release requests (the observability releases' rules). */
const requestsSchema = z.strictObject({
  cpuMillis: numberBy(RELEASE_SIZING_RULES.cpuMillis),
  memoryMiB: numberBy(RELEASE_SIZING_RULES.memoryMiB),
});
/** Requests and a replica count of a platform release. */
const scaledSchema = requestsSchema.extend({ replicas: numberBy(RELEASE_SIZING_RULES.replicas) });
/** Requests and a replica count of an External Secrets component. */
const externalSecretsComponentSchema = z.strictObject({
  replicas: numberBy(EXTERNAL_SECRETS_SIZING_RULES.replicas),
  cpuMillis: numberBy(EXTERNAL_SECRETS_SIZING_RULES.cpuMillis),
  memoryMiB: numberBy(EXTERNAL_SECRETS_SIZING_RULES.memoryMiB),
});

/**
 * Replicas and requests of every platform release, sized so each fits the environment's baseline
 * node groups (the platform stack checks it at synth).
 */
const sizingSchema = z.strictObject({
  karpenter: scaledSchema,
  metricsServerReplicas: numberBy(METRICS_SERVER_REPLICAS),
  prometheus: requestsSchema,
  grafana: requestsSchema,
  lokiSingleBinary: requestsSchema,
  lokiRead: scaledSchema,
  lokiWrite: scaledSchema,
  lokiBackend: scaledSchema,
  lokiGateway: scaledSchema,
  lokiChunksCacheMiB: numberBy(RELEASE_SIZING_RULES.cacheMiB),
  lokiResultsCacheMiB: numberBy(RELEASE_SIZING_RULES.cacheMiB),
  logShipper: requestsSchema,
  otlpGateway: scaledSchema,
  tempo: requestsSchema,
  externalSecrets: z.strictObject({
    controller: externalSecretsComponentSchema,
    webhook: externalSecretsComponentSchema,
    certController: externalSecretsComponentSchema,
  }),
});

const httpsUrl = stringBy(GRAFANA_ACCESS_RULES.url);

/**
 * Grafana behind the ALB: `internal` (reachable from the VPC and what is peered with it) or
 * `internetFacing`; public only with a domain and OIDC settings (else port-forward only).
 */
const grafanaSchema = z.strictObject({
  exposure: enumOf(GRAFANA_EXPOSURES),
  oidc: z
    .strictObject({
      issuerUrl: httpsUrl,
      authUrl: httpsUrl,
      tokenUrl: httpsUrl,
      apiUrl: httpsUrl,
      clientId: stringBy(GRAFANA_ACCESS_RULES.clientId),
      clientSecretName: stringBy(
        noted(
          GRAFANA_ACCESS_RULES.clientSecretName,
          "relative to the environment's prefix '<env>/' (e.g. 'observability/grafana-oidc-client-secret')",
        ),
      ),
      roleAttributePath: z.string().min(1).optional(),
    })
    .optional(),
});

/** The database's RDS-managed master secret, delivered into a namespace (created by the platform stack). */
const databaseSecretDeliverySchema = z.strictObject({
  namespace: stringBy(SECRET_DELIVERY_RULES.namespace),
  targetSecretName: stringBy(SECRET_DELIVERY_RULES.targetSecretName),
});

/** An SLO's objective: a percentage of good events, from 50 to below 100 (a fraction is refused). */
const objectivePercent = numberBy(SLO_RULES.objectivePercent);

/**
 * Objectives of the platform's own SLOs (constructs/observability/platform-slos.ts): CoreDNS, Loki's
 * and Tempo's write paths and the cluster's ALBs, over one window.
 */
const slosSchema = z.strictObject({
  windowDays: numberBy(SLO_RULES.windowDays),
  coreDnsPercent: objectivePercent,
  lokiWritePercent: objectivePercent,
  tempoWritePercent: objectivePercent,
  loadBalancerPercent: objectivePercent,
});

const onOff = z.boolean({ error: "must be true or false" });

/**
 * The platform layer: which ingress and observability components run, the environment's DNS domain
 * (optional: without one, cert-manager issuers, external-dns and the ACM certificate are skipped),
 * Prometheus and Loki sizing, and who receives the environment's alarms.
 */
const platformSchema = z.strictObject({
  domain: z
    .strictObject({
      name: stringBy(DOMAIN_NAME),
      hostedZoneId: stringBy(HOSTED_ZONE_ID),
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
  prometheusRetentionDays: numberBy(OBSERVABILITY_RULES.prometheusRetentionDays),
  prometheusStorageGiB: numberBy(OBSERVABILITY_RULES.prometheusStorageGiB),
  lokiMode: enumOf(LOKI_MODES),
  lokiRetentionDays: numberBy(OBSERVABILITY_RULES.retentionDays),
  /** Days Tempo keeps traces (with the `tracing` component). */
  tempoRetentionDays: numberBy(OBSERVABILITY_RULES.retentionDays),
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
    deployRoleArn: stringBy(IAM_ROLE).optional(),
    repository: z
      .string()
      .regex(/^[\w.-]+(\/[\w.-]+)?$/, { error: "must be a repository name such as 'org/infra'" }),
    state: stateSchema,
    network: networkSchema,
    cluster: clusterSchema,
    protection: protectionSchema,
    compliance: enumOf(POLICY_PROFILES, "(the policy pack's profile)"),
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
    const majorVersion = pg?.majorVersion ?? 0;
    const offered = offeredInstanceClass(majorVersion);
    const wellFormed = instanceClassFormat(majorVersion).test(pg?.instanceClass ?? "");
    if (
      pg !== undefined &&
      wellFormed &&
      postgresInstanceClasses(majorVersion).length > 0 &&
      !offered.test(pg.instanceClass)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["data", "postgres", "instanceClass"],
        input: pg.instanceClass,
        message: allowedFor(offered, pg.instanceClass),
      });
    }
    const buckets = env.data?.buckets;
    if (buckets !== undefined && buckets.versioned && buckets.noncurrentVersionExpirationDays === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["data", "buckets", "noncurrentVersionExpirationDays"],
        input: undefined,
        message: `is required when versioned is true (${LIFECYCLE_DAYS.allowed.replace(/^must be /, "")})`,
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
    const cap = storageCap(
      ALLOCATED_STORAGE_GIB.test(postgres.allocatedStorageGiB) ? postgres.allocatedStorageGiB : 20,
    );
    if (typeof postgres.maxAllocatedStorageGiB === "number" && !cap.test(postgres.maxAllocatedStorageGiB)) {
      ctx.addIssue({
        code: "custom",
        path: ["data", "postgres", "maxAllocatedStorageGiB"],
        input: postgres.maxAllocatedStorageGiB,
        message: cap.allowed,
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
      if (Number.isInteger(bucketDays) && days > bucketDays) {
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
    if (env.sandbox !== isSandboxEnvironmentName(env.name)) {
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
