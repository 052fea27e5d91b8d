import { describe, expect, it } from 'vitest';
import { charWidth, displayWidth } from '../../src/core/displayWidth.js';
import type { ScreenId } from '../../src/terminal/flow/screenOf.js';
import type { Language } from '../Language.js';
import { MORE_MARKER } from '../layout/fitLines.js';
import { FRAME_ROWS, MIN_DISPLAY, type DisplaySize, type ScreenView } from '../ScreenView.js';
import { renderScreen } from './renderScreen.js';
import { SAMPLE_NOW, SAMPLE_SCREENS, WAITING_FOR } from './sampleScreens.js';

const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];
const SIZES: readonly DisplaySize[] = [MIN_DISPLAY, { columns: 80, rows: 24 }];
const HAN = /\p{Script=Han}/u;

const ALL_IDS: Readonly<Record<ScreenId, true>> = {
  wait: true,
  signInRetry: true,
  recoveryReport: true,
  idle: true,
  cardError: true,
  menu: true,
  tapCard: true,
  amount: true,
  pin: true,
  code: true,
  approved: true,
  balance: true,
  declined: true,
  locked: true,
  cancelled: true,
  notice: true,
  supervisor: true,
  voidTrace: true,
  voidConfirm: true,
  refundReference: true,
  settleConfirm: true,
  settlementResult: true,
  service: true,
};

function render(index: number, language: Language, size: DisplaySize): ScreenView {
  const sample = SAMPLE_SCREENS[index];
  if (sample === undefined) throw new Error(`no sample ${index}`);
  return renderScreen(sample.screen, {
    language,
    now: SAMPLE_NOW,
    size,
    timeZone: 'Asia/Shanghai',
  });
}

/** One column on every console, or two: ASCII, the yen sign, or East Asian wide. */
function unambiguous(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || char === '¥' || charWidth(char) === 2;
}

describe('renderScreen: the samples', () => {
  it('cover every screen id and every wait', () => {
    const ids = new Set(SAMPLE_SCREENS.map(({ screen }) => screen.id));
    expect([...ids].sort()).toEqual(Object.keys(ALL_IDS).sort());
    const waits = SAMPLE_SCREENS.flatMap(({ screen }) =>
      screen.id === 'wait' ? [screen.for] : [],
    );
    expect(new Set(waits)).toEqual(new Set(WAITING_FOR));
    expect(WAITING_FOR).toHaveLength(16);
  });
});

for (const language of LANGUAGES) {
  for (const size of SIZES) {
    describe(`renderScreen in ${language} at ${size.columns}x${size.rows}`, () => {
      SAMPLE_SCREENS.forEach(({ name }, index) => {
        it(`${name} fits and reads in ${language}`, () => {
          const view = render(index, language, size);
          expect(displayWidth(view.title)).toBeLessThanOrEqual(size.columns);
          expect(view.title.trim()).not.toBe('');
          expect(view.lines.length).toBeLessThanOrEqual(size.rows - FRAME_ROWS);
          for (const line of view.lines) {
            expect(displayWidth(line.text), line.text).toBeLessThanOrEqual(size.columns);
          }
          for (const hint of view.hints) {
            expect(displayWidth(hint), hint).toBeLessThanOrEqual(size.columns);
          }
          // The display joins hints with two spaces and shows what fits: the first two always do.
          expect(displayWidth(view.hints.slice(0, 2).join('  '))).toBeLessThanOrEqual(size.columns);
          // Nothing was cut: every sample says all it has to say at the smallest size.
          expect(view.lines.at(-1)?.text).not.toBe(MORE_MARKER);

          const all = [view.title, ...view.lines.map((line) => line.text), ...view.hints];
          for (const text of all) {
            expect(
              Array.from(text).filter((char) => !unambiguous(char)),
              text,
            ).toEqual([]);
            expect(text).not.toMatch(/undefined|NaN|\[object/);
          }
          if (language === 'en') {
            // The merchant's name is data, shown as the host has it (Chinese in the samples).
            const screen = SAMPLE_SCREENS[index]?.screen;
            const merchant = screen?.id === 'idle' ? (screen.merchant ?? '') : '';
            for (const text of all.filter((text) => merchant === '' || !merchant.includes(text))) {
              expect(text).not.toMatch(HAN);
            }
          } else {
            expect(all.some((text) => HAN.test(text))).toBe(true);
          }
        });
      });
    });
  }
}

describe('renderScreen: tones', () => {
  it('colours each kind of screen by what the cashier should read at a glance', () => {
    const toneOf = (id: ScreenId) => {
      const index = SAMPLE_SCREENS.findIndex(({ screen }) => screen.id === id);
      return render(index, 'en', MIN_DISPLAY).tone;
    };
    expect(toneOf('wait')).toBe('wait');
    expect(toneOf('amount')).toBe('input');
    expect(toneOf('code')).toBe('input');
    expect(toneOf('approved')).toBe('success');
    expect(toneOf('declined')).toBe('error');
    expect(toneOf('locked')).toBe('error');
    expect(toneOf('idle')).toBe('info');
  });
});

describe('renderScreen: small and odd sizes', () => {
  it('still fits every line at sizes below the supported minimum', () => {
    for (const size of [
      { columns: 20, rows: 8 },
      { columns: 2, rows: 4 },
    ]) {
      SAMPLE_SCREENS.forEach((_, index) => {
        for (const language of LANGUAGES) {
          const view = render(index, language, size);
          expect(view.lines.length).toBeLessThanOrEqual(size.rows - FRAME_ROWS);
          for (const text of [view.title, ...view.hints, ...view.lines.map((line) => line.text)]) {
            expect(displayWidth(text)).toBeLessThanOrEqual(size.columns);
          }
        }
      });
    }
  });
});
