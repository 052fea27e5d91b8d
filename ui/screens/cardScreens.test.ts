import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/displayWidth.js';
import type { Screen } from '../../src/terminal/flow/screenOf.js';
import type { Language } from '../Language.js';
import { MIN_DISPLAY, type ScreenView } from '../ScreenView.js';
import { renderScreen } from './renderScreen.js';

function render(screen: Screen, language: Language = 'zh-CN') {
  return renderScreen(screen, { language, now: 0, size: MIN_DISPLAY });
}

const texts = (view: ScreenView) => view.lines.map((line) => line.text.trim());

const MENU: Screen = {
  id: 'menu',
  items: ['sale', 'balance', 'void', 'refund', 'settle', 'reprint'],
  cardPresent: false,
};

describe('menu screen', () => {
  it('numbers the six transactions by the keys that pick them', () => {
    expect(texts(render(MENU))).toEqual([
      '1 消费',
      '2 余额查询',
      '3 撤销',
      '4 退货',
      '5 结算',
      '6 重打印',
    ]);
    expect(texts(render(MENU, 'en'))).toEqual([
      '1 Sale',
      '2 Balance',
      '3 Void',
      '4 Refund',
      '5 Settle',
      '6 Reprint',
    ]);
  });

  it('lines the items up as one block', () => {
    const widths = new Set(render(MENU).lines.map((line) => displayWidth(line.text)));
    expect(widths.size).toBe(1);
  });

  it('says the phone is already read after a tap from idle', () => {
    const view = render({ ...MENU, cardPresent: true });
    expect(view.lines[0]).toMatchObject({ text: '已读取手机，请选择交易', color: 'green' });
    expect(texts(view)).toContain('1 消费');
  });

  it('hints the digit keys and CANCEL', () => {
    expect(render(MENU).hints).toEqual(['1-6 选择', 'CANCEL 返回']);
    expect(render(MENU, 'en').hints).toEqual(['1-6 choose', 'CANCEL back']);
  });
});

describe('tap card screen', () => {
  it('asks for the phone under the chosen transaction', () => {
    const view = render({ id: 'tapCard', for: 'balance' });
    expect(view.title).toBe('余额查询');
    expect(texts(view)).toContain('请轻触手机');
    expect(view.hints).toEqual(['CANCEL 取消']);
    expect(render({ id: 'tapCard', for: undefined }, 'en').title).toBe('Read phone');
  });
});

describe('card error screen', () => {
  it('says why the phone was not read and that a tap tries again', () => {
    const view = render({ id: 'cardError', outcome: { code: 'CARD_REMOVED' } });
    expect(texts(view)).toEqual(
      expect.arrayContaining(['手机拿开得太快', '请重新轻触，或按 OK 返回']),
    );
    expect(view.tone).toBe('error');
    expect(texts(render({ id: 'cardError' }, 'en'))).toContain('Could not read the phone');
  });
});
