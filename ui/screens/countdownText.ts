/**
 * Whole seconds left until `expiresAt`, rounded up so that `0` is shown only once the time has
 * really run out. Both are epoch ms of the same clock.
 */
export function secondsLeft(now: number, expiresAt: number): number {
  return Math.max(0, Math.ceil((expiresAt - now) / 1000));
}

/** The time left as `mm:ss` (`04:59`; `00:00` once expired; minutes past 99 keep counting). */
export function countdownText(now: number, expiresAt: number): string {
  const seconds = secondsLeft(now, expiresAt);
  const mm = String(Math.floor(seconds / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return `${mm}:${ss}`;
}
