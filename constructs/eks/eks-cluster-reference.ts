import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { EKS_CLUSTER_NAME } from "../core/aws-identifiers";
import { PropValidator } from "../core/validation";

/**
 * An EKS cluster other constructs work with: an {@link EksCluster} of this app, or a cluster made
 * elsewhere imported with `EksCluster.fromAttributes`. Constructs that only need part of it take
 * that part (`PodIdentityCluster`: the name; `KarpenterCluster`: name and ARN), so a cluster stack's
 * outputs in another stack are accepted too.
 */
export interface IEksCluster {
  /** The cluster's name. */
  readonly clusterName: string;
  /** The cluster's ARN. */
  readonly clusterArn: string;
  /** The API server's URL. */
  readonly clusterEndpoint: string;
  /** The cluster's CA bundle, base64-encoded. */
  readonly clusterCertificateAuthorityData: string;
}

/** Attributes of a cluster made elsewhere, for `EksCluster.fromAttributes`. */
export interface EksClusterAttributes {
  /** The cluster's name. */
  readonly clusterName: string;
  /** The API server's URL. @default - read at plan time (an `aws_eks_cluster` data source) */
  readonly clusterEndpoint?: string;
  /** The cluster's CA bundle, base64-encoded. @default - read at plan time (an `aws_eks_cluster` data source) */
  readonly clusterCertificateAuthorityData?: string;
}

const HTTPS_URL = /^https:\/\/[^\s/]+(\/\S*)?$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A cluster made elsewhere: nothing is created; the name is checked, the ARN follows from it and the
 * stack's account, region and partition, and an endpoint or CA bundle not given is read at plan time.
 */
export class ImportedEksCluster extends Construct implements IEksCluster {
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly clusterEndpoint: string;
  readonly clusterCertificateAuthorityData: string;

  constructor(scope: Construct, id: string, attributes: EksClusterAttributes) {
    super(scope, id);
    const v = new PropValidator("EksCluster.fromAttributes", this);
    v.check(
      "clusterName",
      attributes.clusterName,
      (n) => EKS_CLUSTER_NAME.test(n),
      "must be an EKS cluster name (1–100 letters, digits, '-' or '_', starting with a letter or digit)",
    );
    v.check(
      "clusterEndpoint",
      attributes.clusterEndpoint,
      (url) => url === undefined || HTTPS_URL.test(url),
      "must be the API server's https:// URL",
    );
    v.check(
      "clusterCertificateAuthorityData",
      attributes.clusterCertificateAuthorityData,
      (data) => data === undefined || BASE64.test(data),
      "must be the base64-encoded CA bundle (certificateAuthority.data of `aws eks describe-cluster`)",
    );
    v.throwIfInvalid();
    const ctx = awsContext(this);
    this.clusterName = attributes.clusterName;
    this.clusterArn = `arn:${ctx.partition}:eks:${ctx.region}:${ctx.accountId}:cluster/${attributes.clusterName}`;
    const lookup =
      attributes.clusterEndpoint === undefined || attributes.clusterCertificateAuthorityData === undefined
        ? new DataAwsEksCluster(this, "Lookup", { name: attributes.clusterName })
        : undefined;
    this.clusterEndpoint = attributes.clusterEndpoint ?? lookup!.endpoint;
    this.clusterCertificateAuthorityData =
      attributes.clusterCertificateAuthorityData ?? lookup!.certificateAuthority.get(0).data;
  }
}
