import { App } from "cdktf";
import { EnvironmentConfig } from "../environments/schema";
import { AccountBaselineStack } from "./account-baseline-stack";
import { BootstrapStack } from "./bootstrap-stack";
import { ClusterStack } from "./cluster-stack";
import { DataStack } from "./data-stack";
import { accountBaselineStackId } from "./deploy-identity";
import { NetworkStack } from "./network-stack";
import { PlatformStack } from "./platform-stack";

/** The stack ids of an environment: a contract used by CLI globs, state keys and tests. */
export function stackIds(environment: string) {
  return {
    bootstrap: `bootstrap-${environment}`,
    network: `${environment}-network`,
    cluster: `${environment}-cluster`,
    data: `${environment}-data`,
    platform: `${environment}-platform`,
  } as const;
}

/** The stacks built for one environment. */
export interface EnvironmentStacks {
  /** The state-bucket stack; sandboxes have none (they use the dev bucket). */
  readonly bootstrap?: BootstrapStack;
  readonly network: NetworkStack;
  /** EKS control plane, node groups and core add-ons; depends on the network. */
  readonly cluster: ClusterStack;
  /** Postgres and buckets; depends on the network only. */
  readonly data: DataStack;
  /** Kubernetes and Helm providers, ingress and observability; depends on cluster and data. */
  readonly platform: PlatformStack;
}

/** Builds every stack of one environment into the app, wired by cross-stack references. */
export function buildEnvironment(app: App, environment: EnvironmentConfig): EnvironmentStacks {
  const ids = stackIds(environment.name);
  const bootstrap = environment.sandbox ? undefined : new BootstrapStack(app, ids.bootstrap, { environment });
  const network = new NetworkStack(app, ids.network, { environment });
  const cluster = new ClusterStack(app, ids.cluster, { environment, network });
  const data = new DataStack(app, ids.data, { environment, network });
  const platform = new PlatformStack(app, ids.platform, { environment, network, cluster, data });
  return { bootstrap, network, cluster, data, platform };
}

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /**
   * Every long-lived environment (validated): an account baseline stack (`account-<accountId>`) is
   * built for each account of the selected environments, holding the roles of all the long-lived
   * environments of that account, so that selecting one environment never drops another's roles.
   * @default - no account baseline stacks
   */
  readonly accountBaselines?: readonly EnvironmentConfig[];
}

/** Builds all the given environments into the app, and the account baselines of their accounts. */
export function buildApp(
  app: App,
  environments: readonly EnvironmentConfig[],
  options: BuildAppOptions = {},
): Map<string, EnvironmentStacks> {
  if (options.accountBaselines) buildAccountBaselines(app, environments, options.accountBaselines);
  return new Map(environments.map((env) => [env.name, buildEnvironment(app, env)]));
}

/** One `account-<accountId>` stack per account of `selected`, with that account's long-lived environments. */
export function buildAccountBaselines(
  app: App,
  selected: readonly EnvironmentConfig[],
  longLived: readonly EnvironmentConfig[],
): Map<string, AccountBaselineStack> {
  const accounts = [...new Set(selected.map((env) => env.accountId))];
  return new Map(
    accounts.map((accountId) => [
      accountId,
      new AccountBaselineStack(app, accountBaselineStackId(accountId), {
        environments: longLived.filter((env) => env.accountId === accountId && !env.sandbox),
      }),
    ]),
  );
}
