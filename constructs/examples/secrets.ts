import { Construct } from "constructs";
import {
  ExternalSecrets,
  Observability,
  PodIdentityCluster,
  PostgresDatabase,
  SecretDelivery,
} from "@acme/aws-platform-constructs";

/**
 * External Secrets in the platform stack, a database's master secret delivered into a namespace,
 * and Observability taking Grafana's and Alertmanager's secrets through it.
 */
export function platformSecrets(
  scope: Construct,
  cluster: PodIdentityCluster,
  database: PostgresDatabase,
): { externalSecrets: ExternalSecrets; delivery: SecretDelivery; observability: Observability } {
  // #region external-secrets
  const externalSecrets = new ExternalSecrets(scope, "ExternalSecrets", {
    cluster,
    secretNamePrefix: "orders/",
    storeNamespaces: ["observability"],
  });
  // #endregion
  // #region secret-delivery
  const delivery = new SecretDelivery(scope, "DatabaseSecret", {
    externalSecrets,
    secretArn: database.secretArn,
    kmsKeyArn: database.kmsKeyArn,
    namespace: "orders",
    targetSecretName: "database-credentials",
    keys: { PGUSER: "username", PGPASSWORD: "password" },
  });
  // #endregion
  // #region observability-secrets
  const observability = new Observability(scope, "Observability", {
    cluster,
    externalSecrets,
    logging: false,
    tracing: false,
  });
  // #endregion
  return { externalSecrets, delivery, observability };
}
