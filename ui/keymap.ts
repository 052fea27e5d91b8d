import type { Key } from '../drivers/keypad/Keypad.js';
import type { FlowEvent } from '../src/terminal/flow/flowTypes.js';

/** A physical key as the flow hears it: every key of the keypad is a `KEY` event. */
export function flowEventOf(key: Key): FlowEvent {
  return { type: 'KEY', key };
}

/** What a key of the PC keyboard does in the simulator. */
export type PcKeyAction =
  { kind: 'key'; key: Key } | { kind: 'tap' } | { kind: 'pull' } | { kind: 'quit' };

const NAMED: Readonly<Record<string, PcKeyAction>> = {
  // A terminal sends Enter as CR, which blessed reports twice (as `enter`, then as `return`):
  // only `return` counts, so one press is one OK. `linefeed` is Enter on terminals sending LF.
  return: { kind: 'key', key: 'OK' },
  linefeed: { kind: 'key', key: 'OK' },
  backspace: { kind: 'key', key: 'BACKSPACE' },
  delete: { kind: 'key', key: 'CLEAR' },
  escape: { kind: 'key', key: 'CANCEL' },
  f1: { kind: 'key', key: 'F1' },
  f2: { kind: 'key', key: 'F2' },
  f3: { kind: 'key', key: 'F3' },
  f4: { kind: 'key', key: 'F4' },
  t: { kind: 'tap' },
  'S-t': { kind: 'tap' },
  p: { kind: 'pull' },
  'S-p': { kind: 'pull' },
  'C-c': { kind: 'quit' },
};

/**
 * The PC keyboard standing in for the terminal's keypad in the simulator: digits, Enter = OK,
 * Backspace, Delete = clear, Esc = cancel, F1–F4, `t` taps the phone on the reader (again, if it
 * lies there), `p` pulls it off, Ctrl-C quits. `name` is the key's full name as blessed reports it (`return`, `f1`,
 * `C-c`, `5`). Any other key does nothing.
 */
export function pcKeyAction(name: string): PcKeyAction | undefined {
  if (/^[0-9]$/.test(name)) return { kind: 'key', key: name as Key };
  return Object.hasOwn(NAMED, name) ? NAMED[name] : undefined;
}
