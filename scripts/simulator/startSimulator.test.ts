/**
 * The simulator end to end, on one data directory through several starts: first run, a sale
 * keyed as a cashier and a customer would, a restart that resumes, a fresh account, a reset.
 * The tests run in order and each builds on the data the one before left (a PGlite start on
 * disk takes seconds).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { stateName, type FlowSnapshot } from '../../src/terminal/createTerminal.js';
import {
  DEMO_BALANCE,
  DEMO_CARD_UID,
  DEMO_MERCHANT,
  DEMO_MSISDN,
  SIMULATOR_TECHNICIAN_PASSWORD,
} from './demoData.js';
import type { PhoneMessage } from './PhoneInbox.js';
import { SimulatorError } from './SimulatorError.js';
import { startSimulator, type Simulator } from './startSimulator.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'combopay-sim-'));
const configFile = path.join(dataDir, 'terminal-config.json');
/** Never looks for pcscd: the fake reader, whatever this machine has. */
const options = { dataDir, lang: 'en', reader: 'fake' } as const;

let sim: Simulator | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function running(): Simulator {
  if (!sim) throw new Error('the simulator was not started');
  return sim;
}

/** Waits (real time) until the terminal's flow rests in `state` (a dotted name). */
async function reach(state: string, timeout = 15_000): Promise<FlowSnapshot> {
  const terminal = running().terminal;
  try {
    return await waitFor(terminal.actor, (snapshot) => stateName(snapshot) === state, {
      timeout,
    });
  } catch (error) {
    const now = stateName(terminal.actor.getSnapshot());
    throw new Error(`the terminal never reached ${state}; it is in ${now}`, { cause: error });
  }
}

/** The inbox after a look at the outbox now (not waiting for the next poll). */
async function inbox(): Promise<readonly PhoneMessage[]> {
  await running().inbox.poll();
  return running().inbox.messages;
}

/** The 6-digit number in a text, as a customer reads the PIN or the code off the phone. */
function sixDigits(message: PhoneMessage | undefined): string {
  const found = /(?<!\d)\d{6}(?!\d)/.exec(message?.text ?? '');
  if (!found) throw new Error(`no 6-digit number in ${JSON.stringify(message?.text)}`);
  return found[0];
}

/** A final reply of the control socket. */
interface Reply {
  id: number;
  ok: boolean;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
}

/**
 * A technician console on the simulator's control socket, speaking the protocol by hand (one
 * JSON object a line): `request` resolves with the final reply to it.
 */
async function openConsole(socketPath: string): Promise<{
  request(op: string, fields?: Record<string, unknown>): Promise<Reply>;
  close(): void;
}> {
  const socket = net.connect(socketPath);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.setEncoding('utf8');
  const waiting = new Map<number, (reply: Reply) => void>();
  let buffer = '';
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      const message = JSON.parse(buffer.slice(0, end)) as Reply;
      buffer = buffer.slice(end + 1);
      if ('ok' in message) waiting.get(message.id)?.(message);
    }
  });
  let nextId = 1;
  return {
    request(op, fields = {}) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        socket.write(`${JSON.stringify({ id, op, ...fields })}\n`);
      });
    },
    close() {
      socket.destroy();
    },
  };
}

/** The account's balance as the host's ledger has it, in fen. */
async function balance(msisdn: string): Promise<number> {
  return (await running().host.account(msisdn)).balance.value;
}

describe('the simulator', () => {
  let firstTexts: readonly PhoneMessage[] = [];
  let firstCard = { msisdn: '', cardUid: '', cardToken: '' };

  it('enrolls on its first run and sells through the keypad and the phone', async () => {
    sim = await startSimulator(options);
    expect(sim.enrollment).toBe('first-run');
    expect(sim.readerKind).toBe('fake');
    expect(sim.state).toMatchObject({
      terminalId: 'T0000001',
      merchant: DEMO_MERCHANT,
      customer: { msisdn: DEMO_MSISDN, cardUid: DEMO_CARD_UID },
    });
    expect(sim.config).toMatchObject({
      terminalId: 'T0000001',
      language: 'en',
      host: { url: sim.host.url },
      journalPath: path.join(dataDir, 'terminal', 'journal.db'),
    });
    expect(sim.host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The terminal's config is a file, as on a board, written on this first start.
    expect(sim.configWritten).toBe(true);
    expect(sim.configFile).toBe(configFile);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    const written = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({
      terminalId: 'T0000001',
      console: { socketPath: path.join(dataDir, 'control.sock') },
    });
    expect(written.console).toHaveProperty('passwordHash', expect.stringMatching(/^scrypt\$/));
    expect(sim.config.console.socketPath).toBe(path.join(dataDir, 'control.sock'));
    expect(sim.console).toBeDefined();
    // The card token (the phone's storage) and the terminal key are for this user only.
    expect(statSync(path.join(dataDir, 'simulator.json')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dataDir, 'terminal', 'terminal.key')).mode & 0o777).toBe(0o600);

    await reach('idle');
    expect(sim.terminal.screen()).toMatchObject({ id: 'idle', merchant: DEMO_MERCHANT.name });

    // The PIN reached the phone, and only the phone: the customer reads it there.
    const enrollment = await inbox();
    expect(enrollment).toHaveLength(1);
    expect(enrollment[0]?.text).toMatch(/your payment PIN is \d{6}/);
    expect(enrollment[0]?.unread).toBe(true);
    const pin = sixDigits(enrollment[0]);
    expect(await balance(DEMO_MSISDN)).toBe(DEMO_BALANCE);

    // A second simulator on the same data would corrupt the database: refused.
    await expect(startSimulator(options)).rejects.toThrow(/another simulator/);

    const { keypad, phone } = sim;
    phone.tap();
    expect(phone.onReader).toBe(true);
    await reach('menu');
    keypad.type('1');
    await reach('amount');
    keypad.type('1250{OK}');
    await reach('pin');
    keypad.type(`${pin}{OK}`);
    await reach('code.entering');
    const texts = await inbox();
    expect(texts).toHaveLength(2);
    expect(texts[1]?.text).toContain('12.50');
    keypad.type(`${sixDigits(texts[1])}{OK}`);
    await reach('approved.done');
    expect(sim.terminal.screen()).toMatchObject({
      id: 'approved',
      approval: { type: 'sale', amount: { value: 1250, currency: 'CNY' } },
      printing: false,
    });

    // Both copies, decoded from the printer's bytes, each with the amount.
    const slips = sim.slips.slips;
    expect(slips).toHaveLength(1);
    const paper = slips[0]?.lines.join('\n') ?? '';
    expect(paper.match(/CNY 12\.50/g)).toHaveLength(2);
    expect(paper).toContain('[cut]');
    expect(await balance(DEMO_MSISDN)).toBe(DEMO_BALANCE - 1250);

    phone.pull();
    expect(phone.onReader).toBe(false);
    firstTexts = texts;
    firstCard = sim.state.customer;
  });

  it('resumes its data on the next start: no new enrollment, the history in the inbox', async () => {
    sim = await startSimulator(options);
    expect(sim.enrollment).toBe('resumed');
    expect(sim.state.customer).toEqual(firstCard);
    await reach('idle');
    const texts = await inbox();
    expect(texts.map((message) => message.text)).toEqual(firstTexts.map((m) => m.text));
    // History, not news: it arrived before this start.
    expect(texts.every((message) => !message.unread)).toBe(true);
    expect(await balance(DEMO_MSISDN)).toBe(DEMO_BALANCE - 1250);
  });

  it('reuses its config file and serves the technician console on it', async () => {
    const before = readFileSync(configFile, 'utf8');
    sim = await startSimulator(options);
    expect(sim.configWritten).toBe(false);
    expect(readFileSync(configFile, 'utf8')).toBe(before);
    await reach('idle');

    const console = await openConsole(sim.config.console.socketPath);
    try {
      expect(await console.request('status')).toMatchObject({
        ok: false,
        error: { code: 'CONSOLE_LOGIN_REQUIRED' },
      });
      const login = await console.request('login', { password: SIMULATOR_TECHNICIAN_PASSWORD });
      expect(login).toMatchObject({ ok: true, result: { terminalId: 'T0000001' } });
      const status = await console.request('status');
      expect(status).toMatchObject({
        ok: true,
        result: {
          terminalId: 'T0000001',
          flow: { state: 'idle' },
          host: { url: sim.host.url, reachable: true },
          reader: { present: true },
        },
      });
      // No modem in the simulator: the status has none, and `modem at` says so.
      expect(status.result).not.toHaveProperty('modem');
      expect(await console.request('modemAt', { command: 'AT+CSQ' })).toMatchObject({
        ok: false,
        error: { code: 'MODEM_UNAVAILABLE' },
      });
      // The simulator's own host URL and --lang are over the file, and say so.
      const shown = await console.request('configShow');
      expect(shown.result).toMatchObject({ file: configFile });
      expect(shown.result?.entries).toContainEqual({
        path: 'host.url',
        value: JSON.stringify(sim.host.url),
        source: 'env POS_TERMINAL_HOST_URL',
      });
      // The reader test holds the reader: the display shows the service screen, and the tap
      // the simulator's `t` key makes reaches the test, not the cashier's flow.
      const readerTest = console.request('testReader', { timeoutMs: 10_000 });
      await vi.waitFor(() => expect(running().terminal.screen()).toMatchObject({ id: 'service' }));
      running().phone.tap();
      expect(await readerTest).toMatchObject({
        ok: true,
        result: { uid: running().state.customer.cardUid, applet: { ok: true } },
      });
      running().phone.pull();
      await reach('idle');
      expect(running().terminal.screen()).toMatchObject({ id: 'idle' });

      expect(
        await console.request('configSet', { path: 'flow.inactivityMs', value: 45_000 }),
      ).toMatchObject({ ok: true, result: { after: '45000', restartNeeded: true } });

      // There is no systemd to start it again: the UI is told, and stops the simulator.
      let restartAsked = false;
      sim.onRestartAsked(() => {
        restartAsked = true;
      });
      expect(await console.request('restart')).toMatchObject({ ok: true });
      await vi.waitFor(() => expect(restartAsked).toBe(true));
    } finally {
      console.close();
    }
    await sim.stop();
    // Its consoles gone, the socket file goes with it.
    expect(() => statSync(path.join(dataDir, 'control.sock'))).toThrow();

    // What the console set is what the next start runs with.
    sim = await startSimulator(options);
    expect(sim.configWritten).toBe(false);
    expect(sim.config.flow.inactivityMs).toBe(45_000);
  });

  it('enrolls a new customer with --fresh-account and keeps the rest', async () => {
    sim = await startSimulator({ ...options, freshAccount: true });
    expect(sim.enrollment).toBe('fresh-account');
    const { customer } = sim.state;
    expect(customer.msisdn).toBe('13800138001');
    expect(customer.cardUid).not.toBe(firstCard.cardUid);
    expect(customer.cardToken).not.toBe(firstCard.cardToken);
    expect(sim.state.terminalId).toBe('T0000001');
    await reach('idle');
    const texts = await inbox();
    expect(texts).toHaveLength(1);
    expect(texts[0]?.text).toMatch(/your payment PIN is \d{6}/);
    expect(await balance(customer.msisdn)).toBe(DEMO_BALANCE);
    expect(await balance(DEMO_MSISDN)).toBe(DEMO_BALANCE - 1250);
    await sim.stop();

    // From now on the new customer is the one on the phone.
    sim = await startSimulator(options);
    expect(sim.enrollment).toBe('resumed');
    expect(sim.state.customer.msisdn).toBe('13800138001');
  });

  it('starts over with --reset', async () => {
    sim = await startSimulator({ ...options, reset: true });
    expect(sim.enrollment).toBe('first-run');
    // A new config file: what the console had set is gone with the rest.
    expect(sim.configWritten).toBe(true);
    expect(sim.config.flow.inactivityMs).not.toBe(45_000);
    expect(sim.state.customer.msisdn).toBe(DEMO_MSISDN);
    expect(sim.state.customer.cardToken).not.toBe(firstCard.cardToken);
    await reach('idle');
    expect(await inbox()).toHaveLength(1);
    expect(await balance(DEMO_MSISDN)).toBe(DEMO_BALANCE);
    await expect(running().host.account('13800138001')).rejects.toMatchObject({
      code: 'CARD_UNKNOWN',
    });
  });

  it('refuses a config file that no longer validates, naming it and suggesting --reset', async () => {
    const good = readFileSync(configFile, 'utf8');
    writeFileSync(
      configFile,
      JSON.stringify({ ...(JSON.parse(good) as object), flow: { inactivityMs: 1 } }),
    );
    const failure = await startSimulator(options).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SimulatorError);
    const { message } = failure as SimulatorError;
    expect(message).toContain(configFile);
    expect(message).toMatch(/flow\.inactivityMs/);
    expect(message).toMatch(/npm start -- --reset/);
    // Left as it was: the person fixes it or resets.
    expect(readFileSync(configFile, 'utf8')).not.toBe(good);
    writeFileSync(configFile, good);
  });

  it('refuses a corrupt state file, suggesting --reset, and leaves the data directory free', async () => {
    const stateFile = path.join(dataDir, 'simulator.json');
    writeFileSync(stateFile, '{"version":1,');
    const failure = await startSimulator(options).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SimulatorError);
    expect((failure as SimulatorError).message).toMatch(/simulator\.json is corrupt.*--reset/);
    expect((failure as SimulatorError).exitCode).toBe(1);

    sim = await startSimulator({ ...options, reset: true });
    expect(sim.enrollment).toBe('first-run');
  });

  it('refuses to resume when the host database lost what the state remembers', async () => {
    rmSync(path.join(dataDir, 'host'), { recursive: true });
    await expect(startSimulator(options)).rejects.toThrow(
      /host database has no terminal T0000001.*--reset/,
    );
  });
});
