/**
 * The part of nfc-pcsc 0.8 (no type declarations of its own) that PcscCardReader uses.
 * Written from the package's dist/NFC.js and dist/Reader.js.
 */
declare module 'nfc-pcsc' {
  import { EventEmitter } from 'node:events';

  /** What nfc-pcsc reports for a card; `uid` only when it processes cards itself. */
  export interface NfcCard {
    atr?: Buffer;
    standard?: string;
    type?: string;
    uid?: string;
  }

  /** Errors nfc-pcsc throws or rejects with; `previous` is pcsclite's error. */
  export interface NfcError extends Error {
    code?: string;
    previous?: Error;
  }

  /**
   * One PC/SC reader. Events: `card` (after a shared connect), `card.off`, `error`, `end`
   * (the reader is gone, or the PC/SC service died).
   */
  export class Reader extends EventEmitter {
    readonly name: string;
    autoProcessing: boolean;
    /** Rejects with an NfcError; throws one synchronously when no card is connected. */
    transmit(data: Buffer, responseMaxLength: number): Promise<Buffer>;
    close(): void;
  }

  /**
   * The PC/SC context. Its constructor retries SCardEstablishContext in a busy loop while the
   * service is down: create it only when pcscd answers. Events: `reader`, `error` (the
   * monitoring thread stopped: the service died).
   */
  export class NFC extends EventEmitter {
    constructor(logger?: unknown);
    readonly readers: Readonly<Record<string, unknown>>;
    close(): void;
  }
}
