import type { JournalEntryView } from '../control/controlProtocol.js';
import { formatTable } from './formatTable.js';
import { formatLocalTime } from './formatTime.js';

/** `journal list`: a table, newest first as the terminal sends it. */
export function formatJournalTable(entries: readonly JournalEntryView[]): string[] {
  if (entries.length === 0) return ['(no journal entries)'];
  return formatTable(
    [
      ['ID', 'TIME', 'TYPE', 'BATCH/TRACE', 'AMOUNT', 'STATE', 'REFERENCE'],
      ...entries.map((entry) => [
        String(entry.id),
        formatLocalTime(entry.createdAt),
        entry.type,
        `${entry.batch}/${entry.trace}`,
        entry.amount ?? '-',
        entry.voided ? `${entry.state} (voided)` : entry.state,
        entry.reference ?? '-',
      ]),
    ],
    [0, 4],
  );
}

const TIME_FIELDS = new Set(['createdAt', 'updatedAt', 'approvedAt']);

/** `journal show`: every field of the entry, one per line (absent ones left out). */
export function formatJournalEntry(entry: JournalEntryView): string[] {
  const rows = Object.entries(entry)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => [
      key,
      TIME_FIELDS.has(key) ? `${formatLocalTime(value)}  (${String(value)})` : String(value),
    ]);
  return formatTable(rows);
}
