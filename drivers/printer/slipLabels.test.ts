import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/displayWidth.js';
import { SLIP_LABELS, type SlipLabels } from './slipLabels.js';

const entries = (labels: SlipLabels): [string, string][] => Object.entries<string>({ ...labels });

describe('SLIP_LABELS', () => {
  const zh = SLIP_LABELS['zh-CN'];
  const en = SLIP_LABELS.en;

  it('has the same labels in both languages', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it('has no empty label, and each fits on a line of the slip', () => {
    for (const labels of [zh, en]) {
      for (const [key, text] of entries(labels)) {
        expect(text.trim(), key).not.toBe('');
        expect(displayWidth(text), key).toBeLessThanOrEqual(32);
      }
    }
  });

  it('has a double-size sample that fits on a line printed double width', () => {
    expect(displayWidth(zh.doubleSizeSample)).toBeLessThanOrEqual(16);
    expect(displayWidth(en.doubleSizeSample)).toBeLessThanOrEqual(16);
  });

  it('is Chinese in zh-CN and English in en', () => {
    expect(zh.merchantCopy).toBe('商户存根');
    expect(en.customerCopy).toBe('CUSTOMER COPY');
    for (const [key, text] of entries(en)) {
      expect(/^[\x20-\x7e]+$/.test(text), key).toBe(true);
    }
  });
});
