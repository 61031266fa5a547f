export * from "./object-storage";
export { bucketGrant } from "./object-storage-reference";
export type { BucketAccess, IObjectStorage, ObjectStorageAttributes } from "./object-storage-reference";
