import type { Language } from '../Language.js';
import type { SimTexts } from './Messages.js';
import { messagesFor } from './messagesFor.js';

export type { SimTexts } from './Messages.js';

/**
 * The simulator's panel texts (keymap, phone, SMS inbox, slips) in `language`. They live in the
 * display's catalogue, so the completeness checks of both languages cover them too.
 */
export function simTexts(language: Language): SimTexts {
  return messagesFor(language).sim;
}
