// The public API of secrets: the External Secrets Operator and secret delivery.
export {
  DEFAULT_EXTERNAL_SECRETS_SIZING,
  EXTERNAL_SECRETS_SERVICE_ACCOUNT,
  EXTERNAL_SECRETS_SIZING_RULES,
  ExternalSecrets,
  SECRETS_MANAGER_STORE,
  secretReadPolicy,
} from "./external-secrets";
export type {
  ExternalSecretsComponentSizing,
  ExternalSecretsProps,
  ExternalSecretsSizing,
} from "./external-secrets";
export { SECRET_DELIVERY_RULES, SecretDelivery } from "./secret-delivery";
export type { SecretDeliveryProps } from "./secret-delivery";
