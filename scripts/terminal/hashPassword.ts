/**
 * Prints the scrypt hash of a new password for the terminal config: the supervisor's
 * (`supervisorPasswordHash`, 4 to 12 digits, typed on the keypad) or with `--technician` the
 * technician console's (`console.passwordHash`, 10 to 128 characters). The password is read
 * from stdin (typed twice, not echoed on a terminal; or piped, one line), never from the
 * command line, where `ps` and the shell history would keep it.
 *
 *   npm run -s terminal:hash-password
 *   npm run -s terminal:hash-password -- --technician
 */
import { createInterface } from 'node:readline';
import { hashSupervisorPassword } from '../../src/terminal/effects/supervisorPassword.js';
import { hashPassword } from '../../src/terminal/passwordHash.js';

const technician = process.argv.includes('--technician');
const unknown = process.argv.slice(2).filter((arg) => arg !== '--technician');
if (unknown.length > 0) {
  process.stderr.write(`unknown argument ${unknown.join(' ')}; usage: [--technician]\n`);
  process.exit(2);
}

/** The technician password guards the serial console: long enough not to be guessed. */
async function hashTechnicianPassword(password: string): Promise<string> {
  if (password.length < 10 || password.length > 128) {
    throw new Error('a technician password is 10 to 128 characters');
  }
  return hashPassword(password);
}

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

const first = await readLine(
  technician
    ? 'Technician console password (10-128 characters): '
    : 'Supervisor password (4-12 digits): ',
);
if (process.stdin.isTTY) {
  const again = await readLine('Again: ');
  if (again !== first) {
    process.stderr.write('The two entries differ; nothing was changed.\n');
    process.exit(1);
  }
}
try {
  const hash = technician
    ? await hashTechnicianPassword(first)
    : await hashSupervisorPassword(first);
  process.stdout.write(`${hash}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
