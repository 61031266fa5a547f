import { base } from "./base";
import { defineEnvironment } from "./define";
import { EnvironmentInput } from "./schema";

/** Staging: production's shape at lower cost (two AZs, one NAT gateway), data protected. */
export const stage: EnvironmentInput = defineEnvironment(base, {
  name: "stage",
  accountId: "222222222222",
  network: { cidr: "10.20.0.0/16" },
  cluster: {
    // Three baseline nodes: Loki's three writers (replication factor 3) each need a node of their own.
    nodeGroups: {
      general: { minSize: 3, maxSize: 6, desiredSize: 3 },
    },
  },
  compliance: "staging",
  protection: { deletionProtection: true },
  // Production's shape: scalable Loki, its own subdomain.
  platform: {
    domain: {
      name: "stage.platform.example.com",
      hostedZoneId: "Z0STAGE000000000000001",
      acmeEmail: "platform-team@example.com",
    },
    lokiMode: "simpleScalable",
    sizing: {
      lokiWrite: { replicas: 3, cpuMillis: 100, memoryMiB: 512 },
      lokiChunksCacheMiB: 1024,
    },
  },
  // Private endpoint; platform jobs run on the self-hosted runner inside the stage VPC.
  ci: {
    githubEnvironment: "stage",
    runnerLabel: "stage-platform",
  },
});
