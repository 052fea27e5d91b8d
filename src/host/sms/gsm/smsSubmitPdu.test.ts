import { describe, expect, it } from 'vitest';
import { gsmSeptets } from './gsmAlphabet.js';
import { encodeSubmitPdus, validityPeriodOctet, type SubmitOptions } from './smsSubmitPdu.js';

// Expected PDUs are written out by hand from 3GPP TS 23.040 / 23.038, field by field.

const SWEDEN = '+46708251358';
/** TP-DA of SWEDEN: 11 digits, international, semi-octets 64 07 28 15 53 F8. */
const SWEDEN_DA = '0B916407281553F8';
const CHINA = '13800138000';
/** TP-DA of CHINA: 11 digits, unknown type (national), semi-octets 31 08 10 83 00 F0. */
const CHINA_DA = '0B813108108300F0';

const plain: SubmitOptions = { statusReport: false, validity: 0xaa, concatReference: 0 };
const reported: SubmitOptions = { statusReport: true, validity: 0xa7, concatReference: 0x5c };

/** The TP-UDL of a PDU to an 11-digit number: after 00, FO, MR, DA (8 octets), PID, DCS, VP. */
function udl(hex: string): number {
  return Number.parseInt(hex.slice(28, 30), 16);
}

/** The user data (header included) of such a PDU. */
function userData(hex: string): string {
  return hex.slice(30);
}

describe('encodeSubmitPdus', () => {
  it('encodes the textbook "hellohello" PDU exactly', () => {
    expect(encodeSubmitPdus(SWEDEN, 'hellohello', plain)).toEqual([
      { hex: '0011000B916407281553F80000AA0AE8329BFD4697D9EC37', tpduLength: 23 },
    ]);
  });

  it('sets TP-SRR (first octet 31) when a status report is asked for', () => {
    const [part] = encodeSubmitPdus(SWEDEN, 'hellohello', { ...plain, statusReport: true });
    expect(part?.hex).toBe('0031000B916407281553F80000AA0AE8329BFD4697D9EC37');
  });

  it('addresses a national number with type 81 and F padding', () => {
    const [part] = encodeSubmitPdus(CHINA, 'hellohello', plain);
    expect(part?.hex.slice(6, 22)).toBe(CHINA_DA);
  });

  it('sends a Chinese code text as UCS-2 (TP-DCS 08), two octets per character', () => {
    // 验 9A8C 证 8BC1 码 7801 ： FF1A, then the digits 2 4 6 8 1 0 as 00 3x.
    expect(encodeSubmitPdus(CHINA, '验证码：246810', reported)).toEqual([
      {
        // 00 SMSC, 31 first octet, 00 MR, DA, 00 PID, 08 UCS-2, A7 one day, 14 = 20 octets.
        hex: `003100${CHINA_DA}0008A714` + '9A8C8BC17801FF1A' + '003200340036003800310030',
        tpduLength: 34,
      },
    ]);
  });

  it('reaches the extension table through ESC: € [ ] { }', () => {
    // Septets 1B 65, 1B 3C, 1B 3E, 1B 28, 1B 29 packed: 9B F2 86 B7 F1 6D 50 9B 14.
    const [part] = encodeSubmitPdus(SWEDEN, '€[]{}', plain);
    expect(part?.hex).toBe('0011000B916407281553F80000AA0A9BF286B7F16D509B14');
  });

  it('keeps the default alphabet’s own accents and symbols in 7-bit', () => {
    expect(gsmSeptets('@£$¥èéÑß_Δ¤¡§¿à')).toEqual(
      [
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x5d, 0x1e, 0x11, 0x10, 0x24, 0x40, 0x5f, 0x60, 0x7f,
      ].map((septet) => [septet]),
    );
    expect(gsmSeptets('ç')).toBeUndefined();
    expect(gsmSeptets('\u001b')).toBeUndefined();
  });

  it('puts 160 septets in one message and splits 161 into parts of 153', () => {
    const single = encodeSubmitPdus(SWEDEN, 'a'.repeat(160), plain);
    expect(single).toHaveLength(1);
    expect(udl(single[0]?.hex ?? '')).toBe(160);
    expect(single[0]?.tpduLength).toBe(14 + 140);
    const split = encodeSubmitPdus(SWEDEN, 'a'.repeat(161), plain);
    expect(split.map((part) => udl(part.hex))).toEqual([7 + 153, 7 + 8]);
  });

  it('heads each part with 05 00 03 <ref> <total> <seq> and packs 7-bit text after a fill bit', () => {
    // 153 + 153 + 2 septets: the third part holds just "Hi".
    const parts = encodeSubmitPdus(SWEDEN, `${'x'.repeat(306)}Hi`, reported);
    expect(parts).toHaveLength(3);
    for (const [index, part] of parts.entries()) {
      // First octet 71: SUBMIT, relative VP, SRR, UDHI.
      expect(part.hex.slice(0, 4)).toBe('0071');
      expect(userData(part.hex).slice(0, 12)).toBe(`0500035C030${index + 1}`);
    }
    // "Hi" after the 6-octet header: one fill bit, then H (48) and i (69): 90 69.
    expect(parts[2]).toEqual({
      hex: `007100${SWEDEN_DA}0000A709` + '0500035C0303' + '9069',
      tpduLength: 22,
    });
  });

  it('never splits an ESC from its extension septet', () => {
    // 152 + 2 would be 154 septets in the first part: the € moves to the second whole.
    const parts = encodeSubmitPdus(SWEDEN, `${'a'.repeat(152)}€${'b'.repeat(10)}`, plain);
    expect(parts.map((part) => udl(part.hex))).toEqual([7 + 152, 7 + 2 + 10]);
    // Second part: header, fill bit, then ESC (1B) and 65: 1B<<1 = 36, then 65 whole in the next octet.
    expect(userData(parts[1]?.hex ?? '').slice(12, 16)).toBe('3665');
  });

  it('puts 70 UCS-2 characters in one message, and 67 in each part beyond', () => {
    const single = encodeSubmitPdus(CHINA, '码'.repeat(70), reported);
    expect(single).toHaveLength(1);
    expect(single[0]?.hex.slice(0, 4)).toBe('0031');
    expect(udl(single[0]?.hex ?? '')).toBe(140);
    const split = encodeSubmitPdus(CHINA, '码'.repeat(134), reported);
    expect(split.map((part) => udl(part.hex))).toEqual([6 + 134, 6 + 134]);
    expect(split.map((part) => userData(part.hex).slice(0, 12))).toEqual([
      '0500035C0201',
      '0500035C0202',
    ]);
  });

  it('never splits a surrogate pair (a character outside the BMP)', () => {
    // 66 + 2 code units would be 68 in the first part: the emoji starts the second.
    const parts = encodeSubmitPdus(CHINA, `${'码'.repeat(66)}😀${'码'.repeat(5)}`, plain);
    expect(parts.map((part) => udl(part.hex))).toEqual([6 + 132, 6 + 14]);
    expect(userData(parts[1]?.hex ?? '').slice(12, 20)).toBe('D83DDE00');
  });

  it('refuses what cannot be addressed or is too long, without showing either', () => {
    expect(() => encodeSubmitPdus('138-0013-8000', 'x', plain)).toThrow(RangeError);
    expect(() => encodeSubmitPdus('1'.repeat(21), 'x', plain)).toThrow(RangeError);
    let error: unknown;
    try {
      encodeSubmitPdus(CHINA, '码'.repeat(67 * 255 + 1), plain);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect(String(error)).not.toContain('码');
  });
});

describe('validityPeriodOctet', () => {
  it.each([
    [5, 0x00],
    [6, 0x01],
    [720, 143],
    [750, 144],
    [1440, 167],
    [1441, 168],
    [4 * 1440, 0xaa],
    [30 * 1440, 196],
    [31 * 1440, 197],
    [63 * 7 * 1440, 255],
    [10 ** 9, 255],
  ])('%i minutes → %i', (minutes, octet) => {
    expect(validityPeriodOctet(minutes)).toBe(octet);
  });
});
