import { systemClock, type Clock } from '../../src/core/clock.js';
import type { ByteStream } from '../../drivers/modem/AtChannel.js';
import { decodeSubmitPdu } from './decodeSubmitPdu.js';
import { statusReportPdu } from './statusReportPdu.js';

/** The SIM the emulated modem has. `pin`: locked, waiting for a PIN. */
export type EmulatedSim = 'ready' | 'missing' | 'pin' | 'failure';

export interface ModemEmulatorOptions {
  /** Runs reply delays and the registration delay (default the system clock). */
  readonly clock?: Clock;
  /** CSQ rssi while registered (0–31; default 20, four bars). */
  readonly rssi?: number;
  /** Operator name for AT+COPS? (default `ComboNet`). */
  readonly operator?: string;
  readonly sim?: EmulatedSim;
  /** How long registering takes after the radio is switched on (ms, default 100). */
  readonly registerDelayMs?: number;
  /** Whether the modem knows AT+CEREG (an LTE module; default true). */
  readonly lte?: boolean;
  /** The message reference the first AT+CMGS gets (0–255, default 1); later ones count up and wrap. */
  readonly firstMessageReference?: number;
  /** How long after `+CMGS` the status report of a part comes (ms, default 50). */
  readonly reportDelayMs?: number;
}

/** A part the emulated network took (AT+CMGS in PDU mode answered `+CMGS: <reference>`). */
export interface EmulatedSubmission {
  /** The PDU as received (hex, SMSC part first). */
  readonly pdu: string;
  /** The `<length>` of the AT+CMGS. */
  readonly tpduLength: number;
  /** The message reference given in `+CMGS`. */
  readonly reference: number;
  /** The destination as the PDU says it (`+` when international). */
  readonly to: string;
  /** The PDU asked for a status report (TP-SRR). */
  readonly statusReport: boolean;
}

/** `AT+CNMI` settings (27.005 §3.4.1); `ds` 1 routes status reports as `+CDS`. */
export interface NewMessageIndications {
  readonly mode: number;
  readonly mt: number;
  readonly bm: number;
  readonly ds: number;
  readonly bfr: number;
}

const CNMI_OFF: NewMessageIndications = { mode: 0, mt: 0, bm: 0, ds: 0, bfr: 0 };

/** Verbose texts of the `+CMS ERROR`s the emulator sends (AT+CMEE=2). */
const CMS_TEXT: Readonly<Record<number, string>> = {
  1: 'Unassigned (unallocated) number',
  21: 'Short message transfer rejected',
  42: 'Congestion',
  304: 'Invalid PDU mode parameter',
  331: 'No network service',
  332: 'Network timeout',
  500: 'Unknown error',
};

/** CREG/CEREG `<stat>` values. */
const STAT = { none: 0, home: 1, searching: 2, denied: 3 } as const;

const CME: Readonly<Record<string, readonly [number, string]>> = {
  missing: [10, 'SIM not inserted'],
  pin: [11, 'SIM PIN required'],
  failure: [13, 'SIM failure'],
};

/** Bytes that are no AT at all: what a noisy line or a rebooting modem sends. */
export const GARBAGE: Readonly<Uint8Array> = Uint8Array.of(
  0x00,
  0xff,
  0xfe,
  0x13,
  0x80,
  0x1b,
  0x0d,
  0x0a,
  0x07,
  0xc3,
  0x28,
  0x0d,
  0x0a,
);

/**
 * An AT modem emulator: answers AT commands on a {@link ByteStream} (one end of a PTY pair, or
 * an in-memory pipe) like an LTE module's AT port would.
 *
 * Knows: AT, ATE0/ATE1 (echo on at start), ATI, AT+CMEE, AT+CPIN?, AT+CSQ, AT+CREG / AT+CEREG
 * (`=n`, `?`; URCs when n ≥ 1), AT+COPS (`?`, `=3,0`), AT+CFUN (`?`, `=0`, `=1`, `=1,1`),
 * AT+CMGF, AT+CMGS (prompt, payload to Ctrl-Z, ESC cancels), AT+CNMI. Anything else: ERROR.
 *
 * In PDU mode (AT+CMGF=0) AT+CMGS reads the SMS-SUBMIT like a network would: a PDU that does
 * not decode or whose TPDU length is not the command's `<length>` gets `+CMS ERROR: 304`, no
 * registration gets 331, otherwise `+CMGS: <mr>` with message references counting up from 1 and
 * wrapping after 255 ({@link submissions} keeps each part). When the PDU asked for a status
 * report and AT+CNMI routes them (`ds` 1), a `+CDS: <length>` URC and its SMS-STATUS-REPORT PDU
 * follow `reportDelayMs` later, TP-ST {@link reportStatus} (or per number, see
 * {@link setReportStatus}); URCs due while the modem waits for a payload come after it.
 *
 * Scripted faults: {@link loseSignal} (optionally until a radio reset), {@link setSim},
 * {@link delay} (slow replies), {@link mute} (no reply at all), {@link refuse} (ERROR),
 * {@link refuseSubmissions} (`+CMS ERROR`), {@link sendGarbage} and
 * {@link garbageBeforeReplies}. Commands are answered one at a time, in order.
 */
export class ModemEmulator {
  readonly #clock: Clock;
  readonly #registerDelayMs: number;
  readonly #lte: boolean;
  #stream: ByteStream | undefined;
  #detach: (() => void)[] = [];
  #input = '';
  #queue: string[] = [];
  #busy = false;
  /** Set while collecting the payload after a `> ` prompt; `length` is AT+CMGS's argument. */
  #prompt: { payload: string; length: number } | undefined;
  #nextReference: number;
  readonly #reportDelayMs: number;
  /** URCs held back while the modem waits for a payload. */
  #heldUrcs: string[] = [];
  readonly #refused = new Set<string>();
  #submissionRefusals: { code: number; to: string | undefined; times: number }[] = [];
  readonly #reportStatusByNumber = new Map<string, number>();

  echo = true;
  cmee = 0;
  cregMode = 0;
  ceregMode = 0;
  cfun = 1;
  cmgf = 0;
  cnmi: NewMessageIndications = CNMI_OFF;
  /** Sends `+CDS` reports by itself for parts that asked for one (when AT+CNMI routes them). */
  autoReports = true;
  /** TP-ST of the reports sent by itself (0x00 delivered; see {@link setReportStatus}). */
  reportStatus = 0x00;
  sim: EmulatedSim;
  operator: string;
  /** The rssi while the signal is there. */
  rssi: number;
  #signalLost = false;
  #lostUntilReset = false;
  #stat: number;
  #registerTimer: unknown;
  /** Sends {@link GARBAGE} before every reply. */
  garbageBeforeReplies = false;
  readonly #delays = new Map<string, number>();
  readonly #muted = new Set<string>();
  /** Every command line received, in order (payloads after a prompt not included). */
  readonly commands: string[] = [];
  /** Payloads received after AT+CMGS prompts. */
  readonly messages: string[] = [];
  /** Parts taken in PDU mode, in order. */
  readonly submissions: EmulatedSubmission[] = [];
  /** How many times the radio was switched off and on again (AT+CFUN=0 then 1, or =1,1). */
  radioResets = 0;

  constructor(options: ModemEmulatorOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#registerDelayMs = options.registerDelayMs ?? 100;
    this.#lte = options.lte ?? true;
    this.#nextReference = (options.firstMessageReference ?? 1) & 0xff;
    this.#reportDelayMs = options.reportDelayMs ?? 50;
    this.rssi = options.rssi ?? 20;
    this.operator = options.operator ?? 'ComboNet';
    this.sim = options.sim ?? 'ready';
    this.#stat = this.sim === 'ready' ? STAT.home : STAT.none;
  }

  /** The CREG/CEREG `<stat>` now. */
  get stat(): number {
    return this.#stat;
  }

  /** Starts answering on `stream`; a previous stream is let go. Returns a detach function. */
  attach(stream: ByteStream): () => void {
    this.detach();
    this.#stream = stream;
    this.#detach = [
      stream.onData((bytes) => {
        this.#receive(bytes);
      }),
      stream.onClose(() => {
        this.detach();
      }),
    ];
    return () => {
      this.detach();
    };
  }

  /** Stops answering; the modem's state (echo, SIM, signal) stays as it is. */
  detach(): void {
    for (const detach of this.#detach) detach();
    this.#detach = [];
    this.#stream = undefined;
    this.#input = '';
    this.#queue = [];
    this.#busy = false;
    this.#prompt = undefined;
    this.#heldUrcs = [];
  }

  /**
   * The modem as after power-on: echo on, numeric errors off, URCs off (status reports too).
   * Signal and SIM stay.
   */
  powerOn(): void {
    this.echo = true;
    this.cmee = 0;
    this.cregMode = 0;
    this.ceregMode = 0;
    this.cnmi = CNMI_OFF;
  }

  /** Scripted: sets the signal (rssi 0–31) while registered. */
  setSignal(rssi: number): void {
    this.rssi = rssi;
  }

  /**
   * Scripted: the network is lost: rssi 99, registration `searching`, `+CREG: 2` / `+CEREG: 2`
   * URCs when enabled. With `untilRadioReset`, only AT+CFUN=0 then 1 (or =1,1) brings it back;
   * otherwise {@link restoreSignal} does.
   */
  loseSignal(options: { readonly untilRadioReset?: boolean; readonly stat?: 2 | 3 } = {}): void {
    this.#signalLost = true;
    this.#lostUntilReset = options.untilRadioReset ?? false;
    this.#setStat(options.stat ?? STAT.searching);
  }

  /** Scripted: the network is back (registered home again, when the radio is on). */
  restoreSignal(): void {
    this.#signalLost = false;
    this.#lostUntilReset = false;
    if (this.cfun === 1 && this.sim === 'ready') this.#setStat(STAT.home);
  }

  /** Scripted: the SIM changes (pulled, locked, failed, back). */
  setSim(sim: EmulatedSim): void {
    this.sim = sim;
    if (sim !== 'ready') this.#setStat(STAT.none);
    else if (this.cfun === 1 && !this.#signalLost) this.#setStat(STAT.home);
  }

  /** Scripted: replies to commands starting with `prefix` (e.g. `AT+COPS`) come after `ms`. */
  delay(prefix: string, ms: number): void {
    if (ms > 0) this.#delays.set(prefix.toUpperCase(), ms);
    else this.#delays.delete(prefix.toUpperCase());
  }

  /** Scripted: commands starting with `prefix` get no reply at all (until unmuted). */
  mute(prefix: string, muted = true): void {
    if (muted) this.#muted.add(prefix.toUpperCase());
    else this.#muted.delete(prefix.toUpperCase());
  }

  /** Scripted: commands starting with `prefix` are answered ERROR (until `refused` is false). */
  refuse(prefix: string, refused = true): void {
    if (refused) this.#refused.add(prefix.toUpperCase());
    else this.#refused.delete(prefix.toUpperCase());
  }

  /**
   * Scripted: the network refuses submissions with `+CMS ERROR: <code>` (`ERROR` under
   * AT+CMEE=0): those to `to` only (as the PDU says it: `+…` when international), or any;
   * the next `times` ones (default every one until {@link acceptSubmissions}).
   */
  refuseSubmissions(code: number, options: { to?: string; times?: number } = {}): void {
    this.#submissionRefusals.push({
      code,
      to: options.to,
      times: options.times ?? Number.POSITIVE_INFINITY,
    });
  }

  /** Scripted: drops every refusal set by {@link refuseSubmissions}. */
  acceptSubmissions(): void {
    this.#submissionRefusals = [];
  }

  /** Scripted: the TP-ST that reports for parts to `to` carry (instead of {@link reportStatus}). */
  setReportStatus(to: string, status: number): void {
    this.#reportStatusByNumber.set(to, status);
  }

  /**
   * Sends the status report of the part that got message reference `reference` now (whether
   * or not AT+CNMI asked for reports), with TP-ST `status`. False when no part has it.
   */
  sendStatusReport(reference: number, status: number): boolean {
    const part = this.submissions.findLast((submission) => submission.reference === reference);
    if (!part) return false;
    this.#statusReport(part, status);
    return true;
  }

  /** Scripted: writes garbage bytes now. */
  sendGarbage(bytes: Uint8Array = GARBAGE): void {
    this.#write(bytes);
  }

  /** Writes an unsolicited line now (`RING`, `+CMTI: "SM",1`…). */
  sendUrc(line: string): void {
    this.#writeText(`\r\n${line}\r\n`);
  }

  #receive(bytes: Uint8Array): void {
    if (this.echo) this.#write(bytes);
    for (const byte of bytes) {
      if (this.#prompt) {
        this.#promptByte(byte);
        continue;
      }
      if (byte === 0x0d) {
        const line = this.#input.trim();
        this.#input = '';
        if (line !== '') this.#queue.push(line);
      } else if (byte >= 0x20 && byte < 0x7f) {
        this.#input += String.fromCharCode(byte);
      }
    }
    this.#drain();
  }

  #promptByte(byte: number): void {
    const prompt = this.#prompt;
    if (!prompt) return;
    if (byte === 0x1b) {
      this.#prompt = undefined;
      this.#releaseUrcs();
      this.#busy = false;
      this.#drain();
    } else if (byte === 0x1a) {
      this.#prompt = undefined;
      this.messages.push(prompt.payload);
      const reply = this.#submit(prompt.payload, prompt.length);
      this.#reply(this.#lineCommandDelay('AT+CMGS'), reply.lines, reply.final);
      this.#releaseUrcs();
    } else if (byte >= 0x20 && byte < 0x7f) {
      prompt.payload += String.fromCharCode(byte);
    }
  }

  #drain(): void {
    while (!this.#busy && !this.#prompt) {
      const line = this.#queue.shift();
      if (line === undefined) return;
      this.commands.push(line);
      const upper = line.toUpperCase();
      if ([...this.#muted].some((prefix) => upper.startsWith(prefix))) continue;
      this.#busy = true;
      if ([...this.#refused].some((prefix) => upper.startsWith(prefix))) {
        this.#reply(this.#lineCommandDelay(upper), [], 'ERROR');
        continue;
      }
      this.#execute(line, this.#lineCommandDelay(upper));
    }
  }

  #lineCommandDelay(upper: string): number {
    let ms = 0;
    for (const [prefix, delay] of this.#delays) if (upper.startsWith(prefix)) ms = delay;
    return ms;
  }

  /** Answers `lines` and the final (`OK`, `ERROR` or a `+CME` error key) after `delayMs`. */
  #reply(delayMs: number, lines: readonly string[], final: string): void {
    const send = (): void => {
      if (this.garbageBeforeReplies) this.#write(GARBAGE);
      const text = lines.map((line) => `\r\n${line}\r\n`).join('');
      this.#writeText(`${text}\r\n${this.#finalText(final)}\r\n`);
      this.#busy = false;
      this.#drain();
    };
    if (delayMs > 0) this.#clock.setTimeout(send, delayMs);
    else send();
  }

  #finalText(final: string): string {
    if (final === 'OK' || final === 'ERROR') return final;
    const cms = /^cms:(\d+)$/.exec(final);
    if (cms) {
      const code = Number(cms[1]);
      if (this.cmee === 1) return `+CMS ERROR: ${code}`;
      if (this.cmee === 2) return `+CMS ERROR: ${CMS_TEXT[code] ?? 'Unknown error'}`;
      return 'ERROR';
    }
    const [code, text] = CME[final] ?? [100, 'unknown'];
    if (this.cmee === 1) return `+CME ERROR: ${code}`;
    if (this.cmee === 2) return `+CME ERROR: ${text}`;
    return 'ERROR';
  }

  #execute(line: string, delayMs: number): void {
    const command = line.toUpperCase().replace(/\s+/g, '');
    const reply = this.#answer(command);
    if (reply !== 'prompt') {
      this.#reply(delayMs, reply.lines, reply.final);
      return;
    }
    const length = Number(/^AT\+CMGS=(\d+)/.exec(command)?.[1] ?? Number.NaN);
    const promptNow = (): void => {
      this.#prompt = { payload: '', length };
      this.#writeText('\r\n> ');
    };
    if (delayMs > 0) this.#clock.setTimeout(promptNow, delayMs);
    else promptNow();
  }

  /** Carries out `command` (upper case, no spaces) and says what to answer. */
  #answer(command: string): Reply | 'prompt' {
    let match: RegExpExecArray | null;
    if (command === 'AT') return ok();
    if ((match = /^ATE([01])$/.exec(command))) {
      this.echo = match[1] === '1';
      return ok();
    }
    if (command === 'ATI') return ok('ComboPay AT modem emulator', 'Revision: 1.0');
    if ((match = /^AT\+CMEE=([012])$/.exec(command))) {
      this.cmee = Number(match[1]);
      return ok();
    }
    if (command === 'AT+CMEE?') return ok(`+CMEE: ${this.cmee}`);
    if (command === 'AT+CPIN?') return this.#cpin();
    if (command === 'AT+CSQ') return ok(`+CSQ: ${this.#currentRssi()},99`);
    if ((match = /^AT\+C(E?)REG=([012])$/.exec(command))) {
      if (match[1] === 'E' && !this.#lte) return fail();
      if (match[1] === 'E') this.ceregMode = Number(match[2]);
      else this.cregMode = Number(match[2]);
      return ok();
    }
    if (command === 'AT+CREG?') return ok(`+CREG: ${this.cregMode},${this.#stat}`);
    if (command === 'AT+CEREG?') {
      return this.#lte ? ok(`+CEREG: ${this.ceregMode},${this.#stat}`) : fail();
    }
    if (command === 'AT+COPS?') {
      return this.#registered() ? ok(`+COPS: 0,0,"${this.operator}",7`) : ok('+COPS: 0');
    }
    if (/^AT\+COPS=[0-4](,\d)?$/.test(command)) return ok();
    if (command === 'AT+CFUN?') return ok(`+CFUN: ${this.cfun}`);
    if ((match = /^AT\+CFUN=([014])(,([01]))?$/.exec(command))) {
      this.#cfun(Number(match[1]), match[3] === '1');
      return ok();
    }
    if ((match = /^AT\+CMGF=([01])$/.exec(command))) {
      this.cmgf = Number(match[1]);
      return ok();
    }
    if (command.startsWith('AT+CMGS=')) return 'prompt';
    if ((match = /^AT\+CNMI=(\d)(?:,(\d))?(?:,(\d))?(?:,(\d))?(?:,(\d))?$/.exec(command))) {
      const [mode = 0, mt = 0, bm = 0, ds = 0, bfr = 0] = match
        .slice(1)
        .map((v: string | undefined) => Number(v ?? 0));
      if (mode > 3 || mt > 3 || bm > 3 || ds > 2 || bfr > 1) return fail();
      this.cnmi = { mode, mt, bm, ds, bfr };
      return ok();
    }
    if (command === 'AT+CNMI?') {
      const { mode, mt, bm, ds, bfr } = this.cnmi;
      return ok(`+CNMI: ${mode},${mt},${bm},${ds},${bfr}`);
    }
    if (command === 'AT+CNMI=?') return ok('+CNMI: (0-3),(0-3),(0-3),(0-2),(0,1)');
    return fail();
  }

  /** What the network answers to a payload sent after AT+CMGS=<length>'s prompt. */
  #submit(payload: string, length: number): Reply {
    if (this.cmgf === 1) return ok(`+CMGS: ${this.#takeReference()}`);
    let decoded;
    try {
      decoded = decodeSubmitPdu(payload);
    } catch {
      return fail('cms:304');
    }
    if (decoded.tpduLength !== length) return fail('cms:304');
    if (!this.#registered()) return fail('cms:331');
    const refusal = this.#submissionRefusals.find(
      (rule) => rule.times > 0 && (rule.to === undefined || rule.to === decoded.to),
    );
    if (refusal) {
      refusal.times -= 1;
      return fail(`cms:${refusal.code}`);
    }
    const submission: EmulatedSubmission = {
      pdu: payload,
      tpduLength: length,
      reference: this.#takeReference(),
      to: decoded.to,
      statusReport: decoded.statusReport,
    };
    this.submissions.push(submission);
    if (submission.statusReport && this.cnmi.ds === 1 && this.autoReports) {
      const submittedAt = this.#clock.now();
      this.#clock.setTimeout(() => {
        const status = this.#reportStatusByNumber.get(submission.to) ?? this.reportStatus;
        this.#statusReport(submission, status, submittedAt);
      }, this.#reportDelayMs);
    }
    return ok(`+CMGS: ${submission.reference}`);
  }

  #takeReference(): number {
    const reference = this.#nextReference;
    this.#nextReference = (reference + 1) & 0xff;
    return reference;
  }

  #statusReport(part: EmulatedSubmission, status: number, submittedAt = this.#clock.now()): void {
    const report = statusReportPdu({
      reference: part.reference,
      recipient: part.to,
      status,
      submittedAt,
      dischargedAt: this.#clock.now(),
    });
    const urc = `\r\n+CDS: ${report.length}\r\n${report.pdu}\r\n`;
    // A modem in CNMI mode 2 holds its URCs while the line is reserved for a payload.
    if (this.#prompt) this.#heldUrcs.push(urc);
    else this.#writeText(urc);
  }

  #releaseUrcs(): void {
    const held = this.#heldUrcs;
    this.#heldUrcs = [];
    for (const urc of held) this.#writeText(urc);
  }

  #cpin(): Reply {
    switch (this.sim) {
      case 'ready':
        return ok('+CPIN: READY');
      case 'pin':
        return ok('+CPIN: SIM PIN');
      case 'missing':
        return fail('missing');
      case 'failure':
        return fail('failure');
    }
  }

  #cfun(fun: number, reset: boolean): void {
    clearTimer(this.#clock, this.#registerTimer);
    this.#registerTimer = undefined;
    const wasOff = this.cfun !== 1;
    if (fun !== 1) {
      this.cfun = fun;
      this.#setStat(STAT.none);
      return;
    }
    this.cfun = 1;
    if (!wasOff && !reset) return;
    this.radioResets += 1;
    if (this.#lostUntilReset) {
      this.#signalLost = false;
      this.#lostUntilReset = false;
    }
    if (this.sim !== 'ready' || this.#signalLost) return;
    if (reset) this.#setStat(STAT.none);
    this.#setStat(STAT.searching);
    this.#registerTimer = this.#clock.setTimeout(() => {
      this.#registerTimer = undefined;
      if (this.cfun === 1 && this.sim === 'ready' && !this.#signalLost) this.#setStat(STAT.home);
    }, this.#registerDelayMs);
  }

  #registered(): boolean {
    return this.#stat === STAT.home;
  }

  #currentRssi(): number {
    return this.cfun === 1 && !this.#signalLost ? this.rssi : 99;
  }

  #setStat(stat: number): void {
    if (stat === this.#stat) return;
    this.#stat = stat;
    if (this.cregMode > 0) this.sendUrc(`+CREG: ${stat}`);
    if (this.#lte && this.ceregMode > 0) this.sendUrc(`+CEREG: ${stat}`);
  }

  #writeText(text: string): void {
    this.#write(Buffer.from(text, 'latin1'));
  }

  #write(bytes: Uint8Array): void {
    const stream = this.#stream;
    if (!stream) return;
    try {
      const written = stream.write(bytes);
      if (written) written.catch(() => undefined);
    } catch {
      // The other end went away; the emulator waits to be attached again.
    }
  }
}

/** Information lines and the final: `OK`, `ERROR` or a key of the +CME errors. */
interface Reply {
  readonly lines: readonly string[];
  readonly final: string;
}

function ok(...lines: string[]): Reply {
  return { lines, final: 'OK' };
}

function fail(final = 'ERROR'): Reply {
  return { lines: [], final };
}

function clearTimer(clock: Clock, timer: unknown): void {
  if (timer !== undefined) clock.clearTimeout(timer);
}
