import { isCurrency } from '../../src/core/currencies.js';
import type { Notice } from '../../src/terminal/flow/flowTypes.js';
import type { Language } from '../Language.js';
import { dateTimeText } from './dateTimeText.js';
import type { ReasonCode, ReasonDetails, Resolution } from './Messages.js';
import { messagesFor } from './messagesFor.js';
import { moneyText } from './moneyText.js';

/** What a reason is shown in: the language, and the zone for times (`lockedUntil`). */
export interface ReasonContext {
  language: Language;
  timeZone?: string | undefined;
}

const RESOLUTIONS: readonly string[] = ['reversed', 'pending', 'refused'] satisfies Resolution[];

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function limitText(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { value: minor, currency } = value as { value?: unknown; currency?: unknown };
  const units = count(minor);
  return units !== undefined && isCurrency(currency)
    ? moneyText({ value: units, currency })
    : undefined;
}

/**
 * The details a catalogue entry may use, checked: details come from the host or an actor, and a
 * missing or odd value must leave the words out, never show "undefined" or "NaN".
 */
function reasonDetails(
  details: Readonly<Record<string, unknown>>,
  context: ReasonContext,
): ReasonDetails {
  const { lockedUntil } = details;
  return {
    attemptsLeft: count(details.attemptsLeft),
    retryAfterSeconds: count(details.retryAfter),
    until:
      typeof lockedUntil === 'string' || typeof lockedUntil === 'number'
        ? dateTimeText(lockedUntil, context)
        : undefined,
    limit: limitText(details.limit),
    pendingLeft: count(details.pendingLeft),
  };
}

/**
 * What an unknown outcome became after the status inquiry, when the screen should say that
 * rather than the code's own text: undone, still unknown, or an undo the host refused. Undefined
 * for any other notice (also `declined`, whose code already says why).
 */
export function resolutionOf(notice: Notice | undefined): Resolution | undefined {
  const resolution = notice?.details?.resolution;
  return typeof resolution === 'string' && RESOLUTIONS.includes(resolution)
    ? (resolution as Resolution)
    : undefined;
}

/**
 * The plain-language reason for a notice, in the context's language: the catalogue's text for
 * its code, with its safe details put in (`密码错误，还可输入 2 次`). A settled unknown outcome
 * says what happened to the money instead; a code the catalogue does not know (a newer host)
 * gets a generic sentence naming the code, so the cashier can still report it.
 */
export function reasonText(notice: Notice, context: ReasonContext): string {
  const messages = messagesFor(context.language);
  const resolution = resolutionOf(notice);
  if (resolution !== undefined) return messages.resolutions[resolution];
  if (!Object.hasOwn(messages.reasons, notice.code)) return messages.unknownReason(notice.code);
  const entry = messages.reasons[notice.code as ReasonCode];
  return typeof entry === 'string' ? entry : entry(reasonDetails(notice.details ?? {}, context));
}
