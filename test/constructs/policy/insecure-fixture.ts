import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { App, TerraformStack } from "cdktf";

/** Everything a careless stack could do wrong: each resource breaks at least one policy rule. */
export function insecureStack(app: App, id = "insecure"): Record<string, TerraformStack | any> {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, "Aws", { region: "eu-west-1" }); // no default_tags: TAG-001
  const vpc = new Vpc(stack, "Vpc", { cidrBlock: "10.0.0.0/16" }); // no flow log: NET-001
  new DefaultSecurityGroup(stack, "DefaultSg", {
    vpcId: vpc.id,
    ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }], // NET-002, NET-003
  });
  new SecurityGroup(stack, "RdpSg", {
    vpcId: vpc.id,
    ingress: [{ protocol: "tcp", fromPort: 3389, toPort: 3389, ipv6CidrBlocks: ["::/0"] }], // NET-003
  });
  new Subnet(stack, "Subnet", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: true }); // NET-004
  const database = new DbInstance(stack, "Database", {
    engine: "postgres", // no rds.force_ssl parameter group: RDS-005
    instanceClass: "db.t4g.micro",
    allocatedStorage: 20,
    storageEncrypted: false, // RDS-001
    publiclyAccessible: true, // RDS-002
    backupRetentionPeriod: 0, // RDS-003
    deletionProtection: false, // RDS-004, DATA-001
    skipFinalSnapshot: true, // DATA-002
  });
  // No access block, encryption, TLS policy or versioning: S3-001..004; force_destroy: DATA-002.
  const bucket = new S3Bucket(stack, "Bucket", { bucket: "insecure-bucket", forceDestroy: true });
  const key = new KmsKey(stack, "Key", {
    enableKeyRotation: false, // KMS-001
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:*", Resource: "*" }], // KMS-002
    }),
  });
  const cluster = new EksCluster(stack, "Cluster", {
    name: "insecure",
    roleArn: "arn:aws:iam::111111111111:role/eks",
    vpcConfig: { subnetIds: ["subnet-1"], endpointPublicAccess: true }, // EKS-002
    enabledClusterLogTypes: ["api"], // EKS-003; no encryption_config: EKS-001
  });
  new LaunchTemplate(stack, "LaunchTemplate", { name: "insecure" }); // EC2-001
  new IamPolicy(stack, "AdminPolicy", {
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    }), // IAM-001
  });
  const role = new IamRole(stack, "OpenRole", {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }], // IAM-002
    }),
  });
  new CloudwatchLogGroup(stack, "Logs", { name: "forever" }); // LOG-001, LOG-002
  return { stack, vpc, database, bucket, key, cluster, role };
}
