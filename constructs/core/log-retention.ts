import { Rule, rule } from "./validation";

/** Retention periods (days) that CloudWatch Logs accepts; anything else is rejected by the API. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** A retention period CloudWatch Logs accepts. */
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/** True when CloudWatch Logs accepts this retention period. */
export function isLogRetentionDays(days: number): days is LogRetentionDays {
  return (LOG_RETENTION_DAYS as readonly number[]).includes(days);
}

/** Human-readable list of the accepted values, for error messages. */
export const LOG_RETENTION_ALLOWED = `must be one of CloudWatch's retention periods (${LOG_RETENTION_DAYS.join(", ")})`;

/** A retention period CloudWatch Logs accepts, as a rule for props and environment fields. */
export const LOG_RETENTION: Rule<number> = rule(LOG_RETENTION_ALLOWED, isLogRetentionDays);
