import { describe, expect, it } from 'vitest';
import { parseConsoleArgs } from './runPosConsole.js';

describe('parseConsoleArgs', () => {
  it('defaults to stdin, 115200 and the protocol socket', () => {
    expect(parseConsoleArgs([], {})).toEqual({
      kind: 'run',
      tty: undefined,
      baudRate: 115200,
      socketPath: '/run/pos-terminal/control.sock',
    });
  });

  it('takes the socket from --socket, else the environment', () => {
    const env = { POS_TERMINAL_CONSOLE_SOCKET: '/tmp/env.sock' };
    expect(parseConsoleArgs([], env)).toMatchObject({ socketPath: '/tmp/env.sock' });
    expect(parseConsoleArgs(['--socket', '/tmp/x.sock'], env)).toMatchObject({
      socketPath: '/tmp/x.sock',
    });
    expect(parseConsoleArgs([], { POS_TERMINAL_CONSOLE_SOCKET: '' })).toMatchObject({
      socketPath: '/run/pos-terminal/control.sock',
    });
  });

  it('reads --tty and --baud', () => {
    expect(parseConsoleArgs(['--tty', '/dev/ttyS0', '--baud', '9600'], {})).toMatchObject({
      tty: '/dev/ttyS0',
      baudRate: 9600,
    });
    expect(parseConsoleArgs(['--help'], {})).toEqual({ kind: 'help' });
  });

  it('refuses bad arguments, naming them', () => {
    expect(parseConsoleArgs(['--baud', 'fast'], {})).toEqual({
      kind: 'usage',
      message: '--baud must be a speed like 115200, not "fast"',
    });
    expect(parseConsoleArgs(['--baud', '0'], {})).toMatchObject({ kind: 'usage' });
    expect(parseConsoleArgs(['--speed', '1'], {})).toMatchObject({
      kind: 'usage',
      message: expect.stringContaining('--speed') as unknown,
    });
    expect(parseConsoleArgs(['extra'], {})).toMatchObject({ kind: 'usage' });
    expect(parseConsoleArgs(['--tty'], {})).toMatchObject({ kind: 'usage' });
  });
});
