/**
 * Waits for a condition that other tasks make true (a reply arrived, a loop went to sleep).
 * Bounded: it fails with `what` after `tries` polls, so a broken expectation fails the test
 * instead of hanging it. Nothing here measures time.
 */
export async function until(what: string, cond: () => boolean, tries = 2000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`gave up waiting for: ${what}`);
}
