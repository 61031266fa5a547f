import {
  BURN_RATE_TIERS,
  ServiceLevelObjective,
  burnRate,
  durationHours,
  sloProblems,
  sloRules,
} from "../../../constructs/observability/slo";

const ingress: ServiceLevelObjective = {
  name: "ingress-availability",
  objectivePercent: 99.9,
  errorsQuery: 'sum(rate(nginx_requests_total{status=~"5.."}[$window]))',
  totalQuery: "sum(rate(nginx_requests_total[$window]))",
  labels: { team: "platform" },
};

describe("burn rates", () => {
  it("are the SRE workbook's for a 30-day SLO: 14.4 over 1 h, 6 over 6 h, 1 over 3 d", () => {
    expect(BURN_RATE_TIERS.map((tier) => [tier.longWindow, tier.shortWindow, burnRate(tier, 30)])).toEqual([
      ["1h", "5m", 14.4],
      ["6h", "30m", 6],
      ["3d", "6h", 1],
    ]);
  });

  it("scale with the SLO window (28 days: 13.44, 5.6, 0.9333)", () => {
    expect(BURN_RATE_TIERS.map((tier) => burnRate(tier, 28))).toEqual([13.44, 5.6, 0.9333]);
  });

  it("read minutes, hours and days, and refuse anything else", () => {
    expect([durationHours("5m"), durationHours("6h"), durationHours("3d")]).toEqual([1 / 12, 6, 72]);
    expect(() => durationHours("1w")).toThrow('not a duration of minutes, hours or days: "1w"');
  });
});

describe("sloRules for 99.9 % over 30 days", () => {
  const spec = sloRules(ingress);
  const [recording, alerts] = spec.groups;

  it("records the error ratio over every window the alerts use", () => {
    expect(recording.rules.map((r) => r.record)).toEqual([
      "slo:error_ratio:rate1h",
      "slo:error_ratio:rate5m",
      "slo:error_ratio:rate6h",
      "slo:error_ratio:rate30m",
      "slo:error_ratio:rate3d",
    ]);
    expect(recording.rules[1]).toEqual({
      record: "slo:error_ratio:rate5m",
      expr: '(sum(rate(nginx_requests_total{status=~"5.."}[5m]))) / (sum(rate(nginx_requests_total[5m])))',
      labels: { slo: "ingress-availability" },
    });
  });

  it("pages when both windows burn at 14.4× or 6× the budget, opens a ticket at 1×", () => {
    expect(alerts.rules.map((r) => [r.alert, r.labels?.severity, r.expr])).toEqual([
      [
        "SLOBurnRatePage1h",
        "page",
        "slo:error_ratio:rate1h{slo='ingress-availability'} > (14.4 * 0.001) and slo:error_ratio:rate5m{slo='ingress-availability'} > (14.4 * 0.001)",
      ],
      [
        "SLOBurnRatePage6h",
        "page",
        "slo:error_ratio:rate6h{slo='ingress-availability'} > (6 * 0.001) and slo:error_ratio:rate30m{slo='ingress-availability'} > (6 * 0.001)",
      ],
      [
        "SLOBurnRateTicket3d",
        "ticket",
        "slo:error_ratio:rate3d{slo='ingress-availability'} > (1 * 0.001) and slo:error_ratio:rate6h{slo='ingress-availability'} > (1 * 0.001)",
      ],
    ]);
    expect(alerts.rules[0].labels).toEqual({
      team: "platform",
      slo: "ingress-availability",
      severity: "page",
    });
  });
});

describe("SLO validation", () => {
  it.each<[string, Partial<ServiceLevelObjective>, string]>([
    [
      "a fraction for a percentage",
      { objectivePercent: 0.999 },
      "'objectivePercent' must be a percentage from 50 to below 100 (e.g. 99.9), got 0.999 (a fraction; write it as a percentage)",
    ],
    [
      "100 %",
      { objectivePercent: 100 },
      "'objectivePercent' must be a percentage from 50 to below 100 (e.g. 99.9), got 100",
    ],
    [
      "a window of 0 days",
      { windowDays: 0 },
      "'windowDays' must be a whole number of days from 1 to 90, got 0",
    ],
    ["a name with capitals", { name: "Ingress" }, "'name' must be 1–63 lowercase letters, digits or '-'"],
    [
      "a query without [$window]",
      { errorsQuery: "sum(rate(errors[5m]))" },
      "'errorsQuery' must take its range as [$window]",
    ],
  ])("refuses %s", (_case, change, message) => {
    const slo = { ...ingress, ...change };
    expect(sloProblems(slo)).toEqual([expect.stringContaining(message)]);
    expect(() => sloRules(slo)).toThrow(message);
  });
});
