import { errors, StatusError } from "@minik8s/api";

/** 410 Expired, as Kubernetes words it: the client relists and watches from the new list. */
export function tooOldResourceVersion(revision: number, oldest: number): StatusError {
  return errors.gone(`too old resource version: ${revision} (${oldest})`);
}

/**
 * 504 Timeout for a revision the cache has not reached in time. Kubernetes answers the same
 * ("Too large resource version") so that clients retry after a moment instead of relisting.
 */
export function tooLargeResourceVersion(revision: number, current: number): StatusError {
  return new StatusError(504, "Timeout", `Too large resource version: ${revision}, current: ${current}`, {
    causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
    retryAfterSeconds: 1,
  });
}

/** 429 while the cache (re)lists, as Kubernetes' cacher does before it is ready. */
export function cacheNotReady(prefix: string): StatusError {
  return errors.tooManyRequests(`storage is (re)initializing: the watch cache of ${prefix} is not ready`, 1);
}

/** 503 once the cache has stopped (the apiserver is shutting down or the store closed). */
export function cacheStopped(prefix: string): StatusError {
  return new StatusError(503, "ServiceUnavailable", `the watch cache of ${prefix} has stopped`);
}
