import { describe, expect, it } from 'vitest';
import { AtLineSplitter, AtParser, commandName, parseFinal, type AtEvent } from './atParser.js';

const bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1');

/** Feeds `chunks` one by one and collects every event. */
function feed(parser: AtParser, ...chunks: (string | Uint8Array)[]): AtEvent[] {
  return chunks.flatMap((chunk) => parser.push(typeof chunk === 'string' ? bytes(chunk) : chunk));
}

describe('parseFinal', () => {
  it('recognises the final result codes', () => {
    expect(parseFinal('OK')).toEqual({ kind: 'ok', text: 'OK' });
    expect(parseFinal('ERROR')).toEqual({ kind: 'error', text: 'ERROR' });
    expect(parseFinal('NO CARRIER')?.kind).toBe('no-carrier');
    expect(parseFinal('BUSY')?.kind).toBe('busy');
    expect(parseFinal('NO ANSWER')?.kind).toBe('no-answer');
    expect(parseFinal('NO DIALTONE')?.kind).toBe('no-dialtone');
  });

  it('reads +CME and +CMS errors, numeric and verbose', () => {
    expect(parseFinal('+CME ERROR: 10')).toEqual({
      kind: 'cme-error',
      text: '+CME ERROR: 10',
      code: 10,
    });
    expect(parseFinal('+CME ERROR: SIM not inserted')).toEqual({
      kind: 'cme-error',
      text: '+CME ERROR: SIM not inserted',
      message: 'SIM not inserted',
    });
    expect(parseFinal('+CMS ERROR: 500')).toMatchObject({ kind: 'cms-error', code: 500 });
  });

  it('does not take information lines for finals', () => {
    expect(parseFinal('OKAY')).toBeUndefined();
    expect(parseFinal('+CSQ: 20,99')).toBeUndefined();
    expect(parseFinal('ERROR: something')).toBeUndefined();
  });
});

describe('commandName', () => {
  it('names extended commands in every form', () => {
    expect(commandName('AT+CSQ')).toBe('+CSQ');
    expect(commandName('AT+CREG?')).toBe('+CREG');
    expect(commandName('at+creg=2')).toBe('+CREG');
    expect(commandName('AT^SYSINFO')).toBe('^SYSINFO');
    expect(commandName('ATE0')).toBeUndefined();
    expect(commandName('AT')).toBeUndefined();
  });
});

describe('AtLineSplitter', () => {
  it('ends lines on CR, LF or both and drops empty ones', () => {
    const splitter = new AtLineSplitter();
    expect(splitter.push(bytes('\r\nA\r\n\r\nB\rC\n'), false)).toEqual([
      { line: 'A' },
      { line: 'B' },
      { line: 'C' },
    ]);
  });

  it('keeps an unfinished line for the next chunk', () => {
    const splitter = new AtLineSplitter();
    expect(splitter.push(bytes('+CS'), false)).toEqual([]);
    expect(splitter.push(bytes('Q: 2'), false)).toEqual([]);
    expect(splitter.push(bytes('0,99\r'), false)).toEqual([{ line: '+CSQ: 20,99' }]);
  });

  it('finds "> " as a prompt, and a bare ">" only when a prompt is expected', () => {
    const splitter = new AtLineSplitter();
    expect(splitter.push(bytes('\r\n> '), false)).toEqual([{ prompt: true }]);
    expect(splitter.push(bytes('\r\n>'), false)).toEqual([]);
    splitter.reset();
    expect(splitter.push(bytes('\r\n>'), true)).toEqual([{ prompt: true }]);
  });

  it('drops control and non-ASCII bytes', () => {
    const splitter = new AtLineSplitter();
    expect(splitter.push(Uint8Array.of(0x00, 0xff, 0x4f, 0x1b, 0x4b, 0x80, 0x0d), false)).toEqual([
      { line: 'OK' },
    ]);
  });
});

describe('AtParser', () => {
  it('gives the information lines and the final of the command in flight', () => {
    const parser = new AtParser();
    parser.begin({ command: 'AT+CSQ' });
    expect(feed(parser, '\r\n+CSQ: 21,99\r\n\r\nOK\r\n')).toEqual([
      { type: 'info', text: '+CSQ: 21,99' },
      { type: 'final', final: { kind: 'ok', text: 'OK' } },
    ]);
    expect(parser.inFlight).toBeUndefined();
  });

  it('parses input fragmented at every byte the same as whole', () => {
    const text = 'AT+COPS?\r\r\n+COPS: 0,0,"China Mobile",7\r\n\r\n+CREG: 2\r\n\r\nOK\r\n';
    const whole = new AtParser();
    whole.begin({ command: 'AT+COPS?' });
    const expected = feed(whole, text);
    const split = new AtParser();
    split.begin({ command: 'AT+COPS?' });
    expect(feed(split, ...text.split(''))).toEqual(expected);
    expect(expected).toEqual([
      { type: 'echo', text: 'AT+COPS?' },
      { type: 'info', text: '+COPS: 0,0,"China Mobile",7' },
      { type: 'urc', lines: ['+CREG: 2'] },
      { type: 'final', final: { kind: 'ok', text: 'OK' } },
    ]);
  });

  it('recognises the echo of the command (echo on) case-insensitively', () => {
    const parser = new AtParser();
    parser.begin({ command: 'ate0' });
    expect(feed(parser, 'ATE0\r\r\nOK\r\n').map((event) => event.type)).toEqual(['echo', 'final']);
  });

  it('takes a registration line as the answer to AT+CREG? and as a URC otherwise', () => {
    const parser = new AtParser();
    parser.begin({ command: 'AT+CREG?' });
    expect(feed(parser, '+CREG: 1,1\r\nOK\r\n+CREG: 2\r\n')).toEqual([
      { type: 'info', text: '+CREG: 1,1' },
      { type: 'final', final: { kind: 'ok', text: 'OK' } },
      { type: 'urc', lines: ['+CREG: 2'] },
    ]);
  });

  it('treats +CSQ as unsolicited unless AT+CSQ is in flight', () => {
    const parser = new AtParser();
    expect(feed(parser, '+CSQ: 5,99\r\n')).toEqual([{ type: 'urc', lines: ['+CSQ: 5,99'] }]);
  });

  it('joins two-line URCs (an SMS delivery report in PDU mode)', () => {
    const parser = new AtParser();
    expect(feed(parser, '\r\n+CDS: 25\r\n07911326040000F0\r\n+CMTI: "SM",3\r\nRING\r\n')).toEqual([
      { type: 'urc', lines: ['+CDS: 25', '07911326040000F0'] },
      { type: 'urc', lines: ['+CMTI: "SM",3'] },
      { type: 'urc', lines: ['RING'] },
    ]);
  });

  it('accepts a configurable URC set', () => {
    const parser = new AtParser({ urcPrefixes: ['+QIND:'] });
    expect(feed(parser, '+QIND: "csq",20,99\r\n+CREG: 1\r\n')).toEqual([
      { type: 'urc', lines: ['+QIND: "csq",20,99'] },
      { type: 'noise', text: '+CREG: 1' },
    ]);
  });

  it('ends a command on +CME ERROR and +CMS ERROR', () => {
    const parser = new AtParser();
    parser.begin({ command: 'AT+CPIN?' });
    expect(feed(parser, '\r\n+CME ERROR: SIM not inserted\r\n')).toEqual([
      {
        type: 'final',
        final: {
          kind: 'cme-error',
          text: '+CME ERROR: SIM not inserted',
          message: 'SIM not inserted',
        },
      },
    ]);
    parser.begin({ command: 'AT+CMGS=23' });
    expect(feed(parser, '+CMS ERROR: 304\r\n')).toMatchObject([
      { type: 'final', final: { kind: 'cms-error', code: 304 } },
    ]);
  });

  it('handles the prompt, the payload echo and the reply of AT+CMGS', () => {
    const parser = new AtParser();
    const payload = '0011000B916407281553F80000AA0AE8329BFD4697D9EC37';
    parser.begin({ command: 'AT+CMGS=23', payload });
    expect(feed(parser, 'AT+CMGS=23\r\r\n> ')).toEqual([
      { type: 'echo', text: 'AT+CMGS=23' },
      { type: 'prompt' },
    ]);
    expect(feed(parser, `${payload}\x1a\r\n+CMGS: 42\r\n\r\nOK\r\n`)).toEqual([
      { type: 'echo', text: payload },
      { type: 'info', text: '+CMGS: 42' },
      { type: 'final', final: { kind: 'ok', text: 'OK' } },
    ]);
  });

  it('tolerates garbage bytes between and inside lines', () => {
    const parser = new AtParser();
    parser.begin({ command: 'AT+CSQ' });
    const events = feed(
      parser,
      Uint8Array.of(0xff, 0xfe, 0x00, 0x0d, 0x0a),
      '\r\n+CSQ: 1',
      Uint8Array.of(0x00, 0x81),
      '8,99\r\n',
      Uint8Array.of(0x13, 0x11, 0x0d),
      'OK\r\n',
    );
    expect(events).toEqual([
      { type: 'info', text: '+CSQ: 18,99' },
      { type: 'final', final: { kind: 'ok', text: 'OK' } },
    ]);
  });

  it('calls unknown lines and late results with nothing in flight noise', () => {
    const parser = new AtParser();
    expect(feed(parser, '#$%&\r\nOK\r\n+CME ERROR: 3\r\n')).toEqual([
      { type: 'noise', text: '#$%&' },
      { type: 'noise', text: 'OK' },
      { type: 'noise', text: '+CME ERROR: 3' },
    ]);
    expect(feed(parser, 'NO CARRIER\r\n')).toEqual([{ type: 'urc', lines: ['NO CARRIER'] }]);
  });

  it('forgets the command in flight on abort', () => {
    const parser = new AtParser();
    parser.begin({ command: 'AT+COPS=?' });
    parser.abort();
    expect(feed(parser, '+COPS: (2,"X","X","46000",7)\r\nOK\r\n').map((e) => e.type)).toEqual([
      'noise',
      'noise',
    ]);
  });
});
