import { describe, expect, it } from 'vitest';
import { countdownText, secondsLeft } from './countdownText.js';

const NOW = 1_767_323_045_000;

describe('countdownText', () => {
  it('counts down to the expiry as mm:ss', () => {
    expect(countdownText(NOW, NOW + 299_000)).toBe('04:59');
    expect(countdownText(NOW, NOW + 300_000)).toBe('05:00');
    expect(countdownText(NOW, NOW + 61_000)).toBe('01:01');
    expect(countdownText(NOW, NOW + 9_000)).toBe('00:09');
  });

  it('rounds a part second up, so 00:00 means run out', () => {
    expect(countdownText(NOW, NOW + 299_001)).toBe('05:00');
    expect(countdownText(NOW, NOW + 1)).toBe('00:01');
    expect(secondsLeft(NOW, NOW + 1)).toBe(1);
  });

  it('shows 00:00 once expired, never a negative time', () => {
    expect(countdownText(NOW, NOW)).toBe('00:00');
    expect(countdownText(NOW, NOW - 5_000)).toBe('00:00');
    expect(secondsLeft(NOW, NOW - 5_000)).toBe(0);
  });

  it('keeps counting minutes past 99', () => {
    expect(countdownText(NOW, NOW + 6_000_000)).toBe('100:00');
  });
});
