import {
  parseBackupWindow,
  parseMaintenanceWindow,
  windowsOverlap,
} from "../../../constructs/postgres/windows";

describe("RDS windows", () => {
  it("parses daily and weekly windows, including ones that wrap midnight or the week", () => {
    expect(parseBackupWindow("02:00-03:00")).toEqual({ start: 120, minutes: 60 });
    expect(parseBackupWindow("23:45-00:15")).toEqual({ start: 23 * 60 + 45, minutes: 30 });
    expect(parseMaintenanceWindow("mon:00:00-mon:00:30")).toEqual({ start: 0, minutes: 30 });
    expect(parseMaintenanceWindow("Sun:23:30-Mon:00:30")).toEqual({
      start: 6 * 1440 + 23 * 60 + 30,
      minutes: 60,
    });
  });

  it.each(["2-3", "24:00-01:00", "02:00", "02:60-03:00", "02:00-03:00-04:00"])(
    "rejects the malformed backup window %s",
    (text) => expect(parseBackupWindow(text)).toBeUndefined(),
  );

  it.each(["sun 03:00-04:00", "sonday:03:00-sun:04:00", "sun:03:00", "sun:25:00-mon:01:00"])(
    "rejects the malformed maintenance window %s",
    (text) => expect(parseMaintenanceWindow(text)).toBeUndefined(),
  );

  it.each([
    ["02:00-03:00", "sun:03:30-sun:04:30", false],
    ["02:00-03:00", "wed:02:30-wed:03:30", true],
    ["02:00-03:00", "wed:03:00-wed:04:00", false],
    ["23:45-00:15", "mon:00:00-mon:00:30", true],
    ["00:00-00:30", "sun:23:45-mon:00:15", true],
    ["12:00-12:30", "sun:23:45-mon:00:15", false],
  ] as const)("backup %s vs maintenance %s overlap: %s", (backup, maintenance, overlaps) => {
    const b = parseBackupWindow(backup);
    const m = parseMaintenanceWindow(maintenance);
    if (!b || !m) throw new Error("test windows must parse");
    expect(windowsOverlap(b, m)).toBe(overlaps);
  });
});
