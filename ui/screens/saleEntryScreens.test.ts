import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/displayWidth.js';
import type { Screen } from '../../src/terminal/flow/screenOf.js';
import type { Language } from '../Language.js';
import { MIN_DISPLAY, type DisplaySize, type ScreenView } from '../ScreenView.js';
import { decodeBigDigits } from './decodeBigDigits.js';
import { renderScreen } from './renderScreen.js';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

function render(screen: Screen, language: Language = 'zh-CN', size: DisplaySize = MIN_DISPLAY) {
  return renderScreen(screen, { language, now: NOW, size });
}

const texts = (view: ScreenView) => view.lines.map((line) => line.text);

/** The number shown in large digits: any three consecutive lines that read back as digits. */
function bigNumberOf(view: ScreenView): string | undefined {
  const lines = texts(view);
  for (let index = 0; index + 3 <= lines.length; index += 1) {
    const decoded = decodeBigDigits(lines.slice(index, index + 3).map((line) => line));
    if (decoded !== undefined) return decoded;
  }
  return undefined;
}

const amount = (value: number, notice?: { code: string; details?: Record<string, unknown> }) =>
  ({
    id: 'amount',
    for: 'sale',
    digits: String(value),
    amount: { value, currency: 'CNY' },
    notice,
  }) satisfies Screen;

describe('amount screen', () => {
  it('shows the amount keyed in large digits that read back as the amount', () => {
    const view = render(amount(1_250));
    expect(bigNumberOf(view)).toBe('12.50');
    expect(texts(view)).toContain('人民币 ¥12.50');
    expect(view.title).toBe('消费');
    expect(view.tone).toBe('input');
  });

  it('shows 0.00 before any digit', () => {
    expect(bigNumberOf(render(amount(0)))).toBe('0.00');
  });

  it('falls back to plain text when the large digits do not fit the width', () => {
    const view = render(amount(999_999_999_999), 'en');
    expect(bigNumberOf(view)).toBeUndefined();
    expect(texts(view)).toContain('CNY ¥9,999,999,999.99');
    // The same amount does fit a wide display.
    expect(bigNumberOf(render(amount(999_999_999_999), 'en', { columns: 80, rows: 24 }))).toBe(
      '9999999999.99',
    );
  });

  it('names the keys: OK, CANCEL and the editing keys, all on one 40-column row', () => {
    for (const language of ['zh-CN', 'en'] as const) {
      const { hints } = render(amount(1_250), language);
      expect(hints[0]).toMatch(/^OK /);
      expect(hints[1]).toMatch(/^CANCEL /);
      expect(hints[2]).toMatch(/^BKSP\/CLEAR /);
      expect(displayWidth(hints.join('  '))).toBeLessThanOrEqual(40);
    }
  });

  it('says why the amount was refused', () => {
    const over = amount(5_000_001, {
      code: 'AMOUNT_OVER_LIMIT',
      details: { limit: { value: 5_000_000, currency: 'CNY' } },
    });
    expect(texts(render(over))).toContain('金额超过上限 ¥50,000.00');
    expect(render(over).lines.find((line) => line.text.includes('上限'))?.color).toBe('yellow');
  });

  it('titles a refund as a refund', () => {
    expect(render({ ...amount(500), for: 'refund' }, 'en').title).toBe('Refund');
  });
});

describe('PIN screen', () => {
  const pin = (length: number): Screen => ({
    id: 'pin',
    for: 'sale',
    amount: { value: 1_250, currency: 'CNY' },
    length,
    notice: { code: 'PIN_INCORRECT', details: { attemptsLeft: 2 } },
  });

  it('masks the PIN: a star per digit keyed, a place for each of the six to go', () => {
    expect(texts(render(pin(0)))).toContain('_ _ _ _ _ _');
    expect(texts(render(pin(3)))).toContain('* * * _ _ _');
    expect(texts(render(pin(6)))).toContain('* * * * * *');
  });

  it('shows no digit but the amount and the tries left', () => {
    const lines = texts(render(pin(4), 'en'));
    const withDigits = lines.filter((line) => /\d/.test(line));
    expect(withDigits).toEqual([
      expect.stringMatching(/^Amount +¥12\.50$/),
      'Wrong PIN, 2 tries left',
    ]);
  });

  it('shows the amount being paid and the prompt', () => {
    const lines = texts(render(pin(0)));
    expect(lines).toContain('请输入支付密码');
    expect(lines.some((line) => /^金额 +¥12\.50$/.test(line))).toBe(true);
  });

  it('shows no amount for a balance inquiry', () => {
    const view = render({ id: 'pin', for: 'balance', length: 2 }, 'en');
    expect(view.title).toBe('Balance');
    expect(texts(view).filter((line) => /\d/.test(line))).toEqual([]);
  });
});

describe('code screen', () => {
  const code = (overrides: Partial<Extract<Screen, { id: 'code' }>> = {}): Screen => ({
    id: 'code',
    amount: { value: 1_250, currency: 'CNY' },
    sentTo: '138****8000',
    expiresAt: NOW + 299_000,
    attemptsLeft: 3,
    resendsLeft: 2,
    length: 2,
    ...overrides,
  });

  it('counts down to the expiry from the context time', () => {
    expect(texts(render(code()))).toContain('剩余时间 04:59');
    expect(texts(render(code(), 'en'))).toContain('Time left 04:59');
    expect(texts(render(code({ expiresAt: NOW + 65_000 }), 'en'))).toContain('Time left 01:05');
  });

  it('shows 00:00 in red once the code has run out', () => {
    const view = render(code({ expiresAt: NOW - 3_000 }), 'en');
    const line = view.lines.find((candidate) => candidate.text.startsWith('Time left'));
    expect(line?.text).toBe('Time left 00:00');
    expect(line?.color).toBe('red');
  });

  it('turns the countdown yellow in the last half minute', () => {
    const view = render(code({ expiresAt: NOW + 20_000 }), 'en');
    expect(view.lines.find((line) => line.text === 'Time left 00:20')?.color).toBe('yellow');
    const early = render(code(), 'en');
    expect(early.lines.find((line) => line.text === 'Time left 04:59')?.color).toBeUndefined();
  });

  it('shows where the code was sent, the tries left and the mask', () => {
    const zh = texts(render(code()));
    expect(zh).toContain('验证码已发送至 138****8000');
    expect(zh).toContain('还可输入 3 次');
    expect(zh).toContain('* * _ _ _ _');
    const en = texts(render(code({ attemptsLeft: 1 }), 'en'));
    expect(en).toContain('Code sent to 138****8000');
    expect(en).toContain('1 try left');
  });

  it('offers F1 for a new code only while the host allows one', () => {
    expect(render(code({ resendsLeft: 2 })).hints).toContain('F1 重发验证码');
    expect(render(code({ resendsLeft: 1 }), 'en').hints).toContain('F1 new code');
    for (const language of ['zh-CN', 'en'] as const) {
      const { hints } = render(code({ resendsLeft: 0 }), language);
      expect(hints.some((hint) => hint.startsWith('F1'))).toBe(false);
      expect(hints[0]).toMatch(/^OK /);
    }
  });

  it('keeps the F1 hint among those a 40-column row shows', () => {
    const { hints } = render(code({ resendsLeft: 2 }), 'en');
    expect(displayWidth(hints.slice(0, 3).join('  '))).toBeLessThanOrEqual(40);
    expect(hints[2]).toBe('F1 new code');
  });

  it('shows a notice: a wrong code, or the new code sent', () => {
    const wrong = code({ notice: { code: 'OTP_INCORRECT', details: { attemptsLeft: 2 } } });
    expect(texts(render(wrong))).toContain('验证码错误，还可输入 2 次');
    const resent = render(code({ notice: { code: 'CODE_RESENT' } }), 'en');
    const line = resent.lines.find((candidate) => candidate.text === 'A new code was sent');
    expect(line).toBeDefined();
    expect(line?.color).toBeUndefined();
  });

  it('shows no digit of the code, only its length', () => {
    const lines = texts(render(code({ length: 5, sentTo: '138****8000' }), 'en'));
    expect(lines).toContain('* * * * * _');
    const maskLine = lines.find((line) => line.includes('*') && !line.includes('138'));
    expect(maskLine).toBe('* * * * * _');
  });
});
