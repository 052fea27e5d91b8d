import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeKeypad } from '../../../drivers/keypad/FakeKeypad.js';
import { FakeModem } from '../../../drivers/modem/FakeModem.js';
import { FakeCardReader } from '../../../drivers/nfc/FakeCardReader.js';
import { FakePrinter } from '../../../drivers/printer/FakePrinter.js';
import { renderDocumentText } from '../../../drivers/printer/renderDocumentText.js';
import { SOFTWARE_VERSION } from '../../core/softwareVersion.js';
import { LiveHost } from '../../testing/LiveHost.js';
import { openPtyPair, type PtyPair } from '../../testing/ptyPair.js';
import { TEST_TECHNICIAN_PASSWORD, writeTerminalConfig } from '../../testing/terminalConfigFile.js';
import { openTestDatabase, type TestDatabase } from '../../testing/hostHarness.js';
import { RESTART_EXIT_CODE } from '../control/controlProtocol.js';
import { runPosTerminal } from './runPosTerminal.js';

const CONSOLE_MAIN = fileURLToPath(new URL('../console/main.ts', import.meta.url));

/** Plain VT100 control sequences and bare carriage returns, as a terminal program hides them. */
// eslint-disable-next-line no-control-regex
const CONTROL = /\x1b\[[0-9;?]*[A-Za-z~]|\x1b[78]|\r/g;

/**
 * The technician's laptop on the other end of the serial cable: it types bytes and reads what
 * the console prints, as minicom would (the PTY pair stands in for the null-modem cable).
 */
class Technician {
  readonly #port: SerialPort;
  #seen = '';
  #read = 0;

  private constructor(port: SerialPort) {
    this.#port = port;
    port.on('data', (chunk: Buffer) => {
      this.#seen += chunk.toString('utf8');
    });
  }

  static async open(device: string): Promise<Technician> {
    const port = new SerialPort({ path: device, baudRate: 115_200, autoOpen: false });
    await new Promise<void>((resolve, reject) => {
      port.open((error) => (error ? reject(error) : resolve()));
    });
    return new Technician(port);
  }

  /** Everything printed so far, with the control sequences taken out. */
  get screen(): string {
    return this.#seen.replace(CONTROL, '');
  }

  /** Types `text` (a line ends with `\r`, as a terminal program sends Enter). */
  type(text: string): void {
    this.#port.write(text);
  }

  /**
   * Waits until the output printed since the last `expect` matches `pattern`, and returns
   * that output (up to the end of the match).
   */
  async expect(pattern: RegExp | string, timeout = 15_000): Promise<string> {
    let found = '';
    await vi.waitFor(
      () => {
        const fresh = this.screen.slice(this.#read);
        const index =
          typeof pattern === 'string' ? fresh.indexOf(pattern) : (pattern.exec(fresh)?.index ?? -1);
        const length =
          typeof pattern === 'string' ? pattern.length : (pattern.exec(fresh)?.[0].length ?? 0);
        expect(index, `waiting for ${String(pattern)} in:\n${fresh}`).toBeGreaterThanOrEqual(0);
        found = fresh.slice(0, index + length);
        this.#read += index + length;
      },
      { timeout, interval: 25 },
    );
    return found;
  }

  /** Types a command line and returns what it printed up to the next prompt. */
  async run(command: string, prompt = 'T0000071> '): Promise<string> {
    this.type(`${command}\r`);
    return this.expect(prompt);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#port.isOpen) resolve();
      else this.#port.close(() => resolve());
    });
  }
}

describe('pos-console over a serial line, against a running terminal on simulated devices', () => {
  // One database for the whole session (useTestDatabase would empty it before each test).
  let database: TestDatabase;
  const reader = new FakeCardReader();
  const keypad = new FakeKeypad();
  const printer = new FakePrinter();
  const modem = new FakeModem({ rssi: 17, operator: 'ComboNet' });
  const stop = new AbortController();
  const logLines: string[] = [];
  let dir: string;
  let configFile: string;
  let socketPath: string;
  let host: LiveHost;
  let terminalExit: Promise<number>;
  let pty: PtyPair;
  let consoleProcess: ChildProcess;
  let consoleOutput = '';
  let tech: Technician;

  /** Waits until the flow enters `state` (after the log line `from`), as its debug log says. */
  async function flowReaches(state: string, from: number): Promise<number> {
    let at = -1;
    await vi.waitFor(
      () => {
        at = logLines.findIndex(
          (line, index) => index >= from && line.includes(`"state":"${state}"`),
        );
        expect(at, `flow never reached ${state}`).toBeGreaterThanOrEqual(0);
      },
      { timeout: 20_000, interval: 25 },
    );
    return at + 1;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'combopay-console-'));
    database = await openTestDatabase('pglite');
    host = await LiveHost.start(database.db);
    const { terminalId, key } = await host.addTerminal('T0000071');
    configFile = await writeTerminalConfig(dir, {
      terminalId,
      key,
      hostUrl: host.url,
      simulatorDevices: true,
    });
    // Debug: the flow logs each state it enters, which the test follows.
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(configFile, JSON.stringify({ ...config, logLevel: 'debug' }));
    socketPath = path.join(dir, 'control.sock');
    // The terminal as `pos-terminal --config …` runs it, in this process so that the test can
    // tap the fake phone and press the fake keys; its display draws into a buffer.
    const output = Object.assign(new PassThrough(), { columns: 48, rows: 18 });
    output.resume();
    terminalExit = runPosTerminal(['--config', configFile], {
      stdout: () => undefined,
      stderr: (text) => logLines.push(text),
      env: {},
      stop: stop.signal,
      logDestination: { write: (line: string) => logLines.push(line) },
      board: {
        devices: { reader, keypad, printer, modem },
        input: new PassThrough(),
        output,
        consoleFacts: { term: 'xterm', override: undefined, ancestors: [] },
      },
    });
    await vi.waitFor(
      () => {
        expect(existsSync(socketPath)).toBe(true);
        expect(logLines.join('')).toContain('terminal started');
      },
      { timeout: 30_000, interval: 50 },
    );

    // pos-console on one end of the cable, as pos-console@ttyS0.service starts it.
    pty = await openPtyPair();
    consoleProcess = spawn(
      process.execPath,
      ['--import', 'tsx', CONSOLE_MAIN, '--tty', pty.b, '--baud', '115200', '--socket', socketPath],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    consoleProcess.stdout?.on('data', (chunk: Buffer) => (consoleOutput += chunk.toString()));
    consoleProcess.stderr?.on('data', (chunk: Buffer) => (consoleOutput += chunk.toString()));
    tech = await Technician.open(pty.a);
  }, 60_000);

  afterAll(async () => {
    await tech.close();
    consoleProcess.kill('SIGKILL');
    stop.abort();
    await terminalExit.catch(() => undefined);
    await pty.close();
    await host.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for the password without echoing it, refuses a wrong one, then signs in', async () => {
    // The console prints its banner when it starts; Enter shows the prompt again if missed.
    tech.type('\r');
    await tech.expect('Password: ', 20_000);
    tech.type('not-the-password\r');
    const refused = await tech.expect('Password: ');
    expect(refused).toMatch(/wrong password/i);
    expect(refused).toMatch(/2 tries left/i);
    tech.type(`${TEST_TECHNICIAN_PASSWORD}\r`);
    const welcome = await tech.expect('T0000071> ');
    expect(welcome).toContain(`Signed in to terminal T0000071 (software ${SOFTWARE_VERSION})`);
    // Neither password ever came back over the line.
    expect(tech.screen).not.toContain('not-the-password');
    expect(tech.screen).not.toContain(TEST_TECHNICIAN_PASSWORD);
    expect(logLines.join('')).not.toContain(TEST_TECHNICIAN_PASSWORD);
  }, 60_000);

  it('help lists every command, and help <command> explains one', async () => {
    const help = await tech.run('help');
    for (const command of [
      'status',
      'test reader',
      'test printer',
      'test keypad',
      'modem at',
      'config show',
      'config set',
      'journal list',
      'journal show',
      'logs tail',
      'sign-in',
      'settle',
      'restart',
      'logout',
    ]) {
      expect(help).toContain(command);
    }
    const one = await tech.run('help journal show');
    expect(one).toMatch(/journal show <id>/);
    const unknown = await tech.run('frobnicate');
    expect(unknown).toMatch(/unknown command.*frobnicate/i);
  });

  it('status shows the terminal, host, modem, reader, printer and journal', async () => {
    const status = await tech.run('status');
    expect(status).toContain(SOFTWARE_VERSION);
    expect(status).toContain('T0000071');
    expect(status).toMatch(/idle, batch \d{6}/);
    expect(status).toMatch(new RegExp(`${host.url.replace(/[/.]/g, '\\$&')} reachable, \\d+ ms`));
    // rssi 17 is -79 dBm, three bars; registered at home on ComboNet.
    expect(status).toMatch(/signal 3\/5.*-79.*home, ComboNet/);
    expect(status).toMatch(/Reader\s+present/i);
    expect(status).toMatch(/paper ok, cover closed, online/);
    expect(status).toMatch(/0 entries|total 0/i);
  });

  it('test reader waits for a tap and shows the UID, ATR and applet reply, not the token', async () => {
    const token = 'console-test-token-0123456789';
    tech.type('test reader\r');
    await tech.expect(/tap/i);
    reader.tap({ uid: '04A1B2C3D4E5F6', token });
    const result = await tech.expect('T0000071> ');
    expect(result).toContain('04A1B2C3D4E5F6');
    expect(result).toMatch(/3B ?80 ?80 ?01 ?01/);
    const fingerprint = createHash('sha256').update(token).digest('hex').slice(0, 8);
    expect(result).toContain(fingerprint);
    expect(result).toContain(String(token.length));
    expect(tech.screen).not.toContain(token);
    reader.pull();
  });

  it('test printer prints a test page on the terminal printer', async () => {
    const before = printer.printed.length;
    const result = await tech.run('test printer');
    expect(result).toMatch(/printed/i);
    expect(printer.printed).toHaveLength(before + 1);
    const page = printer.printed[before];
    if (page?.kind !== 'test-page') throw new Error(`printed ${page?.kind} instead of a test page`);
    const text = renderDocumentText(page).join('\n');
    expect(text).toContain('T0000071');
    expect(text).toContain(SOFTWARE_VERSION);
  });

  it('test keypad echoes the keys until Ctrl-C, and the cashier flow does not see them', async () => {
    tech.type('test keypad\r');
    await tech.expect(/Ctrl-C/);
    keypad.press('5', 'OK', 'CANCEL');
    await tech.expect(/5[\s\S]*OK[\s\S]*CANCEL/);
    tech.type('\x03');
    const end = await tech.expect('T0000071> ');
    expect(end).toMatch(/3 keys/);
    // OK in idle would have opened the menu; the flow is still idle.
    expect(await tech.run('status')).toMatch(/idle, batch/);
  });

  it('modem at passes a command through and shows the modem reply', async () => {
    // Typed with a slip mended by Backspace, as a technician would.
    // (The editor redraws the line, prompt included, after the Backspace.)
    tech.type('modem at AT+CSX\x7fQ\r');
    await tech.expect('+CSQ: 17,99');
    expect(await tech.expect('T0000071> ')).toContain('OK');
    // Up arrow brings the command back; Enter runs it again.
    tech.type('\x1b[A\r');
    expect(await tech.expect('+CSQ: 17,99')).toContain('modem at AT+CSQ');
    await tech.expect('T0000071> ');
    const bad = await tech.run('modem at ATD123;');
    expect(bad).toMatch(/error/i);
  });

  it('config show masks secrets; config set validates, names the field, and writes the file', async () => {
    const shown = await tech.run('config show');
    expect(shown).toMatch(/terminalId\s+=\s+"T0000071"/);
    expect(shown).toMatch(/supervisorPasswordHash\s+=\s+"\(set\)"/);
    expect(shown).toMatch(/console\.passwordHash\s+=\s+"\(set\)"/);
    expect(shown).not.toMatch(/scrypt\$/);

    const original = readFileSync(configFile, 'utf8');
    const refused = await tech.run('config set host.retries 99');
    expect(refused).toMatch(/host\.retries/);
    expect(readFileSync(configFile, 'utf8')).toBe(original);
    const secret = await tech.run('config set supervisorPasswordHash x');
    expect(secret).toMatch(/password hash/i);
    expect(readFileSync(configFile, 'utf8')).toBe(original);

    const changed = await tech.run('config set host.retries 3');
    expect(changed).toMatch(/restart/i);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toMatchObject({ host: { retries: 3 } });
    expect(await tech.run('config show')).toMatch(/host\.retries\s+=\s+3\s+\(file\)/);
  });

  it('sign-in signs in to the host again and shows the batch', async () => {
    const result = await tech.run('sign-in');
    expect(result).toMatch(/batch\s+\d{6}/i);
  });

  it('journal list and show read the journal, and settle closes the batch with the host', async () => {
    // A sale by the cashier and the customer, through the terminal's own keypad and reader.
    const card = await host.enroll(50_000);
    let mark = logLines.length;
    reader.tap({ uid: card.uid, token: card.token });
    mark = await flowReaches('menu', mark);
    keypad.type('1');
    mark = await flowReaches('amount', mark);
    keypad.type('1250{OK}');
    mark = await flowReaches('pin', mark);
    keypad.type(`${card.pin}{OK}`);
    mark = await flowReaches('code.entering', mark);
    keypad.type(`${await host.latestCode(card.msisdn)}{OK}`);
    mark = await flowReaches('approved.done', mark);
    expect(printer.printed.some((document) => document.kind === 'sales-slip')).toBe(true);
    reader.pull();
    keypad.type('{OK}');
    await flowReaches('idle', mark);

    const list = await tech.run('journal list');
    expect(list).toMatch(/sale/);
    expect(list).toContain('CNY 12.50');
    const id = /^\s*(\d+)\s+.*sale/m.exec(list)?.[1];
    expect(id).toBeDefined();
    const entry = await tech.run(`journal show ${id}`);
    expect(entry).toMatch(/completed|approved/);
    expect(entry).toContain('CNY 12.50');
    expect(entry).not.toContain(card.token);
    expect(await tech.run('journal show 9999')).toMatch(/TRANSACTION_NOT_FOUND|no journal entry/);

    tech.type('settle\r');
    const preview = await tech.expect(/\[y\/N\]/i);
    expect(preview).toContain('CNY 12.50');
    tech.type('y\r');
    const settled = await tech.expect('T0000071> ', 30_000);
    expect(settled).toMatch(/balanced/i);
    expect(printer.printed.at(-1)?.kind).toBe('settlement-report');
    // The cashier's display shows the result until OK: the terminal is busy, no restart.
    tech.type('restart\r');
    await tech.expect(/\[y\/N\]/i);
    tech.type('y\r');
    expect(await tech.expect('T0000071> ')).toMatch(/TERMINAL_BUSY/);
    mark = logLines.length;
    keypad.type('{OK}');
    await flowReaches('idle', mark);
  }, 90_000);

  it('logs tail shows the recent log lines, and -f follows them until Ctrl-C', async () => {
    const tail = await tech.run('logs tail 50');
    expect(tail).toMatch(/settlement started from the console/);
    tech.type('logs tail 1 -f\r');
    await tech.expect(/Ctrl-C/);
    // A second console signs in meanwhile: its log line shows up here as it happens.
    const other = net.connect(socketPath);
    other.write(`${JSON.stringify({ id: 1, op: 'login', password: TEST_TECHNICIAN_PASSWORD })}\n`);
    await tech.expect(/technician signed in to the console/);
    other.end();
    tech.type('\x03');
    await tech.expect('T0000071> ');
  });

  it('restart asks first, then stops the terminal with the restart status for systemd', async () => {
    tech.type('restart\r');
    await tech.expect(/\[y\/N\]/i);
    tech.type('n\r');
    await tech.expect('T0000071> ');
    tech.type('restart\r');
    await tech.expect(/\[y\/N\]/i);
    tech.type('y\r');
    expect(await terminalExit).toBe(RESTART_EXIT_CODE);
    // The console says so and, on a serial line, waits for the terminal to come back.
    await tech.expect(/restart/i);
    await tech.expect(/not running|retrying|connection/i, 20_000);
    expect(consoleOutput).not.toMatch(/at .*\.ts:\d+/);
  }, 60_000);
});
