import { Aspects, TerraformStack } from "cdktf";
import {
  ObjectStorage,
  PolicyPack,
  ProtectStatefulResources,
  waivePolicy,
} from "@acme/aws-platform-constructs";

/** The policy pack on a stack: any error-level finding fails synthesis. */
export function minimalPolicy(stack: TerraformStack): void {
  // #region minimal
  Aspects.of(stack).add(new PolicyPack({ profile: "production" }));
  // #endregion
}

/**
 * A production stack: every stateful resource gets prevent_destroy, the policy pack checks the
 * result, and one deliberate exception is waived with its reason (reported at every synth).
 */
export function productionPolicy(stack: TerraformStack): void {
  // #region example
  Aspects.of(stack).add(new ProtectStatefulResources());
  Aspects.of(stack).add(
    new PolicyPack({
      profile: "production",
      requiredTags: ["environment", "managed-by", "repository", "cost-center"],
      minimumBackupRetentionDays: 14,
    }),
  );

  // A build cache can be rebuilt from source at any time: versioning it only costs money.
  const buildCache = new ObjectStorage(stack, "BuildCache", { versioned: false, expirationDays: 30 });
  waivePolicy(buildCache.bucket, "S3-004", "Build cache: every object is rebuilt from source on demand");
  // #endregion
}
