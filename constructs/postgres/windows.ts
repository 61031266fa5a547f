/**
 * RDS backup and maintenance windows: parsing, length and overlap checks. RDS wants the daily
 * backup window as `hh24:mi-hh24:mi` and the weekly maintenance window as `ddd:hh24:mi-ddd:hh24:mi`
 * (UTC), each at least 30 minutes long and not overlapping each other.
 */

const DAY_MINUTES = 24 * 60;
const WEEK_MINUTES = 7 * DAY_MINUTES;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** A window as a start (minutes from the period's start) and a length in minutes. */
export interface TimeWindow {
  readonly start: number;
  readonly minutes: number;
}

/** The shortest window RDS accepts, in minutes. */
export const MIN_WINDOW_MINUTES = 30;

function minuteOfDay(hhmm: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

function minuteOfWeek(dddhhmm: string): number | undefined {
  const match = /^([a-z]{3}):(\d\d:\d\d)$/.exec(dddhhmm.toLowerCase());
  if (!match) return undefined;
  const day = (DAYS as readonly string[]).indexOf(match[1]);
  const minute = minuteOfDay(match[2]);
  return day < 0 || minute === undefined ? undefined : day * DAY_MINUTES + minute;
}

function window(start: number | undefined, end: number | undefined, period: number): TimeWindow | undefined {
  if (start === undefined || end === undefined) return undefined;
  return { start, minutes: (end - start + period) % period };
}

/** Parses a daily backup window (`02:00-03:00`, may wrap midnight); undefined when malformed. */
export function parseBackupWindow(text: string): TimeWindow | undefined {
  const parts = text.split("-");
  if (parts.length !== 2) return undefined;
  return window(minuteOfDay(parts[0]), minuteOfDay(parts[1]), DAY_MINUTES);
}

/** Parses a weekly maintenance window (`sun:03:30-sun:04:30`, may wrap the week); undefined when malformed. */
export function parseMaintenanceWindow(text: string): TimeWindow | undefined {
  const parts = text.split("-");
  if (parts.length !== 2) return undefined;
  return window(minuteOfWeek(parts[0]), minuteOfWeek(parts[1]), WEEK_MINUTES);
}

function intersects(a: TimeWindow, b: TimeWindow, period: number): boolean {
  const bAfterA = (b.start - a.start + period) % period;
  const aAfterB = (a.start - b.start + period) % period;
  return bAfterA < a.minutes || aAfterB < b.minutes;
}

/** True when the daily backup window overlaps the weekly maintenance window on any day. */
export function windowsOverlap(backup: TimeWindow, maintenance: TimeWindow): boolean {
  return DAYS.some((_, day) =>
    intersects(
      { start: day * DAY_MINUTES + backup.start, minutes: backup.minutes },
      maintenance,
      WEEK_MINUTES,
    ),
  );
}
