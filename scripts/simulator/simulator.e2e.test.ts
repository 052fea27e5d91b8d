import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TmuxSession } from '../../src/testing/TmuxSession.js';

/**
 * The simulator as a cashier and a customer use it: `npm start`'s program in a real terminal
 * (tmux), driven only by keys and read only from the screen. The customer's PIN and codes come
 * from the phone panel, the slip from the slip panel, as people would read them.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'combopay-sim-e2e-'));
const sessions: TmuxSession[] = [];

function startSimulator(): TmuxSession {
  // A shell runs the simulator and shows how it ended, as a person at that terminal sees it
  // (the shell reaps it, so its status does not depend on when tmux does).
  const session = TmuxSession.start({
    command: [
      'sh',
      '-c',
      '"$@"; echo "[exit status $?]"; exec sleep 3600',
      'sh',
      process.execPath,
      '--import',
      'tsx',
      'scripts/simulator/main.ts',
      '--data-dir',
      dataDir,
      '--lang',
      'en',
      '--reader',
      'fake',
    ],
    cwd: ROOT,
    columns: 140,
    rows: 60,
  });
  sessions.push(session);
  return session;
}

/** The terminal's own display: the 40 columns inside the left frame, top 18 rows. */
function terminalText(screen: string): string {
  return screen
    .split('\n')
    .slice(0, 18)
    .map((line) => line.slice(0, 42))
    .join('\n');
}

/** Everything right of the terminal: the phone's inbox and the slip. */
function panelText(screen: string): string {
  return screen
    .split('\n')
    .map((line) => line.slice(42))
    .join('\n');
}

/** The slip panel: the lower half of the phone side, below its "Slips" frame. */
function slipText(screen: string): string {
  const lines = panelText(screen).split('\n');
  const top = lines.findIndex((line) => line.includes('Slips'));
  return top < 0 ? '' : lines.slice(top).join('\n');
}

function lastMatch(text: string, pattern: RegExp): string {
  const all = [...text.matchAll(pattern)];
  const found = all.at(-1)?.[1];
  if (found === undefined) throw new Error(`no ${String(pattern)} in:\n${text}`);
  return found;
}

/**
 * The technician console (`npm run pos-console`) on the simulator's control socket, with
 * `keys` typed into it (piped: each line ends with Enter, `\r`); resolves with what it printed.
 */
function runConsole(keys: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/terminal/console/main.ts',
        '--socket',
        path.join(dataDir, 'control.sock'),
      ],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill(), 30_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
    child.stdin.end(keys);
  });
}

const onTerminal = (pattern: RegExp) => (screen: string) => pattern.test(terminalText(screen));
const onPanel = (pattern: RegExp) => (screen: string) => pattern.test(panelText(screen));

afterAll(() => {
  for (const session of sessions) session.kill();
  if (process.env.POS_E2E_KEEP_LOG) {
    try {
      copyFileSync(path.join(dataDir, 'logs', 'terminal.log'), process.env.POS_E2E_KEEP_LOG);
    } catch {
      // no log to keep
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the simulator in a real terminal', () => {
  let sim: TmuxSession;
  let pin = '';
  const codesSeen = () => [...panelText(sim.capture()).matchAll(/code (\d{6})/g)].length;

  /** Waits for a new code on the phone (the `count`-th) and returns it. */
  async function nextCode(count: number): Promise<string> {
    const screen = await sim.waitFor(
      (text) => [...panelText(text).matchAll(/code (\d{6})/g)].length >= count,
    );
    return lastMatch(panelText(screen), /code (\d{6})/g);
  }

  async function startSale(amountKeys: string, amountShown: RegExp): Promise<void> {
    sim.send('t');
    await sim.waitFor(onTerminal(/1 Sale/));
    sim.send('1');
    await sim.waitFor(onTerminal(/Enter the amount/));
    sim.type(amountKeys);
    await sim.waitFor(onTerminal(amountShown));
    sim.send('Enter');
    await sim.waitFor(onTerminal(/Enter your PIN/));
  }

  it('starts on a fresh data directory: enrolls, and the PIN arrives on the phone', async () => {
    sim = startSimulator();
    const screen = await sim.waitFor(onPanel(/PIN is \d{6}/), 60_000);
    pin = lastMatch(panelText(screen), /PIN is (\d{6})/g);
    await sim.waitFor(onTerminal(/Tap your phone/));
    expect(terminalText(sim.capture())).toMatch(/HOST ok/);
    // Both demo passwords under the keymap.
    expect(sim.capture()).toMatch(/Supervisor 2468 · console service-2468/);
  });

  it('lets a technician sign in at the console and read the status', async () => {
    const output = await runConsole('service-2468\rstatus\rexit\r');
    expect(output).toMatch(/Signed in to terminal T0000001/);
    expect(output).toMatch(/Terminal\s+T0000001/);
    expect(output).toMatch(/Flow\s+idle/);
    expect(output).toMatch(/Modem\s+no modem/);
    expect(output).not.toContain('service-2468');
  });

  it('completes a sale from tap to slip', async () => {
    await startSale('1250', /¥12\.50/);
    const pinScreen = terminalText(sim.capture());
    sim.type(pin);
    await sim.waitFor(onTerminal(/\* \* \* \* \* \*/));
    expect(terminalText(sim.capture())).not.toContain(pin);
    expect(pinScreen).toMatch(/¥12\.50/);
    sim.send('Enter');
    const code = await nextCode(1);
    await sim.waitFor(onTerminal(/Enter the code/));
    expect(terminalText(sim.capture())).toMatch(/138\*\*\*\*8000/);
    sim.type(code);
    sim.send('Enter');
    const approved = await sim.waitFor(onTerminal(/Sale approved/));
    expect(terminalText(approved)).toMatch(/¥12\.50/);
    const slip = slipText(await sim.waitFor(onPanel(/AMOUNT\s+CNY 12\.50/)));
    expect(slip).toMatch(/SALE/);
    expect(slip).toMatch(/ACCOUNT\s+138\*\*\*\*8000/);
    expect(slip).toMatch(/TRACE NO\s+000001/);
    expect(slip).toMatch(/MERCHANT ID\s+M0000001/);
    expect(slip).toMatch(/Confirmed by PIN \+ SMS code/);
    expect(slip).not.toMatch(/REPRINT/);
    expect(slip).not.toContain(pin);
    sim.send('Enter');
    await sim.waitFor(onTerminal(/Tap your phone/));
  });

  it('reprints the last slip, marked REPRINT', async () => {
    sim.send('Enter');
    await sim.waitFor(onTerminal(/6 Reprint/));
    sim.send('6');
    const slip = slipText(await sim.waitFor(onPanel(/REPRINT/)));
    expect(slip).toMatch(/#2/);
    expect(slip).toMatch(/TRACE NO\s+000001/);
    await sim.waitFor(onTerminal(/Tap your phone/));
  });

  it('refuses a wrong PIN, then takes the right one', async () => {
    await startSale('500', /¥5\.00/);
    const wrong = pin.slice(0, 5) + String((Number(pin[5]) + 1) % 10);
    sim.type(wrong);
    sim.send('Enter');
    await sim.waitFor(onTerminal(/2 tries left/i));
    expect(terminalText(sim.capture())).toMatch(/Enter your PIN/);
    sim.type(pin);
    sim.send('Enter');
    const code = await nextCode(2);
    sim.type(code);
    sim.send('Enter');
    await sim.waitFor(onTerminal(/Sale approved/));
    await sim.waitFor(onPanel(/AMOUNT\s+CNY 5\.00/));
    sim.send('Enter');
    await sim.waitFor(onTerminal(/Tap your phone/));
  });

  it('cancels mid-flow with Esc, at the amount and at the code', async () => {
    sim.send('t');
    await sim.waitFor(onTerminal(/1 Sale/));
    sim.send('1');
    sim.type('300');
    await sim.waitFor(onTerminal(/¥3\.00/));
    sim.send('Escape');
    await sim.waitFor(onTerminal(/cancel/i));
    await sim.waitFor(onTerminal(/Tap your phone/), 30_000);

    await startSale('300', /¥3\.00/);
    sim.type(pin);
    sim.send('Enter');
    await nextCode(3);
    await sim.waitFor(onTerminal(/Enter the code/));
    sim.send('Escape');
    await sim.waitFor(onTerminal(/cancel/i));
    await sim.waitFor(onTerminal(/Tap your phone/), 30_000);
  });

  it('locks the account after three wrong codes, and the phone gets the lock notice', async () => {
    await startSale('100', /¥1\.00/);
    sim.type(pin);
    sim.send('Enter');
    const code = await nextCode(4);
    // Three different wrong codes: the host counts the same code sent again as a retry.
    const wrong = (n: number) => code.slice(0, 5) + String((Number(code[5]) + n) % 10);
    for (const [n, left] of [
      [1, '2 tries'],
      [2, '1 try'],
    ] as const) {
      await sim.waitFor(onTerminal(/Enter the code/));
      sim.type(wrong(n));
      sim.send('Enter');
      await sim.waitFor(onTerminal(new RegExp(`Wrong code, ${left} left`)));
    }
    sim.type(wrong(3));
    sim.send('Enter');
    const locked = await sim.waitFor(onTerminal(/locked/i));
    expect(terminalText(locked)).toMatch(/\d{2}:\d{2}/);
    await sim.waitFor(onPanel(/locked/i));
    expect(codesSeen()).toBe(4);
  });

  it('quits cleanly on Ctrl-C and resumes its data on the next start', async () => {
    sim.send('C-c');
    const ended = await sim.waitFor(/\[exit status \d+\]/);
    expect(ended).toMatch(/stopped; its data is kept for the next start/);
    expect(ended).toMatch(/\[exit status 0\]/);

    sim = startSimulator();
    await sim.waitFor(onTerminal(/Tap your phone/), 60_000);
    const panel = panelText(await sim.waitFor(onPanel(/locked/i)));
    // The same customer and history: one enrollment PIN, no new one.
    expect([...panel.matchAll(/PIN is (\d{6})/g)].map((match) => match[1])).toEqual([pin]);
  });

  it('stops when a restart is asked at the console, saying to start it again', async () => {
    const output = await runConsole('service-2468\rrestart\ry\r');
    expect(output).toMatch(/restart asked at the console: run npm start again/);
    const ended = await sim.waitFor(/\[exit status \d+\]/);
    expect(ended).toMatch(/restart asked at the console: run npm start again/);
    expect(ended).toMatch(/\[exit status 0\]/);
  });
});
