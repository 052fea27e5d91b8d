/**
 * Minimal types for the `smpp` package (0.5.1, plain JavaScript without types): only what the
 * SMPP transport and its test SMSC use. Read node_modules/smpp/lib/*.js before adding to it.
 *
 * Node's ESM loader gives the package's `module.exports` as the default import, hence
 * `import smpp from 'smpp'`.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';
  import type { ConnectionOptions } from 'node:tls';

  /** A PDU's parameters and TLVs, by their names in the SMPP specification (`short_message`…). */
  export type PduFields = Record<string, unknown>;

  /**
   * A request or response. Parameters and TLVs are plain properties named as in the spec;
   * `short_message` of a received PDU with `data_coding` is decoded by the package into
   * `{ message: string | Buffer, udh?: Buffer[] }`. A response with a non-zero
   * `command_status` carries no body.
   */
  export interface PDU {
    readonly command: string;
    readonly command_id: number;
    readonly command_status: number;
    /** Set by {@link Session.send} for requests. */
    readonly sequence_number: number;
    isResponse(): boolean;
    /** The response to this request (`generic_nack` for an unknown command). */
    response(fields?: PduFields): PDU;
    toBuffer(): Buffer;
    readonly [field: string]: unknown;
  }

  export type PduConstructor = new (command: string, fields?: PduFields) => PDU;

  /**
   * One SMPP connection. Emits `connect` (plain) or `secureConnect` (TLS), `pdu` and the
   * command's name for every received PDU, `error` then `close`.
   */
  export interface Session extends EventEmitter {
    readonly socket: Socket;
    /**
     * Sends a PDU. For a request the package numbers it and calls `onResponse` with the
     * response of the same sequence number (never, if the link dies first). False, and nothing
     * sent, when the socket is no longer writable.
     */
    send(pdu: PDU, onResponse?: (response: PDU) => void, onSent?: (pdu: PDU) => void): boolean;
    /** Ends the socket (a FIN after pending writes). */
    close(callback?: () => void): void;
    /** Destroys the socket at once. */
    destroy(callback?: () => void): void;
  }

  export interface ConnectOptions extends ConnectionOptions {
    host: string;
    port: number;
    /** True for `tls.connect` with the other options, false or absent for plain TCP. */
    tls?: boolean;
  }

  export interface ServerOptions {
    /** Both set: a TLS server. */
    key?: string | Buffer;
    cert?: string | Buffer;
  }

  export interface Server extends NetServer {
    readonly sessions: Session[];
  }

  interface Smpp {
    /** Opens a connection (plain or TLS); bind on `connect` / `secureConnect`. */
    connect(options: ConnectOptions): Session;
    createServer(options: ServerOptions, listener?: (session: Session) => void): Server;
    PDU: PduConstructor;
    /** Command status names (`ESME_RTHROTTLED`…) to their values. */
    errors: Readonly<Record<string, number>>;
    /** The package's own GSM 03.38 coder (one septet per octet); `table` 0 is the default alphabet. */
    gsmCoder: {
      decode(septets: Buffer, table: number): string;
    };
  }

  const smpp: Smpp;
  export default smpp;
}
