/**
 * The connection to the terminal's control socket ended (closed by the terminal, a broken
 * line, a malformed message) before a request had its final reply. `reason` says which.
 */
export class ConnectionLostError extends Error {
  override readonly name = 'ConnectionLostError';

  constructor(readonly reason: string) {
    super(`the connection to the terminal was lost (${reason})`);
  }
}
