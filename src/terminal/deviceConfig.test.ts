import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../core/config.js';
import { isPosError } from '../core/PosError.js';
import { hashSupervisorPassword } from './effects/supervisorPassword.js';
import { loadTerminalConfig, type TerminalConfig } from './terminalConfig.js';

describe('terminal config: devices', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'combopay-devices-'));
  let hash: string;
  beforeAll(async () => {
    hash = await hashSupervisorPassword('2468');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function load(
    devices: unknown,
    env: Record<string, string> = {},
    extra: Record<string, unknown> = {},
  ): TerminalConfig {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
    const config = {
      terminalId: 'T0000001',
      terminalKeyFile: '/etc/pos-terminal/terminal.key',
      host: { url: 'https://host.example:8443' },
      supervisorPasswordHash: hash,
      ...(devices === undefined ? {} : { devices }),
      ...extra,
    };
    writeFileSync(file, JSON.stringify(config));
    return loadTerminalConfig({ file, env });
  }

  function issuesOf(action: () => unknown): ConfigIssue[] {
    try {
      action();
    } catch (error) {
      if (isPosError(error) && error.code === 'CONFIG_INVALID') {
        return error.details.issues as ConfigIssue[];
      }
      throw error;
    }
    throw new Error('accepted');
  }

  const fields = (issues: ConfigIssue[]) => issues.map((issue) => issue.field).sort();

  it('defaults to the real devices of a typical board', () => {
    expect(load(undefined).devices).toEqual({
      simulator: false,
      reader: { kind: 'pcsc' },
      keypad: { kind: 'evdev', path: '/dev/pos-keypad' },
      printer: { kind: 'serial', path: '/dev/pos-printer', baudRate: 9600 },
      modem: { kind: 'serial', path: '/dev/ttyModemAT', baudRate: 115_200 },
      display: {},
    });
    expect(load({ printer: { kind: 'tcp', host: 'printer.local' } }).devices).toMatchObject({
      reader: { kind: 'pcsc' },
      printer: { kind: 'tcp', host: 'printer.local', port: 9100 },
      modem: { kind: 'serial' },
    });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      'pcsc reader by name',
      { reader: { kind: 'pcsc', name: 'ACR122' } },
      { reader: { kind: 'pcsc', name: 'ACR122' } },
    ],
    [
      'evdev keypad with its own codes',
      {
        keypad: {
          kind: 'evdev',
          path: '/dev/input/event3',
          keycodes: { '83': 'CLEAR', '96': null },
          recordSize: 16,
        },
      },
      {
        keypad: {
          kind: 'evdev',
          path: '/dev/input/event3',
          keycodes: { '83': 'CLEAR', '96': null },
          recordSize: 16,
        },
      },
    ],
    [
      'gpio keypad',
      {
        keypad: {
          kind: 'gpio',
          rowPins: [5, 6],
          columnPins: [13, 19, 26],
          keyMap: [
            ['1', '2', '3'],
            ['OK', null, 'CANCEL'],
          ],
        },
      },
      {
        keypad: {
          kind: 'gpio',
          rowPins: [5, 6],
          columnPins: [13, 19, 26],
          keyMap: [
            ['1', '2', '3'],
            ['OK', null, 'CANCEL'],
          ],
          activeLow: true,
        },
      },
    ],
    [
      'serial printer',
      { printer: { kind: 'serial', path: '/dev/ttyS1', baudRate: 115_200 } },
      { printer: { kind: 'serial', path: '/dev/ttyS1', baudRate: 115_200 } },
    ],
    [
      'network printer',
      { printer: { kind: 'tcp', host: '10.0.0.9', port: 9101 } },
      { printer: { kind: 'tcp', host: '10.0.0.9', port: 9101 } },
    ],
    [
      'USB printer',
      { printer: { kind: 'file' } },
      { printer: { kind: 'file', path: '/dev/pos-printer' } },
    ],
    [
      'serial modem',
      { modem: { kind: 'serial', baudRate: 9600 } },
      { modem: { kind: 'serial', path: '/dev/ttyModemAT', baudRate: 9600 } },
    ],
    ['no modem', { modem: { kind: 'none' } }, { modem: { kind: 'none' } }],
    [
      'display time zone',
      { display: { timeZone: 'Asia/Shanghai' } },
      { display: { timeZone: 'Asia/Shanghai' } },
    ],
    [
      'every fake in a simulator',
      {
        simulator: true,
        reader: { kind: 'fake' },
        keypad: { kind: 'fake' },
        printer: { kind: 'fake' },
        modem: { kind: 'fake' },
      },
      {
        simulator: true,
        reader: { kind: 'fake' },
        keypad: { kind: 'fake' },
        printer: { kind: 'fake' },
        modem: { kind: 'fake' },
      },
    ],
  ])('accepts a %s', (_name, devices, expected) => {
    expect(load(devices).devices).toMatchObject(expected);
  });

  it.each(['reader', 'keypad', 'printer', 'modem'])(
    'refuses a fake %s without simulator: true, naming the field',
    (device) => {
      let message = '';
      const issues = issuesOf(() => {
        try {
          return load({ [device]: { kind: 'fake' } });
        } catch (error) {
          message = String(error);
          throw error;
        }
      });
      expect(issues).toEqual([
        expect.objectContaining({
          field: `devices.${device}.kind`,
          problem: expect.stringContaining('`simulator: true`') as unknown,
        }),
      ]);
      expect(message).toContain(`devices.${device}.kind`);
      expect(() => load({ [device]: { kind: 'fake' }, simulator: false })).toThrow(
        /simulator: true/,
      );
    },
  );

  it('lists every fake, and the other problems with them', () => {
    const issues = issuesOf(() =>
      load({
        reader: { kind: 'fake' },
        keypad: { kind: 'fake' },
        printer: { kind: 'tcp' },
        modem: { kind: 'fake' },
      }),
    );
    expect(fields(issues)).toEqual([
      'devices.keypad.kind',
      'devices.modem.kind',
      'devices.printer.host',
      'devices.reader.kind',
    ]);
  });

  it('takes simulator from POS_TERMINAL_SIMULATOR', () => {
    const devices = { reader: { kind: 'fake' } };
    expect(load(devices, { POS_TERMINAL_SIMULATOR: 'true' }).devices.simulator).toBe(true);
    expect(
      issuesOf(() => load({ ...devices, simulator: true }, { POS_TERMINAL_SIMULATOR: '0' })),
    ).toEqual([expect.objectContaining({ field: 'devices.reader.kind' })]);
    expect(issuesOf(() => load(undefined, { POS_TERMINAL_SIMULATOR: 'maybe' }))).toEqual([
      {
        field: 'devices.simulator',
        source: 'env POS_TERMINAL_SIMULATOR',
        problem: expect.any(String) as unknown,
      },
    ]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['an unknown kind', { printer: { kind: 'laser' } }, ['devices.printer.kind']],
    ['a network printer without a host', { printer: { kind: 'tcp' } }, ['devices.printer.host']],
    ['a misspelt key', { printer: { kind: 'serial', baud: 9600 } }, ['devices.printer.baud']],
    [
      'a key of another kind',
      { modem: { kind: 'none', path: '/dev/ttyUSB2' } },
      ['devices.modem.path'],
    ],
    [
      'a relative device path',
      { keypad: { kind: 'evdev', path: 'input/event0' } },
      ['devices.keypad.path'],
    ],
    [
      'a port out of range',
      { printer: { kind: 'tcp', host: 'p', port: 70_000 } },
      ['devices.printer.port'],
    ],
    [
      'a baud rate that is not a number',
      { modem: { kind: 'serial', baudRate: 'fast' } },
      ['devices.modem.baudRate'],
    ],
    [
      'a key code out of range',
      { keypad: { kind: 'evdev', keycodes: { '9999': 'OK' } } },
      ['devices.keypad.keycodes'],
    ],
    [
      'a key code to no key',
      { keypad: { kind: 'evdev', keycodes: { '28': 'ENTER' } } },
      ['devices.keypad.keycodes.28'],
    ],
    [
      'too few row pins',
      {
        keypad: {
          kind: 'gpio',
          rowPins: [1],
          columnPins: [2, 3],
          keyMap: [
            ['1', '2'],
            ['3', '4'],
          ],
        },
      },
      ['devices.keypad.rowPins'],
    ],
    [
      'too many column pins',
      { keypad: { kind: 'gpio', rowPins: [1], columnPins: [2, 3, 4], keyMap: [['1', '2']] } },
      ['devices.keypad.columnPins'],
    ],
    [
      'a pin used twice',
      { keypad: { kind: 'gpio', rowPins: [1, 2], columnPins: [2], keyMap: [['1'], ['2']] } },
      ['devices.keypad.columnPins'],
    ],
    [
      'a key twice in the matrix',
      { keypad: { kind: 'gpio', rowPins: [1], columnPins: [2, 3], keyMap: [['1', '1']] } },
      ['devices.keypad.keyMap'],
    ],
    [
      'a ragged matrix',
      {
        keypad: { kind: 'gpio', rowPins: [1, 2], columnPins: [3, 4], keyMap: [['1', '2'], ['3']] },
      },
      ['devices.keypad.keyMap'],
    ],
    [
      'an unknown key in the matrix',
      { keypad: { kind: 'gpio', rowPins: [1], columnPins: [2], keyMap: [['ENTER']] } },
      ['devices.keypad.keyMap.0.0'],
    ],
    [
      'an unknown time zone',
      { display: { timeZone: 'Mars/Olympus' } },
      ['devices.display.timeZone'],
    ],
    ['devices that are not an object', 'pcsc' as unknown as Record<string, unknown>, ['devices']],
  ])('names the field for %s', (_name, devices, expected) => {
    const issues = issuesOf(() => load(devices));
    expect(fields(issues)).toEqual(expected);
    for (const issue of issues) expect(issue.source).toMatch(/^file /);
  });

  it('takes the log level from the file or POS_TERMINAL_LOG_LEVEL', () => {
    expect(load(undefined).logLevel).toBe('info');
    expect(load(undefined, {}, { logLevel: 'debug' }).logLevel).toBe('debug');
    expect(load(undefined, { POS_TERMINAL_LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(fields(issuesOf(() => load(undefined, { POS_TERMINAL_LOG_LEVEL: 'loud' })))).toEqual([
      'logLevel',
    ]);
  });
});
