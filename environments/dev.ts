import { base } from "./base";
import { EnvironmentInput } from "./schema";

/** Development: two AZs, one shared NAT gateway, nothing deletion-protected. */
export const dev: EnvironmentInput = {
  ...base,
  name: "dev",
  accountId: "111111111111",
  state: { bucket: "acme-platform-tfstate-dev" },
  network: { ...base.network, cidr: "10.10.0.0/16", flowLogRetentionDays: 30 },
};
