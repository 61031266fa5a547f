export * from "./eks-cluster";
export * from "./eks-node-group";
export * from "./kubernetes-auth";
export * from "./pod-identity-role";
export * from "./instance-capacity";
export * from "./karpenter";
export * from "./karpenter-infrastructure";
export * from "./metrics-server";
export type { EksClusterAttributes, IEksCluster } from "./eks-cluster-reference";
