import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/**
 * The systemd notify protocol (`sd_notify(3)`) spoken from Node without libsystemd.
 *
 * A `Type=notify` service tells the service manager it is up (`READY=1`), still alive
 * (`WATCHDOG=1`), what it is doing (`STATUS=…`) and that it is shutting down (`STOPPING=1`) by
 * sending newline-separated `KEY=value` assignments as datagrams to the `AF_UNIX`/`SOCK_DGRAM`
 * socket named in `NOTIFY_SOCKET` (a filesystem path, or an abstract name written with a
 * leading `@`).
 *
 * ## Why a helper process
 *
 * Node 20 has no documented way to send a Unix datagram: `dgram` knows only `udp4`/`udp6`,
 * `net` only stream sockets (connecting one to a datagram socket fails with `EPROTOTYPE`), and
 * `fs.open` on a socket path fails with `ENXIO`. The ways around that are a native addon (an npm
 * package, or libsystemd through one), Node internals (`process.binding`, undocumented handle
 * types), or another process that owns the socket. This module takes the last, with `socat`
 * (`apt install socat`), and keeps **one long-lived helper** per notifier:
 *
 * ```
 * socat -u STDIN UNIX-SENDTO:<path>        (or ABSTRACT-SENDTO:<name> for `@name`)
 * ```
 *
 * Each message is written to the helper's stdin ending in a newline; socat sends what each
 * `read()` returns as one datagram. Several messages written close together may therefore
 * arrive as one datagram (`READY=1\nSTATUS=up\n`), which the protocol allows (a datagram is a
 * newline-separated list of assignments; the trailing newline yields an empty line that systemd
 * ignores). A message is never split, since it is far shorter than socat's 8 KiB block and pipe
 * writes up to `PIPE_BUF` are atomic.
 *
 * Trade-offs, against the alternatives considered:
 *
 * - **PID attribution.** The datagrams come from socat's PID, not Node's, so the unit needs
 *   `NotifyAccess=all` (with the default `NotifyAccess=main` systemd drops them). This is the
 *   same constraint as for `systemd-notify`, but a *short-lived* sender (`systemd-notify`, or a
 *   socat spawned per message) may exit before systemd reads the datagram; systemd then cannot
 *   find the sender's cgroup and drops the message ("Cannot find unit for notify message"),
 *   which loses a `READY=1` at random. The long-lived helper stays in the service's cgroup for
 *   the whole run, so its messages are always attributed to the unit. `MAINPID` is not sent:
 *   Node is the process systemd forked, so it already is the main PID.
 * - **An external binary.** socat must be installed on the board; if it is missing, every send
 *   logs an error (once) and does nothing. No npm package, no native code, no Node internals.
 * - **Fire and forget.** Sends never throw and never wait. A helper that dies (for example
 *   because the socket does not exist yet: socat exits on a failed `sendto`) is logged and
 *   started again by the next send; what was written to it in between is lost. A lost
 *   `WATCHDOG=1` is harmless (pings go at half the timeout); call {@link SystemdNotifier.close}
 *   after `STOPPING=1` so the last message is out before the process exits.
 * - **Addresses.** Filesystem paths and abstract names are supported; systemd's `vsock:`
 *   addresses are not (logged, then no-op). Addresses with characters socat would read as
 *   address syntax (`,`, `:`, spaces, quotes…) are refused rather than escaped.
 */

/** Where `NOTIFY_SOCKET` points. */
export type NotifySocketAddress =
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'abstract'; readonly name: string };

/** The environment variables the protocol reads (a subset of `process.env`). */
export interface SystemdNotifyEnv {
  readonly NOTIFY_SOCKET?: string | undefined;
  readonly WATCHDOG_USEC?: string | undefined;
  readonly WATCHDOG_PID?: string | undefined;
}

/** The part of the project logger the notifier uses (a pino `Logger` fits). */
export interface NotifyLogger {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface SystemdNotifierOptions {
  /** Where `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` are read; default `process.env`. */
  env?: SystemdNotifyEnv;
  /** Failures are logged here, never thrown. */
  logger: NotifyLogger;
  /** This process's id, compared with `WATCHDOG_PID`; default `process.pid`. */
  pid?: number;
  /** The socat executable; default `socat` (found on `PATH`). */
  socatCommand?: string;
}

/** Characters accepted in a socket address: nothing socat would parse as address syntax. */
const SAFE_ADDRESS = /^[A-Za-z0-9/_.@+=-]+$/;

/** Messages buffered for a helper that is not reading; beyond this, messages are dropped. */
const MAX_BUFFERED_BYTES = 64 * 1024;

/** How long {@link SystemdNotifier.close} waits for the helper to flush before killing it. */
const CLOSE_TIMEOUT_MS = 2_000;

/**
 * Parses `NOTIFY_SOCKET`: an absolute path, or `@name` for an abstract socket. Returns
 * `undefined` when it is unset or empty; throws a `TypeError` naming the problem when it is set
 * to something this module cannot use.
 */
export function parseNotifySocket(value: string | undefined): NotifySocketAddress | undefined {
  if (value === undefined || value === '') return undefined;
  if (!SAFE_ADDRESS.test(value)) {
    throw new TypeError(
      'NOTIFY_SOCKET holds characters this notifier does not pass to socat ' +
        '(only letters, digits and / _ . @ + = -; vsock: addresses are not supported)',
    );
  }
  if (value.startsWith('@')) {
    if (value.length === 1) throw new TypeError('NOTIFY_SOCKET names an empty abstract socket');
    return { kind: 'abstract', name: value.slice(1) };
  }
  if (!value.startsWith('/')) {
    throw new TypeError('NOTIFY_SOCKET is neither an absolute path nor an @abstract name');
  }
  return { kind: 'path', path: value };
}

/**
 * How often to send `WATCHDOG=1`, in milliseconds: half of `WATCHDOG_USEC` (as
 * `sd_watchdog_enabled(3)` advises), or `undefined` when the watchdog is off for this process:
 * `WATCHDOG_USEC` unset or not a positive integer, or `WATCHDOG_PID` set to another process
 * (or to something that is not a PID).
 */
export function watchdogIntervalMs(
  env: SystemdNotifyEnv,
  pid: number = process.pid,
): number | undefined {
  const usec = env.WATCHDOG_USEC;
  if (usec === undefined || !/^\d+$/.test(usec)) return undefined;
  const microseconds = Number(usec);
  if (!Number.isSafeInteger(microseconds) || microseconds <= 0) return undefined;
  const watchdogPid = env.WATCHDOG_PID;
  if (watchdogPid !== undefined && watchdogPid !== '') {
    if (!/^\d+$/.test(watchdogPid) || Number(watchdogPid) !== pid) return undefined;
  }
  return Math.max(1, Math.floor(microseconds / 2_000));
}

/** The socat address for a notify socket. */
function socatAddress(address: NotifySocketAddress): string {
  return address.kind === 'path'
    ? `UNIX-SENDTO:${address.path}`
    : `ABSTRACT-SENDTO:${address.name}`;
}

/** The socat helper: stdin piped in, stdout ignored, stderr piped out. */
type Helper = ChildProcessByStdio<Writable, null, Readable>;

function isRunning(helper: Helper | undefined): helper is Helper {
  return helper?.exitCode === null && helper.signalCode === null;
}

/** One assignment's value on one line: a newline would start a new assignment. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

/**
 * Sends `sd_notify` messages for a `Type=notify` service; see the module comment for how and
 * why. Every method is a no-op when `NOTIFY_SOCKET` is unset (not running under systemd, or
 * in a test), and none throws: failures are logged and the service carries on.
 */
export class SystemdNotifier {
  readonly address: NotifySocketAddress | undefined;
  readonly #env: SystemdNotifyEnv;
  readonly #logger: NotifyLogger;
  readonly #pid: number;
  readonly #socatCommand: string;
  #helper: Helper | undefined;
  #socatMissing = false;
  #closed = false;

  constructor(options: SystemdNotifierOptions) {
    this.#env = options.env ?? process.env;
    this.#logger = options.logger;
    this.#pid = options.pid ?? process.pid;
    this.#socatCommand = options.socatCommand ?? 'socat';
    let address: NotifySocketAddress | undefined;
    try {
      address = parseNotifySocket(this.#env.NOTIFY_SOCKET);
    } catch (error) {
      this.#logger.warn({ err: error }, 'systemd notify disabled: unusable NOTIFY_SOCKET');
    }
    this.address = address;
  }

  /** Whether messages are sent at all (`NOTIFY_SOCKET` set and usable). */
  get enabled(): boolean {
    return this.address !== undefined;
  }

  /** `WATCHDOG=1` interval for this process, or `undefined` if disabled; see {@link watchdogIntervalMs}. */
  watchdogIntervalMs(): number | undefined {
    return this.enabled ? watchdogIntervalMs(this.#env, this.#pid) : undefined;
  }

  /** `READY=1`, with a status line if given: startup is complete. */
  ready(status?: string): void {
    this.notify(status === undefined ? ['READY=1'] : ['READY=1', `STATUS=${oneLine(status)}`]);
  }

  /** `STATUS=…`: free text shown by `systemctl status`. */
  status(text: string): void {
    this.notify([`STATUS=${oneLine(text)}`]);
  }

  /** `WATCHDOG=1`: the main loop is alive. */
  watchdog(): void {
    this.notify(['WATCHDOG=1']);
  }

  /** `STOPPING=1`, with a status line if given: shutdown has begun. Follow with {@link close}. */
  stopping(status?: string): void {
    this.notify(
      status === undefined ? ['STOPPING=1'] : ['STOPPING=1', `STATUS=${oneLine(status)}`],
    );
  }

  /**
   * Sends assignments (`KEY=value`, one per entry, no newlines inside) as one message. Never
   * throws; does nothing when disabled, closed, or socat is missing.
   */
  notify(assignments: readonly string[]): void {
    if (this.address === undefined || this.#closed || this.#socatMissing) return;
    if (assignments.length === 0) return;
    if (assignments.some((line) => line.includes('\n') || !line.includes('='))) {
      this.#logger.warn({ assignments }, 'systemd notify: malformed assignment not sent');
      return;
    }
    try {
      const stdin = this.#ensureHelper(this.address).stdin;
      if (!stdin.writable) return;
      if (stdin.writableLength > MAX_BUFFERED_BYTES) {
        this.#logger.warn(
          { buffered: stdin.writableLength },
          'systemd notify: helper not reading, message dropped',
        );
        return;
      }
      stdin.write(`${assignments.join('\n')}\n`);
    } catch (error) {
      this.#logger.warn({ err: error }, 'systemd notify: send failed');
    }
  }

  /**
   * Stops sending: closes the helper's stdin so it sends what it holds and exits, waiting at
   * most two seconds before killing it. Call after {@link stopping}, before the process exits.
   * Never rejects.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const helper = this.#helper;
    this.#helper = undefined;
    if (!isRunning(helper)) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#logger.warn({}, 'systemd notify: helper did not exit, killing it');
        helper.kill('SIGKILL');
        resolve();
      }, CLOSE_TIMEOUT_MS);
      helper.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      helper.stdin.end();
    });
  }

  /** The running helper, starting one if there is none (or the last one died). */
  #ensureHelper(address: NotifySocketAddress): Helper {
    if (isRunning(this.#helper)) return this.#helper;
    const helper = spawn(this.#socatCommand, ['-u', 'STDIN', socatAddress(address)], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    this.#helper = helper;
    let stderr = '';
    helper.stderr.setEncoding('utf8');
    helper.stderr.on('data', (chunk: string) => {
      if (stderr.length < 2_000) stderr += chunk;
    });
    helper.stdin.on('error', (error) => {
      // EPIPE when the helper died with messages in flight; the exit is logged below.
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') {
        this.#logger.warn({ err: error }, 'systemd notify: writing to helper failed');
      }
    });
    helper.on('error', (error: NodeJS.ErrnoException) => {
      if (this.#helper === helper) this.#helper = undefined;
      if (error.code === 'ENOENT') {
        this.#socatMissing = true;
        this.#logger.error(
          { command: this.#socatCommand },
          'systemd notify disabled: socat not found (install socat)',
        );
      } else {
        this.#logger.warn({ err: error }, 'systemd notify: helper failed');
      }
    });
    helper.on('close', (code, signal) => {
      if (this.#helper === helper) this.#helper = undefined;
      if (code !== 0 && !this.#socatMissing && !(this.#closed && signal === 'SIGKILL')) {
        this.#logger.warn(
          { code, signal, stderr: stderr.trim() },
          'systemd notify: helper exited, messages may be lost; restarting on next send',
        );
      }
    });
    return helper;
  }
}
