import type { Language } from '../Language.js';
import { en } from './en.js';
import type { Messages } from './Messages.js';
import { zhCN } from './zhCN.js';

// A record over `Language`: a language added there without a catalogue does not compile.
const CATALOGUES: Readonly<Record<Language, Messages>> = { 'zh-CN': zhCN, en };

/** The display's texts in `language`. */
export function messagesFor(language: Language): Messages {
  return CATALOGUES[language];
}
