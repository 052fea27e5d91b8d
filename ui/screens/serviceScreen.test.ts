import { describe, expect, it } from 'vitest';
import { renderScreen } from './renderScreen.js';

const size = { columns: 40, rows: 12 };

function texts(language: 'zh-CN' | 'en', task: 'reader' | 'keypad' | 'printer'): string[] {
  const view = renderScreen({ id: 'service', task }, { language, now: 0, size });
  return [view.title, ...view.lines.map((line) => line.text.trim())];
}

describe('service screen', () => {
  it('tells the cashier which device a technician is testing, and to wait', () => {
    expect(texts('en', 'keypad')).toEqual([
      'Service',
      '',
      'Testing the keypad',
      '',
      expect.stringContaining('technician'),
      expect.stringContaining('wait'),
    ]);
    expect(texts('zh-CN', 'reader')).toContain('正在测试读卡器');
    expect(texts('zh-CN', 'printer')).toContain('正在测试打印机');
  });

  it('offers no key hints: the keypad belongs to the test', () => {
    const view = renderScreen({ id: 'service', task: 'keypad' }, { language: 'en', now: 0, size });
    expect(view.hints).toEqual([]);
  });
});
