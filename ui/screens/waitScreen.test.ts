import { describe, expect, it } from 'vitest';
import type { Language } from '../Language.js';
import { MIN_DISPLAY } from '../ScreenView.js';
import { renderScreen } from './renderScreen.js';
import { WAITING_FOR } from './sampleScreens.js';

const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

const render = (waitFor: (typeof WAITING_FOR)[number], language: Language) =>
  renderScreen({ id: 'wait', for: waitFor }, { language, now: 0, size: MIN_DISPLAY });

describe('wait screen', () => {
  for (const language of LANGUAGES) {
    it(`says what the terminal is doing, differently for each wait, in ${language}`, () => {
      const doing = WAITING_FOR.map((waitFor) => render(waitFor, language).lines[1]?.text);
      expect(new Set(doing).size).toBe(WAITING_FOR.length);
      for (const waitFor of WAITING_FOR) {
        const view = render(waitFor, language);
        expect(view.tone).toBe('wait');
        expect(view.hints).toEqual([]);
      }
    });
  }

  it('says "sending" while the sale goes to the host', () => {
    expect(render('authorize', 'zh-CN').lines[1]?.text).toBe('正在发送交易...');
    expect(render('authorize', 'en').lines[1]?.text).toBe('Sending to the host...');
  });

  it('warns to keep the phone still while it is read', () => {
    const view = render('card', 'zh-CN');
    expect(view.lines.find((line) => line.text === '请勿移开手机')?.color).toBe('yellow');
  });

  it('warns not to repeat while an unknown outcome is settled', () => {
    const view = render('resolve', 'en');
    expect(view.lines.find((line) => line.text === 'Do not repeat the transaction')?.color).toBe(
      'yellow',
    );
  });

  it('shows a notice that came with the wait', () => {
    const view = renderScreen(
      { id: 'wait', for: 'resolve', notice: { code: 'HOST_UNREACHABLE' } },
      { language: 'zh-CN', now: 0, size: MIN_DISPLAY },
    );
    expect(view.lines.map((line) => line.text)).toContain('连不上主机，请检查网络后重试');
  });
});
