export { Backoff } from "./backoff.js";
export { type Clock, FakeClock, realClock, sleep } from "./clock.js";
export { ConnectionError } from "./connection-error.js";
export { EventRecorder, type EventRecorderOptions, type EventType } from "./event-recorder.js";
export { type ExecHandle, type ExecIo, streamExec } from "./exec-stream.js";
export { HttpTransport, type TransportConfig } from "./http-transport.js";
export {
  Indexer,
  type IndexFunc,
  NAMESPACE_INDEX,
  namespaceIndexFunc,
  OWNER_UID_INDEX,
  ownerUidIndexFunc,
} from "./indexer.js";
export { type DeleteInfo, type EventHandler, Informer, type InformerOptions } from "./informer.js";
export {
  type KubeObject,
  type ObjectList,
  type ObjectMetaLike,
  objectKey,
  type ResourceRef,
  splitKey,
} from "./kube-object.js";
export {
  connectionOf,
  defaultKubeConfigPath,
  deleteContext,
  emptyKubeConfig,
  type KubeConfig,
  type KubeConfigCluster,
  type KubeConfigContext,
  type KubeConfigEntry,
  type KubeConfigSelection,
  type KubeConfigUser,
  kubeconfigPathForWrite,
  kubeconfigPaths,
  type LoadOptions,
  loadClientConfig,
  loadKubeConfig,
  mergeKubeConfigs,
  modifyKubeConfig,
  type ParseOptions,
  parseKubeConfig,
  type ResolvedClientConfig,
  readKubeConfig,
  readMergedKubeConfig,
  resolveClientConfig,
  selectKubeConfig,
  setCluster,
  setContext,
  setUser,
  useContext,
  writeKubeConfig,
} from "./kubeconfig.js";
export { type LeaderElectionOptions, LeaderElector } from "./leader-election.js";
export { type Logger, silentLogger } from "./logger.js";
export {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  type RateLimiter,
} from "./rate-limiter.js";
export {
  type ListWatcher,
  type ListWatchScope,
  listWatcherFor,
  Reflector,
  type ReflectorOptions,
  type ReflectorStore,
} from "./reflector.js";
export * from "./remote-command.js";
export { groupVersionPath, resourcePath } from "./resource-path.js";
export {
  Client,
  type ClientConfig,
  type DeleteCollectionOptions,
  type DeleteRequestOptions,
  errorFromResponse,
  type ListOptions,
  type PatchOptions,
  type RequestOptions,
  type WatchOptions,
  type WriteOptions,
} from "./rest-client.js";
export { runWorkers } from "./run-workers.js";
export { LineDecoder, WatchStream, type WatchStreamEvent } from "./watch-stream.js";
export { dialWebSocket, type WebSocket, type WebSocketDialOptions } from "./websocket-dial.js";
export { WorkQueue, type WorkQueueOptions } from "./work-queue.js";
