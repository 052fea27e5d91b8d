import { charWidth, displayWidth } from '../../src/core/displayWidth.js';

/**
 * `text` cut to at most `width` display columns, ending in `marker` when something was cut
 * (when the marker itself fits). Cuts between characters only: a Chinese character that would
 * straddle the edge is left out whole, never halved; zero-width marks stay with their character.
 */
export function truncateToWidth(text: string, width: number, marker = '...'): string {
  if (displayWidth(text) <= width) return text;
  const end = displayWidth(marker) <= width ? marker : '';
  const room = width - displayWidth(end);
  let kept = '';
  let used = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (used + w > room) break;
    kept += char;
    used += w;
  }
  return kept + end;
}
