import { EventEmitter } from 'node:events';
import net from 'node:net';
import { COMBOPAY_AID, SW, fromHex, toHex } from '../../drivers/nfc/phoneApplet.js';

/** vpcd's default port (`VPCDPORT` in vsmartcard, `0x8C7B` in /etc/reader.conf.d/vpcd). */
export const VPCD_PORT = 35963;

/** The ATR a phone's card emulation gives; nfc-pcsc reads it as ISO 14443-4. */
export const PHONE_ATR: Readonly<Uint8Array> = Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01);

export interface VirtualPhoneOptions {
  /** What READ ACCOUNT returns, as ASCII (not checked: tests send bad tokens on purpose). */
  token: string;
  /** UID in hex (4, 7 or 10 bytes) for GET UID `FF CA 00 00 00`; default `08A1B2C3`. */
  uid?: string;
  /** False for a card without the ComboPay applet: SELECT answers `6A 82`. Default true. */
  applet?: boolean;
  /** Answer to reset; default {@link PHONE_ATR}. */
  atr?: Uint8Array;
  host?: string;
  /** vpcd's TCP port; default {@link VPCD_PORT}. */
  port?: number;
  /** How long {@link VirtualPhone.tap} keeps trying while vpcd is not listening; default 10 s. */
  connectTimeoutMs?: number;
}

/** What the virtual phone does with the next READ ACCOUNT instead of answering at once. */
export type ReadFault =
  | { readonly kind: 'pull' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'status'; readonly sw: number };

const CTRL_OFF = 0x00;
const CTRL_ON = 0x01;
const CTRL_RESET = 0x02;
const CTRL_ATR = 0x04;
const RETRY_MS = 100;

/**
 * A phone's card, for vsmartcard's virtual reader: it connects to vpcd's TCP port and answers
 * what pcscd sends (2-byte big-endian length, then one control byte or a command APDU; only
 * GET ATR and APDUs are answered, the same way). Connecting is a tap, disconnecting a pull.
 *
 * While tapped the phone stays "in the field": if vpcd goes away (pcscd restarting) it
 * connects again as soon as vpcd listens, as a phone lying on the reader would be seen again.
 *
 * Events: `connected`, `disconnected`, `apdu` (hex of each command APDU).
 */
export class VirtualPhone extends EventEmitter {
  readonly uid: string;
  readonly #atr: Uint8Array;
  readonly #host: string;
  readonly #port: number;
  readonly #connectTimeoutMs: number;
  #token: string;
  #applet: boolean;
  #selected = false;
  #tapped = false;
  #socket: net.Socket | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  #retry: NodeJS.Timeout | undefined;
  #faults: ReadFault[] = [];
  /** Hex of every command APDU received, oldest first. */
  readonly commands: string[] = [];

  constructor(options: VirtualPhoneOptions) {
    super();
    this.#token = options.token;
    this.uid = (options.uid ?? '08A1B2C3').toUpperCase();
    fromHex(this.uid);
    this.#applet = options.applet ?? true;
    this.#atr = Uint8Array.from(options.atr ?? PHONE_ATR);
    this.#host = options.host ?? '127.0.0.1';
    this.#port = options.port ?? VPCD_PORT;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  get connected(): boolean {
    return this.#socket !== undefined;
  }

  get tapped(): boolean {
    return this.#tapped;
  }

  set token(token: string) {
    this.#token = token;
  }

  set applet(present: boolean) {
    this.#applet = present;
  }

  /** The next READ ACCOUNT is pulled away from (the socket closes without an answer). */
  pullOnNextRead(): void {
    this.#faults.push({ kind: 'pull' });
  }

  /** The next READ ACCOUNT is answered after `ms` milliseconds. */
  delayNextRead(ms: number): void {
    this.#faults.push({ kind: 'delay', ms });
  }

  /** The next READ ACCOUNT is answered with status word `sw` and no data. */
  failNextRead(sw: number): void {
    this.#faults.push({ kind: 'status', sw });
  }

  /** Puts the phone on the reader: resolves once vpcd accepted the connection. */
  async tap(): Promise<void> {
    if (this.#tapped && this.#socket) return;
    this.#tapped = true;
    const deadline = Date.now() + this.#connectTimeoutMs;
    for (;;) {
      try {
        await this.#connect();
        return;
      } catch (error) {
        if (!this.#isTapped()) {
          throw new Error('pulled before vpcd accepted the phone', { cause: error });
        }
        if (Date.now() >= deadline) {
          this.#tapped = false;
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /** Takes the phone off the reader: the connection closes and vpcd reports the card gone. */
  pull(): void {
    this.#tapped = false;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#drop();
  }

  /** Pulls and forgets the faults queued. */
  close(): void {
    this.#faults = [];
    this.pull();
    this.removeAllListeners();
  }

  /** Read through a method: a pull can happen during any await. */
  #isTapped(): boolean {
    return this.#tapped;
  }

  #connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.#host, port: this.#port });
      socket.setNoDelay(true);
      const onError = (error: Error): void => {
        socket.destroy();
        reject(error);
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        if (!this.#tapped) {
          socket.destroy();
          reject(new Error('pulled while connecting'));
          return;
        }
        this.#attach(socket);
        resolve();
      });
    });
  }

  #attach(socket: net.Socket): void {
    this.#socket = socket;
    this.#buffer = Buffer.alloc(0);
    this.#selected = false;
    socket.on('data', (chunk: Buffer) => {
      this.#onData(socket, chunk);
    });
    socket.on('error', () => {
      // 'close' follows; a reset by vpcd is how pcscd going away looks.
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.emit('disconnected');
      if (this.#tapped) this.#reconnectLater();
    });
    this.emit('connected');
  }

  #reconnectLater(): void {
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (!this.#tapped || this.#socket) return;
      this.#connect().catch(() => {
        this.#reconnectLater();
      });
    }, RETRY_MS);
  }

  #drop(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) {
      socket.destroy();
      this.emit('disconnected');
    }
  }

  #onData(socket: net.Socket, chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= 2) {
      const length = this.#buffer.readUInt16BE(0);
      if (this.#buffer.length < 2 + length) return;
      const message = Uint8Array.from(this.#buffer.subarray(2, 2 + length));
      this.#buffer = this.#buffer.subarray(2 + length);
      this.#onMessage(socket, message);
    }
  }

  #onMessage(socket: net.Socket, message: Uint8Array): void {
    if (message.length === 1) {
      switch (message[0]) {
        case CTRL_ATR:
          send(socket, this.#atr);
          return;
        case CTRL_OFF:
        case CTRL_ON:
        case CTRL_RESET:
          this.#selected = false;
          return;
        case undefined:
        default:
          return;
      }
    }
    this.commands.push(toHex(message));
    this.emit('apdu', toHex(message));
    void this.#answer(socket, message);
  }

  async #answer(socket: net.Socket, command: Uint8Array): Promise<void> {
    const reply = await this.#respond(command);
    if (reply === 'pull') {
      this.pull();
      return;
    }
    if (this.#socket === socket) send(socket, reply);
  }

  async #respond(command: Uint8Array): Promise<Uint8Array | 'pull'> {
    const [cla, ins, p1, p2] = command;
    if (cla === 0xff && ins === 0xca && p1 === 0x00) return withSw(fromHex(this.uid), SW.OK);
    if (cla === 0x00 && ins === 0xa4 && p1 === 0x04) return this.#select(command);
    if (cla === 0x80 && ins === 0xca && p1 === 0x00 && p2 === 0x00) return this.#readAccount();
    if (cla !== 0x00 && cla !== 0x80) return status(SW.CLA_NOT_SUPPORTED);
    return status(SW.INS_NOT_SUPPORTED);
  }

  #select(command: Uint8Array): Uint8Array {
    const lc = command[4] ?? 0;
    const aid = command.subarray(5, 5 + lc);
    this.#selected = this.#applet && toHex(aid) === toHex(COMBOPAY_AID);
    return status(this.#selected ? SW.OK : SW.APPLET_NOT_FOUND);
  }

  async #readAccount(): Promise<Uint8Array | 'pull'> {
    const fault = this.#faults.shift();
    if (fault?.kind === 'pull') return 'pull';
    if (fault?.kind === 'status') return status(fault.sw);
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (!this.#selected) return status(SW.CONDITIONS_NOT_SATISFIED);
    return withSw(Buffer.from(this.#token, 'latin1'), SW.OK);
  }
}

function status(sw: number): Uint8Array {
  return withSw(new Uint8Array(0), sw);
}

function withSw(data: Uint8Array, sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = sw >> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}

function send(socket: net.Socket, payload: Uint8Array): void {
  const header = Buffer.alloc(2);
  header.writeUInt16BE(payload.length);
  socket.write(Buffer.concat([header, payload]));
}
