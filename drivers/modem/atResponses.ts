/**
 * Pure readings of the AT replies the modem driver asks for: signal (`+CSQ`), registration
 * (`+CREG` / `+CEREG`), operator (`+COPS`) and SIM (`+CPIN`, `+CME ERROR`).
 */
import type { AtFinal } from './atParser.js';
import { isRegistered, type Registration, type SimState } from './Modem.js';

/** Signal strength from `+CSQ: <rssi>,<ber>`; rssi 99 (unknown) gives `rssi: undefined`. */
export interface SignalReading {
  readonly rssi: number | undefined;
  readonly dbm: number | undefined;
  readonly bars: number;
}

/**
 * Bars (0–5) from CSQ rssi (0–31, 99 unknown), about one bar per 10 dB:
 * 99 or 0–1 (≤ −111 dBm): 0; 2–7: 1; 8–12: 2; 13–17: 3; 18–22: 4; 23–31 (≥ −67 dBm): 5.
 */
export function signalBars(rssi: number | undefined): number {
  if (rssi === undefined || rssi < 2 || rssi > 31) return 0;
  if (rssi <= 7) return 1;
  if (rssi <= 12) return 2;
  if (rssi <= 17) return 3;
  if (rssi <= 22) return 4;
  return 5;
}

/** Reads `+CSQ: <rssi>,<ber>` from a command's lines or a URC; `undefined` when absent. */
export function parseCsq(lines: readonly string[]): SignalReading | undefined {
  for (const line of lines) {
    const match = /^\+CSQ:\s*(\d+)\s*,\s*\d+/.exec(line);
    if (!match) continue;
    const value = Number(match[1]);
    const rssi = value >= 0 && value <= 31 ? value : undefined;
    return { rssi, dbm: rssi === undefined ? undefined : -113 + 2 * rssi, bars: signalBars(rssi) };
  }
  return undefined;
}

const STAT: Readonly<Record<number, Registration>> = {
  0: 'none',
  1: 'home',
  2: 'searching',
  3: 'denied',
  4: 'unknown',
  5: 'roaming',
  // 6–10: SMS-only, emergency-only and CSFB variants (27.007); 6/7 are registered for SMS only.
  6: 'home',
  7: 'roaming',
};

/**
 * Reads the registration from a `+CREG:`/`+CEREG:`/`+CGREG:` line: the solicited form
 * `+CREG: <n>,<stat>[,…]` (answer to `AT+CREG?`, `solicited: true`) or the unsolicited
 * `+CREG: <stat>[,<lac>,<ci>…]`. `undefined` when `line` is not one.
 */
export function parseRegistration(
  line: string,
  solicited: boolean,
): { readonly kind: 'CREG' | 'CEREG' | 'CGREG'; readonly registration: Registration } | undefined {
  const match = /^\+(C|CE|CG)REG:\s*(.*)$/.exec(line);
  if (!match) return undefined;
  const kind = match[1] === 'C' ? 'CREG' : match[1] === 'CE' ? 'CEREG' : 'CGREG';
  const fields = (match[2] ?? '').split(',').map((field) => field.trim());
  const raw = solicited ? fields[1] : fields[0];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return { kind, registration: STAT[Number(raw)] ?? 'unknown' };
}

/**
 * The registration that counts when the modem reports both the circuit (CREG) and the LTE
 * (CEREG) domain: registered in either wins; otherwise the more telling of the two.
 */
export function combineRegistration(...readings: (Registration | undefined)[]): Registration {
  const known = readings.filter((reading): reading is Registration => reading !== undefined);
  const registered = known.find(isRegistered);
  if (registered) return registered;
  for (const state of ['denied', 'searching', 'none'] as const) {
    if (known.includes(state)) return state;
  }
  return 'unknown';
}

/** Reads the operator name from `+COPS: <mode>[,<format>,"<oper>"[,<AcT>]]`. */
export function parseCops(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const match = /^\+COPS:\s*\d+\s*,\s*\d+\s*,\s*"([^"]*)"/.exec(line);
    if (match) return match[1] === '' ? undefined : match[1];
  }
  return undefined;
}

/** Reads `+CPIN: READY` / `SIM PIN` / `SIM PUK`…; `undefined` when there is no such line. */
export function parseCpin(lines: readonly string[]): SimState | undefined {
  for (const line of lines) {
    const match = /^\+CPIN:\s*(.+)$/.exec(line);
    if (!match) continue;
    const value = (match[1] ?? '').trim().toUpperCase();
    if (value === 'READY') return 'ready';
    if (value === 'NOT INSERTED') return 'missing';
    return 'locked';
  }
  return undefined;
}

/**
 * The SIM state a `+CME ERROR` tells (27.007 §9.2 numbers with AT+CMEE=1, texts with
 * AT+CMEE=2); `undefined` for errors that are not about the SIM.
 */
export function simStateOfError(final: AtFinal): SimState | undefined {
  if (final.kind !== 'cme-error') return undefined;
  const byCode: Readonly<Record<number, SimState>> = {
    10: 'missing',
    11: 'locked',
    12: 'locked',
    13: 'failed',
    14: 'unknown',
    15: 'failed',
    16: 'locked',
    17: 'locked',
    18: 'locked',
  };
  if (final.code !== undefined) return byCode[final.code];
  const text = (final.message ?? '').toUpperCase();
  if (text.includes('NOT INSERTED')) return 'missing';
  if (/SIM (PIN|PUK)|PASSWORD/.test(text)) return 'locked';
  if (text.includes('SIM FAILURE') || text.includes('SIM WRONG')) return 'failed';
  if (text.includes('SIM BUSY')) return 'unknown';
  return undefined;
}
