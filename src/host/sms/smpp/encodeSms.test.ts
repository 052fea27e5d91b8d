import { describe, expect, it } from 'vitest';
import { DATA_CODING_GSM7, DATA_CODING_UCS2, encodeSms, ESM_CLASS_UDHI } from './encodeSms.js';

/** The test's own UTF-16BE reading, independent of the encoder. */
function fromUtf16be(bytes: Buffer): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 2) text += String.fromCharCode(bytes.readUInt16BE(i));
  return text;
}

/** Checks every part's concatenation UDH and returns the parts' payloads in order. */
function payloads(parts: Buffer[], reference: number): Buffer[] {
  return parts.map((part, index) => {
    expect([...part.subarray(0, 6)]).toEqual([
      0x05,
      0x00,
      0x03,
      reference,
      parts.length,
      index + 1,
    ]);
    return part.subarray(6);
  });
}

describe('encodeSms', () => {
  it('sends a GSM text as one septet per octet with data_coding 0', () => {
    const encoded = encodeSms('Code 123456 @ €5_{x}', 7);
    expect(encoded).toMatchObject({ dataCoding: DATA_CODING_GSM7, esmClass: 0 });
    expect(encoded.parts).toHaveLength(1);
    expect([...(encoded.parts[0] ?? [])]).toEqual([
      0x43,
      0x6f,
      0x64,
      0x65,
      0x20,
      0x31,
      0x32,
      0x33,
      0x34,
      0x35,
      0x36,
      0x20,
      0x00, // @
      0x20,
      0x1b,
      0x65, // €
      0x35,
      0x11, // _
      0x1b,
      0x28, // {
      0x78,
      0x1b,
      0x29, // }
    ]);
  });

  it('places the last characters of the GSM table where 03.38 has them', () => {
    const [bytes] = encodeSms('à¿§Ä¡ΔÇ\n', 0).parts;
    expect([...(bytes ?? [])]).toEqual([0x7f, 0x60, 0x5f, 0x5b, 0x40, 0x10, 0x09, 0x0a]);
  });

  it('sends Chinese as UCS-2 (UTF-16BE) with data_coding 8', () => {
    const text = '【ComboPay】验证码 123456，5分钟内有效。';
    const encoded = encodeSms(text, 0);
    expect(encoded).toMatchObject({ dataCoding: DATA_CODING_UCS2, esmClass: 0 });
    expect(encoded.parts).toHaveLength(1);
    expect(fromUtf16be(encoded.parts[0] ?? Buffer.alloc(0))).toBe(text);
    expect([...(encoded.parts[0]?.subarray(0, 2) ?? [])]).toEqual([0x30, 0x10]); // 【 U+3010
  });

  it('keeps 160 GSM septets and 70 UCS-2 characters in one SMS', () => {
    expect(encodeSms('a'.repeat(160), 0).parts).toHaveLength(1);
    expect(encodeSms('码'.repeat(70), 0).parts).toHaveLength(1);
    // € takes two septets: 159 of them make 160 + 1 septets.
    expect(encodeSms(`${'a'.repeat(159)}€`, 0).parts).toHaveLength(2);
  });

  it('splits a long GSM text into parts of 153 septets under one reference', () => {
    const text = 'abcdefghij'.repeat(40);
    const encoded = encodeSms(text, 0x2a);
    expect(encoded).toMatchObject({ dataCoding: DATA_CODING_GSM7, esmClass: ESM_CLASS_UDHI });
    const parts = payloads(encoded.parts, 0x2a);
    expect(parts.map((part) => part.length)).toEqual([153, 153, 94]);
    expect(Buffer.concat(parts).toString('latin1')).toBe(text);
  });

  it('never cuts a GSM escape from its character', () => {
    const text = `${'a'.repeat(152)}€${'b'.repeat(10)}`;
    const parts = payloads(encodeSms(text, 1).parts, 1);
    expect(parts.map((part) => part.length)).toEqual([152, 12]);
    expect([...(parts[1]?.subarray(0, 2) ?? [])]).toEqual([0x1b, 0x65]);
  });

  it('splits a long Chinese text into parts of 67 characters', () => {
    const text = '您的验证码是一二三四五六'.repeat(13);
    const parts = payloads(encodeSms(text, 200).parts, 200);
    expect(parts.map((part) => part.length / 2)).toEqual([67, 67, 22]);
    expect(parts.map(fromUtf16be).join('')).toBe(text);
  });

  it('never splits a surrogate pair across two parts', () => {
    const text = `${'码'.repeat(66)}😀${'码'.repeat(10)}`;
    const parts = payloads(encodeSms(text, 3).parts, 3);
    expect(parts.map((part) => part.length / 2)).toEqual([66, 12]);
    expect(fromUtf16be(parts[1] ?? Buffer.alloc(0)).startsWith('😀')).toBe(true);
  });

  it('refuses a text that would need more than 255 parts', () => {
    expect(() => encodeSms('码'.repeat(67 * 255), 0)).not.toThrow();
    expect(() => encodeSms('码'.repeat(67 * 255 + 1), 0)).toThrow(RangeError);
  });
});
