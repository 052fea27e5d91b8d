import type { Language } from './Language.js';

/** Terminal programs that draw Chinese on a framebuffer console (Debian packages). */
export const CJK_CONSOLES = ['kmscon', 'fbterm'] as const;

/** What decides whether the console can draw Chinese. */
export interface ConsoleFacts {
  /** `TERM` of this process. */
  term: string | undefined;
  /**
   * `POS_TERMINAL_CJK_CONSOLE`: `1` when the operator knows the console draws Chinese (a
   * CJK-capable console not in {@link CJK_CONSOLES}), `0` when it cannot. Overrides the rest.
   */
  override: string | undefined;
  /** Names (`comm`) of this process's ancestors, nearest first. */
  ancestors: readonly string[];
}

/** The language the display will use, and why it differs from the configured one. */
export interface LanguageChoice {
  language: Language;
  /** Set when the configured language was replaced; say it in the log. */
  fallbackReason?: string | undefined;
}

/**
 * The bare Linux virtual console (`TERM=linux`) has no glyphs for Chinese: it would show
 * diamonds. On the board the UI runs inside kmscon or fbterm, which draw Chinese although fbterm
 * also says `TERM=linux`; so a `linux` console counts as able only when one of them is an
 * ancestor of this process. Every other terminal (xterm, tmux, a serial terminal program) is
 * trusted to draw what it is sent.
 */
export function consoleCanDrawChinese(facts: ConsoleFacts): boolean {
  if (facts.override === '1') return true;
  if (facts.override === '0') return false;
  const term = facts.term ?? '';
  if (term !== 'linux' && !term.startsWith('linux-')) return true;
  return facts.ancestors.some((name) => (CJK_CONSOLES as readonly string[]).includes(name));
}

/** The configured language, or English when it is Chinese and the console cannot draw it. */
export function chooseDisplayLanguage(configured: Language, facts: ConsoleFacts): LanguageChoice {
  if (configured !== 'zh-CN' || consoleCanDrawChinese(facts)) return { language: configured };
  return {
    language: 'en',
    fallbackReason:
      `the console (TERM=${facts.term ?? ''}) cannot draw Chinese: showing English. ` +
      `Run the UI inside ${CJK_CONSOLES.join(' or ')} with a CJK font, ` +
      'or set POS_TERMINAL_CJK_CONSOLE=1 if this console can draw it',
  };
}
