/**
 * The IAM policies of the ingress components, as typed documents. Each follows the component's
 * published policy and scopes further where the resource is known: the cluster's tag value instead
 * of "any cluster", this account and region instead of `*:*`, the hosted zone instead of every zone.
 */
import { PolicyDocument, policyDocument } from "../../core/iam";

/** Where the load balancer controller works: its cluster, VPC, account, region and partition. */
export interface LoadBalancerControllerScope {
  readonly clusterName: string;
  readonly vpcId: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
}

/** The tag the controller puts on every resource it creates, set to the cluster's name. */
const CLUSTER_TAG = "elbv2.k8s.aws/cluster";

/**
 * The AWS Load Balancer Controller's policy (upstream `docs/install/iam_policy.json`, v2.14+), with
 * every "tagged by some cluster" condition narrowed to "tagged by this cluster", resource ARNs
 * narrowed to this account and region, and security groups created only in this VPC.
 */
export function loadBalancerControllerPolicy(scope: LoadBalancerControllerScope): PolicyDocument {
  const { clusterName, vpcId, accountId, region, partition } = scope;
  const elb = `arn:${partition}:elasticloadbalancing:${region}:${accountId}`;
  const securityGroups = `arn:${partition}:ec2:${region}:${accountId}:security-group/*`;
  const loadBalancersAndTargetGroups = [
    `${elb}:targetgroup/*/*`,
    `${elb}:loadbalancer/net/*/*`,
    `${elb}:loadbalancer/app/*/*`,
  ];
  const ownedByCluster = { StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: clusterName } };
  const requestedForCluster = { StringEquals: { [`aws:RequestTag/${CLUSTER_TAG}`]: clusterName } };
  return policyDocument(
    {
      Sid: "CreateElbServiceLinkedRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: "*",
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    },
    {
      // Describe/Get calls support no resource-level permissions.
      Sid: "Describe",
      Effect: "Allow",
      Action: [
        "ec2:DescribeAccountAttributes",
        "ec2:DescribeAddresses",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeTags",
        "ec2:GetCoipPoolUsage",
        "ec2:DescribeCoipPools",
        "ec2:GetSecurityGroupsForVpc",
        "ec2:DescribeIpamPools",
        "ec2:DescribeRouteTables",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeSSLPolicies",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTrustStores",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeCapacityReservation",
      ],
      Resource: "*",
    },
    {
      Sid: "CertificatesWafShield",
      Effect: "Allow",
      Action: [
        "cognito-idp:DescribeUserPoolClient",
        "acm:ListCertificates",
        "acm:DescribeCertificate",
        "iam:ListServerCertificates",
        "iam:GetServerCertificate",
        "waf-regional:GetWebACL",
        "waf-regional:GetWebACLForResource",
        "waf-regional:AssociateWebACL",
        "waf-regional:DisassociateWebACL",
        "wafv2:GetWebACL",
        "wafv2:GetWebACLForResource",
        "wafv2:AssociateWebACL",
        "wafv2:DisassociateWebACL",
        "shield:GetSubscriptionState",
        "shield:DescribeProtection",
        "shield:CreateProtection",
        "shield:DeleteProtection",
      ],
      Resource: "*",
    },
    {
      // Upstream allows this on any group: the controller opens the nodes' group to its load balancers.
      Sid: "SecurityGroupIngress",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      Resource: securityGroups,
    },
    {
      Sid: "CreateSecurityGroupInVpc",
      Effect: "Allow",
      Action: "ec2:CreateSecurityGroup",
      Resource: [securityGroups, `arn:${partition}:ec2:${region}:${accountId}:vpc/${vpcId}`],
    },
    {
      Sid: "TagNewSecurityGroup",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: securityGroups,
      Condition: {
        StringEquals: {
          "ec2:CreateAction": "CreateSecurityGroup",
          [`aws:RequestTag/${CLUSTER_TAG}`]: clusterName,
        },
      },
    },
    {
      Sid: "RetagOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:CreateTags", "ec2:DeleteTags"],
      Resource: securityGroups,
      Condition: { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "true" }, ...ownedByCluster },
    },
    {
      Sid: "ManageOwnSecurityGroups",
      Effect: "Allow",
      Action: [
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:DeleteSecurityGroup",
      ],
      Resource: securityGroups,
      Condition: ownedByCluster,
    },
    {
      Sid: "CreateLoadBalancersForCluster",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      Resource: "*",
      Condition: requestedForCluster,
    },
    {
      Sid: "ListenersAndRules",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:DeleteRule",
      ],
      Resource: "*",
    },
    {
      Sid: "RetagOwnLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: loadBalancersAndTargetGroups,
      Condition: { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "true" }, ...ownedByCluster },
    },
    {
      Sid: "TagListenersAndRules",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: [
        `${elb}:listener/net/*/*/*`,
        `${elb}:listener/app/*/*/*`,
        `${elb}:listener-rule/net/*/*/*`,
        `${elb}:listener-rule/app/*/*/*`,
      ],
    },
    {
      Sid: "ManageOwnLoadBalancers",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:ModifyCapacityReservation",
        "elasticloadbalancing:ModifyIpPools",
      ],
      Resource: "*",
      Condition: ownedByCluster,
    },
    {
      Sid: "TagOnCreate",
      Effect: "Allow",
      Action: "elasticloadbalancing:AddTags",
      Resource: loadBalancersAndTargetGroups,
      Condition: {
        StringEquals: {
          "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
          [`aws:RequestTag/${CLUSTER_TAG}`]: clusterName,
        },
      },
    },
    {
      Sid: "RegisterTargets",
      Effect: "Allow",
      Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      Resource: `${elb}:targetgroup/*/*`,
    },
    {
      Sid: "ListenerSettings",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:SetWebAcl",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:SetRulePriorities",
      ],
      Resource: "*",
    },
  );
}

/** The ARN of a Route 53 hosted zone. */
export function hostedZoneArn(partition: string, hostedZoneId: string): string {
  return `arn:${partition}:route53:::hostedzone/${hostedZoneId}`;
}

/**
 * external-dns: change and list records in one hosted zone only (A, AAAA, CNAME and its TXT
 * ownership records); listing zones has no resource-level permission, so it stays on `*`.
 */
export function externalDnsPolicy(zoneArn: string): PolicyDocument {
  return policyDocument(
    {
      Sid: "ChangeRecordsInZone",
      Effect: "Allow",
      Action: "route53:ChangeResourceRecordSets",
      Resource: zoneArn,
      Condition: {
        "ForAllValues:StringEquals": {
          "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA", "CNAME", "TXT"],
        },
      },
    },
    {
      Sid: "ReadZone",
      Effect: "Allow",
      Action: ["route53:ListResourceRecordSets", "route53:ListTagsForResources"],
      Resource: zoneArn,
    },
    { Sid: "ListZones", Effect: "Allow", Action: "route53:ListHostedZones", Resource: "*" },
  );
}

/**
 * cert-manager's DNS-01 solver: write only `_acme-challenge` TXT records in one hosted zone, and
 * follow the change it made (cert-manager's documented policy, narrowed to the zone).
 */
export function certManagerDnsPolicy(zoneArn: string, partition: string): PolicyDocument {
  return policyDocument(
    {
      Sid: "AcmeChallengeRecords",
      Effect: "Allow",
      Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
      Resource: zoneArn,
      Condition: {
        "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"] },
        "ForAllValues:StringLike": {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_acme-challenge.*"],
        },
      },
    },
    {
      Sid: "FollowChanges",
      Effect: "Allow",
      Action: "route53:GetChange",
      Resource: `arn:${partition}:route53:::change/*`,
    },
  );
}
