import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { Construct } from "constructs";
import { ResolvedDatabaseProps } from "./database-props";

/** The parameter group: TLS only, slow-query logging and pg_stat_statements. */
export function parameterGroup(scope: Construct, d: ResolvedDatabaseProps, family: string): DbParameterGroup {
  const { identifier, majorVersion, slowQueryThresholdMs } = d;
  return new DbParameterGroup(scope, "ParameterGroup", {
    namePrefix: `${identifier}-${family}-`,
    family,
    description: `PostgreSQL ${majorVersion} settings of ${identifier}: TLS only, slow queries, pg_stat_statements`,
    parameter: [
      { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
      { name: "log_min_duration_statement", value: String(slowQueryThresholdMs), applyMethod: "immediate" },
      // Static parameter: takes effect at the next reboot.
      { name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "pending-reboot" },
    ],
    // A new family (major upgrade) needs a new group while the instance still uses the old one.
    lifecycle: { createBeforeDestroy: true },
  });
}
