/**
 * How the Kubernetes and Helm providers (in the platform stack) authenticate to an EKS cluster:
 * a short-lived token from `aws eks get-token`, fetched at each Terraform run, never stored.
 */

/** The `exec` block of the Kubernetes provider (and of the Helm provider's `kubernetes` block). */
export interface EksExecAuth {
  readonly apiVersion: string;
  readonly command: string;
  readonly args: string[];
}

/** What a Kubernetes client needs from the cluster stack: name, endpoint and CA bundle. */
export interface EksClusterConnection {
  /** The cluster's name. */
  readonly clusterName: string;
  /** The API server's URL. */
  readonly clusterEndpoint: string;
  /** The cluster's CA bundle, base64-encoded (decode it for `cluster_ca_certificate`). */
  readonly clusterCertificateAuthorityData: string;
}

/** Exec credentials for one cluster: `aws eks get-token --cluster-name <name> --region <region> [--role-arn <role>]`. */
export function eksExecAuth(clusterName: string, region: string, roleArn?: string): EksExecAuth {
  return {
    apiVersion: "client.authentication.k8s.io/v1beta1",
    command: "aws",
    args: [
      "eks",
      "get-token",
      "--cluster-name",
      clusterName,
      "--region",
      region,
      ...(roleArn !== undefined ? ["--role-arn", roleArn] : []),
    ],
  };
}
