import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../../src/core/displayWidth.js';
import { decodeEscPos, toText } from '../escpos/decodeEscPos.js';
import type { TestPage } from '../PrintDocument.js';
import { encodeDocument } from './encodeDocument.js';

/** Printed at 20:30:15.999 UTC: 04:30:15 the next day in Beijing, the second cut, not rounded. */
const chineseTestPage: TestPage = {
  kind: 'test-page',
  language: 'zh-CN',
  terminalId: 'T0000001',
  version: '0.1.0',
  time: '2026-11-23T20:30:15.999Z',
};

const englishTestPage: TestPage = { ...chineseTestPage, language: 'en', version: '1.12.3-rc.1' };

// Read line by line as a technician would: the title bold and double height ("B1x2"), the
// terminal id, the version, Beijing time (20:30:15Z + 8 h, the next day), the ruler of 32
// digits, the printable ASCII set in 32-column lines, the Chinese sample filling the line
// (decoded from GB18030), the bold sample, the double-size sample ("2x2": twice as wide and
// tall), the end mark, the feed and one full cut.
const CHINESE_TEST_PAGE_PRINTED = `B1x2|            打印测试
    |--------------------------------
    |终端编号                T0000001
    |软件版本                   0.1.0
    |日期时间     2026-11-24 04:30:15
    |--------------------------------
    |01234567890123456789012345678901
    |!"#$%&'()*+,-./0123456789:;<=>?@
    |ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\`
    |abcdefghijklmnopqrstuvwxyz{|}~
    |中文打印测试：一二三四五六七八九
B   |粗体样张 Bold 123
 2x2|倍宽倍高 2x2
    |--------------------------------
    |        -- 测试页结束 --
    |
    |
    |
    |
[cut]
`;

// The same page in English: UTC time marked UTC, and the Chinese sample all the same, since
// the printer's Chinese font must be checked whatever the terminal's language.
const ENGLISH_TEST_PAGE_PRINTED = `B1x2|          PRINTER TEST
    |--------------------------------
    |TERMINAL ID             T0000001
    |VERSION              1.12.3-rc.1
    |TIME     2026-11-23 20:30:15 UTC
    |--------------------------------
    |01234567890123456789012345678901
    |!"#$%&'()*+,-./0123456789:;<=>?@
    |ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\`
    |abcdefghijklmnopqrstuvwxyz{|}~
    |中文打印测试：一二三四五六七八九
B   |Bold sample 123
 2x2|Double size 2x2
    |--------------------------------
    |     -- end of test page --
    |
    |
    |
    |
[cut]
`;

/** 中文打印测试：一二三四五六七八九 in GB18030 (GBK's two-byte codes), from the code chart. */
const CHINESE_SAMPLE_GB18030 = Buffer.from(
  'd6d0 cec4 b4f2 d3a1 b2e2 cad4 a3ba d2bb b6fe c8fd cbc4 cee5 c1f9 c6df b0cb bec5'.replace(
    / /g,
    '',
  ),
  'hex',
);

describe('encodeDocument: test page', () => {
  it('prints a Chinese test page as the technician reads it', () => {
    const decoded = decodeEscPos(encodeDocument(chineseTestPage));
    expect(toText(decoded, { modes: true })).toBe(CHINESE_TEST_PAGE_PRINTED);
    expect(decoded.unknown).toEqual([]);
    expect(decoded.pending).toBe('');
  });

  it('prints an English test page in UTC, with the Chinese sample too', () => {
    const decoded = decodeEscPos(encodeDocument(englishTestPage));
    expect(toText(decoded, { modes: true })).toBe(ENGLISH_TEST_PAGE_PRINTED);
    expect(decoded.unknown).toEqual([]);
  });

  it('sends the Chinese sample as GB18030 bytes with Chinese character mode on, in both languages', () => {
    for (const page of [chineseTestPage, englishTestPage]) {
      const bytes = encodeDocument(page);
      const at = bytes.indexOf(CHINESE_SAMPLE_GB18030);
      expect(at, page.language).toBeGreaterThan(0);
      // `FS &` (Chinese mode on) is sent after the last `ESC @` before the sample, and no
      // `FS .` (off) between them.
      const initialised = bytes.lastIndexOf(Buffer.from([0x1b, 0x40]), at);
      const modeOn = bytes.indexOf(Buffer.from([0x1c, 0x26]), initialised);
      expect(modeOn, page.language).toBeGreaterThan(initialised);
      expect(modeOn, page.language).toBeLessThan(at);
      expect(bytes.subarray(initialised, at).includes(Buffer.from([0x1c, 0x2e]))).toBe(false);
    }
  });

  it('prints the ruler exactly as wide as the paper, and no line wider', () => {
    for (const page of [chineseTestPage, englishTestPage]) {
      const { lines } = decodeEscPos(encodeDocument(page));
      const ruler = lines.find((line) => line.text.startsWith('0123'));
      expect(ruler?.text).toBe('01234567890123456789012345678901');
      expect(displayWidth(ruler?.text ?? '')).toBe(32);
      for (const line of lines) {
        expect(displayWidth(line.text) * line.width, line.text).toBeLessThanOrEqual(32);
      }
    }
  });

  it('sets double width and height for the double-size sample only, then back to normal', () => {
    const bytes = encodeDocument(chineseTestPage);
    // GS ! 0x11 once (the double-size sample), GS ! 0x01 once (the title).
    const count = (command: number[]): number => {
      let found = 0;
      for (let at = bytes.indexOf(Buffer.from(command)); at >= 0; found++) {
        at = bytes.indexOf(Buffer.from(command), at + command.length);
      }
      return found;
    };
    expect(count([0x1d, 0x21, 0x11])).toBe(1);
    expect(count([0x1d, 0x21, 0x01])).toBe(1);
    expect(count([0x1d, 0x21, 0x00])).toBe(2);
  });

  it('ends with one full cut after the last line', () => {
    const decoded = decodeEscPos(encodeDocument(englishTestPage));
    expect(decoded.cutPoints).toEqual([{ afterLine: decoded.lines.length, partial: false }]);
  });

  it('refuses a time that is not ISO 8601 with a zone', () => {
    expect(() => encodeDocument({ ...chineseTestPage, time: '2026-11-23 20:30:15' })).toThrow(
      RangeError,
    );
  });
});
