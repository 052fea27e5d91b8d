import type { StatusResult } from '../control/controlProtocol.js';
import { formatTable } from './formatTable.js';
import { formatDuration } from './formatTime.js';

/** A printer status as one line (also for `test printer`). */
export function formatPrinterStatus(printer: StatusResult['printer']): string {
  if ('error' in printer) return `error ${printer.error}`;
  const paper = printer.paper === 'out' ? 'OUT OF PAPER' : `paper ${printer.paper}`;
  const cover =
    printer.coverOpen === 'unknown'
      ? 'cover unknown'
      : printer.coverOpen
        ? 'COVER OPEN'
        : 'cover closed';
  return `${paper}, ${cover}, ${printer.online ? 'online' : 'OFFLINE'}`;
}

function modemLine(modem: StatusResult['modem']): string {
  if (!modem) return 'no modem';
  if (!modem.available) return 'NOT AVAILABLE';
  const rssi =
    modem.rssi === undefined ? '' : ` (rssi ${modem.rssi === 99 ? 'unknown' : modem.rssi})`;
  const operator = modem.operator === undefined ? '' : `, ${modem.operator}`;
  return `signal ${modem.signalBars}/5${rssi}, ${modem.registration}${operator}`;
}

/** The `status` block: one aligned line per part of the terminal. */
export function formatStatus(status: StatusResult): string[] {
  const host = status.host.reachable
    ? `${status.host.url} reachable, ${status.host.latencyMs} ms`
    : `${status.host.url} NOT REACHABLE (${status.host.error})`;
  const flow =
    status.flow.batch === undefined
      ? status.flow.state
      : `${status.flow.state}, batch ${status.flow.batch}`;
  return formatTable([
    ['Software', status.version],
    ['Terminal', status.terminalId],
    [
      'Merchant',
      status.merchant ? `${status.merchant.id} ${status.merchant.name}` : '(not signed in yet)',
    ],
    ['Flow', flow],
    ['Host', host],
    ['Modem', modemLine(status.modem)],
    ['Reader', status.reader.present ? 'present' : 'NOT PRESENT'],
    ['Printer', formatPrinterStatus(status.printer)],
    ['Journal', `${status.journal.total} entries, ${status.journal.open} unresolved`],
    ['Reversals', `${status.journal.reversalsPending} pending`],
    ['Uptime', formatDuration(status.uptimeSeconds)],
  ]);
}
