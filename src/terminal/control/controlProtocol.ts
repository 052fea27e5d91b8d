import { z } from 'zod';

/**
 * The terminal's control protocol: how `pos-console` (the technician's serial console) talks
 * to the running `pos-terminal` over a local unix socket. The console never opens a device
 * itself; every device test, every journal read and every config change goes through here, so
 * the two processes never fight over a device or a file.
 *
 * Framing: one JSON object per line (UTF-8, `\n`), at most {@link MAX_LINE_BYTES} bytes per
 * line. The client sends requests, each with a fresh positive integer `id`. The server
 * answers each with exactly one final reply (`ok: true` with a result, or `ok: false` with an
 * error), and before it, for the streaming operations, any number of events with the same id.
 * A request sent before the previous one finished is refused with `CONSOLE_BUSY`, except
 * `cancel`, which ends a streaming request early (its final reply follows).
 *
 * Authentication: the first request of a connection must be `login`; everything else before
 * it is refused with `CONSOLE_LOGIN_REQUIRED`. The socket's own permissions (0600, the
 * terminal's user) keep other local users out; the password keeps out whoever holds the serial
 * cable. Wrong passwords count across connections and restarts of the console; after
 * `console.maxTries` in a row the console is locked for `console.lockoutMs`
 * (`CONSOLE_LOCKED`, `details.lockedUntil`).
 *
 * Secrets: no reply ever carries a password, PIN, code, key or account token. Config values
 * that are secrets come back as `"(set)"`; an account token as its length and a fingerprint.
 */

/** Where the terminal listens unless `console.socketPath` says otherwise. */
export const DEFAULT_CONTROL_SOCKET = '/run/pos-terminal/control.sock';

/** The longest line either side accepts; a longer one closes the connection. */
export const MAX_LINE_BYTES = 64 * 1024;

const id = z.int().min(1).max(Number.MAX_SAFE_INTEGER);

/** A dotted config path: `host.url`, `flow.inactivityMs`. */
const configPath = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, 'a dotted field name like host.url');

/** Every request the console can send, by `op`. */
export const controlRequestSchema = z.discriminatedUnion('op', [
  /** Signs the connection in. Result {@link LoginResult}. */
  z.strictObject({ id, op: z.literal('login'), password: z.string().min(1).max(256) }),
  /** Ends the session; the server closes the connection after the reply. Result `{}`. */
  z.strictObject({ id, op: z.literal('logout') }),
  /** Result {@link StatusResult}. */
  z.strictObject({ id, op: z.literal('status') }),
  /**
   * Waits for a tap (at most `timeoutMs`, default 30 s), reads the card. Needs the flow idle;
   * the cashier's flow does not see the tap. Events {@link ReaderTestEvent}; result
   * {@link ReaderTestResult}. `CONSOLE_TIMEOUT` when nothing was tapped.
   */
  z.strictObject({
    id,
    op: z.literal('testReader'),
    timeoutMs: z.int().min(1_000).max(300_000).optional(),
  }),
  /** Prints a test page. Needs the flow idle. Result {@link PrinterTestResult}. */
  z.strictObject({ id, op: z.literal('testPrinter') }),
  /**
   * Echoes every key pressed on the keypad as an event {@link KeypadTestEvent} until `cancel`
   * (or `timeoutMs`, default 5 min). Needs the flow idle; the flow does not see these keys.
   * Result `{ keys: number }`.
   */
  z.strictObject({
    id,
    op: z.literal('testKeypad'),
    timeoutMs: z.int().min(1_000).max(3_600_000).optional(),
  }),
  /**
   * One AT command to the modem, as typed after `AT` is up to the technician (`AT+CSQ`). The
   * modem's reply lines come back, final `OK` included. Result {@link ModemAtResult}.
   * `MODEM_ERROR` carries the modem's error in its message.
   */
  z.strictObject({
    id,
    op: z.literal('modemAt'),
    command: z
      .string()
      .regex(/^AT[\x20-\x7e]{0,200}$/i, 'an AT command: AT then printable ASCII, one line'),
  }),
  /** Result {@link ConfigShowResult}. */
  z.strictObject({ id, op: z.literal('configShow') }),
  /**
   * Sets one field of the config file (`value` is JSON: a string, number, boolean, object, or
   * null to remove the field and go back to its default). The whole config is validated first;
   * a bad value changes nothing (`CONFIG_INVALID` naming the field). Secret fields (password
   * hashes) cannot be set here. Takes effect at the next restart. Result
   * {@link ConfigSetResult}.
   */
  z.strictObject({ id, op: z.literal('configSet'), path: configPath, value: z.json() }),
  /** Newest first. Result {@link JournalListResult}. */
  z.strictObject({
    id,
    op: z.literal('journalList'),
    limit: z.int().min(1).max(100).optional(),
    batch: z
      .string()
      .regex(/^\d{6}$/, '6 digits')
      .optional(),
  }),
  /** One entry by its local id. Result {@link JournalShowResult}; `TRANSACTION_NOT_FOUND`. */
  z.strictObject({ id, op: z.literal('journalShow'), entry: z.int().min(1) }),
  /**
   * The last `lines` log lines (default 20, at most 1000) as the result `{ lines: string[] }`.
   * With `follow`, those lines come as events {@link LogLineEvent} instead, then every new
   * line, until `cancel`; the result's `lines` is then empty. Lines are the JSON log records,
   * already redacted.
   */
  z.strictObject({
    id,
    op: z.literal('logsTail'),
    lines: z.int().min(1).max(1000).optional(),
    follow: z.boolean().optional(),
  }),
  /** Signs in to the host now (the flow must be idle) and waits for it. Result {@link SignInResult}. */
  z.strictObject({ id, op: z.literal('signIn') }),
  /** The open batch's figures from the journal. Result {@link SettlePreviewResult}. */
  z.strictObject({ id, op: z.literal('settlePreview') }),
  /**
   * Settles the open batch with the host now (the flow must be idle): the report prints and
   * the display shows the result, as when the cashier settles. Result {@link SettleResult}.
   */
  z.strictObject({ id, op: z.literal('settle') }),
  /**
   * Restarts the terminal (the flow must be idle, else `TERMINAL_BUSY`): the reply comes
   * first, then a `bye` event, then the process stops and exits with
   * {@link RESTART_EXIT_CODE} for systemd to start it again.
   */
  z.strictObject({ id, op: z.literal('restart') }),
  /** Ends the streaming request `target` early. Result `{}` (then `target`'s final reply). */
  z.strictObject({ id, op: z.literal('cancel'), target: id }),
]);

export type ControlRequest = z.output<typeof controlRequestSchema>;
export type ControlOp = ControlRequest['op'];

/**
 * The exit status of a terminal restarted from the console: not 0, so `Restart=on-failure`
 * starts it again, and not one that `RestartPreventExitStatus` holds back. (EX_TEMPFAIL.)
 */
export const RESTART_EXIT_CODE = 75;

/** Result of `login`. */
export interface LoginResult {
  terminalId: string;
  /** The software version (package.json's). */
  version: string;
  /** `console.idleLogoutMs`: the console signs out after this long without input. */
  idleLogoutMs: number;
}

/** Result of `status`. Fields that could not be read say so rather than failing the request. */
export interface StatusResult {
  version: string;
  terminalId: string;
  /** From the last sign-in; absent before the first. */
  merchant?: { id: string; name: string } | undefined;
  /** The flow's state (`idle`, `pin`, `code.entering`…) and the open batch. */
  flow: { state: string; batch?: string | undefined };
  /** A fresh `GET /v1/health`: up with its round trip, or down with the error code. */
  host:
    | { url: string; reachable: true; latencyMs: number }
    | { url: string; reachable: false; error: string };
  /** Absent on a terminal without a modem. */
  modem?:
    | {
        available: boolean;
        signalBars: number;
        /** Received signal strength in dBm (`-113 + 2·CSQ`); absent when unknown. */
        rssi?: number | undefined;
        registration: string;
        operator?: string | undefined;
      }
    | undefined;
  reader: { present: boolean };
  printer:
    | { paper: 'ok' | 'out' | 'unknown'; coverOpen: boolean | 'unknown'; online: boolean }
    | { error: string };
  journal: { total: number; open: number; reversalsPending: number };
  /** Seconds since the terminal started. */
  uptimeSeconds: number;
}

/** Events of `testReader`. */
export type ReaderTestEvent = { type: 'waiting' } | { type: 'card'; uid: string; atr: string };

/** Result of `testReader`: what the card said. ATR in hex. */
export interface ReaderTestResult {
  uid: string;
  atr: string;
  /**
   * The payment applet's reply: an account token's length and the first 8 hex digits of its
   * SHA-256 (to tell two phones apart without showing the token), or the error it gave.
   */
  applet:
    | { ok: true; tokenLength: number; tokenFingerprint: string }
    | { ok: false; code: string; message: string };
}

/** Result of `testPrinter`. */
export interface PrinterTestResult {
  printed: true;
  status: { paper: 'ok' | 'out' | 'unknown'; coverOpen: boolean | 'unknown'; online: boolean };
}

/** An event of `testKeypad`: the key's name (`'5'`, `'OK'`, `'CANCEL'`, `'F1'`…). */
export interface KeypadTestEvent {
  type: 'key';
  key: string;
}

/** Result of `modemAt`. */
export interface ModemAtResult {
  lines: string[];
}

/** One field of the effective config. */
export interface ConfigEntry {
  /** Dotted path. */
  path: string;
  /** JSON text of the value; `"(set)"` for a secret. */
  value: string;
  /** `file`, `env POS_…`, or `default`. */
  source: string;
}

/** Result of `configShow`. */
export interface ConfigShowResult {
  file: string;
  entries: ConfigEntry[];
}

/** Result of `configSet`. */
export interface ConfigSetResult {
  path: string;
  /** JSON text before and after (`"(default)"` when absent). */
  before: string;
  after: string;
  /** True: the running terminal keeps the old value until `restart`. */
  restartNeeded: true;
  /** Set when an environment variable overrides this field, so the file's value is not used. */
  overriddenBy?: string | undefined;
}

/** A journal entry as the console shows it: nothing secret is in the journal to begin with. */
export interface JournalEntryView {
  id: number;
  type: string;
  batch: string;
  trace: string;
  state: string;
  /** `CNY 12.50`; absent for a balance inquiry. */
  amount?: string | undefined;
  account?: string | undefined;
  reference?: string | undefined;
  authCode?: string | undefined;
  originalReference?: string | undefined;
  originalTrace?: string | undefined;
  errorCode?: string | undefined;
  reversalReason?: string | undefined;
  voided: boolean;
  createdAt: string;
  updatedAt: string;
  approvedAt?: string | undefined;
}

/** Result of `journalList`. */
export interface JournalListResult {
  entries: JournalEntryView[];
}

/** Result of `journalShow`. */
export interface JournalShowResult {
  entry: JournalEntryView;
}

/** An event of `logsTail` with `follow`. */
export interface LogLineEvent {
  type: 'line';
  line: string;
}

/** Result of `signIn`. */
export interface SignInResult {
  batch: string;
  merchant: { id: string; name: string };
}

/** Batch figures as text (`counts` and `totals` as `CNY 12.50`). */
export interface FiguresView {
  counts: { sale: number; void: number; refund: number };
  totals: { sale: string; refund: string };
}

/** Result of `settlePreview`. */
export interface SettlePreviewResult {
  batch: string;
  figures: FiguresView;
  reversalsPending: number;
}

/** Result of `settle`. */
export interface SettleResult {
  batch: string;
  result: 'balanced' | 'out_of_balance';
  terminal: FiguresView;
  host: FiguresView;
  nextBatch: string;
}

/** A reply or event from the server. */
export type ControlMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string; message: string; details?: unknown } }
  | { id: number; event: { type: string } & Record<string, unknown> }
  /** Unsolicited: the terminal is stopping (restart, shutdown); the connection closes next. */
  | { id: 0; event: { type: 'bye'; reason: string } };

/** Checks the shape of a server message (the client validates what it reads, too). */
export const controlMessageSchema = z.union([
  z.strictObject({ id, ok: z.literal(true), result: z.unknown() }),
  z.strictObject({
    id,
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  }),
  z.strictObject({
    id: z.int().min(0),
    event: z.looseObject({ type: z.string() }),
  }),
]);
