import {
  existsSync,
  linkSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeKeypad } from '../../../drivers/keypad/FakeKeypad.js';
import { FakeCardReader } from '../../../drivers/nfc/FakeCardReader.js';
import { FakePrinter } from '../../../drivers/printer/FakePrinter.js';
import { createLogger } from '../../core/logger.js';
import { ManualClock } from '../../core/ManualClock.js';
import { PosError } from '../../core/PosError.js';
import { TEST_TECHNICIAN_PASSWORD, writeTerminalConfig } from '../../testing/terminalConfigFile.js';
import type { DeviceHold, Terminal } from '../createTerminal.js';
import type { ServiceTask } from '../flow/screenOf.js';
import { ConsoleLogin } from './ConsoleLogin.js';
import { MAX_LINE_BYTES, type ControlMessage } from './controlProtocol.js';
import { ControlServer } from './ControlServer.js';
import { ControlService } from './ControlService.js';
import { LogRing } from './LogRing.js';

/** A LogRing that counts its followers, to see that a console's `logs tail -f` ends. */
class CountingRing extends LogRing {
  followers = 0;

  override follow(listener: (line: string) => void): () => void {
    this.followers += 1;
    const unfollow = super.follow(listener);
    let done = false;
    return () => {
      if (!done) this.followers -= 1;
      done = true;
      unfollow();
    };
  }
}

/**
 * The part of a Terminal the console's operations use: the flow is idle, one device hold at a
 * time (as createTerminal's), and a journal whose reads fail unexpectedly (for `INTERNAL`).
 */
class StubTerminal {
  hold: ServiceTask | undefined;
  readonly actor = { getSnapshot: () => ({ value: 'idle', context: {} }) };
  readonly journal = {
    list: (): never => {
      throw new Error('journal.db at /var/secret/path is corrupt');
    },
    get: () => undefined,
  };

  holdDevices(task: ServiceTask): DeviceHold {
    if (this.hold) throw new PosError('TERMINAL_BUSY', `already testing the ${this.hold}`);
    this.hold = task;
    const release = (): void => {
      if (this.hold === task) this.hold = undefined;
    };
    return { task, release };
  }
}

/** A console connection: sends requests, keeps every message the server sent. */
class Client {
  readonly received: ControlMessage[] = [];
  readonly closed: Promise<void>;
  #buffer = '';

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      for (let at = this.#buffer.indexOf('\n'); at >= 0; at = this.#buffer.indexOf('\n')) {
        this.received.push(JSON.parse(this.#buffer.slice(0, at)) as ControlMessage);
        this.#buffer = this.#buffer.slice(at + 1);
      }
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static connect(socketPath: string, options: { allowHalfOpen?: boolean } = {}): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ path: socketPath, allowHalfOpen: options.allowHalfOpen });
      socket.once('connect', () => resolve(new Client(socket)));
      socket.once('error', reject);
    });
  }

  send(request: object): void {
    this.socket.write(`${JSON.stringify(request)}\n`);
  }

  /** The final reply to `id`, once it came. */
  async reply(id: number): Promise<Extract<ControlMessage, { ok: boolean }>> {
    return vi.waitFor(
      () => {
        const found = this.received.find(
          (message): message is Extract<ControlMessage, { ok: boolean }> =>
            message.id === id && 'ok' in message,
        );
        if (!found) throw new Error(`no reply to ${id} yet: ${JSON.stringify(this.received)}`);
        return found;
      },
      { timeout: 5_000, interval: 5 },
    );
  }

  /** The events of `id` so far, once there are at least `count`. */
  async events(id: number, count = 1): Promise<Record<string, unknown>[]> {
    return vi.waitFor(
      () => {
        const events = this.received.flatMap((message) =>
          message.id === id && 'event' in message ? [message.event] : [],
        );
        if (events.length < count) throw new Error(`${events.length} events of ${id} so far`);
        return events;
      },
      { timeout: 5_000, interval: 5 },
    );
  }

  async login(id = 1): Promise<void> {
    this.send({ id, op: 'login', password: TEST_TECHNICIAN_PASSWORD });
    expect(await this.reply(id)).toMatchObject({ ok: true });
  }

  close(): void {
    this.socket.destroy();
  }
}

const KEY = Buffer.alloc(32, 7).toString('base64url');

let dir: string;
let configFile: string;
let socketPath: string;
let passwordHash: string;
let clock: ManualClock;
let logs: CountingRing;
let terminal: StubTerminal;
let keypad: FakeKeypad;
let reader: FakeCardReader;
let requestRestart: ReturnType<typeof vi.fn>;
let server: ControlServer;
const clients: Client[] = [];

function makeServer(): ControlServer {
  const logger = createLogger({ name: 'terminal', level: 'debug', destination: logs });
  return new ControlServer({
    socketPath,
    idleLogoutMs: 600_000,
    logger,
    login: new ConsoleLogin({
      passwordHash,
      maxTries: 3,
      lockoutMs: 60_000,
      stateFile: path.join(dir, 'console-login.json'),
      clock,
      logger,
    }),
    service: new ControlService({
      terminal: terminal as unknown as Terminal,
      reader,
      keypad,
      printer: new FakePrinter(),
      logs,
      terminalId: 'T0000071',
      hostUrl: 'http://127.0.0.1:8080',
      currency: 'CNY',
      language: 'en',
      version: '9.9.9',
      configFile,
      env: {},
      clock,
      logger,
      requestRestart: requestRestart as () => void,
    }),
  });
}

async function connect(options: { allowHalfOpen?: boolean } = {}): Promise<Client> {
  const client = await Client.connect(socketPath, options);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'control-hash-'));
  const file = await writeTerminalConfig(scratch, {
    terminalId: 'T0000071',
    key: KEY,
    hostUrl: 'http://127.0.0.1:8080',
  });
  passwordHash = (JSON.parse(readFileSync(file, 'utf8')) as { console: { passwordHash: string } })
    .console.passwordHash;
  rmSync(scratch, { recursive: true, force: true });
});

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'control-server-'));
  configFile = await writeTerminalConfig(dir, {
    terminalId: 'T0000071',
    key: KEY,
    hostUrl: 'http://127.0.0.1:8080',
  });
  socketPath = path.join(dir, 'run', 'control.sock');
  clock = new ManualClock();
  logs = new CountingRing({ capacity: 1000 });
  terminal = new StubTerminal();
  keypad = new FakeKeypad();
  reader = new FakeCardReader({ clock });
  await Promise.all([keypad.open(), reader.open()]);
  requestRestart = vi.fn();
  server = makeServer();
  await server.listen();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server.close('test over');
  rmSync(dir, { recursive: true, force: true });
});

describe('ControlServer', () => {
  it('listens on a socket file of mode 0600', () => {
    expect(statSync(socketPath).isSocket()).toBe(true);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
  });

  it('refuses every request but login before a login, and changes nothing', async () => {
    const client = await connect();
    const config = readFileSync(configFile);
    const requests = [
      { id: 1, op: 'status' },
      { id: 2, op: 'configSet', path: 'operator', value: '07' },
      { id: 3, op: 'restart' },
      { id: 4, op: 'testKeypad' },
      { id: 5, op: 'logsTail', follow: true },
      { id: 6, op: 'configShow' },
      { id: 7, op: 'cancel', target: 4 },
      { id: 8, op: 'logout' },
    ];
    for (const request of requests) {
      client.send(request);
      expect(await client.reply(request.id)).toMatchObject({
        ok: false,
        error: { code: 'CONSOLE_LOGIN_REQUIRED' },
      });
    }
    expect(readFileSync(configFile).equals(config)).toBe(true);
    expect(requestRestart).not.toHaveBeenCalled();
    expect(terminal.hold).toBeUndefined();
    expect(logs.followers).toBe(0);
    expect(client.received).toHaveLength(requests.length);
  });

  it('a wrong password is refused and signs nothing in; the right one does', async () => {
    const client = await connect();
    client.send({ id: 1, op: 'login', password: 'not-it' });
    expect(await client.reply(1)).toMatchObject({
      ok: false,
      error: { code: 'CONSOLE_PASSWORD_WRONG', details: { triesLeft: 2 } },
    });
    client.send({ id: 2, op: 'status' });
    expect(await client.reply(2)).toMatchObject({ error: { code: 'CONSOLE_LOGIN_REQUIRED' } });
    client.send({ id: 3, op: 'login', password: TEST_TECHNICIAN_PASSWORD });
    expect(await client.reply(3)).toEqual({
      id: 3,
      ok: true,
      result: { terminalId: 'T0000071', version: '9.9.9', idleLogoutMs: 600_000 },
    });
    const logged = logs.tail(1000).join('\n');
    expect(logged).not.toContain(TEST_TECHNICIAN_PASSWORD);
    expect(logged).not.toContain('not-it');
  });

  it('answers malformed and invalid requests with VALIDATION_FAILED naming the field, and goes on', async () => {
    const client = await connect();
    client.socket.write('{"id": 1, "op": \n');
    expect(await client.reply(0)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    await client.login(2);
    client.send({ id: 3, op: 'testReader', timeoutMs: 5 });
    const invalid = await client.reply(3);
    expect(invalid).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(JSON.stringify(invalid)).toContain('timeoutMs');
    client.send({ id: 4, op: 'journalShow', entry: 1, extra: true });
    expect(JSON.stringify(await client.reply(4))).toContain('extra');
    client.send({ id: 5, op: 'configSet', path: '../etc', value: 1 });
    expect(JSON.stringify(await client.reply(5))).toContain('path');
    client.send({ id: 6, op: 'logsTail', lines: 5 });
    const tail = await client.reply(6);
    expect(tail.ok).toBe(true);
    expect(Array.isArray((tail as { result: { lines: unknown } }).result.lines)).toBe(true);
  });

  it('never repeats a password in a VALIDATION_FAILED reply or the logs', async () => {
    const client = await connect();
    const long = `hunter2-${'x'.repeat(300)}`;
    client.send({ id: 1, op: 'login', password: long });
    client.send({ id: 2, op: 'login', password: 'hunter2-extra', remember: true });
    client.send({ id: 3, op: 'lgoin', password: 'hunter2-typo' });
    client.send({ id: 4, op: 'login', password: ['hunter2-array'] });
    for (const id of [1, 2, 3, 4]) {
      const reply = await client.reply(id);
      expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(JSON.stringify(reply)).not.toContain('hunter2');
    }
    expect(logs.tail(1000).join('\n')).not.toContain('hunter2');
  });

  it('refuses a second request while a streaming one runs; cancel ends it, then its reply', async () => {
    const client = await connect();
    await client.login();
    client.send({ id: 2, op: 'testKeypad' });
    await vi.waitFor(() => expect(terminal.hold).toBe('keypad'));
    keypad.type('5');
    expect(await client.events(2)).toEqual([{ type: 'key', key: '5' }]);
    client.send({ id: 3, op: 'status' });
    expect(await client.reply(3)).toMatchObject({ ok: false, error: { code: 'CONSOLE_BUSY' } });
    client.send({ id: 4, op: 'cancel', target: 2 });
    expect(await client.reply(4)).toEqual({ id: 4, ok: true, result: {} });
    expect(await client.reply(2)).toEqual({ id: 2, ok: true, result: { keys: 1 } });
    const order = client.received.map((message) => message.id);
    expect(order.indexOf(4)).toBeLessThan(order.lastIndexOf(2));
    expect(terminal.hold).toBeUndefined();
    expect(clock.pendingTimers).toBe(0);
    // The connection is free again.
    client.send({ id: 5, op: 'logsTail', lines: 1 });
    expect(await client.reply(5)).toMatchObject({ ok: true });
  });

  it('a dropped connection ends its testKeypad: the hold is released and the timer cleared', async () => {
    const client = await connect();
    await client.login();
    client.send({ id: 2, op: 'testKeypad' });
    await vi.waitFor(() => expect(terminal.hold).toBe('keypad'));
    client.close();
    await vi.waitFor(() => expect(terminal.hold).toBeUndefined());
    expect(clock.pendingTimers).toBe(0);
  });

  it('a dropped connection ends its testReader: the hold is released and the timer cleared', async () => {
    const client = await connect();
    await client.login();
    client.send({ id: 2, op: 'testReader' });
    expect(await client.events(2)).toEqual([{ type: 'waiting' }]);
    expect(terminal.hold).toBe('reader');
    client.close();
    await vi.waitFor(() => expect(terminal.hold).toBeUndefined());
    expect(clock.pendingTimers).toBe(0);
    // The next console can test the reader.
    const next = await connect();
    await next.login();
    next.send({ id: 2, op: 'testReader' });
    await next.events(2);
    reader.tap({ uid: '04A1B2C3' });
    expect(await next.reply(2)).toMatchObject({ ok: true, result: { uid: '04A1B2C3' } });
    expect(terminal.hold).toBeUndefined();
  });

  it('logsTail follow streams lines until cancel; a dropped connection stops following', async () => {
    const client = await connect();
    await client.login();
    client.send({ id: 2, op: 'logsTail', lines: 1, follow: true });
    await vi.waitFor(() => expect(logs.followers).toBe(1));
    logs.write('{"msg":"fresh line"}\n');
    const events = await client.events(2, 2);
    expect(events.at(-1)).toEqual({ type: 'line', line: '{"msg":"fresh line"}' });
    client.send({ id: 3, op: 'cancel', target: 2 });
    expect(await client.reply(2)).toEqual({ id: 2, ok: true, result: { lines: [] } });
    expect(logs.followers).toBe(0);

    client.send({ id: 4, op: 'logsTail', follow: true });
    await vi.waitFor(() => expect(logs.followers).toBe(1));
    client.close();
    await vi.waitFor(() => expect(logs.followers).toBe(0));
  });

  it('logsTail answers in one protocol line however many and long the lines are', async () => {
    const client = await connect();
    await client.login();
    for (let n = 0; n < 1000; n += 1) logs.write(`{"n":${n},"msg":"${'m'.repeat(200)}"}\n`);
    logs.write(`{"msg":"a stack","stack":"${'s'.repeat(100_000)}"}\n`);
    client.send({ id: 2, op: 'logsTail', lines: 1000 });
    const reply = await client.reply(2);
    expect(reply.ok).toBe(true);
    const lines = (reply as { result: { lines: string[] } }).result.lines;
    expect(Buffer.byteLength(JSON.stringify(reply))).toBeLessThanOrEqual(MAX_LINE_BYTES);
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.at(-1)).toMatch(/^\{"msg":"a stack".*…\(cut\)$/);
    expect(lines.at(-2)).toContain('"n":999');
    // The connection is still usable.
    client.send({ id: 3, op: 'logsTail', lines: 1, follow: true });
    await client.events(3);
    logs.write(`${'z'.repeat(100_000)}\n`);
    const events = await client.events(3, 2);
    expect(String(events.at(-1)?.line)).toMatch(/^z+ …\(cut\)$/);
    client.send({ id: 4, op: 'cancel', target: 3 });
    expect(await client.reply(3)).toMatchObject({ ok: true });
  });

  it('closes the connection on a line longer than MAX_LINE_BYTES, whole in one write', async () => {
    const client = await connect();
    client.socket.write(`${'x'.repeat(MAX_LINE_BYTES + 100)}\n`);
    await client.closed;
  });

  it('closes the connection on a long line that follows a short one in the same write', async () => {
    const client = await connect();
    client.socket.write(`{"id":1,"op":"status"}\n${'x'.repeat(MAX_LINE_BYTES + 100)}`);
    await client.closed;
    expect(client.received[0]).toMatchObject({ id: 1, error: { code: 'CONSOLE_LOGIN_REQUIRED' } });
  });

  it('closes the connection on a long line sent bit by bit', async () => {
    const client = await connect();
    for (let sent = 0; sent <= MAX_LINE_BYTES && !client.socket.destroyed; sent += 8192) {
      client.socket.write('y'.repeat(8192));
    }
    await client.closed;
  });

  it('runs nothing after logout, even what the console sends before it sees the end', async () => {
    const client = await connect({ allowHalfOpen: true });
    await client.login();
    const config = readFileSync(configFile);
    const ended = new Promise((resolve) => client.socket.once('end', resolve));
    client.send({ id: 2, op: 'logout' });
    expect(await client.reply(2)).toEqual({ id: 2, ok: true, result: {} });
    await ended;
    client.send({ id: 3, op: 'configSet', path: 'operator', value: '07' });
    client.send({ id: 4, op: 'restart' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readFileSync(configFile).equals(config)).toBe(true);
    expect(requestRestart).not.toHaveBeenCalled();
  });

  it('answers an unexpected error as INTERNAL, without its message or stack', async () => {
    const client = await connect();
    await client.login();
    client.send({ id: 2, op: 'journalList' });
    const reply = await client.reply(2);
    expect(reply).toEqual({
      id: 2,
      ok: false,
      error: { code: 'INTERNAL', message: 'internal error (see logs)' },
    });
    expect(JSON.stringify(reply)).not.toContain('secret');
    expect(logs.tail(1000).join('\n')).toContain('failed unexpectedly');
  });

  it('close says bye to every console, ends running tests, and removes the socket file', async () => {
    const first = await connect();
    const second = await connect();
    await first.login();
    first.send({ id: 2, op: 'testKeypad' });
    await vi.waitFor(() => expect(terminal.hold).toBe('keypad'));
    await server.close('restart');
    await Promise.all([first.closed, second.closed]);
    for (const client of [first, second]) {
      expect(client.received).toContainEqual({ id: 0, event: { type: 'bye', reason: 'restart' } });
    }
    expect(terminal.hold).toBeUndefined();
    expect(existsSync(socketPath)).toBe(false);
    await expect(server.close('again')).resolves.toBeUndefined();
  });

  it('listen replaces a stale socket file', async () => {
    // A socket file nobody listens on, as a crashed terminal leaves behind.
    const stale = path.join(dir, 'stale.sock');
    linkSync(socketPath, stale);
    await server.close('moving');
    expect(statSync(stale).isSocket()).toBe(true);
    socketPath = stale;
    server = makeServer();
    await server.listen();
    const client = await connect();
    await client.login();
  });

  it('listen refuses a socket file another server answers on, and leaves it alone', async () => {
    const rival = makeServer();
    await expect(rival.listen()).rejects.toMatchObject({ code: 'TERMINAL_BUSY' });
    const client = await connect();
    await client.login();
  });

  it('listen does not delete a file that is not a socket', async () => {
    const plain = path.join(dir, 'plain-file');
    writeFileSync(plain, 'keep me');
    socketPath = plain;
    const other = makeServer();
    await expect(other.listen()).rejects.toThrow();
    expect(readFileSync(plain, 'utf8')).toBe('keep me');
    socketPath = path.join(dir, 'run', 'control.sock');
  });
});
