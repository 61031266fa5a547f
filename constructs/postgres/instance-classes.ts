import { Rule, didYouMean, matching, rule } from "../core/validation";
import { POSTGRES_MAJOR_VERSIONS } from "../versions";
import { POSTGRES_INSTANCE_CLASS_CATALOG } from "./instance-class-catalog";

/**
 * The RDS for PostgreSQL instance class catalog (instance-class-catalog.ts): a vendored, dated copy
 * of what RDS offers per major version, regenerated with `node scripts/refresh-catalogs.cjs` by
 * someone with AWS credentials (it runs `aws rds describe-orderable-db-instance-options`).
 */
export { POSTGRES_INSTANCE_CLASS_CATALOG };

/** The instance classes RDS offers for a PostgreSQL major version (empty for a version outside the catalog). */
export function postgresInstanceClasses(majorVersion: number): readonly string[] {
  return POSTGRES_INSTANCE_CLASS_CATALOG.majorVersions[String(majorVersion)] ?? [];
}

/** True when RDS offers `instanceClass` for PostgreSQL `majorVersion`. */
export function isPostgresInstanceClass(instanceClass: string, majorVersion: number): boolean {
  return postgresInstanceClasses(majorVersion).includes(instanceClass);
}

/** The major versions of the versions catalog that the instance class catalog covers (the tests expect all). */
export const CATALOGUED_POSTGRES_VERSIONS: readonly number[] = POSTGRES_MAJOR_VERSIONS.filter(
  (v) => postgresInstanceClasses(v).length > 0,
);

/** The form of an RDS instance class ('db.<family>.<size>'), hinting at the classes of `majorVersion`. */
export function instanceClassFormat(majorVersion: number): Rule<string> {
  return {
    ...matching(
      /^db\.[a-z0-9]+\.[a-z0-9]+$/,
      "an RDS instance class such as 'db.t4g.micro' or 'db.r7g.large'",
    ),
    hint: (value) => didYouMean(value, postgresInstanceClasses(majorVersion)),
  };
}

/** An instance class RDS offers for PostgreSQL `majorVersion` (the catalog). */
export function offeredInstanceClass(majorVersion: number): Rule<string> {
  return rule(
    `must be an instance class RDS offers for PostgreSQL ${majorVersion} (constructs/postgres/instance-class-catalog.ts, ${POSTGRES_INSTANCE_CLASS_CATALOG.retrieved})`,
    (instanceClass) => isPostgresInstanceClass(instanceClass, majorVersion),
    (value) => didYouMean(value, postgresInstanceClasses(majorVersion)),
  );
}
