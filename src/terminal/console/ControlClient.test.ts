import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionLostError } from './ConnectionLostError.js';
import { ControlClient } from './ControlClient.js';
import { ControlError } from './ControlError.js';
import { MAX_LINE_BYTES } from '../control/controlProtocol.js';

/** A raw server: the test sees every line and writes any bytes back. */
interface Raw {
  lines: unknown[];
  socket: Promise<net.Socket>;
  nextLine(): Promise<Record<string, unknown>>;
}

let dir: string;
let socketPath: string;
let server: net.Server;
let raw: Raw;
const connections = new Set<net.Socket>();

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'control-client-'));
  socketPath = path.join(dir, 'control.sock');
  const lines: Record<string, unknown>[] = [];
  const waiting: ((line: Record<string, unknown>) => void)[] = [];
  let accept!: (socket: net.Socket) => void;
  const socket = new Promise<net.Socket>((resolve) => (accept = resolve));
  server = net.createServer((connection) => {
    connections.add(connection);
    accept(connection);
    let buffered = '';
    connection.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>;
        buffered = buffered.slice(newline + 1);
        const waiter = waiting.shift();
        if (waiter) waiter(line);
        else lines.push(line);
      }
    });
    connection.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  raw = {
    lines,
    socket,
    nextLine: () =>
      new Promise((resolve) => {
        const line = lines.shift();
        if (line) resolve(line);
        else waiting.push(resolve);
      }),
  };
});

afterEach(async () => {
  for (const connection of connections) connection.destroy();
  connections.clear();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('ControlClient', () => {
  it('fails to connect with the system error code', async () => {
    await expect(ControlClient.connect(path.join(dir, 'missing.sock'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('numbers requests from 1, reads replies split across reads and joined in one', async () => {
    const client = await ControlClient.connect(socketPath);
    const socket = await raw.socket;
    const first = client.request({ op: 'status' });
    expect(await raw.nextLine()).toEqual({ id: 1, op: 'status' });
    const reply = JSON.stringify({ id: 1, ok: true, result: { a: 'é' } });
    const bytes = Buffer.from(`${reply}\n`);
    socket.write(bytes.subarray(0, 10));
    socket.write(bytes.subarray(10, bytes.indexOf(0xc3) + 1)); // cuts the UTF-8 of é in two
    socket.write(bytes.subarray(bytes.indexOf(0xc3) + 1));
    expect(await first).toEqual({ a: 'é' });
    const second = client.request({ op: 'journalShow', entry: 3 });
    expect(await raw.nextLine()).toEqual({ id: 2, op: 'journalShow', entry: 3 });
    socket.write(
      `${JSON.stringify({ id: 2, event: { type: 'x' } })}\n${JSON.stringify({ id: 2, ok: true, result: 2 })}\n`,
    );
    expect(await second).toBe(2);
    client.close();
  });

  it('delivers events to the running request and rejects ok:false with ControlError', async () => {
    const client = await ControlClient.connect(socketPath);
    const socket = await raw.socket;
    const events: unknown[] = [];
    const running = client.request({ op: 'testKeypad' }, (event) => events.push(event));
    await raw.nextLine();
    socket.write(`${JSON.stringify({ id: 1, event: { type: 'key', key: '5' } })}\n`);
    // Another request while one runs is refused without sending anything.
    await expect(client.request({ op: 'status' })).rejects.toThrow(/still running/);
    const cancelled = client.cancel();
    // The refused request used no id.
    expect(await raw.nextLine()).toEqual({ id: 2, op: 'cancel', target: 1 });
    socket.write(`${JSON.stringify({ id: 2, ok: true, result: {} })}\n`);
    await cancelled;
    socket.write(
      `${JSON.stringify({ id: 1, ok: false, error: { code: 'TERMINAL_BUSY', message: 'busy', details: { a: 1 } } })}\n`,
    );
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlError);
    expect(error).toMatchObject({ code: 'TERMINAL_BUSY', message: 'busy' });
    expect((error as ControlError).detail('a')).toBe(1);
    expect(events).toEqual([{ type: 'key', key: '5' }]);
    client.close();
  });

  it('checks requests against the protocol before sending them', async () => {
    const client = await ControlClient.connect(socketPath);
    await expect(client.request({ op: 'modemAt', command: 'ATI\nAT' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(
      client.request({ op: 'configSet', path: 'x', value: 'y'.repeat(MAX_LINE_BYTES) }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: 'the request is too long' });
    client.close();
    expect(raw.lines).toEqual([]);
  });

  it.each([
    ['a line that is not JSON', 'nonsense\n', 'not JSON'],
    ['a message off the protocol', '{"id":1,"ok":true}\n', 'does not match'],
    ['a line over the limit', 'x'.repeat(MAX_LINE_BYTES + 1), 'longer than'],
  ])('ends the connection on %s, rejecting the request', async (_name, bytes, reason) => {
    const client = await ControlClient.connect(socketPath);
    const socket = await raw.socket;
    const pending = client.request({ op: 'status' });
    await raw.nextLine();
    socket.write(bytes);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as ConnectionLostError).reason).toContain(reason);
    expect(client.closedBecause).toContain(reason);
  });

  it('reports bye and the close; pending requests reject', async () => {
    const client = await ControlClient.connect(socketPath);
    const socket = await raw.socket;
    const byes: string[] = [];
    const closes: string[] = [];
    client.onBye((reason) => byes.push(reason));
    client.onClose((reason) => closes.push(reason));
    const pending = client.request({ op: 'settle' });
    await raw.nextLine();
    socket.end(`${JSON.stringify({ id: 0, event: { type: 'bye', reason: 'restart' } })}\n`);
    await expect(pending).rejects.toBeInstanceOf(ConnectionLostError);
    expect(byes).toEqual(['restart']);
    expect(closes).toEqual(['closed by the terminal']);
    await expect(client.request({ op: 'status' })).rejects.toBeInstanceOf(ConnectionLostError);
  });
});
