/**
 * What the status bar shows, gathered by the app from the devices and the host client. Plain
 * data; `renderStatusBar` lays it out.
 */
export interface TerminalStatus {
  /**
   * The cellular modem: bars 0–5 and whether it is registered on a network. `undefined` when
   * the terminal has no modem (a wired or Wi-Fi link) or it has not answered yet.
   */
  signal: { bars: number; registered: boolean } | undefined;
  /**
   * The host link: `up` after the last exchange got a reply (even a refusal), `down` after it
   * could not reach the host or got no reply in time, `unknown` before the first exchange.
   */
  host: 'up' | 'down' | 'unknown';
  /** The printer: `unknown` for a one-way link that cannot tell, `offline` when unreachable. */
  paper: 'ok' | 'out' | 'coverOpen' | 'offline' | 'unknown';
  /** This terminal's id (`T0000001`). */
  terminalId: string;
  /** Wall-clock time to show, epoch ms. */
  now: number;
}
