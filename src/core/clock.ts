/** Opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * The source of time for everything that waits or stamps: timeouts, code expiry, clock-skew
 * checks, journal times. Inject it; never call `Date.now()` or `setTimeout` directly in logic,
 * so tests can move time by hand.
 *
 * Shaped to be accepted as xstate's `clock` option as well.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch (UTC). */
  now(): number;
  /** Calls `callback` once, `delayMs` milliseconds from now (0 or more). */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; unknown or already fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** The real wall clock and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** Whole seconds since the Unix epoch, as the protocol's `X-Pos-Timestamp` carries them. */
export function unixSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}

/** ISO 8601 UTC string of the clock's current time, as the protocol carries times. */
export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
