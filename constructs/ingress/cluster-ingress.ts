import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { awsContext } from "../core/aws-context";
import { PropValidator, matching, noted, oneOf, optional, wholeNumber } from "../core/validation";
import { VPC } from "../core/aws-identifiers";
import { INetwork } from "../network/network-reference";
import { PodIdentityCluster, PodIdentityRole } from "../eks/pod-identity-role";
import { HELM_CHARTS } from "../versions";
import { ChartRelease } from "../helm/chart-release";
import { kubernetesObjectsRelease } from "../helm/kubernetes-objects";
import { podIdentityRelease } from "../helm/pod-identity-release";
import {
  AcmeClusterIssuer,
  CertManagerValues,
  ExternalDnsValues,
  LoadBalancerControllerValues,
} from "./private/chart-values";
import {
  certManagerDnsPolicy,
  externalDnsPolicy,
  hostedZoneArn,
  loadBalancerControllerPolicy,
} from "./private/iam-policies";

/** How external-dns treats records: `upsert-only` never deletes, `sync` removes records it no longer sees. */
export type ExternalDnsPolicy = "sync" | "upsert-only";

/** Props of {@link ClusterIngress}. */
export interface ClusterIngressProps {
  /**
   * The cluster the controllers run in: an `EksCluster`, `EksCluster.fromAttributes`, or another
   * stack's cluster (only its name is needed).
   */
  readonly cluster: PodIdentityCluster;
  /**
   * The cluster's network: the load balancer controller cannot discover its VPC (pods have no IMDS
   * access). A `Network`, or `Network.fromAttributes`; required unless `vpcId` is given.
   * @default - the VPC of `vpcId`
   */
  readonly network?: INetwork;
  /**
   * The cluster's VPC id; prefer `network` (`Network.fromAttributes` for a VPC made elsewhere).
   * @default - the VPC of `network`
   * @deprecated use `network`
   */
  readonly vpcId?: string;
  /** The cluster's region, given to the controllers explicitly. @default - the stack's AWS provider region */
  readonly region?: string;
  /** Installs the AWS Load Balancer Controller (IngressClass `alb`, IP targets). @default true */
  readonly loadBalancerController?: boolean;
  /** Replicas of the load balancer controller (a PodDisruptionBudget keeps all but one). @default 2 */
  readonly loadBalancerControllerReplicas?: number;
  /** Tags the controller puts on every load balancer, target group and security group it creates. @default - none */
  readonly loadBalancerTags?: Readonly<Record<string, string>>;
  /** Installs cert-manager with its CRDs; its ACME issuers need `domainName`. @default true */
  readonly certManager?: boolean;
  /** Installs external-dns for `domainName`'s hosted zone (skipped without a domain). @default true */
  readonly externalDns?: boolean;
  /** external-dns record policy, always written explicitly. @default "upsert-only" */
  readonly externalDnsPolicy?: ExternalDnsPolicy;
  /** external-dns TXT owner id; must differ between clusters sharing a zone. @default - the cluster name */
  readonly externalDnsOwnerId?: string;
  /** The environment's DNS domain. @default - none: no ACME issuers, no external-dns, no certificate */
  readonly domainName?: string;
  /** The Route 53 hosted zone of `domainName`; required with it. @default - none */
  readonly hostedZoneId?: string;
  /** ACME account email of the Let's Encrypt issuers; required with `domainName` when cert-manager is on. @default - none */
  readonly acmeEmail?: string;
  /** Issues a DNS-validated ACM certificate for `domainName` and `*.domainName` (for the ALBs). @default true */
  readonly certificate?: boolean;
}

/** The IngressClass the load balancer controller serves. */
export const ALB_INGRESS_CLASS = "alb";
/** The Let's Encrypt ClusterIssuers created when cert-manager has a domain, by name. */
export const ACME_ISSUERS = {
  "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
  "letsencrypt-prod": "https://acme-v02.api.letsencrypt.org/directory",
} as const;

const SERVICE_ACCOUNTS = {
  loadBalancerController: { namespace: "kube-system", name: "aws-load-balancer-controller" },
  certManager: { namespace: "cert-manager", name: "cert-manager" },
  externalDns: { namespace: "external-dns", name: "external-dns" },
} as const;

/** The DNS domain the platform's ingresses, certificates and records live under. */
export const DOMAIN_NAME = matching(
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
  "a DNS domain such as 'dev.example.com'",
);

/** The Route 53 hosted zone of the domain. */
export const HOSTED_ZONE_ID = matching(
  /^Z[A-Z0-9]{1,31}$/,
  "a Route 53 hosted zone id such as 'Z0123456789ABC'",
);

/** How external-dns treats records it did not create: `sync` deletes them, `upsert-only` never deletes. */
export const EXTERNAL_DNS_POLICIES = ["sync", "upsert-only"] as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Ingress for an EKS cluster, each part optional: the AWS Load Balancer Controller (IngressClass
 * `alb`, IP targets, 2 replicas with a PDB, a Pod Identity role with the controller's policy scoped
 * to this cluster's tags and VPC), cert-manager with its CRDs and Let's Encrypt DNS-01 ClusterIssuers
 * limited to the hosted zone, external-dns writing only to that zone, and a DNS-validated ACM
 * certificate. Without a domain the DNS and TLS parts are left out.
 *
 * Ordering: every release that creates Services (cert-manager, external-dns) is installed after,
 * and uninstalled before, the load balancer controller, whose webhook admits Services and which
 * deletes the load balancers it created; the controller is installed after its Pod Identity
 * association, so it starts with credentials. Releases of other constructs that create load
 * balancers should depend on {@link loadBalancerController} the same way.
 */
export class ClusterIngress extends Construct {
  /** The load balancer controller's release, when installed: make LB-creating releases depend on it. */
  readonly loadBalancerController?: ChartRelease;
  /** The cert-manager release, when installed. */
  readonly certManager?: ChartRelease;
  /** The release of the Let's Encrypt ClusterIssuers, when cert-manager has a domain. */
  readonly clusterIssuers?: ChartRelease;
  /** The external-dns release, when installed. */
  readonly externalDns?: ChartRelease;
  /** ARN of the validated ACM certificate, when issued (reference it in Ingress annotations). */
  readonly certificateArn?: string;
  /** Names of the ClusterIssuers (empty without cert-manager or a domain). */
  readonly clusterIssuerNames: readonly string[];
  /** The IngressClass to use in Ingresses, when the controller is installed. */
  readonly ingressClassName?: string;
  /** Pod Identity roles by component, for inspection and extension. */
  readonly roles: Readonly<
    Partial<Record<"loadBalancerController" | "certManager" | "externalDns", PodIdentityRole>>
  >;

  constructor(scope: Construct, id: string, props: ClusterIngressProps) {
    super(scope, id);
    const replicas = props.loadBalancerControllerReplicas ?? 2;
    const externalDnsMode = props.externalDnsPolicy ?? "upsert-only";
    const domain = props.domainName;
    const withController = props.loadBalancerController ?? true;
    const withCertManager = props.certManager ?? true;

    const v = new PropValidator("ClusterIngress", this);
    const vpcId = props.network?.vpcId ?? props.vpcId ?? "";
    v.check(
      "vpcId",
      props.vpcId,
      (vpc) => vpc === undefined || props.network === undefined,
      "cannot be combined with network (give the VPC once, preferably as network)",
    );
    v.check(
      props.network === undefined && props.vpcId !== undefined ? "vpcId" : "network",
      vpcId,
      (vpc) => VPC.test(vpc),
      props.network === undefined && props.vpcId === undefined
        ? "is required: the cluster's network (a Network, or Network.fromAttributes)"
        : VPC.allowed,
    );
    v.check(
      "loadBalancerControllerReplicas",
      replicas,
      noted(wholeNumber(2, 10, "replicas"), "(one replica may be disrupted at a time)"),
    );
    v.check("externalDnsPolicy", externalDnsMode, oneOf(EXTERNAL_DNS_POLICIES));
    v.check("domainName", domain, optional(DOMAIN_NAME));
    v.check(
      "hostedZoneId",
      props.hostedZoneId,
      (z) => (z === undefined ? domain === undefined : domain !== undefined && HOSTED_ZONE_ID.test(z)),
      domain === undefined
        ? "must be a Route 53 hosted zone id (Z...), and only set together with domainName"
        : "must be the Route 53 hosted zone id (Z...) of domainName",
    );
    v.check(
      "acmeEmail",
      props.acmeEmail,
      (e) => (e === undefined ? !(withCertManager && domain !== undefined) : EMAIL.test(e)),
      "must be an email address when cert-manager issues certificates for domainName",
    );
    v.throwIfInvalid();

    const ctx = awsContext(this);
    const region = props.region ?? ctx.region;
    const clusterName = props.cluster.clusterName;
    const zoneId = domain !== undefined ? props.hostedZoneId : undefined;
    const zoneArn = zoneId !== undefined ? hostedZoneArn(ctx.partition, zoneId) : undefined;
    const roles: Partial<Record<"loadBalancerController" | "certManager" | "externalDns", PodIdentityRole>> =
      {};

    // ---- AWS Load Balancer Controller -------------------------------------------------------
    const controllerDependency: ITerraformDependable[] = [];
    if (withController) {
      const account = SERVICE_ACCOUNTS.loadBalancerController;
      const values: LoadBalancerControllerValues = {
        clusterName,
        region,
        vpcId,
        replicaCount: replicas,
        podDisruptionBudget: { maxUnavailable: 1 },
        ingressClass: ALB_INGRESS_CLASS,
        createIngressClassResource: true,
        ingressClassConfig: { default: false },
        defaultTargetType: "ip",
        defaultTags: { ...props.loadBalancerTags },
        serviceAccount: { create: true, name: account.name },
      };
      const controller = podIdentityRelease(this, "LoadBalancerController", {
        cluster: props.cluster,
        serviceAccount: account.name,
        roleDescription: `AWS Load Balancer Controller of EKS cluster ${clusterName}`,
        policies: {
          "aws-load-balancer-controller": loadBalancerControllerPolicy({
            clusterName,
            vpcId,
            accountId: ctx.accountId,
            region,
            partition: ctx.partition,
          }),
        },
        source: HELM_CHARTS.awsLoadBalancerController,
        releaseName: "aws-load-balancer-controller",
        namespace: account.namespace,
        values,
      });
      roles.loadBalancerController = controller.role;
      this.loadBalancerController = controller.release;
      this.ingressClassName = ALB_INGRESS_CLASS;
      controllerDependency.push(this.loadBalancerController.release);
    }

    // ---- cert-manager and its ACME ClusterIssuers ---------------------------------------------
    const issuerNames: string[] = [];
    if (withCertManager) {
      const account = SERVICE_ACCOUNTS.certManager;
      const namespace = this.namespace("CertManagerNamespace", account.namespace);
      const values: CertManagerValues = {
        crds: { enabled: true, keep: true },
        replicaCount: 2,
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        webhook: { replicaCount: 2, podDisruptionBudget: { enabled: true, maxUnavailable: 1 } },
        serviceAccount: { create: true, name: account.name },
      };
      const certManager = podIdentityRelease(this, "CertManager", {
        cluster: props.cluster,
        serviceAccount: account.name,
        roleDescription: `cert-manager DNS-01 challenges in hosted zone ${zoneId} (EKS cluster ${clusterName})`,
        // DNS-01 needs Route 53 only where there is a hosted zone.
        policies:
          zoneArn !== undefined
            ? { "route53-dns01": certManagerDnsPolicy(zoneArn, ctx.partition) }
            : undefined,
        source: HELM_CHARTS.certManager,
        releaseName: "cert-manager",
        namespace: account.namespace,
        values,
        dependsOn: [namespace, ...controllerDependency],
      });
      roles.certManager = certManager.role;
      this.certManager = certManager.release;

      if (domain !== undefined && zoneId !== undefined && props.acmeEmail !== undefined) {
        const issuers = Object.entries(ACME_ISSUERS).map(([name, server]): AcmeClusterIssuer => ({
          apiVersion: "cert-manager.io/v1",
          kind: "ClusterIssuer",
          metadata: { name },
          spec: {
            acme: {
              server,
              email: props.acmeEmail as string,
              privateKeySecretRef: { name: `${name}-account-key` },
              solvers: [
                { selector: { dnsZones: [domain] }, dns01: { route53: { region, hostedZoneID: zoneId } } },
              ],
            },
          },
        }));
        issuerNames.push(...issuers.map((issuer) => issuer.metadata.name));
        // A release of its own, installed once cert-manager (CRDs and webhook) is ready: Helm cannot
        // map a custom resource whose CRD arrives in the same release, and kubernetes_manifest would
        // need the CRD at plan time, so a fresh cluster could never be planned in one go.
        this.clusterIssuers = kubernetesObjectsRelease(this, "ClusterIssuers", {
          releaseName: "cluster-issuers",
          namespace: account.namespace,
          objects: issuers,
          dependsOn: [this.certManager.release],
        });
      }
    }
    this.clusterIssuerNames = issuerNames;

    // ---- external-dns --------------------------------------------------------------------------
    if (
      (props.externalDns ?? true) &&
      domain !== undefined &&
      zoneId !== undefined &&
      zoneArn !== undefined
    ) {
      const account = SERVICE_ACCOUNTS.externalDns;
      const namespace = this.namespace("ExternalDnsNamespace", account.namespace);
      const values: ExternalDnsValues = {
        provider: { name: "aws" },
        policy: externalDnsMode,
        registry: "txt",
        txtOwnerId: props.externalDnsOwnerId ?? clusterName,
        domainFilters: [domain],
        sources: ["service", "ingress"],
        env: [{ name: "AWS_DEFAULT_REGION", value: region }],
        extraArgs: [`--zone-id-filter=${zoneId}`],
        serviceAccount: { create: true, name: account.name },
      };
      const externalDns = podIdentityRelease(this, "ExternalDns", {
        cluster: props.cluster,
        serviceAccount: account.name,
        roleDescription: `external-dns records in hosted zone ${zoneId} (EKS cluster ${clusterName})`,
        policies: { "route53-records": externalDnsPolicy(zoneArn) },
        source: HELM_CHARTS.externalDns,
        releaseName: "external-dns",
        namespace: account.namespace,
        values,
        timeoutSeconds: 300,
        dependsOn: [namespace, ...controllerDependency],
      });
      roles.externalDns = externalDns.role;
      this.externalDns = externalDns.release;
    }
    this.roles = roles;

    // ---- ACM certificate for the load balancers ------------------------------------------------
    if ((props.certificate ?? true) && domain !== undefined && zoneId !== undefined) {
      this.certificateArn = this.acmCertificate(domain, zoneId);
    }
  }

  /** A namespace for one component, labelled as platform-managed. */
  private namespace(id: string, name: string): NamespaceV1 {
    return new NamespaceV1(this, id, {
      metadata: { name, labels: { "app.kubernetes.io/managed-by": "cdktf", "platform.layer": "ingress" } },
    });
  }

  /** A DNS-validated certificate for the domain and its wildcard; returns the validated ARN. */
  private acmCertificate(domain: string, zoneId: string): string {
    const certificate = new AcmCertificate(this, "Certificate", {
      domainName: domain,
      subjectAlternativeNames: [`*.${domain}`],
      validationMethod: "DNS",
      keyAlgorithm: "RSA_2048",
      lifecycle: { createBeforeDestroy: true },
    });
    // AWS validates the apex and its wildcard with one and the same CNAME record.
    const option = certificate.domainValidationOptions.get(0);
    const record = new Route53Record(this, "CertificateValidationRecord", {
      zoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 60,
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, "CertificateValidation", {
      certificateArn: certificate.arn,
      validationRecordFqdns: [record.fqdn],
    });
    return validation.certificateArn;
  }
}
