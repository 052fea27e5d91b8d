import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ManualClock.js';
import { PosError } from '../../src/core/PosError.js';
import {
  AtChannel,
  commandLabel,
  RESYNC_MAX_MS,
  RESYNC_QUIET_MS,
  type AtUrc,
} from './AtChannel.js';
import { createBytePipe } from './memoryBytePipe.js';

/** A scripted modem on the far end of a pipe: collects what arrives, answers by hand. */
function rig(options: { timeoutMs?: number } = {}) {
  const clock = new ManualClock();
  const [near, far] = createBytePipe();
  const channel = new AtChannel({ stream: near, clock, timeoutMs: options.timeoutMs ?? 1000 });
  const received: string[] = [];
  far.onData((bytes) => received.push(Buffer.from(bytes).toString('latin1')));
  const reply = (text: string): Promise<void> => Promise.resolve(far.write(Buffer.from(text)));
  return { clock, near, far, channel, received, reply };
}

/** Lets queued microtasks (pipe deliveries) run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

async function rejection(promise: Promise<unknown>): Promise<PosError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PosError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('AtChannel', () => {
  it('writes the command with CR and resolves with its lines and final', async () => {
    const { channel, received, reply } = rig();
    const response = channel.send('AT+CSQ');
    await settle();
    expect(received).toEqual(['AT+CSQ\r']);
    await reply('AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n');
    await expect(response).resolves.toEqual({
      lines: ['+CSQ: 20,99'],
      final: { kind: 'ok', text: 'OK' },
    });
  });

  it('keeps one command in flight and runs the queue in order', async () => {
    const { channel, received, reply } = rig();
    const first = channel.send('AT+CSQ');
    const second = channel.send('AT+COPS?');
    await settle();
    expect(received).toEqual(['AT+CSQ\r']);
    await reply('\r\n+CSQ: 20,99\r\n\r\nOK\r\n');
    await expect(first).resolves.toMatchObject({ lines: ['+CSQ: 20,99'] });
    await settle();
    expect(received).toEqual(['AT+CSQ\r', 'AT+COPS?\r']);
    await reply('\r\n+COPS: 0,0,"CMCC",7\r\n\r\nOK\r\n');
    await expect(second).resolves.toMatchObject({ lines: ['+COPS: 0,0,"CMCC",7'] });
  });

  it('rejects ERROR, +CME ERROR and +CMS ERROR with MODEM_ERROR and the code', async () => {
    const { channel, reply } = rig();
    const plain = channel.send('AT+FOO');
    await settle();
    await reply('\r\nERROR\r\n');
    expect((await rejection(plain)).details).toEqual({ command: 'AT+FOO', final: 'error' });

    const cme = channel.send('AT+CPIN?');
    await settle();
    await reply('\r\n+CME ERROR: SIM not inserted\r\n');
    const cmeError = await rejection(cme);
    expect(cmeError.code).toBe('MODEM_ERROR');
    expect(cmeError.details).toEqual({
      command: 'AT+CPIN?',
      final: 'cme-error',
      cme: 'SIM not inserted',
    });

    const cms = channel.send('AT+CMGS=20');
    await settle();
    await reply('\r\n+CMS ERROR: 500\r\n');
    expect((await rejection(cms)).details).toMatchObject({ cms: 500 });
  });

  it('times out on the clock with MODEM_TIMEOUT naming the command, then runs the next', async () => {
    const { channel, clock, received, reply } = rig({ timeoutMs: 1000 });
    const slow = channel.send('AT+COPS=?', { timeoutMs: 3000 });
    const next = channel.send('AT');
    await settle();
    clock.advance(2999);
    await settle();
    expect(received).toEqual(['AT+COPS=?\r']);
    clock.advance(1);
    const error = await rejection(slow);
    expect(error.code).toBe('MODEM_TIMEOUT');
    expect(error.details).toEqual({ command: 'AT+COPS=?', timeoutMs: 3000 });
    await settle();
    // The modem answers the command that timed out, late: that answer must not become the
    // next command's. The channel drops it and sends the next only after a quiet spell.
    expect(received).toEqual(['AT+COPS=?\r']);
    await reply('\r\n+COPS: (2,"CHN-UNICOM")\r\n\r\nOK\r\n');
    clock.advance(RESYNC_QUIET_MS - 1);
    await settle();
    expect(received).toEqual(['AT+COPS=?\r']);
    clock.advance(1);
    await settle();
    expect(received).toEqual(['AT+COPS=?\r', 'AT\r']);
    await reply('\r\nOK\r\n');
    // Its own answer only: not the late +COPS line.
    const answer = await next;
    expect(answer.lines).toEqual([]);
    expect(answer.final).toMatchObject({ kind: 'ok' });
  });

  it('stops draining after RESYNC_MAX_MS on a line that never goes quiet', async () => {
    const { channel, clock, received, reply } = rig({ timeoutMs: 1000 });
    const slow = channel.send('AT+CSQ');
    const next = channel.send('AT');
    await settle();
    clock.advance(1000);
    expect((await rejection(slow)).code).toBe('MODEM_TIMEOUT');
    for (let waited = 0; waited < RESYNC_MAX_MS; waited += 200) {
      await reply('\r\nnoise\r\n');
      clock.advance(200);
      await settle();
    }
    expect(received).toEqual(['AT+CSQ\r', 'AT\r']);
    await reply('\r\nOK\r\n');
    await expect(next).resolves.toMatchObject({ final: { kind: 'ok' } });
  });

  it('delivers URCs, also in the middle of a reply, without mixing them into the lines', async () => {
    const { channel, reply } = rig();
    const urcs: AtUrc[] = [];
    channel.onUrc((urc) => urcs.push(urc));
    await reply('\r\n+CREG: 2\r\n');
    const response = channel.send('AT+CSQ');
    await settle();
    await reply('\r\n+CSQ: 3,99\r\n\r\n+CEREG: 0\r\n\r\nOK\r\n');
    await expect(response).resolves.toMatchObject({ lines: ['+CSQ: 3,99'] });
    expect(urcs).toEqual([{ lines: ['+CREG: 2'] }, { lines: ['+CEREG: 0'] }]);
  });

  it('sends the payload and Ctrl-Z after the prompt', async () => {
    const { channel, received, reply } = rig();
    const payload = '0011000B916407281553F80000AA0AE8329BFD4697D9EC37';
    const response = channel.sendWithPrompt('AT+CMGS=23', payload);
    await settle();
    expect(received).toEqual(['AT+CMGS=23\r']);
    await reply('\r\n> ');
    await settle();
    expect(received).toEqual(['AT+CMGS=23\r', `${payload}\x1a`]);
    await reply('\r\n+CMGS: 7\r\n\r\nOK\r\n');
    await expect(response).resolves.toEqual({
      lines: ['+CMGS: 7'],
      final: { kind: 'ok', text: 'OK' },
    });
  });

  it('cancels a prompt that never comes with ESC and names only the command', async () => {
    const { channel, clock, received } = rig();
    const payload = '0011000B916407281553F8';
    const response = channel.sendWithPrompt('AT+CMGS=11', payload, { promptTimeoutMs: 500 });
    await settle();
    clock.advance(500);
    const error = await rejection(response);
    expect(error.code).toBe('MODEM_TIMEOUT');
    expect(error.details).toEqual({ command: 'AT+CMGS=11', timeoutMs: 500 });
    expect(JSON.stringify(error)).not.toContain(payload);
    await settle();
    expect(received).toEqual(['AT+CMGS=11\r', '\x1b']);
  });

  it('times out after the payload too, without the payload in the error', async () => {
    const { channel, clock, reply } = rig();
    const payload = '07911326040000F0';
    const response = channel.sendWithPrompt('AT+CMGS=8', payload, { timeoutMs: 60_000 });
    await settle();
    await reply('> ');
    await settle();
    clock.advance(60_000);
    const error = await rejection(response);
    expect(error.details).toEqual({ command: 'AT+CMGS=8', timeoutMs: 60_000 });
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(payload);
  });

  it('cancels with ESC a prompt that send() did not ask for', async () => {
    const { channel, received, reply } = rig();
    const response = channel.send('AT+CMGS=5');
    await settle();
    await reply('\r\n> ');
    await settle();
    expect(received).toEqual(['AT+CMGS=5\r', '\x1b']);
    await reply('\r\nOK\r\n');
    await expect(response).resolves.toMatchObject({ lines: [] });
  });

  it('fails a prompt command that ends before the prompt', async () => {
    const { channel, reply } = rig();
    const response = channel.sendWithPrompt('AT+CMGS=8', '00');
    await settle();
    await reply('\r\n+CMS ERROR: 304\r\n');
    expect((await rejection(response)).details).toMatchObject({ command: 'AT+CMGS=8', cms: 304 });
  });

  it('refuses commands that are not one AT line', async () => {
    const { channel } = rig();
    expect((await rejection(channel.send('ATE0\rATE1'))).code).toBe('VALIDATION_FAILED');
    expect((await rejection(channel.send('HELLO'))).code).toBe('VALIDATION_FAILED');
    expect((await rejection(channel.sendWithPrompt('AT+CMGS=1', 'A\x1aB'))).code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('fails the command in flight and the queue with MODEM_UNAVAILABLE when the stream ends', async () => {
    const { channel, far } = rig();
    const first = channel.send('AT');
    const second = channel.send('AT+CSQ');
    await settle();
    far.close();
    expect((await rejection(first)).code).toBe('MODEM_UNAVAILABLE');
    expect((await rejection(second)).details).toEqual({ command: 'AT+CSQ' });
    expect(channel.closed).toBe(true);
    expect((await rejection(channel.send('AT'))).code).toBe('MODEM_UNAVAILABLE');
  });

  it('fails a command whose write fails', async () => {
    const clock = new ManualClock();
    const channel = new AtChannel({
      clock,
      stream: {
        write: () => Promise.reject(new Error('EIO')),
        onData: () => () => undefined,
        onClose: () => () => undefined,
      },
    });
    expect((await rejection(channel.send('AT'))).code).toBe('MODEM_UNAVAILABLE');
  });

  it('reports noise and keeps going', async () => {
    const clock = new ManualClock();
    const [near, far] = createBytePipe();
    const noise: string[] = [];
    const channel = new AtChannel({ stream: near, clock, onNoise: (text) => noise.push(text) });
    await far.write(Uint8Array.of(0x21, 0x40, 0xff, 0x0d, 0x0a));
    const response = channel.send('AT');
    await settle();
    await far.write(Buffer.from('\r\nOK\r\n'));
    await expect(response).resolves.toMatchObject({ final: { kind: 'ok' } });
    expect(noise).toEqual(['!@']);
  });
});

describe('commandLabel', () => {
  it('hides the arguments of commands that carry a PIN or password', () => {
    expect(commandLabel('AT+CPIN="1234"')).toBe('AT+CPIN=…');
    expect(commandLabel('at+clck="SC",0,"1234"')).toBe('at+clck=…');
    expect(commandLabel('AT+CPIN?')).toBe('AT+CPIN?');
    expect(commandLabel('AT+CMGS=23')).toBe('AT+CMGS=23');
  });
});
