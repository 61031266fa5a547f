export * from "./eks-cluster";
export * from "./eks-node-group";
export * from "./kubernetes-auth";
export * from "./pod-identity-role";
