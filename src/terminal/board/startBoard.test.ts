import { writeTerminalConfig } from '../../testing/terminalConfigFile.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { createLogger } from '../../core/logger.js';
import { FakeKeypad } from '../../../drivers/keypad/FakeKeypad.js';
import type { Keypad } from '../../../drivers/keypad/Keypad.js';
import { FakeModem } from '../../../drivers/modem/FakeModem.js';
import { FakeCardReader } from '../../../drivers/nfc/FakeCardReader.js';
import { FakePrinter } from '../../../drivers/printer/FakePrinter.js';
import { LiveHost } from '../../testing/LiveHost.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';
import { stateName } from '../createTerminal.js';
import { loadTerminalConfig, type TerminalConfig } from '../terminalConfig.js';
import { startBoard, type Board } from './startBoard.js';

/** `value` as an instance of `type`, which it must be. */
function instanceOf<T>(value: unknown, type: abstract new (...args: never[]) => T): T {
  if (!(value instanceof type)) throw new Error(`not a ${type.name}`);
  return value;
}

/** A console that cannot draw Chinese: the bare Linux console, no kmscon or fbterm above. */
const BARE_CONSOLE = { term: 'linux', override: undefined, ancestors: ['login', 'systemd'] };

describe('startBoard', () => {
  const database = useTestDatabase('pglite');
  let host: LiveHost | undefined;
  let board: Board | undefined;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'combopay-board-'));
  });
  afterEach(async () => {
    await board?.stop();
    await host?.close();
    board = undefined;
    host = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** A simulator config of fake devices, for a terminal the live host knows. */
  async function simulatorConfig(hostUrl?: string): Promise<TerminalConfig> {
    let url = hostUrl;
    let terminalId = 'T0000088';
    let key = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    if (url === undefined) {
      host = await LiveHost.start(database.db);
      ({ terminalId, key } = await host.addTerminal(terminalId));
      url = host.url;
    }
    const file = await writeTerminalConfig(dir, {
      terminalId,
      key,
      hostUrl: url,
      language: 'zh-CN',
      simulatorDevices: true,
    });
    return loadTerminalConfig({ file });
  }

  function logLines(): {
    logger: ReturnType<typeof createLogger>;
    lines: Record<string, unknown>[];
  } {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    return { logger: createLogger({ name: 'terminal', level: 'info', destination }), lines };
  }

  function tty(): { input: PassThrough; output: PassThrough; drawn: () => string } {
    // Sized as a console is: blessed reads the size from the output stream, as from a tty.
    const output = Object.assign(new PassThrough(), { columns: 48, rows: 18 });
    let drawn = '';
    output.on('data', (chunk: Buffer) => {
      drawn += chunk.toString('utf8');
    });
    return { input: new PassThrough(), output, drawn: () => drawn };
  }

  it('runs a simulator board against the host: idle, status, display, buzzer, clean stop', async () => {
    const config = await simulatorConfig();
    const { logger, lines } = logLines();
    const screen = tty();
    board = await startBoard({
      config,
      logger,
      input: screen.input,
      output: screen.output,
      consoleFacts: BARE_CONSOLE,
    });
    const running = board;
    await waitFor(running.terminal.actor, (snapshot) => stateName(snapshot) === 'idle', {
      timeout: 10_000,
    });

    const { reader, keypad, printer, modem } = running.devices;
    expect(reader).toBeInstanceOf(FakeCardReader);
    expect(keypad).toBeInstanceOf(FakeKeypad);
    expect(printer).toBeInstanceOf(FakePrinter);
    expect(modem).toBeInstanceOf(FakeModem);
    // The display falls back to English on this console, and says why in the log.
    expect(running.language).toBe('en');
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: expect.stringContaining('cannot draw Chinese') as unknown,
      }),
    );
    // The status bar hears of the host through the client, the modem and printer through their drivers.
    await vi.waitFor(() => {
      expect(running.status.current()).toMatchObject({
        terminalId: 'T0000088',
        host: 'up',
        paper: 'ok',
        signal: { bars: 4, registered: true },
      });
    });
    // The display draws the idle screen in English on that console.
    await vi.waitFor(() => {
      expect(screen.drawn()).toContain('Tap your phone');
    });
    expect(screen.drawn()).not.toContain('请轻触手机');

    // The flow's buzzer reaches the console's bell: a card without the applet is an error.
    const bells = () => screen.drawn().split('\x07').length - 1;
    const before = bells();
    instanceOf(reader, FakeCardReader).tap({ uid: '04A1B2C3', applet: false });
    await waitFor(running.terminal.actor, (snapshot) => stateName(snapshot) === 'cardError', {
      timeout: 10_000,
    });
    await vi.waitFor(() => {
      expect(bells()).toBeGreaterThan(before);
    });

    await running.stop();
    expect(running.terminal.actor.getSnapshot().status).toBe('stopped');
    expect(instanceOf(keypad, FakeKeypad).isOpen).toBe(false);
    expect(instanceOf(reader, FakeCardReader).isOpen).toBe(false);
    expect(instanceOf(modem, FakeModem).isOpen).toBe(false);
    expect(lines.at(-1)).toMatchObject({ msg: 'terminal stopped' });
    await running.stop(); // idempotent
  });

  it('closes what it opened when the terminal cannot start', async () => {
    // No host needed: the keypad fails before the flow starts signing in.
    const config = await simulatorConfig('http://127.0.0.1:9');
    const { logger } = logLines();
    const reader = new FakeCardReader();
    const modem = new FakeModem();
    const broken: Keypad = {
      open: () => Promise.reject(new Error('no GPIO here')),
      close: () => Promise.resolve(),
      onKey: () => () => undefined,
      onStatus: () => () => undefined,
    };
    const screen = tty();
    await expect(
      startBoard({
        config,
        logger,
        input: screen.input,
        output: screen.output,
        consoleFacts: BARE_CONSOLE,
        devices: { reader, keypad: broken, printer: new FakePrinter(), modem },
      }),
    ).rejects.toThrow('no GPIO here');
    expect(reader.isOpen).toBe(false);
    expect(modem.isOpen).toBe(false);
    // Nothing was drawn: the display starts only once the terminal runs.
    expect(screen.drawn()).toBe('');
  });
});
