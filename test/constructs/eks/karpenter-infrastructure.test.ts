import { Testing } from "cdktf";
import {
  KARPENTER_INTERRUPTION_EVENTS,
  KarpenterInfrastructure,
} from "../../../constructs/eks/karpenter-infrastructure";
import { TerraformJson, onlyResource, resourcesOf, testStack } from "../../helpers";

const stack = testStack();
new KarpenterInfrastructure(stack, "Karpenter", {
  cluster: { clusterName: "test", clusterArn: "arn:aws:eks:eu-west-1:111111111111:cluster/test" },
});
const json: TerraformJson = JSON.parse(Testing.synth(stack));
const roles = Object.values(resourcesOf(json, "aws_iam_role"));
const nodeRole = roles.find((r) => r.name_prefix === "karpenter-nodes-");
const controllerRole = roles.find((r) => r.name_prefix === "karpenter-");
const controllerPolicy = JSON.parse(onlyResource(json, "aws_iam_role_policy").policy);
const statement = (sid: string) => controllerPolicy.Statement.find((s: any) => s.Sid === sid);

describe("KarpenterInfrastructure", () => {
  it("gives the nodes a role EC2 assumes, with the node policies and an EC2_LINUX access entry", () => {
    expect(JSON.parse(nodeRole.assume_role_policy).Statement[0]).toMatchObject({
      Principal: { Service: "ec2.amazonaws.com" },
      Action: "sts:AssumeRole",
    });
    const attached = Object.values(resourcesOf(json, "aws_iam_role_policy_attachment")).map((a) =>
      a.policy_arn.replace(/^.*policy\//, ""),
    );
    expect(attached.sort()).toEqual([
      "AmazonEC2ContainerRegistryPullOnly",
      "AmazonEKSWorkerNodePolicy",
      "AmazonEKS_CNI_Policy",
    ]);
    expect(onlyResource(json, "aws_eks_access_entry")).toMatchObject({
      cluster_name: "test",
      type: "EC2_LINUX",
    });
  });

  it("feeds an encrypted, short-lived, TLS-only queue from one EventBridge rule per interruption event", () => {
    expect(onlyResource(json, "aws_sqs_queue")).toMatchObject({
      name: "test-karpenter",
      message_retention_seconds: 300,
      sqs_managed_sse_enabled: true,
    });
    const rules = Object.values(resourcesOf(json, "aws_cloudwatch_event_rule"));
    const events = Object.values(KARPENTER_INTERRUPTION_EVENTS);
    expect(rules).toHaveLength(events.length);
    expect(rules.map((r) => JSON.parse(r.event_pattern))).toEqual(
      expect.arrayContaining(events.map((e) => e.pattern)),
    );
    // Literal prefixes within the provider's 38 characters, never a cut Terraform expression.
    expect(rules.map((r) => r.name_prefix).sort()).toEqual(events.map((e) => e.namePrefix).sort());
    for (const event of events) expect(event.namePrefix.length).toBeLessThanOrEqual(38);
    for (const rule of rules) expect(rule.description).toMatch(/^Karpenter interruption handling of test: /);
    const targets = Object.values(resourcesOf(json, "aws_cloudwatch_event_target"));
    expect(targets).toHaveLength(rules.length);
    for (const target of targets) expect(target.arn).toMatch(/^\$\{aws_sqs_queue\..*\.arn\}$/);
    const [send, deny] = JSON.parse(onlyResource(json, "aws_sqs_queue_policy").policy).Statement;
    expect(send).toMatchObject({ Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage" });
    // Only this cluster's rules may write to the queue.
    expect(send.Condition.ArnEquals["aws:SourceArn"]).toHaveLength(rules.length);
    expect(deny).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });

  it("gives the controller a Pod Identity role for kube-system/karpenter", () => {
    expect(JSON.parse(controllerRole.assume_role_policy).Statement[0].Principal).toEqual({
      Service: "pods.eks.amazonaws.com",
    });
    expect(onlyResource(json, "aws_eks_pod_identity_association")).toMatchObject({
      cluster_name: "test",
      namespace: "kube-system",
      service_account: "karpenter",
    });
  });

  it("scopes the controller to this cluster's tagged resources, its node role and its queue", () => {
    for (const s of controllerPolicy.Statement) expect([s.Action].flat()).not.toContain("*");
    expect(statement("AllowScopedEC2InstanceActionsWithTags").Condition).toMatchObject({
      StringEquals: {
        "aws:RequestTag/kubernetes.io/cluster/test": "owned",
        "aws:RequestTag/eks:eks-cluster-name": "test",
      },
      StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
    });
    expect(statement("AllowScopedDeletion").Condition.StringEquals).toEqual({
      "aws:ResourceTag/kubernetes.io/cluster/test": "owned",
    });
    expect(statement("AllowPassingInstanceRole")).toMatchObject({
      Resource: expect.stringMatching(/^\$\{aws_iam_role\.Karpenter_NodeRole_.*\.arn\}$/),
      Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    });
    expect(statement("AllowInterruptionQueueActions").Resource).toMatch(/^\$\{aws_sqs_queue\./);
    expect(statement("AllowRegionalReadActions").Condition.StringEquals).toHaveProperty(
      "aws:RequestedRegion",
    );
    const unscoped = controllerPolicy.Statement.filter((s: any) => s.Resource === "*" && !s.Condition);
    expect(unscoped.map((s: any) => s.Sid).sort()).toEqual([
      "AllowPricingReadActions",
      "AllowUnscopedInstanceProfileListAction",
    ]);
  });
});
