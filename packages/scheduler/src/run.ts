import { hostname } from "node:os";
import { type Client, EventRecorder, LeaderElector, type Logger, silentLogger } from "@minik8s/client";
import { DEFAULT_SCHEDULER_NAME } from "./config.js";
import type { Framework } from "./framework/framework.js";
import { Scheduler, type SchedulerOptions } from "./scheduler.js";

/** The Lease that scheduler candidates compete for. */
export const SCHEDULER_LEASE = { namespace: "kube-system", name: "minik8s-scheduler" };

export interface LeaderElectionTuning {
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface StartSchedulerOptions
  extends Pick<SchedulerOptions, "bindConcurrency" | "explain" | "onBound" | "queue" | "cache" | "clock"> {
  client: Client;
  /** schedulerName → framework: `profilesFromConfig(config)` from config.ts. */
  profiles: Map<string, Framework>;
  /** Only the holder of kube-system/minik8s-scheduler schedules; the others wait, caches warm. */
  leaderElect?: boolean | LeaderElectionTuning;
  /** Who we are in the Lease and in events' reportingInstance. Default: hostname plus a suffix. */
  identity?: string;
  logger?: Logger;
}

export interface RunningScheduler {
  scheduler: Scheduler;
  elector: LeaderElector | undefined;
  identity: string;
  /** Stops scheduling (releasing the Lease), waits for bindings and events in flight. */
  stop(): Promise<void>;
}

/**
 * Everything `minik8s scheduler` does after parsing its flags: start the informers, wait for their
 * caches, then schedule — at once, or whenever this process holds the Lease. As kube-scheduler,
 * a candidate that is not leading keeps its cache in step so that taking over is immediate.
 */
export async function startScheduler(opts: StartSchedulerOptions): Promise<RunningScheduler> {
  const log = opts.logger ?? silentLogger;
  const identity = opts.identity ?? `${hostname()}_${Math.random().toString(36).slice(2, 10)}`;
  const recorder = new EventRecorder({
    client: opts.client,
    component: DEFAULT_SCHEDULER_NAME,
    host: identity,
    logger: log,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const scheduler = new Scheduler({ ...opts, recorder, logger: log });
  if (!(await scheduler.start())) throw new Error("the scheduler's informers stopped before they synced");
  log.info({ nodes: scheduler.cache.nodeCount, identity }, "caches synced");

  if (!opts.leaderElect) {
    const controller = new AbortController();
    const loop = scheduler.run(controller.signal);
    return {
      scheduler,
      elector: undefined,
      identity,
      async stop() {
        controller.abort();
        await loop;
        await scheduler.stop();
      },
    };
  }

  const tuning = typeof opts.leaderElect === "object" ? opts.leaderElect : {};
  const elector = new LeaderElector({
    client: opts.client,
    ...SCHEDULER_LEASE,
    identity,
    ...tuning,
    logger: log,
    ...(opts.clock ? { clock: opts.clock } : {}),
    onStartedLeading: (signal) => scheduler.run(signal),
    onStoppedLeading: () => log.info({ identity }, "no longer leading; scheduling paused"),
  });
  elector.start();
  return {
    scheduler,
    elector,
    identity,
    async stop() {
      await elector.stop();
      await scheduler.stop();
    },
  };
}
