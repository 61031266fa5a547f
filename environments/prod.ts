import { base } from "./base";
import { EnvironmentInput } from "./schema";

/** Production: three AZs, a NAT gateway per AZ, private endpoints, everything deletion-protected. */
export const prod: EnvironmentInput = {
  ...base,
  name: "prod",
  accountId: "333333333333",
  state: { bucket: "acme-platform-tfstate-prod" },
  network: {
    ...base.network,
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
  protection: { ...base.protection, deletionProtection: true, preventDestroy: true },
};
