import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, TerraformOutput, TerraformStack } from "cdktf";
import { selectEnvironments } from "../../environments";
import { eksExecAuth } from "../../constructs/eks/kubernetes-auth";
import { EKS_ADDON_VERSIONS, EKS_CORE_ADDONS } from "../../constructs/versions";
import { buildApp } from "../../stacks/environment-app";
import { ENVIRONMENT_NAMES_UNDER_TEST, configOf, synthesizedEnvironments } from "../environments-under-test";
import {
  TerraformJson,
  findResource,
  findResources,
  onlyResource,
  refTo,
  resourcesOf,
  synthApp,
} from "../helpers";

// Every registered environment and a sandbox, synthesized once, exactly as main.ts does it.
const { stacks } = synthesizedEnvironments();
const ENVS = ENVIRONMENT_NAMES_UNDER_TEST;
const cluster = (env: string): TerraformJson => stacks[`${env}-cluster`];
const eks = (env: string) => onlyResource(cluster(env), "aws_eks_cluster");
const remoteNetwork = (env: string) =>
  new RegExp(
    `^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-${env}-network\\.outputs\\.`,
  );

describe("<env>-cluster stacks", () => {
  it("exist for every environment", () => {
    for (const env of ENVS) expect(Object.keys(stacks)).toContain(`${env}-cluster`);
  });

  it.each(ENVS)("%s-cluster has no Kubernetes or Helm provider", (env) => {
    const json = cluster(env);
    expect(Object.keys(json.provider ?? {})).toEqual(["aws"]);
    expect(Object.keys(json.terraform?.required_providers ?? {})).toEqual(["aws"]);
    const types = [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {})];
    expect(types.filter((type) => /^(kubernetes|helm)_/.test(type))).toEqual([]);
  });

  it.each(ENVS)("%s-cluster keeps its state under <env>/<env>-cluster.tfstate", (env) => {
    expect(cluster(env).terraform?.backend.s3.key).toBe(`${env}/${env}-cluster.tfstate`);
  });

  it.each(ENVS)("%s-cluster runs Kubernetes 1.35 on standard support, named after the environment", (env) => {
    expect(eks(env)).toMatchObject({
      name: env,
      version: "1.35",
      upgrade_policy: { support_type: "STANDARD" },
    });
  });

  it.each(ENVS)("%s-cluster sits in the network stack's private subnets", (env) => {
    const subnets: string[] = eks(env).vpc_config.subnet_ids;
    expect(subnets).toHaveLength(configOf(env).network.azCount);
    for (const subnet of subnets) {
      expect(subnet).toMatch(remoteNetwork(env));
      expect(subnet).toContain("Subnet-private");
    }
  });

  it.each(ENVS)(
    "%s-cluster opens its API endpoint to the configured allow-list and runner egress only",
    (env) => {
      const { cluster: config, ci } = configOf(env);
      expect(eks(env).vpc_config).toMatchObject({
        endpoint_private_access: true,
        endpoint_public_access: config.endpointPublicAccess,
      });
      const runnerEgress = ci.apiAccess === "publicEndpoint" ? ci.runnerEgressCidrs : [];
      if (config.endpointPublicAccess) {
        expect(eks(env).vpc_config.public_access_cidrs).toEqual([
          ...config.publicAccessCidrs,
          ...runnerEgress,
        ]);
      } else expect(eks(env).vpc_config).not.toHaveProperty("public_access_cidrs");
    },
  );

  it.each(ENVS)(
    "%s-cluster authenticates through access entries: the admin role, the deploy role (admin), the plan role (admin view)",
    (env) => {
      expect(eks(env).access_config).toEqual({
        authentication_mode: "API",
        bootstrap_cluster_creator_admin_permissions: false,
      });
      const config = configOf(env);
      const [admin] = config.cluster.adminRoleArns;
      expect(admin).toContain(`::${config.accountId}:role/`);
      const role = (name: string) => `arn:aws:iam::${config.accountId}:role/${name}`;
      const entries = findResources(cluster(env), "aws_eks_access_entry");
      const associations = Object.values(resourcesOf(cluster(env), "aws_eks_access_policy_association"));
      const policyOf = (principal: string) => {
        const entry = entries.find((e) => e.body.principal_arn === principal);
        const found = associations.filter((a) => entry && a.principal_arn === refTo(entry, "principal_arn"));
        expect(found.map((a) => a.access_scope)).toEqual([{ type: "cluster" }]);
        return found[0].policy_arn.replace(/^.*\//, "");
      };
      // Three STANDARD entries, and Karpenter's nodes (EC2_LINUX, no access policy).
      expect(entries.filter((e) => e.body.type === "STANDARD")).toHaveLength(3);
      expect(entries.filter((e) => e.body.type !== "STANDARD").map((e) => e.body.type)).toEqual([
        "EC2_LINUX",
      ]);
      expect(policyOf(admin)).toBe("AmazonEKSClusterAdminPolicy");
      expect(policyOf(role(`terraform-deploy-${config.ci.githubEnvironment}`))).toBe(
        "AmazonEKSClusterAdminPolicy",
      );
      expect(policyOf(role(`terraform-plan-${config.ci.githubEnvironment}`))).toBe(
        "AmazonEKSAdminViewPolicy",
      );
    },
  );

  it("admits the CI runners' security group on 443 where the runner is inside the VPC", () => {
    const fromRunners = (env: string) =>
      Object.values(resourcesOf(cluster(env), "aws_vpc_security_group_ingress_rule")).filter((r) =>
        String(r.referenced_security_group_id).includes("RunnerSecurityGroup"),
      );
    for (const env of ENVS) {
      if (configOf(env).ci.apiAccess === "vpcRunner") {
        expect(fromRunners(env)).toEqual([
          expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443 }),
        ]);
        expect(fromRunners(env)[0].referenced_security_group_id).toMatch(remoteNetwork(env));
      } else expect(fromRunners(env)).toEqual([]);
    }
    expect(ENVS.filter((env) => configOf(env).ci.apiAccess === "vpcRunner").length).toBeGreaterThan(0);
  });

  it.each(ENVS)("%s-cluster encrypts secrets and logs everything with retention", (env) => {
    const retention = configOf(env).cluster.logRetentionDays;
    expect(eks(env).encryption_config.resources).toEqual(["secrets"]);
    expect(onlyResource(cluster(env), "aws_kms_key").enable_key_rotation).toBe(true);
    expect(eks(env).enabled_cluster_log_types).toHaveLength(5);
    expect(onlyResource(cluster(env), "aws_cloudwatch_log_group")).toMatchObject({
      name: `/aws/eks/${env}/cluster`,
      retention_in_days: retention,
    });
  });

  it.each(ENVS)("%s-cluster: deletion protection and the key's prevent_destroy as configured", (env) => {
    const { deletionProtection, preventDestroy } = configOf(env).protection;
    expect(eks(env).deletion_protection).toBe(deletionProtection);
    const key = onlyResource(cluster(env), "aws_kms_key");
    if (preventDestroy) expect(key.lifecycle).toEqual({ prevent_destroy: true });
    else expect(key).not.toHaveProperty("lifecycle");
  });

  it("protects stage and prod from deletion, and prod's key from destroy", () => {
    expect(configOf("stage").protection.deletionProtection).toBe(true);
    expect(configOf("prod").protection).toMatchObject({ deletionProtection: true, preventDestroy: true });
  });

  it.each(ENVS)(
    "%s-cluster launches hardened nodes that carry the database-clients security group",
    (env) => {
      const template = onlyResource(cluster(env), "aws_launch_template");
      expect(template.metadata_options).toMatchObject({
        http_tokens: "required",
        http_put_response_hop_limit: 1,
      });
      expect(template.block_device_mappings[0].ebs).toMatchObject({ encrypted: "true", volume_type: "gp3" });
      const [clusterSg, nodeSg, databaseClients] = template.vpc_security_group_ids;
      expect(clusterSg).toMatch(/vpc_config\[0\]\.cluster_security_group_id\}$/);
      expect(nodeSg).toMatch(/aws_security_group\.Cluster_NodeSecurityGroup/);
      expect(databaseClients).toMatch(remoteNetwork(env));
      expect(databaseClients).toContain("DatabaseClients");
    },
  );

  it.each(ENVS)("%s-cluster sizes its node group as configured, over every AZ", (env) => {
    const { general } = configOf(env).cluster.nodeGroups;
    const group = onlyResource(cluster(env), "aws_eks_node_group");
    expect(group).toMatchObject({
      ami_type: "AL2023_x86_64_STANDARD",
      capacity_type: general.capacityType === "spot" ? "SPOT" : "ON_DEMAND",
      instance_types: general.instanceTypes,
      scaling_config: {
        min_size: general.minSize,
        max_size: general.maxSize,
        desired_size: general.desiredSize,
      },
    });
    expect(group.subnet_ids).toHaveLength(configOf(env).network.azCount);
    // Terraform owns the desired size: nothing could block a later minSize raise.
    expect(group.lifecycle).not.toHaveProperty("ignore_changes");
    expect(onlyResource(cluster(env), "aws_launch_template").block_device_mappings[0].ebs.volume_size).toBe(
      general.diskSizeGiB,
    );
  });

  it.each(ENVS)("%s-cluster keeps CoreDNS on the managed nodes, never on Karpenter's", (env) => {
    const coredns = Object.values(resourcesOf(cluster(env), "aws_eks_addon")).find(
      (a) => a.addon_name === "coredns",
    );
    const { affinity } = JSON.parse(coredns.configuration_values);
    expect(affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      {
        matchExpressions: [
          { key: "karpenter.sh/nodepool", operator: "DoesNotExist" },
          { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
        ],
      },
    ]);
    expect(
      affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm,
    ).toEqual({
      labelSelector: { matchExpressions: [{ key: "k8s-app", operator: "In", values: ["kube-dns"] }] },
      topologyKey: "kubernetes.io/hostname",
    });
  });

  it.each(ENVS)("%s-cluster installs the core add-ons at their pinned versions", (env) => {
    const addons = Object.values(resourcesOf(cluster(env), "aws_eks_addon"));
    expect(Object.fromEntries(addons.map((a) => [a.addon_name, a.addon_version]))).toEqual(
      EKS_ADDON_VERSIONS["1.35"],
    );
    expect(addons).toHaveLength(EKS_CORE_ADDONS.length);
  });

  it.each(ENVS)("%s-cluster gives the EBS CSI driver a Pod Identity role", (env) => {
    const role = findResource(cluster(env), "aws_iam_role", "Cluster/EbsCsiDriverRole/Role").body;
    const trust = JSON.parse(role.assume_role_policy).Statement[0];
    expect(trust.Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    expect(trust.Action).toEqual(["sts:AssumeRole", "sts:TagSession"]);
    expect(
      findResource(cluster(env), "aws_eks_addon", "Cluster/Addon-aws-ebs-csi-driver").body
        .pod_identity_association,
    ).toEqual([
      { role_arn: expect.stringContaining("aws_iam_role."), service_account: "ebs-csi-controller-sa" },
    ]);
  });

  it.each(ENVS)("%s-cluster outputs what the platform stack needs", (env) => {
    expect(Object.keys(cluster(env).output ?? {})).toEqual(
      expect.arrayContaining([
        "cluster_name",
        "cluster_endpoint",
        "cluster_certificate_authority_data",
        "oidc_issuer_url",
        "oidc_provider_arn",
        "cluster_security_group_id",
        "node_security_group_id",
        "node_role_arn",
      ]),
    );
  });
});

describe("ClusterStack cross-stack properties", () => {
  // A stand-in for <env>-platform: it reads the cluster through the stack's typed properties.
  const consumer = synthApp((app) => {
    const [built] = buildApp(app, selectEnvironments({ INFRA_ENVS: "dev" })).values();
    const platform = new TerraformStack(app, "consumer");
    new AwsProvider(platform, "Aws", { region: "eu-west-1" });
    const { cluster: clusterStack } = built;
    const auth = eksExecAuth(clusterStack.clusterName, "eu-west-1");
    const values = {
      host: clusterStack.clusterEndpoint,
      ca: Fn.base64decode(clusterStack.clusterCertificateAuthorityData),
      oidc: clusterStack.oidcProviderArn,
      issuer: clusterStack.oidcIssuerUrl,
      nodes: clusterStack.nodeSecurityGroupId,
      clusterSg: clusterStack.clusterSecurityGroupId,
      nodeRole: clusterStack.nodeRoleArn,
      execArgs: Fn.join(" ", auth.args),
    };
    for (const [id, value] of Object.entries(values)) new TerraformOutput(platform, id, { value });
  }).consumer;

  it("resolves every property through the dev-cluster stack's remote state", () => {
    expect(Object.keys(consumer.data?.terraform_remote_state ?? {})).toEqual([
      "cross-stack-reference-input-dev-cluster",
    ]);
    for (const [id, output] of Object.entries(consumer.output ?? {})) {
      expect([id, output.value]).toEqual([
        id,
        expect.stringContaining("cross-stack-reference-input-dev-cluster"),
      ]);
    }
  });

  it("builds `aws eks get-token` exec arguments for the cluster", () => {
    expect(consumer.output?.execArgs.value).toMatch(
      /^\$\{join\(" ", \["eks", "get-token", "--cluster-name", /,
    );
  });
});
