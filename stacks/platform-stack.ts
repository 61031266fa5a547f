import { addressAt, moveResources } from "../constructs/core/moves";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { Karpenter } from "../constructs/eks/karpenter";
import { eksExecAuth } from "../constructs/eks/kubernetes-auth";
import { MetricsServer } from "../constructs/eks/metrics-server";
import { releaseCapacityProblems } from "../constructs/helm/release-capacity";
import { ClusterIngress } from "../constructs/ingress/cluster-ingress";
import { Observability } from "../constructs/observability/observability";
import { ExternalSecrets } from "../constructs/secrets/external-secrets";
import { SecretDelivery } from "../constructs/secrets/secret-delivery";
import { ClusterStack } from "./cluster-stack";
import { DataStack } from "./data-stack";
import { EnvironmentStack, EnvironmentStackProps } from "./environment-stack";
import { NetworkStack } from "./network-stack";

/** Props of {@link PlatformStack}. */
export interface PlatformStackProps extends EnvironmentStackProps {
  /** The environment's network stack: the VPC (load balancer controller) and its NAT gateways (alarms). */
  readonly network: NetworkStack;
  /** The environment's cluster stack: name, endpoint and CA of the cluster the providers talk to. */
  readonly cluster: ClusterStack;
  /** The environment's data stack: Loki's log bucket, Tempo's trace bucket and the database (alarms). */
  readonly data: DataStack;
}

/**
 * `<env>-platform`: the only stack with the Kubernetes and Helm providers. They are configured from
 * the cluster stack's outputs (endpoint, CA) and authenticate with a short-lived `aws eks get-token`
 * on every run, so no credential is stored; the cluster itself is never created in the same apply.
 * It installs the ingress and observability components the environment's `platform` section turns
 * on, Karpenter (with the node pool of `cluster.karpenter`) and metrics-server, External Secrets
 * (Secrets Manager `<env>/*` into the observability namespace: Alertmanager's and Grafana's
 * secrets; `platform.databaseSecretDelivery`; Grafana's ALB access with `platform.grafana.oidc`
 * and a domain), and the environment's CloudWatch alarms; synthesis fails when the releases, sized by `platform.sizing`,
 * would not schedule on the cluster's managed node groups.
 */
export class PlatformStack extends EnvironmentStack {
  /** Load balancer controller, cert-manager, external-dns and the ACM certificate. */
  readonly ingress: ClusterIngress;
  /** Prometheus, Grafana's datasources, Loki, log shipping, Tempo, the OTLP gateway and the alarms. */
  readonly observability: Observability;
  /** Node autoscaling: Karpenter's CRDs, controller and default NodePool. */
  readonly karpenter: Karpenter;
  /** The resource metrics API (HorizontalPodAutoscalers). */
  readonly metricsServer: MetricsServer;
  /** External Secrets Operator and its Secrets Manager store, when `components.externalSecrets` is on. */
  readonly externalSecrets?: ExternalSecrets;
  /** The database's master secret in a namespace, when `platform.databaseSecretDelivery` is set. */
  readonly databaseSecret?: SecretDelivery;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { name, region, platform, deployRoleArn, repository, tags } = props.environment;
    const { components, domain } = platform;

    const host = props.cluster.clusterEndpoint;
    const clusterCaCertificate = Fn.base64decode(props.cluster.clusterCertificateAuthorityData);
    const exec = eksExecAuth(props.cluster.clusterName, region, deployRoleArn);
    new KubernetesProvider(this, "Kubernetes", { host, clusterCaCertificate, exec: [exec] });
    new HelmProvider(this, "Helm", { kubernetes: { host, clusterCaCertificate, exec } });

    this.ingress = new ClusterIngress(this, "Ingress", {
      cluster: props.cluster,
      network: props.network.network,
      region,
      loadBalancerController: components.loadBalancerController,
      // Load balancers are created by the controller, outside Terraform: tag them like the rest.
      loadBalancerTags: {
        ...tags,
        environment: name,
        repository,
        "managed-by": "aws-load-balancer-controller",
      },
      certManager: components.certManager,
      externalDns: components.externalDns,
      domainName: domain?.name,
      hostedZoneId: domain?.hostedZoneId,
      acmeEmail: domain?.acmeEmail,
    });

    const afterController = this.ingress.loadBalancerController
      ? [this.ingress.loadBalancerController.release]
      : [];
    // Node autoscaling and resource metrics, after the controller whose webhook admits their Services.
    const { sizing } = platform;
    this.karpenter = new Karpenter(this, "Karpenter", {
      cluster: props.cluster,
      interruptionQueueName: props.cluster.karpenter.interruptionQueueName,
      nodeRoleName: props.cluster.karpenter.nodeRoleName,
      namespace: props.cluster.karpenter.namespace,
      serviceAccount: props.cluster.karpenter.serviceAccount,
      replicas: sizing.karpenter.replicas,
      cpuMillis: sizing.karpenter.cpuMillis,
      memoryMiB: sizing.karpenter.memoryMiB,
      // The groups of the managed nodes besides the tagged node group: the cluster's own (the load
      // balancer controller opens it to its load balancers) and the database clients' marker.
      securityGroupIds: [props.cluster.clusterSecurityGroupId, props.network.databaseClientsSecurityGroupId],
      nodePool: props.environment.cluster.karpenter,
      tags: { ...tags, environment: name, repository, "managed-by": "karpenter" },
      dependsOn: afterController,
    });
    this.metricsServer = new MetricsServer(this, "MetricsServer", {
      replicas: sizing.metricsServerReplicas,
      dependsOn: afterController,
    });

    // Secrets Manager → Kubernetes Secrets: the operator reads `<env>/*`, for the observability namespace only.
    const observabilityNamespace = "observability";
    if (components.externalSecrets) {
      this.externalSecrets = new ExternalSecrets(this, "ExternalSecrets", {
        cluster: props.cluster,
        region,
        secretNamePrefix: `${name}/`,
        storeNamespaces: [observabilityNamespace],
        sizing: sizing.externalSecrets,
        dependsOn: afterController,
      });
    }
    const { grafana } = platform;
    const { ingressClassName, certificateArn, clusterIssuerNames } = this.ingress;
    const grafanaAccess =
      domain !== undefined &&
      grafana.oidc !== undefined &&
      ingressClassName !== undefined &&
      certificateArn !== undefined
        ? {
            host: `grafana.${domain.name}`,
            ingressClassName,
            certificateArn,
            exposure: grafana.exposure,
            // The client secret's name is relative to the environment's prefix.
            oidc: { ...grafana.oidc, clientSecretName: `${name}/${grafana.oidc.clientSecretName}` },
          }
        : undefined;

    this.observability = new Observability(this, "Observability", {
      namespace: observabilityNamespace,
      externalSecrets: this.externalSecrets,
      grafanaAccess,
      secretRecoveryWindowDays: props.environment.protection.forceDestroy ? 0 : 30,
      cluster: props.cluster,
      region,
      // The controller's webhook admits every Service, and it must outlive the load balancers it owns.
      dependsOn: afterController,
      monitoring: components.monitoring,
      prometheusRetentionDays: platform.prometheusRetentionDays,
      prometheusStorageGiB: platform.prometheusStorageGiB,
      logging: components.logging,
      logBucket: props.data.logBucket,
      lokiMode: platform.lokiMode,
      lokiRetentionDays: platform.lokiRetentionDays,
      traceBucket: props.data.traceBucket,
      tempoRetentionDays: platform.tempoRetentionDays,
      sizing: {
        prometheus: sizing.prometheus,
        grafana: sizing.grafana,
        loki: {
          singleBinary: sizing.lokiSingleBinary,
          read: sizing.lokiRead,
          write: sizing.lokiWrite,
          backend: sizing.lokiBackend,
          gateway: sizing.lokiGateway,
          chunksCacheMiB: sizing.lokiChunksCacheMiB,
          resultsCacheMiB: sizing.lokiResultsCacheMiB,
        },
        logShipper: sizing.logShipper,
        otlpGateway: sizing.otlpGateway,
        tempo: sizing.tempo,
      },
      tracing: components.tracing,
      sloObjectives: platform.slos,
      alarmName: name,
      alarmEmails: platform.alarmEmails,
      // The database alarms go to the database's own topic: the same people receive them.
      alarmSubscribeToTopicArns: { database: props.data.database.alarmTopicArn },
      natGatewayIds: props.network.network.natGatewayIds,
      databaseInstanceIdentifiers: [props.data.database.identifier],
    });

    const delivery = platform.databaseSecretDelivery;
    if (delivery !== undefined && this.externalSecrets !== undefined) {
      const namespace = new NamespaceV1(this, "DatabaseSecretNamespace", {
        metadata: { name: delivery.namespace, labels: { "app.kubernetes.io/managed-by": "cdktf" } },
      });
      this.databaseSecret = new SecretDelivery(this, "DatabaseSecret", {
        externalSecrets: this.externalSecrets,
        secretArn: props.data.database.secretArn,
        kmsKeyArn: props.data.database.kmsKeyArn,
        namespace: delivery.namespace,
        targetSecretName: delivery.targetSecretName,
        dependsOn: [namespace],
      });
    }
    // Until 0.2.0 the subscriptions to the database's topic were keyed by its position ("topic0").
    moveResources(
      this,
      Object.fromEntries(
        (platform.alarmEmails ?? []).map((email) => [
          `Observability/Alarms/Subscription-database-${email}`,
          addressAt(this, "aws_sns_topic_subscription", [
            "Observability",
            "Alarms",
            `Subscription-topic0-${email}`,
          ]),
        ]),
      ),
    );

    // Every release must schedule on the baseline node groups (Karpenter's nodes do not count:
    // constructs/helm/release-capacity.ts says why).
    const problems = releaseCapacityProblems(
      this,
      Object.entries(props.environment.cluster.nodeGroups).map(([groupName, group]) => ({
        name: groupName,
        instanceTypes: group.instanceTypes,
        nodes: group.desiredSize,
        tainted: (group.taints ?? []).some((t) => t.effect !== "PreferNoSchedule"),
      })),
    );
    if (problems.length > 0) {
      throw new Error(
        `Environment '${name}': the platform releases do not fit the cluster's baseline nodes:\n` +
          problems.map((p) => `  - ${p}`).join("\n"),
      );
    }

    const { otlpEndpoint } = this.observability;
    this.exportOutputs({
      alarm_topic_arn: {
        value: this.observability.alarmTopicArn,
        description: "SNS topic of the environment's alarms",
      },
      // Outputs of components an environment may turn off exist only with the component.
      ...(ingressClassName !== undefined
        ? { ingress_class: { value: ingressClassName, description: "IngressClass of the ALB controller" } }
        : {}),
      ...(certificateArn !== undefined
        ? { certificate_arn: { value: certificateArn, description: "ACM certificate of the domain" } }
        : {}),
      ...(clusterIssuerNames.length > 0
        ? { cluster_issuers: { value: clusterIssuerNames, description: "cert-manager ClusterIssuers" } }
        : {}),
      ...(otlpEndpoint !== undefined
        ? { otlp_endpoint: { value: otlpEndpoint, description: "In-cluster OTLP/HTTP endpoint" } }
        : {}),
    });
  }
}
