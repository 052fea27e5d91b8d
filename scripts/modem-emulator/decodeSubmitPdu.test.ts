import { describe, expect, it } from 'vitest';
import { decodeSubmitPdu, joinParts, type DecodedSubmit } from './decodeSubmitPdu.js';

// The emulator's and the tests' own reader of SMS-SUBMIT PDUs, checked against the textbook
// PDU and PDUs written out by hand from TS 23.040.

describe('decodeSubmitPdu', () => {
  it('reads the textbook "hellohello" PDU', () => {
    expect(decodeSubmitPdu('0011000B916407281553F80000AA0AE8329BFD4697D9EC37')).toMatchObject({
      tpduLength: 23,
      statusReport: false,
      messageReference: 0,
      to: '+46708251358',
      addressType: 0x91,
      protocolId: 0,
      dataCoding: 0,
      validity: 0xaa,
      userDataLength: 10,
      concat: undefined,
      text: 'hellohello',
    });
  });

  it('reads UCS-2 and a national number', () => {
    const decoded = decodeSubmitPdu(
      '0031000B813108108300F00008A7149A8C8BC17801FF1A003200340036003800310030',
    );
    expect(decoded).toMatchObject({ to: '13800138000', statusReport: true, dataCoding: 8 });
    expect(decoded.text).toBe('验证码：246810');
  });

  it('reads extension characters and a concatenation header with its fill bit', () => {
    expect(decodeSubmitPdu('0011000B916407281553F80000AA0A9BF286B7F16D509B14').text).toBe('€[]{}');
    const part = decodeSubmitPdu('0071000B916407281553F80000A7090500035C03039069');
    expect(part.concat).toEqual({ reference: 0x5c, total: 3, sequence: 3 });
    expect(part.text).toBe('Hi');
  });

  it('refuses a PDU whose user data length is wrong, or that is not a SUBMIT', () => {
    expect(() => decodeSubmitPdu('0011000B916407281553F80000AA0BE8329BFD4697D9EC37')).toThrow();
    expect(() => decodeSubmitPdu('0004000B916407281553F80000AA0AE8329BFD4697D9EC37')).toThrow();
    expect(() => decodeSubmitPdu('zz')).toThrow();
  });
});

describe('joinParts', () => {
  const part = (to: string, text: string, concat?: DecodedSubmit['concat']) =>
    ({ to, text, concat }) as DecodedSubmit;

  it('joins parts by number and reference in sequence order, and leaves out incomplete ones', () => {
    expect(
      joinParts([
        part('+1', 'lo', { reference: 7, total: 2, sequence: 2 }),
        part('+2', 'single'),
        part('+1', 'hel', { reference: 7, total: 2, sequence: 1 }),
        part('+1', 'other', { reference: 8, total: 2, sequence: 1 }),
      ]),
    ).toEqual([
      { to: '+1', text: 'hello', parts: 2 },
      { to: '+2', text: 'single', parts: 1 },
    ]);
  });
});
