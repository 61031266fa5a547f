// The public API of ingress (chart values and IAM policy builders are internal).
export { ACME_ISSUERS, ALB_INGRESS_CLASS, ClusterIngress } from "./cluster-ingress";
export type { ClusterIngressProps, ExternalDnsPolicy } from "./cluster-ingress";
