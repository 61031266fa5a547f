/**
 * The library's single public entry point (`@acme/aws-platform-constructs`): every public construct
 * with its props, the policy pack, the versions catalog and the validation error type. Anything not
 * exported here is internal and may change in any release.
 */

// Validation errors, IAM policy documents, state moves
export * from "./core";

// KMS and network
export * from "./kms";
export * from "./network";

// Object storage, Postgres, EKS
export * from "./object-storage";
export * from "./postgres";
export * from "./eks";

// Helm releases (the stack needs the Kubernetes and Helm providers): shared release helpers, ingress
export * from "./helm";
export * from "./ingress";

// Observability (metrics, logs, traces, alarms, SLOs, dashboards) and secrets to workloads
export * from "./observability";
export * from "./secrets";

// Policy pack
export * from "./policy";

// Versions catalog
export * from "./versions";
