import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { App, Aspects, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import {
  Network,
  ObjectStorage,
  PolicyPack,
  PostgresDatabase,
  ProtectStatefulResources,
} from "@acme/aws-platform-constructs";

/** Where and how one deployment of the orders service's data layer runs. */
export interface OrdersDataStackProps {
  /** The only AWS account this stack may deploy to. */
  readonly accountId: string;
  /** The AWS region. */
  readonly region: string;
  /** The bucket that holds Terraform state. */
  readonly stateBucket: string;
  /** The VPC's IPv4 block. */
  readonly cidr: string;
}

/**
 * A consumer's own stack: its provider and backend, and the library's network, object storage and
 * Postgres constructs, checked by the policy pack.
 */
export class OrdersDataStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: OrdersDataStackProps) {
    super(scope, id);
    new AwsProvider(this, "Aws", {
      region: props.region,
      allowedAccountIds: [props.accountId],
      defaultTags: [
        { tags: { environment: "prod", "managed-by": "cdktf", repository: "acme/orders", stack: id } },
      ],
    });
    new S3Backend(this, {
      bucket: props.stateBucket,
      key: `${id}.tfstate`,
      region: props.region,
      encrypt: true,
    });
    // cdktf 0.21's S3Backend predates S3-native locking (Terraform >= 1.10): set it as an override.
    this.addOverride("terraform.backend.s3.use_lockfile", true);

    const network = new Network(this, "Network", {
      cidr: props.cidr,
      availabilityZones: [`${props.region}a`, `${props.region}b`, `${props.region}c`],
    });
    const app = new SecurityGroup(this, "AppSecurityGroup", {
      name: "orders-app",
      description: "Orders application: its members may connect to the database",
      vpcId: network.vpcId,
    });
    const documents = new ObjectStorage(this, "Documents", { bucketNamePrefix: "orders-documents" });
    const database = new PostgresDatabase(this, "Database", {
      network,
      identifier: "orders",
      databaseName: "orders",
      clientSecurityGroups: { app: app.id },
    });

    new TerraformOutput(this, "vpc_id", { value: network.vpcId });
    new TerraformOutput(this, "documents_bucket", { value: documents.bucketName });
    new TerraformOutput(this, "database_endpoint", { value: database.endpoint });
    new TerraformOutput(this, "database_secret_arn", { value: database.secretArn });

    // Production data survives a mistaken destroy; the policy pack fails synth on any violation.
    Aspects.of(this).add(new ProtectStatefulResources());
    Aspects.of(this).add(new PolicyPack({ profile: "production" }));
  }
}

const app = new App();
new OrdersDataStack(app, "orders-data-prod", {
  accountId: "123456789012",
  region: "eu-west-1",
  stateBucket: "acme-orders-terraform-state",
  cidr: "10.20.0.0/16",
});
app.synth();
