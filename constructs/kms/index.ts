// The public API of kms.
export {
  EncryptionKey,
  SOURCE_CONDITION_KEYS,
  cloudWatchAlarmsGrant,
  cloudWatchLogsGrant,
  hasSourceCondition,
} from "./encryption-key";
export type { EncryptionKeyProps, KeyServiceGrant } from "./encryption-key";
export type { EncryptionKeyAttributes, IEncryptionKey } from "./encryption-key-reference";
