import { formatClock } from './formatTime.js';

const LEVELS: Readonly<Partial<Record<number, string>>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields every pino record has, shown in the line's head or not at all. */
const HEAD_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v', 'name']);

/** A pino record: the fields the line's head uses, and any others. */
interface LogRecord {
  level?: unknown;
  time?: unknown;
  msg?: unknown;
  [key: string]: unknown;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value !== null && typeof value === 'object' && 'message' in value) {
    // An error: its code and message; the stack is for the journal, not a console line.
    const error = value as { code?: unknown; message?: unknown };
    const code = typeof error.code === 'string' ? `${error.code}: ` : '';
    return JSON.stringify(`${code}${String(error.message)}`);
  }
  return JSON.stringify(value);
}

function levelName(level: unknown): string {
  if (typeof level === 'number') return LEVELS[level] ?? String(level);
  if (typeof level === 'string') return level.toUpperCase();
  return '-';
}

/**
 * One log line (a pino JSON record) as `HH:MM:SS LEVEL msg key=value…`, in local time; a line
 * that is not a JSON object is returned as it is.
 */
export function formatLogLine(line: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return line;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return line;
  const record = parsed as LogRecord;
  const time =
    typeof record.time === 'number' || typeof record.time === 'string'
      ? new Date(record.time)
      : undefined;
  const parts = [
    time && !Number.isNaN(time.getTime()) ? formatClock(time) : '--:--:--',
    levelName(record.level).padEnd(5),
  ];
  if (typeof record.msg === 'string' && record.msg !== '') parts.push(record.msg);
  for (const [key, value] of Object.entries(record)) {
    if (!HEAD_FIELDS.has(key)) parts.push(`${key}=${formatValue(value)}`);
  }
  return parts.join(' ');
}
