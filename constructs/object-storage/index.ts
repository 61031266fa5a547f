export * from "./object-storage";
