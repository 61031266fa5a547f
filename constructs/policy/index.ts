// The public API of policy: the policy pack, its rules and the stateful-resource guard.
export { PolicyPack, evaluatePolicy, waivePolicy } from "./policy-pack";
export type { PolicyFinding, PolicyPackProps } from "./policy-pack";
export { POLICY_RULES, POLICY_RULE_IDS } from "./rules";
export type {
  ElementView,
  PolicyContext,
  PolicyProfile,
  PolicyRule,
  Severity,
  TerraformObject,
  Violation,
} from "./model";
export { ProtectStatefulResources, STATEFUL_RESOURCE_TYPES } from "./protect-stateful-resources";
