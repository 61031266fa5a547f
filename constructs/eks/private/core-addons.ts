import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { EKS_ADDON_VERSIONS, EksCoreAddon, EksVersion } from "../../versions";
import { EksNodeGroup } from "../eks-node-group";
import { PodIdentityCluster, PodIdentityRole } from "../pod-identity-role";

/** The add-ons installed before the nodes (the nodes need them to become Ready). */
const ADDONS_BEFORE_NODES: readonly EksCoreAddon[] = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"];
/** The add-ons that run as Deployments and need nodes to become healthy. */
const ADDONS_AFTER_NODES: readonly EksCoreAddon[] = ["coredns", "aws-ebs-csi-driver"];

/** The EBS CSI controller's service account, which the add-on creates in kube-system. */
const EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa";

/** The EBS CSI driver controller's Pod Identity role; the add-on owns its association. */
export function ebsCsiDriverRole(
  scope: Construct,
  cluster: PodIdentityCluster,
  name: string,
  partition: string,
): PodIdentityRole {
  return new PodIdentityRole(scope, "EbsCsiDriverRole", {
    cluster,
    namespace: "kube-system",
    serviceAccount: EBS_CSI_SERVICE_ACCOUNT,
    roleName: `${name}-ebs-csi-driver`,
    description: `EBS CSI driver controller of EKS cluster ${name}`,
    managedPolicyArns: [`arn:${partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`],
    // The add-on owns the association (its pod_identity_association block).
    createAssociation: false,
  });
}

/** How the core add-ons are installed. */
export interface CoreAddonsProps {
  readonly clusterName: string;
  /** The cluster's Kubernetes version, which picks the catalog's add-on versions. */
  readonly version: string;
  readonly addonVersions: Readonly<Partial<Record<EksCoreAddon, string>>> | undefined;
  readonly addonConfiguration:
    Readonly<Partial<Record<EksCoreAddon, Readonly<Record<string, unknown>>>>> | undefined;
  readonly ebsCsiDriverRole: PodIdentityRole;
}

/** The core add-ons by name, and the node groups installed between them. */
export interface CoreAddonsAndNodes {
  readonly addons: Record<EksCoreAddon, EksAddon>;
  readonly nodeGroups: Record<string, EksNodeGroup>;
}

/**
 * The core add-ons at pinned versions, as children of `scope`: those the nodes need first, then the
 * node groups (`createNodes`, given those add-ons to wait for), then the add-ons that need nodes.
 */
export function coreAddons(
  scope: Construct,
  props: CoreAddonsProps,
  createNodes: (addonsBeforeNodes: readonly EksAddon[]) => Record<string, EksNodeGroup>,
): CoreAddonsAndNodes {
  const versions: Record<EksCoreAddon, string> = {
    ...EKS_ADDON_VERSIONS[props.version as EksVersion],
    ...props.addonVersions,
  };
  const addon = (addonName: EksCoreAddon, dependsOn: readonly ITerraformDependable[]): EksAddon => {
    const configuration = props.addonConfiguration?.[addonName];
    return new EksAddon(scope, `Addon-${addonName}`, {
      clusterName: props.clusterName,
      addonName,
      addonVersion: versions[addonName],
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      ...(configuration ? { configurationValues: JSON.stringify(configuration) } : {}),
      ...(addonName === "aws-ebs-csi-driver"
        ? {
            podIdentityAssociation: [
              { roleArn: props.ebsCsiDriverRole.roleArn, serviceAccount: EBS_CSI_SERVICE_ACCOUNT },
            ],
          }
        : {}),
      ...(dependsOn.length > 0 ? { dependsOn: [...dependsOn] } : {}),
    });
  };
  const addons = {} as Record<EksCoreAddon, EksAddon>;
  for (const addonName of ADDONS_BEFORE_NODES) addons[addonName] = addon(addonName, []);
  const nodeGroups = createNodes(ADDONS_BEFORE_NODES.map((addonName) => addons[addonName]));
  const nodes = Object.values(nodeGroups).map((group) => group.nodeGroup);
  for (const addonName of ADDONS_AFTER_NODES) addons[addonName] = addon(addonName, nodes);
  return { addons, nodeGroups };
}
