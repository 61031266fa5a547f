// The public API of core: validation errors, IAM policy documents and state moves.
export { ConstructValidationError } from "./validation";
export type { PropProblem } from "./validation";
export { policyDocument, policyJson } from "./iam";
export type { PolicyDocument, PolicyStatement } from "./iam";
export { addressAt, moveResources } from "./moves";
