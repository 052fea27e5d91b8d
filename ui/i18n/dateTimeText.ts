import type { Language } from '../Language.js';

/** How a time is shown: in which language, and in which IANA zone (default the process's). */
export interface TimeTextOptions {
  language: Language;
  timeZone?: string | undefined;
}

// Month names written here rather than asked of Intl: ICU versions differ ("Sep" / "Sept").
const EN_MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;

interface Parts {
  year: string;
  month: number;
  day: number;
  hour: string;
  minute: string;
}

// The status bar repaints every second: one formatter per zone, not one per paint.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    // Intl only converts to the zone; the text is assembled below, the same on every ICU.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

function partsOf(epochMs: number, timeZone: string | undefined): Parts {
  const found: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) found[part.type] = part.value;
  return {
    year: found.year ?? '',
    month: Number(found.month),
    day: Number(found.day),
    hour: (found.hour ?? '').padStart(2, '0'),
    minute: (found.minute ?? '').padStart(2, '0'),
  };
}

function epochOf(time: string | number): number | undefined {
  const epochMs = typeof time === 'number' ? time : Date.parse(time);
  return Number.isFinite(epochMs) ? epochMs : undefined;
}

/**
 * A moment as date and time to the minute, for when a lock ends: `2026年1月2日 08:00` in
 * Chinese, `2 Jan 2026, 08:00` in English (day before month, so neither reader can take it for
 * a different day). `time` is epoch ms or an ISO 8601 string such as `lockedUntil`. Undefined
 * for a time that cannot be read, so a screen can leave it out rather than show "Invalid Date".
 *
 * @throws RangeError for a `timeZone` that is not an IANA zone (a configuration error).
 */
export function dateTimeText(time: string | number, options: TimeTextOptions): string | undefined {
  const epochMs = epochOf(time);
  if (epochMs === undefined) return undefined;
  const p = partsOf(epochMs, options.timeZone);
  return options.language === 'zh-CN'
    ? `${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}`
    : `${p.day} ${EN_MONTHS[p.month - 1] ?? ''} ${p.year}, ${p.hour}:${p.minute}`;
}

/**
 * The time of day as `HH:MM` (24-hour), the same in both languages: the status bar's clock.
 * `--:--` for a time that is not a finite number.
 *
 * @throws RangeError for a `timeZone` that is not an IANA zone (a configuration error).
 */
export function timeText(epochMs: number, options: TimeTextOptions): string {
  // A clock that is not a number must not take the whole screen down with a RangeError.
  if (!Number.isFinite(epochMs)) return '--:--';
  const p = partsOf(epochMs, options.timeZone);
  return `${p.hour}:${p.minute}`;
}
