export * from "./postgres-database";
export * from "./instance-classes";
