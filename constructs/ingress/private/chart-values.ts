/**
 * Typed values of the ingress charts: the subset of each chart's `values.yaml` the platform sets.
 * Releases serialize them with JSON.stringify (JSON is YAML), so no values are ever written as text.
 */

import { ServiceAccountValues } from "../../helm/chart-values";

/** aws-load-balancer-controller (eks-charts). */
export interface LoadBalancerControllerValues {
  readonly clusterName: string;
  /** Set explicitly: pods cannot reach IMDS (IMDSv2, hop limit 1) to discover them. */
  readonly region: string;
  readonly vpcId: string;
  readonly replicaCount: number;
  readonly podDisruptionBudget: { readonly maxUnavailable: number };
  readonly ingressClass: string;
  readonly createIngressClassResource: boolean;
  readonly ingressClassConfig: { readonly default: boolean };
  readonly defaultTargetType: "ip" | "instance";
  readonly defaultTags: Readonly<Record<string, string>>;
  readonly serviceAccount: ServiceAccountValues;
}

/** cert-manager (jetstack). */
export interface CertManagerValues {
  /** CRDs rendered by the chart and kept when the release is uninstalled (certificates survive). */
  readonly crds: { readonly enabled: boolean; readonly keep: boolean };
  readonly replicaCount: number;
  readonly podDisruptionBudget: { readonly enabled: boolean; readonly maxUnavailable: number };
  readonly webhook: {
    readonly replicaCount: number;
    readonly podDisruptionBudget: { readonly enabled: boolean; readonly maxUnavailable: number };
  };
  readonly serviceAccount: ServiceAccountValues;
}

/** external-dns (kubernetes-sigs). */
export interface ExternalDnsValues {
  readonly provider: { readonly name: "aws" };
  /** `upsert-only` never deletes records; `sync` also removes records of deleted Ingresses/Services. */
  readonly policy: "sync" | "upsert-only";
  readonly registry: "txt";
  /** Marks the records this instance owns (TXT registry), so two clusters never fight over one. */
  readonly txtOwnerId: string;
  readonly domainFilters: readonly string[];
  readonly sources: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly extraArgs: readonly string[];
  readonly serviceAccount: ServiceAccountValues;
}

/** A cert-manager ClusterIssuer for ACME (Let's Encrypt) with a Route 53 DNS-01 solver. */
export interface AcmeClusterIssuer {
  readonly apiVersion: "cert-manager.io/v1";
  readonly kind: "ClusterIssuer";
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly acme: {
      readonly server: string;
      readonly email: string;
      /** Secret cert-manager creates for the ACME account key (a name, never key material). */
      readonly privateKeySecretRef: { readonly name: string };
      readonly solvers: readonly {
        readonly selector: { readonly dnsZones: readonly string[] };
        readonly dns01: { readonly route53: { readonly region: string; readonly hostedZoneID: string } };
      }[];
    };
  };
}
