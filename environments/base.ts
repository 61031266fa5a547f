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
  protection: {
    deletionProtection: false,
    preventDestroy: false,
    forceDestroy: false,
  },
  tags: {
    "cost-center": "platform",
    owner: "platform-team",
  },
} as const satisfies Omit<EnvironmentInput, "name" | "accountId" | "state" | "network"> & {
  network: Omit<EnvironmentInput["network"], "cidr">;
};
