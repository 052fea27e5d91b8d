import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsolePort } from './ConsolePort.js';
import type { LoginResult } from '../control/controlProtocol.js';
import { FakeControlServer, type FakeControlServerOptions } from './FakeControlServer.js';
import { runPosConsole } from './runPosConsole.js';
import { sampleFakeHandlers } from './sampleFakeHandlers.js';
import { VirtualScreen } from './VirtualScreen.js';

const PASSWORD = 'Tech-Secret-9';
const UP = '\x1b[A';
const CTRL_C = '\x03';
const CTRL_D = '\x04';

let dir: string;
let socketPath: string;
const servers: FakeControlServer[] = [];
const stops: AbortController[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pos-console-'));
  socketPath = path.join(dir, 'control.sock');
});

afterEach(async () => {
  for (const stop of stops.splice(0)) stop.abort();
  for (const server of servers.splice(0)) await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function startServer(
  login?: Partial<LoginResult>,
  options: Partial<FakeControlServerOptions> = {},
): Promise<FakeControlServer> {
  const server = new FakeControlServer({
    password: PASSWORD,
    login: { terminalId: 'T0000001', version: '0.1.0', idleLogoutMs: 600_000, ...login },
    handlers: sampleFakeHandlers(),
    ...options,
  });
  await server.listen(socketPath);
  servers.push(server);
  return server;
}

/** The console on a pipe (or a fake serial port with `tty`), as a technician sees it. */
function startConsole(options: { tty?: boolean; argv?: string[] } = {}) {
  const input = new PassThrough();
  const screen = new VirtualScreen();
  let output = '';
  let stderr = '';
  let seen = 0;
  const write = (text: string): void => {
    output += text;
    screen.write(text);
  };
  const stop = new AbortController();
  stops.push(stop);
  const port: ConsolePort = {
    write,
    onData: (listener) => input.on('data', listener),
    onEnd: (listener) => input.on('end', () => listener('port closed')),
    close: () => Promise.resolve(),
  };
  const argv = options.argv ?? [
    '--socket',
    socketPath,
    ...(options.tty === true ? ['--tty', '/dev/ttyFAKE'] : []),
  ];
  const exit = runPosConsole(argv, {
    stdin: input,
    stdout: { write },
    stderr: (text) => (stderr += text),
    env: {},
    stop: stop.signal,
    openTty: () => Promise.resolve(port),
    retryDelayMs: 100,
  });
  let exitCode: number | undefined;
  void exit.then((code) => (exitCode = code));
  const console = {
    screen,
    stop,
    exit,
    get output() {
      return output;
    },
    get stderr() {
      return stderr;
    },
    get exitCode() {
      return exitCode;
    },
    type(text: string): void {
      input.write(text);
    },
    end(): void {
      input.end();
    },
    /** Waits until `text` appears after what was waited for before; returns what came between. */
    async expect(text: string, timeoutMs = 5_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = output.indexOf(text, seen);
        if (index !== -1) {
          const between = output.slice(seen, index + text.length);
          seen = index + text.length;
          return between;
        }
        if (Date.now() > deadline) {
          throw new Error(`"${text}" did not appear; the screen shows:\n${screen.text}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    /** Waits until the cursor's line reads `line`. */
    async expectLine(line: string, timeoutMs = 5_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (screen.currentLine !== line) {
        if (Date.now() > deadline) {
          throw new Error(`the line reads "${screen.currentLine}", not "${line}"`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    /** Types a command at the prompt and waits for the next prompt; returns the output. */
    async run(line: string, prompt = 'T0000001> '): Promise<string> {
      input.write(`${line}\r`);
      return console.expect(`\r\n${prompt}`);
    },
    async signIn(): Promise<void> {
      await console.expect('Password: ');
      input.write(`${PASSWORD}\r`);
      await console.expect('T0000001> ');
    },
  };
  return console;
}

describe('pos-console on stdin/stdout', () => {
  it('asks for the password without echo, says how many tries are left, signs in', async () => {
    const server = await startServer();
    const c = startConsole();
    const banner = await c.expect('Password: ');
    expect(banner).toContain('ComboPay technician console');
    expect(banner).toContain(socketPath);
    c.type('wrong-one\r');
    await c.expect('Wrong password. 2 tries left before the console locks.\r\nPassword: ');
    c.type(PASSWORD.slice(0, 4));
    c.type(`${PASSWORD.slice(4)}\r\n`); // CRLF is one Enter
    await c.expect(
      'Signed in to terminal T0000001 (software 0.1.0). Type help for commands.\r\nT0000001> ',
    );
    // Up at the first prompt recalls nothing: the password is not in the history.
    c.type(UP);
    c.type('status\r');
    const status = await c.expect('Uptime');
    expect(status).toContain('Host       https://host.example:8443 reachable, 42 ms');
    await c.expect('T0000001> ');
    c.type(`${UP}${UP}${UP}\r`);
    await c.expect('Uptime');
    await c.expect('T0000001> ');
    expect(c.screen.currentLine).toBe('T0000001>');
    c.type('logout\r');
    expect(await c.exit).toBe(0);
    await c.expect('Signed out.');
    expect(c.output).not.toContain(PASSWORD);
    expect(c.output).not.toContain('wrong-one');
    expect(c.output).not.toContain('*');
    expect(server.requests.map((request) => request.op)).toEqual([
      'login',
      'login',
      'status',
      'status',
      'logout',
    ]);
    expect(server.requests[1]).toMatchObject({ op: 'login', password: PASSWORD });
    // Ids increase across the session.
    const ids = server.requests.map((request) => request.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('runs every command and prints readable results and errors', async () => {
    const server = await startServer();
    const c = startConsole();
    await c.signIn();

    const help = await c.run('help');
    expect(help).toContain('journal list [N] [--batch BATCH]  the newest journal entries');
    expect(await c.run('help modem at')).toContain('example: modem at +CSQ');
    expect(await c.run('frobnicate')).toContain(
      'error: unknown command "frobnicate"; type help for the list',
    );
    expect(await c.run('journal list 0')).toContain(
      'error: N must be 1 to 100, not 0\r\nusage: journal list [N] [--batch BATCH]',
    );

    const reader = await c.run('test reader');
    expect(reader).toContain('Tap a phone on the reader (Ctrl-C stops)...');
    expect(reader).toContain('Card: UID 04A1B2C3D4E5F6  ATR 3B8F');
    expect(reader).toContain('account token of 32 bytes, fingerprint 9f86d081');

    expect(await c.run('test printer')).toContain(
      'Test page printed.\r\nPrinter: paper ok, cover closed, online',
    );

    expect(await c.run('modem at +CSQ')).toContain('+CSQ: 21,99\r\nOK');
    expect(await c.run('modem at +COPS?')).toContain('error MODEM_ERROR: the modem answered ERROR');

    expect(await c.run('config show')).toContain(
      'flow.inactivityMs    = 60000                         (default)',
    );
    const set = await c.run('config set host.url https://h:8443');
    expect(set).toContain('host.url: "https://host.example:8443" -> "https://h:8443"');
    expect(set).toContain('after a restart');
    expect(await c.run('config set logLevel "debug"')).toContain(
      'environment variable POS_LOG_LEVEL is set and wins',
    );
    expect(await c.run('config set flow.inactivityMs 5')).toContain(
      'error CONFIG_INVALID: flow.inactivityMs: must be at least 1000',
    );
    expect(await c.run('config set flow.inactivityMs default')).toContain(
      'flow.inactivityMs: 60000 -> "(default)"',
    );

    const journal = await c.run('journal list 20 --batch 000012');
    expect(journal).toMatch(/42 {2}\S+ \S+ {2}sale {5}000012\/000105 {2}12\.50 CNY {2}approved/);
    expect(await c.run('journal show 42')).toContain('authCode    A1B2C3');
    expect(await c.run('journal show 7')).toContain(
      'error TRANSACTION_NOT_FOUND: no journal entry 7',
    );

    const logs = await c.run('logs tail 5');
    expect(logs).toMatch(/\d\d:\d\d:\d\d INFO {2}terminal started\r\nnot json at all\r\n/);

    expect(await c.run('sign-in')).toContain(
      'Signed in. Batch 000012, merchant M000000000001 Corner Shop.',
    );

    c.type('settle\r');
    await c.expect('Reversals pending: 1');
    await c.expect('Settle batch 000012 now? [y/N] ');
    expect(await c.run('')).toContain('Not settled.');
    c.type('settle\r');
    await c.expect('Settle batch 000012 now? [y/N] ');
    const settled = await c.run('yes');
    expect(settled).toContain('Batch 000012 settled: OUT OF BALANCE.');
    expect(settled).toMatch(/Sales +3 +36\.00 CNY +3 +24\.00 CNY/);
    expect(settled).toContain('Next batch 000013.');

    c.type('restart\r');
    await c.expect('Restart the terminal now? [y/N] ');
    expect(await c.run('n')).toContain('Not restarted.');

    const requests = server.requests.filter((request) => request.op !== 'login');
    expect(requests.map(({ id: _id, ...rest }) => rest)).toEqual([
      { op: 'testReader' },
      { op: 'testPrinter' },
      { op: 'modemAt', command: 'AT+CSQ' },
      { op: 'modemAt', command: 'AT+COPS?' },
      { op: 'configShow' },
      { op: 'configSet', path: 'host.url', value: 'https://h:8443' },
      { op: 'configSet', path: 'logLevel', value: 'debug' },
      { op: 'configSet', path: 'flow.inactivityMs', value: 5 },
      { op: 'configSet', path: 'flow.inactivityMs', value: null },
      { op: 'journalList', limit: 20, batch: '000012' },
      { op: 'journalShow', entry: 42 },
      { op: 'journalShow', entry: 7 },
      { op: 'logsTail', lines: 5 },
      { op: 'signIn' },
      { op: 'settlePreview' },
      { op: 'settlePreview' },
      { op: 'settle' },
    ]);
    // Confirmations stay out of the history: Up recalls the commands.
    c.type(`${UP}${UP}`);
    await c.expectLine('T0000001> settle');
    c.type('\x15exit\r');
    expect(await c.exit).toBe(0);
  });

  it('sends cancel on Ctrl-C for streaming commands and ignores other keys meanwhile', async () => {
    const server = await startServer();
    const c = startConsole();
    await c.signIn();

    c.type('test keypad\r');
    await c.expect('key OK');
    c.type('abc\x7f\r');
    c.type(CTRL_C);
    const keypad = await c.expect('T0000001> ');
    expect(keypad).toContain('^C\r\n3 keys pressed.');
    expect(c.screen.currentLine).toBe('T0000001>');

    c.type('logs tail 2 -f\r');
    await c.expect('-- following; Ctrl-C stops --');
    await c.expect('heartbeat n=2');
    c.type(CTRL_C);
    await c.expect('T0000001> ');

    c.type('test reader\r');
    await c.expect('Tap a phone on the reader (Ctrl-C stops)...');
    c.type(CTRL_C);
    expect(await c.expect('T0000001> ')).toContain(
      'error CONSOLE_TIMEOUT: cancelled: no card read',
    );

    const cancels = server.requests.filter((request) => request.op === 'cancel');
    const targets = server.requests.filter((request) =>
      ['testKeypad', 'testReader'].includes(request.op),
    );
    const follow = server.requests.find((request) => request.op === 'logsTail' && request.follow);
    expect(follow).toBeDefined();
    expect(cancels.map((request) => request.target).sort()).toEqual(
      [...targets, follow].map((request) => request?.id).sort(),
    );
    // Nothing typed during the commands was run or left on the line.
    expect(server.requests.some((request) => request.op === 'status')).toBe(false);
    c.type(CTRL_D);
    expect(await c.exit).toBe(0);
  });

  it('signs out after idleLogoutMs without input', async () => {
    const server = await startServer({ idleLogoutMs: 300 });
    const c = startConsole();
    await c.signIn();
    const started = Date.now();
    await c.expect('Signed out after 300 ms without input.');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(await c.exit).toBe(0);
    expect(server.requests.at(-1)?.op).toBe('logout');
  });

  it('exits 1 with a clear line when the terminal service is not running', async () => {
    const c = startConsole();
    expect(await c.exit).toBe(1);
    expect(c.output).toContain(
      `The terminal service is not running (connect ${socketPath}: ENOENT). journalctl -u pos-terminal tells why.`,
    );
  });

  it('exits 1 when the connection drops, and after a bye with its reason', async () => {
    const server = await startServer();
    const c = startConsole();
    await c.signIn();
    server.drop();
    await c.expect('The connection to the terminal service was lost (closed by the terminal).');
    expect(await c.exit).toBe(1);

    const second = startConsole();
    await second.signIn();
    second.type('restart\r');
    await second.expect('Restart the terminal now? [y/N] ');
    second.type('y\r');
    await second.expect('The terminal restarts now');
    server.bye('restarting');
    await second.expect('The terminal is stopping: restarting');
    await second.expect('The connection to the terminal service was lost');
    expect(await second.exit).toBe(1);
    expect(server.requests.at(-1)?.op).toBe('restart');
  });

  it('works with everything piped at once, then the end of input', async () => {
    const server = await startServer();
    const c = startConsole();
    c.type(`${PASSWORD}\rstatus\rconfig show\r`);
    c.end();
    expect(await c.exit).toBe(0);
    expect(c.output).toContain('Uptime');
    expect(c.output).toContain('Config file /etc/pos-terminal/config.json');
    expect(server.requests.map((request) => request.op)).toEqual([
      'login',
      'status',
      'configShow',
      'logout',
    ]);
  });

  it('prints the usage and exits 2 on bad arguments; --help exits 0', async () => {
    const bad = startConsole({ argv: ['--baud', 'fast'] });
    expect(await bad.exit).toBe(2);
    expect(bad.stderr).toContain('pos-console: --baud must be a speed like 115200');
    expect(bad.stderr).toContain('usage: pos-console [--tty PATH]');
    const help = startConsole({ argv: ['--help'] });
    expect(await help.exit).toBe(0);
    expect(help.output).toContain('usage: pos-console');
  });
});

describe('pos-console on a serial tty', () => {
  it('goes back to the banner after a session, like getty', async () => {
    await startServer();
    const c = startConsole({ tty: true });
    await c.signIn();
    c.type('exit\r');
    await c.expect('Signed out.');
    await c.expect('ComboPay technician console');
    await c.signIn();
    c.type(CTRL_D);
    await c.expect('ComboPay technician console');
    await c.expect('Password: ');
    expect(c.exitCode).toBeUndefined();
    c.stop.abort();
    expect(await c.exit).toBe(0);
  });

  it('waits for the terminal service to come back, and Enter retries now', async () => {
    const c = startConsole({ tty: true });
    await c.expect(`The terminal service is not running (connect ${socketPath}: ENOENT).`);
    await c.expect('Enter tries now.');
    // Retrying every 100 ms (the test's delay) without repeating the same line.
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(c.output.split('is not running').length).toBe(2);
    const server = await startServer();
    c.type('\r');
    await c.expect('The terminal service is back.');
    await c.signIn();
    server.drop();
    await c.expect('The connection to the terminal service was lost');
    await c.expect('ComboPay technician console');
    await c.expect('Password: ');
    c.stop.abort();
    expect(await c.exit).toBe(0);
  });

  it('tells until when the console is locked and waits for Enter', async () => {
    const server = await startServer(undefined, { maxTries: 2 });
    const c = startConsole({ tty: true });
    await c.expect('Password: ');
    c.type('a\r');
    await c.expect('1 try left');
    c.type('b\r');
    await c.expect('The console is locked after too many wrong passwords, until ');
    await c.expect('Press Enter to try again.');
    c.type('typed ahead');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests).toHaveLength(2);
    c.type('\r');
    await c.expect('Password: ');
    expect(c.output).toMatch(/until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\./);
    c.stop.abort();
    expect(await c.exit).toBe(0);
  });

  it('exits 1 when the serial port goes away', async () => {
    await startServer();
    const c = startConsole({ tty: true });
    await c.signIn();
    c.end();
    expect(await c.exit).toBe(1);
    expect(c.stderr).toContain('pos-console: port closed');
  });
});
