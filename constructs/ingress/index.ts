export * from "./chart-values";
export * from "./cluster-ingress";
export * from "./iam-policies";
