import { describe, expect, it } from 'vitest';
import {
  COMMANDS,
  completeCommand,
  helpText,
  parseConfigValue,
  parseConsoleCommand,
} from './parseConsoleCommand.js';

describe('parseConsoleCommand', () => {
  it('understands every command', () => {
    expect(parseConsoleCommand('')).toEqual({ kind: 'empty' });
    expect(parseConsoleCommand('   ')).toEqual({ kind: 'empty' });
    expect(parseConsoleCommand(' status ')).toEqual({ kind: 'status' });
    expect(parseConsoleCommand('test reader')).toEqual({ kind: 'testReader' });
    expect(parseConsoleCommand('test  printer')).toEqual({ kind: 'testPrinter' });
    expect(parseConsoleCommand('test keypad')).toEqual({ kind: 'testKeypad' });
    expect(parseConsoleCommand('config show')).toEqual({ kind: 'configShow' });
    expect(parseConsoleCommand('sign-in')).toEqual({ kind: 'signIn' });
    expect(parseConsoleCommand('settle')).toEqual({ kind: 'settle' });
    expect(parseConsoleCommand('restart')).toEqual({ kind: 'restart' });
    expect(parseConsoleCommand('logout')).toEqual({ kind: 'logout' });
    expect(parseConsoleCommand('exit')).toEqual({ kind: 'logout' });
    expect(parseConsoleCommand('help')).toEqual({ kind: 'help', topic: undefined });
    expect(parseConsoleCommand('help config  set')).toEqual({ kind: 'help', topic: 'config set' });
  });

  it('adds AT to a modem command when it is left out, keeping the spacing', () => {
    expect(parseConsoleCommand('modem at AT+CSQ')).toEqual({ kind: 'modemAt', command: 'AT+CSQ' });
    expect(parseConsoleCommand('modem at +CSQ')).toEqual({ kind: 'modemAt', command: 'AT+CSQ' });
    expect(parseConsoleCommand('modem at at+cops?')).toEqual({
      kind: 'modemAt',
      command: 'at+cops?',
    });
    expect(parseConsoleCommand('modem at +CMGS="123 4"')).toEqual({
      kind: 'modemAt',
      command: 'AT+CMGS="123 4"',
    });
    expect(parseConsoleCommand('modem at')).toMatchObject({
      kind: 'error',
      usage: 'modem at <command>',
    });
    expect(parseConsoleCommand('modem at +C元')).toMatchObject({ kind: 'error' });
  });

  it('reads config values as JSON when they are JSON, else as text; default is null', () => {
    expect(parseConsoleCommand('config set host.url https://h:8443')).toEqual({
      kind: 'configSet',
      path: 'host.url',
      value: 'https://h:8443',
    });
    expect(parseConsoleCommand('config set flow.inactivityMs 60000')).toMatchObject({
      value: 60000,
    });
    expect(parseConsoleCommand('config set merchant.name "My  Shop"')).toMatchObject({
      value: 'My  Shop',
    });
    expect(parseConsoleCommand('config set a.b {"x": [1, true]}')).toMatchObject({
      value: { x: [1, true] },
    });
    expect(parseConsoleCommand('config set a.b default')).toMatchObject({ value: null });
    expect(parseConsoleCommand('config set a.b My Shop')).toMatchObject({ value: 'My Shop' });
    expect(parseConfigValue('true')).toBe(true);
    expect(parseConfigValue('"default"')).toBe('default');
  });

  it('names what is wrong and gives the usage', () => {
    expect(parseConsoleCommand('config set host.url')).toEqual({
      kind: 'error',
      message: 'config set needs a field and a value',
      usage: 'config set <path> <value>',
    });
    expect(parseConsoleCommand('config set host-url x')).toMatchObject({
      message: '"host-url" is not a field name like host.url',
    });
    expect(parseConsoleCommand('frobnicate')).toEqual({
      kind: 'error',
      message: 'unknown command "frobnicate"; type help for the list',
    });
    expect(parseConsoleCommand('test')).toMatchObject({
      message: 'test needs one of: reader, printer, keypad',
    });
    expect(parseConsoleCommand('test modem')).toMatchObject({
      message: 'test has no "modem" (reader, printer, keypad)',
    });
    expect(parseConsoleCommand('status now')).toMatchObject({
      message: 'status takes no arguments (got "now")',
      usage: 'status',
    });
    expect(parseConsoleCommand('journal show x')).toMatchObject({
      message: '"x" is not an entry id (a number from 1)',
      usage: 'journal show <id>',
    });
    expect(parseConsoleCommand('journal show 0')).toMatchObject({ kind: 'error' });
  });

  it('parses journal list and logs tail options', () => {
    expect(parseConsoleCommand('journal list')).toEqual({
      kind: 'journalList',
      limit: undefined,
      batch: undefined,
    });
    expect(parseConsoleCommand('journal list 20 --batch 000012')).toEqual({
      kind: 'journalList',
      limit: 20,
      batch: '000012',
    });
    expect(parseConsoleCommand('journal list --batch 000012 5')).toMatchObject({ limit: 5 });
    expect(parseConsoleCommand('journal list --batch 12')).toMatchObject({
      message: 'batch "12" is not 6 digits',
    });
    expect(parseConsoleCommand('journal list --batch')).toMatchObject({ kind: 'error' });
    expect(parseConsoleCommand('journal list 101')).toMatchObject({
      message: 'N must be 1 to 100, not 101',
    });
    expect(parseConsoleCommand('journal show 42')).toEqual({ kind: 'journalShow', entry: 42 });
    expect(parseConsoleCommand('logs tail')).toEqual({
      kind: 'logsTail',
      lines: undefined,
      follow: false,
    });
    expect(parseConsoleCommand('logs tail 50 -f')).toEqual({
      kind: 'logsTail',
      lines: 50,
      follow: true,
    });
    expect(parseConsoleCommand('logs tail -f 5')).toMatchObject({ lines: 5, follow: true });
    expect(parseConsoleCommand('logs tail 0')).toMatchObject({ kind: 'error' });
    expect(parseConsoleCommand('logs tail -x')).toMatchObject({ message: 'unexpected "-x"' });
  });
});

describe('helpText', () => {
  it('lists every command with one line each', () => {
    const lines = helpText();
    for (const command of COMMANDS) {
      expect(lines.filter((line) => line.trimStart().startsWith(command.usage))).toHaveLength(1);
    }
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('gives the usage and an example of one command, or of a group', () => {
    expect(helpText('journal show')).toEqual([
      'journal show: every field of one journal entry',
      '  usage:   journal show <id>',
      '  example: journal show 42',
    ]);
    const test = helpText('test').join('\n');
    expect(test).toContain('test reader');
    expect(test).toContain('test keypad');
    expect(helpText('nothing')).toEqual(['no command "nothing"; type help for the list']);
  });

  it('has an example that parses for every command', () => {
    for (const command of COMMANDS) {
      expect(parseConsoleCommand(command.example).kind).not.toBe('error');
    }
  });
});

describe('completeCommand', () => {
  it('offers command words, then the second word of two-word commands', () => {
    expect(completeCommand('')).toContain('status');
    expect(completeCommand('te')).toContain('test');
    expect(completeCommand('test ')).toEqual(['reader', 'printer', 'keypad']);
    expect(completeCommand('config s')).toEqual(['show', 'set']);
    expect(completeCommand('help jo')).toContain('journal');
    expect(completeCommand('help journal ')).toEqual(['list', 'show']);
    expect(completeCommand('config set host')).toEqual([]);
  });
});
