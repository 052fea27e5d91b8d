import { isPosError } from '../../core/PosError.js';
import type { Notice } from './flowTypes.js';

/**
 * Messages the flow itself raises on its input screens, beside the error codes of
 * src/core/errorCodes.ts that actors reject with. The UI's catalogue has a text for each.
 */
export const FLOW_NOTICES = [
  'AMOUNT_ZERO',
  'AMOUNT_OVER_LIMIT',
  'PIN_TOO_SHORT',
  'CODE_TOO_SHORT',
  'CODE_RESENT',
  'PASSWORD_EMPTY',
  'TRACE_EMPTY',
  'REFERENCE_INCOMPLETE',
  'TIMED_OUT',
  'CANCELLED',
  'CODE_TIMED_OUT',
  'SUPERVISOR_LOCKED_OUT',
  'UNEXPECTED_ERROR',
] as const;
export type FlowNoticeCode = (typeof FLOW_NOTICES)[number];

/** A flow notice, with optional safe details. */
export function flowNotice(
  code: FlowNoticeCode,
  details?: Readonly<Record<string, unknown>>,
): Notice {
  return details === undefined ? { code } : { code, details };
}

/**
 * The notice for an actor's failure: its error code and safe details. Anything that is not a
 * `PosError` (a bug) becomes `UNEXPECTED_ERROR` with no details, so nothing unvetted reaches
 * the screen.
 */
export function noticeOf(error: unknown): Notice {
  if (!isPosError(error)) return { code: 'UNEXPECTED_ERROR' };
  const details = Object.keys(error.details).length === 0 ? undefined : error.details;
  return { code: error.code, details };
}

/** The error code of an actor's failure (`UNEXPECTED_ERROR` for a non-PosError). */
export function codeOf(error: unknown): string {
  return isPosError(error) ? error.code : 'UNEXPECTED_ERROR';
}
