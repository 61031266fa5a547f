import {
  DEFAULT_PLATFORM_SLO_OBJECTIVES,
  PLATFORM_SLO_PERCENT_KEYS,
} from "../../constructs/observability/platform-slos";
import { LOADED, problemsOf } from "../environment-problems";

const [dev, stage, prod] = [LOADED.dev, LOADED.stage, LOADED.prod].map((e) => e.platform.slos);

describe("platform SLO objectives of the shipped environments", () => {
  it("are the library's defaults in stage and prod", () => {
    expect(stage).toEqual(DEFAULT_PLATFORM_SLO_OBJECTIVES);
    expect(prod).toEqual(DEFAULT_PLATFORM_SLO_OBJECTIVES);
  });

  it("are lower in dev (spot nodes, experiments), never higher", () => {
    expect(dev.coreDnsPercent).toBeLessThan(prod.coreDnsPercent);
    expect(dev.loadBalancerPercent).toBeLessThan(prod.loadBalancerPercent);
    for (const key of PLATFORM_SLO_PERCENT_KEYS) {
      expect(dev[key]).toBeLessThanOrEqual(prod[key]);
    }
  });
});

describe("platform SLO objective validation", () => {
  it.each<[string, unknown, string]>([
    ["platform.slos.coreDnsPercent", 0.999, "must be a percentage from 50 to below 100 (e.g. 99.9)"],
    ["platform.slos.lokiWritePercent", 100, "must be a percentage from 50 to below 100 (e.g. 99.9)"],
    ["platform.slos.tempoWritePercent", 49, "must be a percentage from 50 to below 100 (e.g. 99.9)"],
    ["platform.slos.loadBalancerPercent", "99.9", "must be a percentage from 50 to below 100 (e.g. 99.9)"],
    ["platform.slos.windowDays", 0, "must be a whole number of days from 1 to 90"],
    ["platform.slos.windowDays", 28.5, "must be a whole number of days from 1 to 90"],
  ])("rejects %s = %p, naming environment, field and value", (field, value, allowed) => {
    const problems = problemsOf({ [field]: value });
    expect(problems).toHaveLength(1);
    for (const fragment of ["Environment 'dev'", `'${field}'`, allowed, `got ${JSON.stringify(value)}`]) {
      expect(problems[0]).toContain(fragment);
    }
  });

  it("rejects an unknown objective", () => {
    expect(problemsOf({ "platform.slos.ingressNginxPercent": 99 })).toEqual([
      expect.stringContaining("unknown field(s) ingressNginxPercent"),
    ]);
  });
});
