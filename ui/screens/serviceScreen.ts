import type { Messages } from '../i18n/Messages.js';
import type { RenderContext } from './renderScreen.js';
import type { ScreenDraft, ScreenOf } from './ScreenDraft.js';
import { centered, SPACER } from './screenParts.js';

/**
 * A technician's console holds a device for a test: what is being tested, and that the cashier
 * has to wait. No hints: the keypad belongs to the test until it ends.
 */
export function serviceScreen(
  screen: ScreenOf<'service'>,
  _context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { service } = messages;
  return {
    title: service.title,
    lines: [
      SPACER,
      centered(service.testing[screen.task], { bold: true }),
      SPACER,
      centered(service.inUse, { color: 'yellow' }),
    ],
    hints: [],
    tone: 'wait',
  };
}
