export { Binder, type BindResult } from "./binder.js";
export {
  DEFAULT_SCHEDULER_NAME,
  defaultSchedulerConfig,
  GPU_BINPACK_SCHEDULER_NAME,
  loadSchedulerConfig,
  profilesFromConfig,
  type SchedulerConfig,
  SchedulerConfigError,
} from "./config.js";
export {
  Framework,
  type FrameworkProfile,
  type NodeScore,
  type ScheduleResult,
} from "./framework/framework.js";
export type { NodeInfo, Plugin, Snapshot, Status } from "./framework/types.js";
export { Heap } from "./heap.js";
export {
  type LeaderElectionTuning,
  type RunningScheduler,
  SCHEDULER_LEASE,
  type StartSchedulerOptions,
  startScheduler,
} from "./run.js";
export {
  DEFAULT_BIND_CONCURRENCY,
  Scheduler,
  type SchedulerOptions,
  type SchedulerStats,
} from "./scheduler.js";
export { SchedulerCache, type SchedulerCacheOptions } from "./scheduler-cache.js";
export {
  type ClusterEvent,
  type QueuedPodInfo,
  SchedulingQueue,
  type SchedulingQueueOptions,
} from "./scheduling-queue.js";
