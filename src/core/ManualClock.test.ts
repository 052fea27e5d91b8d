import { describe, expect, it } from 'vitest';
import { isoNow, unixSeconds } from './clock.js';
import { ManualClock } from './ManualClock.js';

describe('ManualClock', () => {
  it('moves only when advanced and fires due timers in order', () => {
    const clock = new ManualClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 200);
    expect(clock.now()).toBe(1_000);
    clock.advance(150);
    expect(fired).toEqual(['a@1100']);
    expect(clock.now()).toBe(1_150);
    clock.advance(50);
    expect(fired).toEqual(['a@1100', 'b@1200', 'c@1200']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fires timers set by a callback within the same advance', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 10);
    }, 10);
    clock.advance(25);
    expect(fired).toEqual([10, 20]);
  });

  it('cancels timers and refuses to run backwards', () => {
    const clock = new ManualClock(0);
    let fired = false;
    const handle = clock.setTimeout(() => (fired = true), 5);
    clock.clearTimeout(handle);
    clock.clearTimeout('unknown');
    clock.advance(10);
    expect(fired).toBe(false);
    expect(() => {
      clock.advance(-1);
    }).toThrow(RangeError);
    expect(() => {
      clock.setTime(0);
    }).toThrow(RangeError);
  });

  it('gives protocol times: whole unix seconds and ISO strings', () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 30, 15, 999));
    expect(unixSeconds(clock)).toBe(Date.UTC(2026, 10, 23, 8, 30, 15) / 1000);
    expect(isoNow(clock)).toBe('2026-11-23T08:30:15.999Z');
  });
});
