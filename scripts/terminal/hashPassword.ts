/**
 * Prints the scrypt hash of a new supervisor password for the terminal config's
 * `supervisorPasswordHash`. The password is read from stdin (typed twice, not echoed on a
 * terminal; or piped, one line), never from the command line, where `ps` and the shell history
 * would keep it.
 *
 *   npm run -s terminal:hash-password
 */
import { createInterface } from 'node:readline';
import { hashSupervisorPassword } from '../../src/terminal/effects/supervisorPassword.js';

function muted(): void {
  // Nothing: the typed characters are not shown.
}

async function readLine(prompt: string): Promise<string> {
  const tty = process.stdin.isTTY;
  const lines = createInterface({ input: process.stdin, output: process.stderr, terminal: tty });
  if (tty) {
    // Echo nothing of what is typed: readline's private output hook, the usual way to mute it.
    (lines as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = muted;
    process.stderr.write(prompt);
  }
  const line = await new Promise<string>((resolve) => {
    lines.once('line', resolve);
    lines.once('close', () => resolve(''));
  });
  lines.close();
  if (tty) process.stderr.write('\n');
  return line.trim();
}

const first = await readLine('Supervisor password (4-12 digits): ');
if (process.stdin.isTTY) {
  const again = await readLine('Again: ');
  if (again !== first) {
    process.stderr.write('The two entries differ; nothing was changed.\n');
    process.exit(1);
  }
}
try {
  process.stdout.write(`${await hashSupervisorPassword(first)}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
