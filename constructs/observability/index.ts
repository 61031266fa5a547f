export * from "./chart-values";
export * from "./observability";
export * from "./platform-alarms";
