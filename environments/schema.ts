import { z } from "zod";
import { LOG_RETENTION_ALLOWED, isLogRetentionDays } from "../constructs/core/log-retention";
import { isNetworkAddress, isPrivateRange, parseCidr } from "../constructs/network/cidr";
import { INTERFACE_ENDPOINT_SERVICES } from "../constructs/network/network";
import { isValidBucketName } from "../constructs/object-storage/object-storage";

/** Names of the long-lived environments; sandboxes are `sandbox-<name>`. */
export const STANDARD_ENVIRONMENTS = ["dev", "stage", "prod"] as const;

/** A long-lived environment name. */
export type StandardEnvironmentName = (typeof STANDARD_ENVIRONMENTS)[number];

/** A sandbox's own name: lowercase letters and digits, 1–12 characters. */
export const SANDBOX_NAME_PATTERN = /^[a-z0-9]{1,12}$/;

const ENVIRONMENT_NAME_PATTERN = new RegExp(`^(${STANDARD_ENVIRONMENTS.join("|")}|sandbox-[a-z0-9]{1,12})$`);
const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const TAG_KEY_PATTERN = /^[\w .:/=+@-]{1,128}$/;

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

/** Where the environment's Terraform state lives. */
const stateSchema = z.strictObject({
  bucket: z
    .string()
    .refine(isValidBucketName, { error: "must be a valid S3 bucket name (3–63 of a-z, 0-9, '.', '-')" }),
  roleArn: z.string().regex(ROLE_ARN_PATTERN, { error: "must be an IAM role ARN" }).optional(),
});

/** How stateful resources are protected from deletion. */
const protectionSchema = z.strictObject({
  deletionProtection: z.boolean({ error: "must be true or false" }),
  preventDestroy: z.boolean({ error: "must be true or false" }),
  forceDestroy: z.boolean({ error: "must be true or false" }),
});

/** The schema every environment is validated against at load. */
export const environmentSchema = z
  .strictObject({
    name: z.string().regex(ENVIRONMENT_NAME_PATTERN, {
      error: "must be 'dev', 'stage', 'prod' or 'sandbox-<name>' (<name>: 1–12 lowercase letters or digits)",
    }),
    sandbox: z.boolean({ error: "must be true or false" }),
    accountId: z.string({ error: "must be a 12-digit AWS account id" }).regex(/^\d{12}$/, {
      error: "must be a 12-digit AWS account id",
    }),
    region: z.string().regex(REGION_PATTERN, { error: "must be an AWS region such as 'eu-west-1'" }),
    deployRoleArn: z.string().regex(ROLE_ARN_PATTERN, { error: "must be an IAM role ARN" }).optional(),
    repository: z
      .string()
      .regex(/^[\w.-]+(\/[\w.-]+)?$/, { error: "must be a repository name such as 'org/infra'" }),
    state: stateSchema,
    network: networkSchema,
    protection: protectionSchema,
    tags: z.record(
      z
        .string()
        .regex(TAG_KEY_PATTERN, { error: "must be tag keys of 1–128 letters, digits, spaces or _.:/=+-@" }),
      z.string().max(256, { error: "must be tag values of at most 256 characters" }),
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
    if (azs?.some((az) => !az.startsWith(env.region))) {
      ctx.addIssue({
        code: "custom",
        path: ["network", "availabilityZones"],
        input: azs,
        message: `must be AZs of the region '${env.region}'`,
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
