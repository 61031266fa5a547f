import { matching } from "./validation";

/**
 * Formats of AWS and Kubernetes identifiers that props and environment fields are checked against:
 * one definition each, so a construct and the environment schema accept exactly the same values.
 */

/** An IAM role ARN in any partition. */
export const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** An IAM role or user ARN (an EKS access-entry principal). */
export const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;

/** A KMS key ARN: a single-Region key (UUID) or a multi-Region key (`mrk-` + 32 hex digits). */
export const KMS_KEY_ARN =
  /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** An SNS topic ARN. */
export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/;

/** A VPC security group id. */
export const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;

/** A Kubernetes object name that must be a DNS label (namespaces, service accounts, Secrets). */
export const KUBERNETES_DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** An IAM role ARN, as a rule. */
export const IAM_ROLE = matching(
  IAM_ROLE_ARN,
  "an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)",
);

/** An IAM role or user ARN, as a rule. */
export const IAM_PRINCIPAL = matching(
  IAM_PRINCIPAL_ARN,
  "an IAM role or user ARN (arn:aws:iam::<12-digit account>:role/<name>)",
);

/** A KMS key ARN, as a rule. */
export const KMS_KEY = matching(KMS_KEY_ARN, "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)");

/** An SNS topic ARN, as a rule. */
export const SNS_TOPIC = matching(SNS_TOPIC_ARN, "an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)");

/** A security group id, as a rule. */
export const SECURITY_GROUP = matching(SECURITY_GROUP_ID, "a security group id (sg-...)");

/** A Kubernetes namespace name, as a rule. */
export const KUBERNETES_NAMESPACE = matching(KUBERNETES_DNS_LABEL, "a Kubernetes namespace name (DNS label)");

/** A VPC id. */
export const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;

/** A VPC subnet id. */
export const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;

/** An EKS cluster name. */
export const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

/** A VPC id, as a rule. */
export const VPC = matching(VPC_ID, "a VPC id (vpc-...)");
