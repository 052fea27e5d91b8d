import type { Screen } from '../../src/terminal/flow/screenOf.js';
import type { BodyLine } from '../layout/fitLines.js';
import type { ViewTone } from '../ScreenView.js';

/**
 * A screen as a family renderer writes it, before `renderScreen` fits it to the display: the
 * body may still be too tall or too wide, and may hold spacers to give up first.
 */
export interface ScreenDraft {
  title: string;
  lines: BodyLine[];
  hints: string[];
  tone: ViewTone;
}

/** The variant of the flow's `Screen` with this id. */
export type ScreenOf<Id extends Screen['id']> = Extract<Screen, { id: Id }>;
