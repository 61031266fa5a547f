import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { awsContext } from "../../core/aws-context";
import { policyJson, serviceTrustPolicy } from "../../core/iam";

/** The enhanced-monitoring role's ARN and the attachment the instance waits for. */
export interface MonitoringRole {
  readonly roleArn: string;
  readonly attachment: ITerraformDependable;
}

/** The role RDS enhanced monitoring assumes to publish OS metrics. */
export function monitoringRole(scope: Construct, identifier: string): MonitoringRole {
  const ctx = awsContext(scope);
  const role = new IamRole(scope, "MonitoringRole", {
    name: `${identifier}-monitoring`,
    description: `RDS enhanced monitoring of ${identifier}`,
    assumeRolePolicy: policyJson(serviceTrustPolicy("monitoring.rds.amazonaws.com", ctx.accountId)),
  });
  const attachment = new IamRolePolicyAttachment(scope, "MonitoringRolePolicy", {
    role: role.name,
    policyArn: `arn:${ctx.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
  });
  return { roleArn: role.arn, attachment };
}
