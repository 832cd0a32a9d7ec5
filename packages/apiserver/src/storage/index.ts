export { LevelStore, type LevelStoreOptions } from "./level-store.js";
export {
  isStoreError,
  type ListOptions,
  type ListResult,
  type MutateOptions,
  type StoredObject,
  type StoredValue,
  StoreError,
  type StoreErrorCode,
  type StoreEvent,
  type StoreEventType,
  type StoreWatch,
  type WatchableStore,
  type WatchOptions,
} from "./store.js";
