import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { PolicyDocument, policyDocument, policyJson } from "../core/iam";
import { PodIdentityRole } from "./pod-identity-role";

/** The tag key Karpenter discovers subnets and security groups by; its value is the cluster name. */
export const KARPENTER_DISCOVERY_TAG = "karpenter.sh/discovery";

/**
 * An affinity that keeps pods on managed-node-group nodes (Karpenter labels its nodes with
 * `karpenter.sh/nodepool`, as the Karpenter chart's own default affinity uses), spread over nodes
 * when possible: for system Deployments such as CoreDNS, so that consolidation never moves them.
 */
export function baselineNodeAffinity(podLabels: Readonly<Record<string, string>>): object {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: "karpenter.sh/nodepool", operator: "DoesNotExist" },
              { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
            ],
          },
        ],
      },
    },
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            labelSelector: {
              matchExpressions: Object.entries(podLabels).map(([key, value]) => ({
                key,
                operator: "In",
                values: [value],
              })),
            },
            topologyKey: "kubernetes.io/hostname",
          },
        },
      ],
    },
  };
}

/**
 * The part of an `IEksCluster` Karpenter's infrastructure needs (IAM scoping and the node access
 * entry): an `EksCluster`, or `EksCluster.fromAttributes`.
 */
export interface KarpenterCluster {
  /** The cluster's name (Karpenter tags everything it launches with it). */
  readonly clusterName: string;
  /** The cluster's ARN. */
  readonly clusterArn: string;
}

/** Props of {@link KarpenterInfrastructure}. */
export interface KarpenterInfrastructureProps {
  /** The cluster whose nodes Karpenter launches. */
  readonly cluster: KarpenterCluster;
  /** Namespace of the Karpenter controller. @default "kube-system" */
  readonly namespace?: string;
  /** Service account of the Karpenter controller. @default "karpenter" */
  readonly serviceAccount?: string;
}

/**
 * The EC2 and AWS Health events Karpenter handles before an instance goes away, by rule: the
 * rule's name prefix (≤ 38 characters: the provider appends a unique suffix) and event pattern.
 */
export const KARPENTER_INTERRUPTION_EVENTS = {
  HealthEvent: {
    namePrefix: "karpenter-health-",
    pattern: { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
  },
  SpotInterrupt: {
    namePrefix: "karpenter-spot-interruption-",
    pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
  },
  InstanceRebalance: {
    namePrefix: "karpenter-rebalance-",
    pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
  },
  InstanceStateChange: {
    namePrefix: "karpenter-state-change-",
    pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
  },
  CapacityReservationInterruption: {
    namePrefix: "karpenter-cr-interruption-",
    pattern: {
      source: ["aws.ec2"],
      "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"],
    },
  },
} as const;

/**
 * What Karpenter needs in AWS, created in the cluster's stack (the Helm release and its NodePools
 * live in the platform stack, see {@link Karpenter}), after terraform-aws-modules' `karpenter`
 * module:
 * - the nodes' IAM role (join the cluster, pull images, the VPC CNI) and its `EC2_LINUX` access
 *   entry, so nodes Karpenter launches can register;
 * - the interruption queue (SQS, SSE, TLS-only, 5-minute retention) fed by EventBridge rules for
 *   spot interruptions, rebalance recommendations, state changes, capacity-reservation
 *   interruptions and AWS Health events, writable only by those rules;
 * - the controller's Pod Identity role: EC2 actions limited to resources tagged for this cluster
 *   and a NodePool, this region, pass-role of the node role only, and the queue.
 */
export class KarpenterInfrastructure extends Construct {
  /** ARN of the role of the nodes Karpenter launches. */
  readonly nodeRoleArn: string;
  /** Name of that role (an EC2NodeClass's `role`). */
  readonly nodeRoleName: string;
  /** Name of the interruption queue (the chart's `settings.interruptionQueue`). */
  readonly interruptionQueueName: string;
  /** ARN of the interruption queue. */
  readonly interruptionQueueArn: string;
  /** The controller's Pod Identity role. */
  readonly controllerRole: PodIdentityRole;
  /** The controller's namespace. */
  readonly namespace: string;
  /** The controller's service account. */
  readonly serviceAccount: string;

  constructor(scope: Construct, id: string, props: KarpenterInfrastructureProps) {
    super(scope, id);
    const ctx = awsContext(this);
    const clusterName = props.cluster.clusterName;
    this.namespace = props.namespace ?? "kube-system";
    this.serviceAccount = props.serviceAccount ?? "karpenter";

    const nodeRole = new IamRole(this, "NodeRole", {
      namePrefix: "karpenter-nodes-",
      description: `Nodes Karpenter launches for EKS cluster ${clusterName}`,
      assumeRolePolicy: policyJson(
        policyDocument({
          Sid: "EksNodeAssumeRole",
          Effect: "Allow",
          Principal: { Service: "ec2.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
      ),
    });
    this.nodeRoleArn = nodeRole.arn;
    this.nodeRoleName = nodeRole.name;
    for (const policy of [
      "AmazonEKSWorkerNodePolicy",
      "AmazonEC2ContainerRegistryPullOnly",
      "AmazonEKS_CNI_Policy",
    ]) {
      new IamRolePolicyAttachment(this, `NodeRolePolicy-${policy}`, {
        role: nodeRole.name,
        policyArn: `arn:${ctx.partition}:iam::aws:policy/${policy}`,
      });
    }
    // Nodes authenticate with their role; EC2_LINUX maps it to system:nodes (no access policy).
    new EksAccessEntry(this, "NodeAccessEntry", {
      clusterName,
      principalArn: nodeRole.arn,
      type: "EC2_LINUX",
    });

    const queue = new SqsQueue(this, "InterruptionQueue", {
      name: `${clusterName}-karpenter`,
      // Interruption warnings are useless after two minutes; keep five.
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
    });
    this.interruptionQueueName = queue.name;
    this.interruptionQueueArn = queue.arn;

    const rules = Object.entries(KARPENTER_INTERRUPTION_EVENTS).map(([name, event]) => {
      const rule = new CloudwatchEventRule(this, `Rule-${name}`, {
        // The cluster is in the description and tags: a prefix with its name could exceed 38 characters.
        namePrefix: event.namePrefix,
        description: `Karpenter interruption handling of ${clusterName}: ${event.pattern["detail-type"][0]}`,
        eventPattern: JSON.stringify(event.pattern),
        tags: { "eks-cluster": clusterName },
      });
      new CloudwatchEventTarget(this, `Target-${name}`, {
        rule: rule.name,
        targetId: "KarpenterInterruptionQueue",
        arn: queue.arn,
      });
      return rule;
    });

    new SqsQueuePolicy(this, "InterruptionQueuePolicy", {
      queueUrl: queue.url,
      policy: policyJson(
        policyDocument(
          {
            Sid: "EventBridgeRulesOfThisCluster",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: queue.arn,
            Condition: { ArnEquals: { "aws:SourceArn": rules.map((r) => r.arn) } },
          },
          {
            Sid: "DenyWithoutTls",
            Effect: "Deny",
            Principal: "*",
            Action: "sqs:*",
            Resource: queue.arn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ),
      ),
    });

    this.controllerRole = new PodIdentityRole(this, "ControllerRole", {
      cluster: props.cluster,
      namespace: this.namespace,
      serviceAccount: this.serviceAccount,
      description: `Karpenter controller of EKS cluster ${clusterName}`,
      policies: {
        "karpenter-controller": karpenterControllerPolicy({
          partition: ctx.partition,
          region: ctx.region,
          accountId: ctx.accountId,
          clusterName,
          clusterArn: props.cluster.clusterArn,
          nodeRoleArn: nodeRole.arn,
          queueArn: queue.arn,
        }),
      },
    });
  }
}

/** What the controller policy is scoped to. */
export interface KarpenterPolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly nodeRoleArn: string;
  readonly queueArn: string;
}

/**
 * The Karpenter (v1) controller policy, statement for statement as terraform-aws-modules'
 * `karpenter` module (v21) writes it: launches and deletions only of resources tagged
 * `kubernetes.io/cluster/<cluster>=owned` and `karpenter.sh/nodepool`, reads limited to the region,
 * PassRole of the node role to EC2 only, instance profiles tagged for this cluster and region.
 */
export function karpenterControllerPolicy(s: KarpenterPolicyScope): PolicyDocument {
  const ec2 = (type: string, account = "*") => `arn:${s.partition}:ec2:${s.region}:${account}:${type}/*`;
  const profiles = `arn:${s.partition}:iam::${s.accountId}:instance-profile/*`;
  const clusterTag = `kubernetes.io/cluster/${s.clusterName}`;
  const launched = [
    "fleet",
    "instance",
    "volume",
    "network-interface",
    "launch-template",
    "spot-instances-request",
  ];
  return policyDocument(
    {
      Sid: "AllowScopedEC2InstanceAccessActions",
      Effect: "Allow",
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Resource: [
        `arn:${s.partition}:ec2:${s.region}::image/*`,
        `arn:${s.partition}:ec2:${s.region}::snapshot/*`,
        ec2("security-group"),
        ec2("subnet"),
        ec2("capacity-reservation"),
        ec2("placement-group"),
      ],
    },
    {
      Sid: "AllowScopedEC2LaunchTemplateAccessActions",
      Effect: "Allow",
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Resource: ec2("launch-template"),
      Condition: {
        StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedEC2InstanceActionsWithTags",
      Effect: "Allow",
      Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      Resource: [...launched.map((t) => ec2(t)), ec2("capacity-reservation")],
      Condition: {
        StringEquals: {
          [`aws:RequestTag/${clusterTag}`]: "owned",
          "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
        },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceCreationTagging",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: launched.map((t) => ec2(t)),
      Condition: {
        StringEquals: {
          [`aws:RequestTag/${clusterTag}`]: "owned",
          "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
          "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
        },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceTagging",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: ec2("instance"),
      Condition: {
        StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": s.clusterName },
        "ForAllValues:StringEquals": {
          "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"],
        },
      },
    },
    {
      Sid: "AllowScopedDeletion",
      Effect: "Allow",
      Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
      Resource: [ec2("instance"), ec2("launch-template")],
      Condition: {
        StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowRegionalReadActions",
      Effect: "Allow",
      Action: [
        "ec2:DescribeCapacityReservations",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeInstanceStatus",
        "ec2:DescribeSpotPriceHistory",
        "ec2:DescribeSubnets",
        "ec2:DescribePlacementGroups",
      ],
      // Describe* support no resource-level permissions; limited to the cluster's region.
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": s.region } },
    },
    {
      Sid: "AllowSSMReadActions",
      Effect: "Allow",
      Action: "ssm:GetParameter",
      Resource: `arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`,
    },
    // The Price List API has no resource-level permissions.
    { Sid: "AllowPricingReadActions", Effect: "Allow", Action: "pricing:GetProducts", Resource: "*" },
    {
      Sid: "AllowZonalShiftReadActions",
      Effect: "Allow",
      Action: "arc-zonal-shift:GetManagedResource",
      Resource: s.clusterArn,
    },
    {
      Sid: "AllowInterruptionQueueActions",
      Effect: "Allow",
      Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
      Resource: s.queueArn,
    },
    {
      Sid: "AllowPassingInstanceRole",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: s.nodeRoleArn,
      Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    },
    {
      Sid: "AllowScopedInstanceProfileCreationActions",
      Effect: "Allow",
      Action: "iam:CreateInstanceProfile",
      Resource: profiles,
      Condition: {
        StringEquals: {
          [`aws:RequestTag/${clusterTag}`]: "owned",
          "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
          "aws:RequestTag/topology.kubernetes.io/region": s.region,
        },
        StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileTagActions",
      Effect: "Allow",
      Action: "iam:TagInstanceProfile",
      Resource: profiles,
      Condition: {
        StringEquals: {
          [`aws:ResourceTag/${clusterTag}`]: "owned",
          "aws:ResourceTag/topology.kubernetes.io/region": s.region,
          [`aws:RequestTag/${clusterTag}`]: "owned",
          "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
          "aws:RequestTag/topology.kubernetes.io/region": s.region,
        },
        StringLike: {
          "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
          "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
        },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileActions",
      Effect: "Allow",
      Action: [
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:DeleteInstanceProfile",
      ],
      Resource: profiles,
      Condition: {
        StringEquals: {
          [`aws:ResourceTag/${clusterTag}`]: "owned",
          "aws:ResourceTag/topology.kubernetes.io/region": s.region,
        },
        StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowInstanceProfileReadActions",
      Effect: "Allow",
      Action: "iam:GetInstanceProfile",
      Resource: profiles,
    },
    // ListInstanceProfiles supports no resource-level permissions.
    {
      Sid: "AllowUnscopedInstanceProfileListAction",
      Effect: "Allow",
      Action: "iam:ListInstanceProfiles",
      Resource: "*",
    },
    {
      Sid: "AllowAPIServerEndpointDiscovery",
      Effect: "Allow",
      Action: "eks:DescribeCluster",
      Resource: s.clusterArn,
    },
  );
}
