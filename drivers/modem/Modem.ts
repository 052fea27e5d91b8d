import type { AtResponse } from './AtChannel.js';

/**
 * Network registration, from `+CREG` (2G/3G) and `+CEREG` (LTE) `<stat>`:
 * - `home` (1), `roaming` (5): registered, the data link can work;
 * - `searching` (2): not registered, looking for a network;
 * - `denied` (3): the network refused the SIM (barred, not provisioned);
 * - `none` (0): not registered and not searching (radio off, no SIM);
 * - `unknown` (4, or no answer yet).
 */
export type Registration = 'home' | 'roaming' | 'searching' | 'denied' | 'none' | 'unknown';

/** The SIM as `AT+CPIN?` reports it. `locked`: it waits for a PIN or PUK the terminal has not. */
export type SimState = 'ready' | 'missing' | 'locked' | 'failed' | 'unknown';

/** The codes a modem's operations reject with, and that {@link ModemStatus.error} carries. */
export type ModemErrorCode = 'MODEM_UNAVAILABLE' | 'MODEM_TIMEOUT' | 'MODEM_ERROR' | 'SIM_ERROR';

/** What the modem last reported. Plain data, frozen. */
export interface ModemStatus {
  /** The AT port is open and the modem answered its start-up sequence. */
  readonly available: boolean;
  readonly sim: SimState;
  /** Signal strength in bars, 0 (none or unknown) to 5, from `+CSQ` rssi; see `signalBars`. */
  readonly signalBars: number;
  /** Received signal strength in dBm (`-113 + 2·rssi`), `undefined` when unknown (rssi 99). */
  readonly rssiDbm: number | undefined;
  readonly registration: Registration;
  /** The network's name from `AT+COPS?` (long alphanumeric), when registered. */
  readonly operator: string | undefined;
  /** Why the modem is not working, when it is not: the code of the last start-up or check. */
  readonly error: { readonly code: ModemErrorCode; readonly message: string } | undefined;
  /** When this status was taken, in epoch ms on the driver's clock. */
  readonly updatedAt: number;
}

/** True when `registration` lets the modem carry data. */
export function isRegistered(registration: Registration): boolean {
  return registration === 'home' || registration === 'roaming';
}

/**
 * The cellular modem's AT side (a serial AT port on the board, a fake in tests).
 *
 * The modem carries the terminal's data link, but that link (PPP or ModemManager) belongs to
 * the OS and runs on another port of the modem (docs/modem.md). Through the AT port the terminal
 * watches signal and registration, shows them to the cashier, and resets the radio when the
 * registration is lost for too long.
 *
 * Lifecycle:
 * - {@link open} starts the driver and resolves once the modem answered its start-up (echo off,
 *   verbose errors, SIM, signal, registration, operator). It rejects with `MODEM_UNAVAILABLE`
 *   (no port), `MODEM_TIMEOUT` (the modem does not answer) or `SIM_ERROR` (no SIM, SIM locked
 *   or failed); even then the driver stays open and keeps trying in the background (reconnect
 *   with backoff), reporting through {@link onStatus}. Opening an open modem does nothing.
 * - {@link close} stops everything: no more status events; commands reject with
 *   `MODEM_UNAVAILABLE`.
 * - The port disappearing (USB modem reset, cable) makes the status `available: false`; the
 *   driver reopens it with backoff and runs the start-up again when it returns.
 * - Nothing the modem does throws out of the driver: failures become statuses and rejections.
 *
 * Status: {@link status} is the last known {@link ModemStatus}; {@link onStatus} listeners get
 * every change (synchronously, in registration order; a listener that throws is ignored).
 */
export interface Modem {
  open(): Promise<void>;
  close(): Promise<void>;
  status(): ModemStatus;
  /** Called with the new status whenever it changes. Returns a function that unsubscribes. */
  onStatus(listener: (status: ModemStatus) => void): () => void;
  /**
   * Sends one AT command line (for the technician console) and resolves with its information
   * lines and final result. Queued behind the driver's own commands. Rejects with
   * `VALIDATION_FAILED` when `at` is not one line starting with `AT`, `MODEM_ERROR` on `ERROR` /
   * `+CME ERROR` / `+CMS ERROR` (`details.cme`/`cms`), `MODEM_TIMEOUT` after `timeoutMs`
   * (default 10 s; `details.command`), `MODEM_UNAVAILABLE` when closed or disconnected.
   * Commands that wait for a `> ` prompt are not supported here.
   */
  command(at: string, options?: { readonly timeoutMs?: number }): Promise<AtResponse>;
}
