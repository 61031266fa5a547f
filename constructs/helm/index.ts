// The public API of helm: chart releases, the shared objects chart and the capacity check.
export type { ChartRelease, ChartReleaseProps, ChartSource } from "./chart-release";
export { KUBERNETES_OBJECTS_CHART, kubernetesObjectsRelease } from "./kubernetes-objects";
export type { KubernetesObjectsReleaseProps, KubernetesObjectsValues } from "./kubernetes-objects";
export { podIdentityRelease } from "./pod-identity-release";
export type { PodIdentityReleaseParts, PodIdentityReleaseProps } from "./pod-identity-release";
export { releaseCapacityProblems } from "./release-capacity";
export type { BaselineNodeGroup, WorkloadDemand } from "./release-capacity";
