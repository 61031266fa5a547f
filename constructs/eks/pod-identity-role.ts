import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { PolicyDocument, policyDocument, policyJson } from "../core/iam";
import { keyedEntries } from "../core/keyed";
import { PropValidator } from "../core/validation";
import { KUBERNETES_NAMESPACE } from "../core/aws-identifiers";

/**
 * The part of an `IEksCluster` a Pod Identity role (and the charts that use one) needs: only the
 * name, so an `EksCluster`, `EksCluster.fromAttributes` or another stack's outputs all fit.
 */
export interface PodIdentityCluster {
  /** The cluster's name. */
  readonly clusterName: string;
}

/** Props of {@link PodIdentityRole}. */
export interface PodIdentityRoleProps {
  /** The cluster whose pods assume the role (an `EksCluster`, from this or another stack). */
  readonly cluster: PodIdentityCluster;
  /** Namespace of the service account. */
  readonly namespace: string;
  /** Name of the service account whose pods get the role. */
  readonly serviceAccount: string;
  /** The role's name (≤ 64 characters). @default - a unique name starting with the service account */
  readonly roleName?: string;
  /** What the role is for, shown in IAM. @default - names the cluster, namespace and service account */
  readonly description?: string;
  /** Inline policies by name. @default - none */
  readonly policies?: Readonly<Record<string, PolicyDocument>>;
  /**
   * Managed policy ARNs to attach: a list (each attachment keyed by the policy's name), or ARNs by a
   * stable name when they are Terraform references (a policy made in the same apply). @default - none
   */
  readonly managedPolicyArns?: readonly string[] | Readonly<Record<string, string>>;
  /**
   * Creates the Pod Identity association. Turn off when something else associates the role, for
   * example an EKS add-on's own `pod_identity_association`. @default true
   */
  readonly createAssociation?: boolean;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const MANAGED_POLICY_ARN = /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/;

/**
 * An IAM role for the pods of one service account through EKS Pod Identity: trusted by
 * `pods.eks.amazonaws.com` (`sts:AssumeRole`, `sts:TagSession`), limited by the session tags EKS
 * sets to this account, cluster, namespace and service account, with its policies and (by
 * default) its Pod Identity association. It needs only the cluster's name, so the platform stack
 * can create roles for its charts against the cluster stack's cluster.
 */
export class PodIdentityRole extends Construct {
  /** The role's ARN. */
  readonly roleArn: string;
  /** The role's name. */
  readonly roleName: string;
  /** The role resource (escape hatch). */
  readonly role: IamRole;
  /** The Pod Identity association, unless `createAssociation` is false. */
  readonly association?: EksPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    const policies = props.policies ?? {};

    const v = new PropValidator("PodIdentityRole", this);
    v.check("namespace", props.namespace, KUBERNETES_NAMESPACE);
    v.check(
      "serviceAccount",
      props.serviceAccount,
      (n) => DNS_SUBDOMAIN.test(n),
      "must be a Kubernetes service account name (DNS subdomain)",
    );
    v.check(
      "roleName",
      props.roleName,
      (n) => n === undefined || ROLE_NAME.test(n),
      "must be 1–64 of [A-Za-z0-9+=,.@_-]",
    );
    for (const name of Object.keys(policies)) {
      v.check(
        `policies.${name}`,
        name,
        (n) => POLICY_NAME.test(n),
        "must be named with 1–128 of [A-Za-z0-9+=,.@_-]",
      );
    }
    const attachments = keyedEntries(v, "managedPolicyArns", props.managedPolicyArns ?? [], (arn) =>
      arn.slice(arn.lastIndexOf("/") + 1),
    );
    const managedPolicyArns = attachments.map(([, arn]) => arn);
    v.check(
      "managedPolicyArns",
      managedPolicyArns,
      (list) => list.every((arn) => MANAGED_POLICY_ARN.test(arn)) && new Set(list).size === list.length,
      "must be distinct IAM managed policy ARNs (arn:aws:iam::aws:policy/...)",
    );
    if (Object.keys(policies).length === 0 && managedPolicyArns.length === 0) {
      v.fail("policies", props.policies, "or 'managedPolicyArns' must grant at least one policy");
    }
    v.throwIfInvalid();

    const ctx = awsContext(this);
    this.role = new IamRole(this, "Role", {
      ...(props.roleName !== undefined
        ? { name: props.roleName }
        : { namePrefix: `${props.serviceAccount.slice(0, 37)}-` }),
      description:
        props.description ??
        `Pod Identity role of ${props.namespace}/${props.serviceAccount} in cluster ${props.cluster.clusterName}`,
      assumeRolePolicy: policyJson(
        podIdentityTrustPolicy(
          ctx.accountId,
          props.cluster.clusterName,
          props.namespace,
          props.serviceAccount,
        ),
      ),
    });
    this.roleArn = this.role.arn;
    this.roleName = this.role.name;

    for (const [name, document] of Object.entries(policies)) {
      new IamRolePolicy(this, `Policy-${name}`, { name, role: this.role.id, policy: policyJson(document) });
    }
    for (const [name, arn] of attachments) {
      new IamRolePolicyAttachment(this, `Attachment-${name}`, { role: this.role.name, policyArn: arn });
    }

    if (props.createAssociation ?? true) {
      this.association = new EksPodIdentityAssociation(this, "Association", {
        clusterName: props.cluster.clusterName,
        namespace: props.namespace,
        serviceAccount: props.serviceAccount,
        roleArn: this.role.arn,
      });
    }
  }
}

/**
 * The trust policy of a Pod Identity role: the EKS Pod Identity service may assume it and tag the
 * session, only for this account's cluster, namespace and service account (EKS sets these tags).
 */
export function podIdentityTrustPolicy(
  accountId: string,
  clusterName: string,
  namespace: string,
  serviceAccount: string,
): PolicyDocument {
  return policyDocument({
    Sid: "EksPodIdentity",
    Effect: "Allow",
    Principal: { Service: "pods.eks.amazonaws.com" },
    Action: ["sts:AssumeRole", "sts:TagSession"],
    Condition: {
      StringEquals: {
        "aws:SourceAccount": accountId,
        "aws:RequestTag/eks-cluster-name": clusterName,
        "aws:RequestTag/kubernetes-namespace": namespace,
        "aws:RequestTag/kubernetes-service-account": serviceAccount,
      },
    },
  });
}
