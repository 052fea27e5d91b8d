import { describe, expect, it } from 'vitest';
import { dateTimeText, timeText } from './dateTimeText.js';

const LOCK_END = '2026-01-02T03:30:00.000Z';

describe('dateTimeText', () => {
  it('shows a lock end in Chinese, in the given zone', () => {
    expect(dateTimeText(LOCK_END, { language: 'zh-CN', timeZone: 'Asia/Shanghai' })).toBe(
      '2026年1月2日 11:30',
    );
  });

  it('shows it in English with the day before the month', () => {
    expect(dateTimeText(LOCK_END, { language: 'en', timeZone: 'Asia/Shanghai' })).toBe(
      '2 Jan 2026, 11:30',
    );
    expect(dateTimeText(LOCK_END, { language: 'en', timeZone: 'America/New_York' })).toBe(
      '1 Jan 2026, 22:30',
    );
  });

  it('takes epoch ms as well as ISO text', () => {
    expect(dateTimeText(Date.parse(LOCK_END), { language: 'en', timeZone: 'UTC' })).toBe(
      '2 Jan 2026, 03:30',
    );
  });

  it('writes midnight as 00, not 24', () => {
    expect(
      dateTimeText('2026-12-31T16:00:00Z', { language: 'zh-CN', timeZone: 'Asia/Shanghai' }),
    ).toBe('2027年1月1日 00:00');
  });

  it('gives nothing for a time it cannot read', () => {
    expect(dateTimeText('soon', { language: 'en' })).toBeUndefined();
    expect(dateTimeText(Number.NaN, { language: 'zh-CN' })).toBeUndefined();
  });

  it('refuses a zone that does not exist', () => {
    expect(() => dateTimeText(LOCK_END, { language: 'en', timeZone: 'Nowhere/Town' })).toThrow(
      RangeError,
    );
  });
});

describe('timeText', () => {
  it('shows the clock as HH:MM in the zone, the same in both languages', () => {
    const at = Date.parse('2026-01-02T15:07:59Z');
    expect(timeText(at, { language: 'zh-CN', timeZone: 'Asia/Shanghai' })).toBe('23:07');
    expect(timeText(at, { language: 'en', timeZone: 'UTC' })).toBe('15:07');
    expect(
      timeText(Date.parse('2026-01-02T16:00:00Z'), { language: 'en', timeZone: 'Asia/Shanghai' }),
    ).toBe('00:00');
  });

  it('shows dashes for a clock that is not a number', () => {
    expect(timeText(Number.NaN, { language: 'en' })).toBe('--:--');
  });
});
