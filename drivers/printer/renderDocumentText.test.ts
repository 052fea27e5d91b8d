import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/displayWidth.js';
import { layoutDocument, plainLine } from './layoutDocument.js';
import type { BatchFiguresView, SalesSlip, SettlementReport, TestPage } from './PrintDocument.js';
import { contractSlip } from './printerContract.js';
import { renderDocumentText } from './renderDocumentText.js';

const sale: SalesSlip = {
  ...contractSlip,
  language: 'zh-CN',
  merchant: {
    id: '898310048160001',
    name: '上海幸运面馆有限公司 Lucky Noodle House (People Square)',
  },
};

function figures(
  counts: BatchFiguresView['counts'],
  sale: number,
  refund: number,
): BatchFiguresView {
  return {
    counts,
    totals: { sale: { value: sale, currency: 'CNY' }, refund: { value: refund, currency: 'CNY' } },
  };
}

const report: SettlementReport = {
  kind: 'settlement-report',
  language: 'zh-CN',
  merchant: { id: '898310048160001', name: '幸运面馆' },
  terminalId: 'T0000001',
  batch: '000001',
  time: '2026-11-23T14:00:00Z',
  result: 'balanced',
  terminal: figures({ sale: 3, void: 1, refund: 1 }, 3750, 500),
  host: figures({ sale: 3, void: 1, refund: 1 }, 3750, 500),
};

/** The two copies of a slip, split at the two blank lines between them. */
function copies(lines: string[]): [string[], string[]] {
  const gap = lines.findIndex((line, i) => line === '' && lines[i + 1] === '');
  expect(gap).toBeGreaterThan(0);
  return [lines.slice(0, gap), lines.slice(gap + 2)];
}

function expectPrintable(lines: string[]): void {
  for (const line of lines) {
    expect(displayWidth(line), line).toBeLessThanOrEqual(32);
    expect(line, 'no trailing spaces').toBe(line.trimEnd());
    expect(/[\p{Cc}\p{Zl}\p{Zp}]/u.test(line), 'no control characters').toBe(false);
  }
}

describe('renderDocumentText: sales slip', () => {
  it('prints a Chinese sale: merchant copy, then customer copy', () => {
    const lines = renderDocumentText(sale);
    const body = [
      '--------------------------------',
      '商户名称',
      '上海幸运面馆有限公司 Lucky',
      'Noodle House (People Square)',
      '商户编号         898310048160001',
      '终端编号                T0000001',
      '操作员号                      01',
      '--------------------------------',
      '交易类型                    消费',
      '账号                 138****8000',
      '批次号                    000001',
      '凭证号                    000123',
      '授权码                    A1B2C3',
      '参考号              000000123456',
      '日期时间     2026-11-23 16:30:15',
      '--------------------------------',
      '金额                   CNY 12.50',
      '--------------------------------',
      '密码+短信验证码确认',
      '本交易无需签名',
      '            谢谢惠顾',
    ];
    expect(lines).toEqual([
      '        ComboPay 签购单',
      '            商户存根',
      ...body,
      '',
      '',
      '        ComboPay 签购单',
      '           持卡人存根',
      ...body,
    ]);
    expectPrintable(lines);
  });

  it('prints an English sale with the time in UTC', () => {
    const lines = renderDocumentText({ ...sale, language: 'en' });
    const body = [
      '--------------------------------',
      'MERCHANT NAME',
      '上海幸运面馆有限公司 Lucky',
      'Noodle House (People Square)',
      'MERCHANT ID      898310048160001',
      'TERMINAL ID             T0000001',
      'OPERATOR                      01',
      '--------------------------------',
      'TYPE                        SALE',
      'ACCOUNT              138****8000',
      'BATCH NO                  000001',
      'TRACE NO                  000123',
      'AUTH CODE                 A1B2C3',
      'REF NO              000000123456',
      'TIME     2026-11-23 08:30:15 UTC',
      '--------------------------------',
      'AMOUNT                 CNY 12.50',
      '--------------------------------',
      'Confirmed by PIN + SMS code',
      'No signature required',
      '           Thank you',
    ];
    expect(lines).toEqual([
      '      COMBOPAY SALES SLIP',
      '         MERCHANT COPY',
      ...body,
      '',
      '',
      '      COMBOPAY SALES SLIP',
      '         CUSTOMER COPY',
      ...body,
    ]);
    expectPrintable(lines);
  });

  it('prints a void negative, with its original reference, and leaves absent fields out', () => {
    const lines = renderDocumentText({
      ...sale,
      language: 'en',
      merchant: { id: '898310048160001', name: 'Lucky Noodle' },
      type: 'void',
      account: undefined,
      authCode: undefined,
      trace: '000124',
      reference: '000000123999',
      originalReference: '000000123456',
      time: '2026-11-23T08:45:00Z',
      reprint: true,
    });
    const [merchantCopy, customerCopy] = copies(lines);
    expect(merchantCopy).toEqual([
      '      COMBOPAY SALES SLIP',
      '         MERCHANT COPY',
      '        *** REPRINT ***',
      '--------------------------------',
      'MERCHANT NAME',
      'Lucky Noodle',
      'MERCHANT ID      898310048160001',
      'TERMINAL ID             T0000001',
      'OPERATOR                      01',
      '--------------------------------',
      'TYPE                        VOID',
      'BATCH NO                  000001',
      'TRACE NO                  000124',
      'REF NO              000000123999',
      'ORIG REF NO         000000123456',
      'TIME     2026-11-23 08:45:00 UTC',
      '--------------------------------',
      'AMOUNT                -CNY 12.50',
      '--------------------------------',
      'Confirmed by PIN + SMS code',
      'No signature required',
      '           Thank you',
    ]);
    expect(customerCopy.slice(0, 3)).toEqual([
      '      COMBOPAY SALES SLIP',
      '         CUSTOMER COPY',
      '        *** REPRINT ***',
    ]);
  });

  it('prints a Chinese refund reprint with 退货, the original reference and a negative amount', () => {
    const lines = renderDocumentText({
      ...sale,
      type: 'refund',
      amount: { value: 500, currency: 'CNY' },
      originalReference: '000000123456',
      reprint: true,
    });
    const [merchantCopy, customerCopy] = copies(lines);
    for (const copy of [merchantCopy, customerCopy]) {
      expect(copy[2]).toBe('         *** 重打印 ***');
      expect(copy).toContain('交易类型                    退货');
      expect(copy).toContain('原参考号            000000123456');
      expect(copy).toContain('金额                   -CNY 5.00');
    }
    expect(merchantCopy[1]).toBe('            商户存根');
    expect(customerCopy[1]).toBe('           持卡人存根');
  });

  it('prints no original reference and no reprint mark on a plain sale', () => {
    const lines = renderDocumentText({ ...sale, originalReference: '000000000001' });
    expect(lines.join('\n')).not.toContain('000000000001');
    expect(lines.join('\n')).not.toContain('重打印');
    expect(lines.some((line) => line.startsWith('原参考号'))).toBe(false);
  });

  it.each([
    [5, 'CNY', 'CNY 0.05'],
    [100, 'HKD', 'HKD 1.00'],
    [123_456_789, 'CNY', 'CNY 1234567.89'],
    [999_999_999_999, 'CNY', 'CNY 9999999999.99'],
  ] as const)('prints %d %s exactly as %s', (value, currency, text) => {
    const lines = renderDocumentText({ ...sale, amount: { value, currency } });
    const amountLines = lines.filter((line) => line.startsWith('金额'));
    expect(amountLines).toEqual([2, 1].map(() => `金额${' '.repeat(28 - text.length)}${text}`));
  });

  it('shows Beijing time on a Chinese slip across midnight and the new year, UTC on an English one', () => {
    const time = '2026-12-31T17:00:00.999Z';
    expect(renderDocumentText({ ...sale, time })).toContain('日期时间     2027-01-01 01:00:00');
    expect(renderDocumentText({ ...sale, time, language: 'en' })).toContain(
      'TIME     2026-12-31 17:00:00 UTC',
    );
    const withOffset = { ...sale, time: '2026-11-23T16:30:15+08:00', language: 'en' } as const;
    expect(renderDocumentText(withOffset)).toContain('TIME     2026-11-23 08:30:15 UTC');
  });

  it('prints a leap day and midnight written as 24:00', () => {
    expect(renderDocumentText({ ...sale, time: '2028-02-29T08:30:00Z' })).toContain(
      '日期时间     2028-02-29 16:30:00',
    );
    expect(renderDocumentText({ ...sale, time: '2026-11-23T24:00:00Z', language: 'en' })).toContain(
      'TIME     2026-11-24 00:00:00 UTC',
    );
  });

  it.each([
    '2026-11-23 08:30:15',
    '2026-11-23T08:30:15',
    'yesterday',
    '',
    '2026-02-30T00:00:00Z',
    '2026-02-29T08:30:00Z',
    '2026-04-31T08:30:00Z',
    '2026-11-23T08:60:00Z',
  ])('refuses the time %j', (time) => {
    expect(() => renderDocumentText({ ...sale, time })).toThrow(RangeError);
  });

  it('moves a value that would touch its label to the next line', () => {
    const lines = (id: string): string[] =>
      renderDocumentText({ ...sale, language: 'en', merchant: { id, name: 'Lucky' } });
    const fits = 'M'.repeat(20);
    expect(lines(fits)).toContain(`MERCHANT ID ${fits}`);
    const touches = 'M'.repeat(21);
    const split = lines(touches);
    expect(split[split.indexOf('MERCHANT ID') + 1]).toBe(`           ${touches}`);
    const long = '1234567890'.repeat(4);
    const wrapped = lines(long);
    expect(wrapped.slice(wrapped.indexOf('MERCHANT ID') + 1).slice(0, 2)).toEqual([
      '12345678901234567890123456789012',
      '                        34567890',
    ]);
  });

  it('prints in Chinese when the language is not one it knows', () => {
    const lines = renderDocumentText({ ...sale, language: 'fr' as 'en' });
    expect(lines[1]).toBe('            商户存根');
  });

  it('never prints a token or a PIN smuggled into the document', () => {
    const smuggled = {
      ...sale,
      token: 'c2VjcmV0LWFjY291bnQtdG9rZW4',
      pin: '987654',
      otp: '246813',
    };
    const text = renderDocumentText(smuggled).join('\n');
    for (const secret of ['c2VjcmV0LWFjY291bnQtdG9rZW4', '987654', '246813']) {
      expect(text).not.toContain(secret);
    }
  });

  it('replaces control characters in the merchant name so none reaches the printer', () => {
    const lines = renderDocumentText({
      ...sale,
      merchant: { id: 'M\u001b@1', name: 'Lucky\u001bd\u0001Noodle\nHouse' },
    });
    expect(lines).toContain('Lucky d Noodle House');
    expect(lines).toContain('商户编号                    M @1');
    expectPrintable(lines);
  });

  it('keeps every line within 32 columns whatever the merchant and the figures', () => {
    const text = fc.string({
      unit: fc.constantFrom(
        '上',
        '海',
        'Ｗ',
        '，',
        'A',
        'b',
        '7',
        ' ',
        '😀',
        'é',
        '\n',
        '\t',
        '\u0301',
      ),
      maxLength: 120,
    });
    fc.assert(
      fc.property(
        text,
        text,
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.integer({ min: 0, max: 999_999_999_999 }),
        fc.constantFrom('zh-CN', 'en'),
        fc.constantFrom('sale', 'void', 'refund'),
        (name, id, operator, value, language, type) => {
          const lines = renderDocumentText({
            ...sale,
            merchant: { id, name },
            operator,
            language,
            type,
            originalReference: '000000123456',
            reprint: true,
            amount: { value, currency: 'CNY' },
          });
          expectPrintable(lines);
        },
      ),
    );
  });
});

describe('renderDocumentText: settlement report', () => {
  it('prints a balanced Chinese report with both sides on one line per figure', () => {
    expect(renderDocumentText(report)).toEqual([
      '             结算单',
      '--------------------------------',
      '商户名称',
      '幸运面馆',
      '商户编号         898310048160001',
      '终端编号                T0000001',
      '批次号                    000001',
      '日期时间     2026-11-23 22:00:00',
      '--------------------------------',
      '                 终端       主机',
      '消费笔数            3          3',
      '撤销笔数            1          1',
      '退货笔数            1          1',
      '消费金额    CNY 37.50  CNY 37.50',
      '退货金额     CNY 5.00   CNY 5.00',
      '--------------------------------',
      '结算结果                    平账',
    ]);
  });

  it('puts the figures under their labels when an amount is too wide to share the line', () => {
    const lines = renderDocumentText({
      ...report,
      language: 'en',
      merchant: { id: '898310048160001', name: 'Lucky Noodle' },
      result: 'out_of_balance',
      terminal: figures({ sale: 3, void: 1, refund: 0 }, 3750, 0),
      host: figures({ sale: 4, void: 1, refund: 0 }, 123_456, 0),
    });
    expect(lines).toEqual([
      '       SETTLEMENT REPORT',
      '--------------------------------',
      'MERCHANT NAME',
      'Lucky Noodle',
      'MERCHANT ID      898310048160001',
      'TERMINAL ID             T0000001',
      'BATCH NO                  000001',
      'TIME     2026-11-23 14:00:00 UTC',
      '--------------------------------',
      '        TERMINAL            HOST',
      'SALES',
      '               3               4',
      'VOIDS',
      '               1               1',
      'REFUNDS',
      '               0               0',
      'SALE AMT',
      '       CNY 37.50     CNY 1234.56',
      'REFUND AMT',
      '        CNY 0.00        CNY 0.00',
      '--------------------------------',
      'RESULT            OUT OF BALANCE',
    ]);
  });

  it('gives each figure its own line when even half a line is too narrow', () => {
    const lines = renderDocumentText({
      ...report,
      result: 'out_of_balance',
      host: figures({ sale: 3, void: 1, refund: 1 }, 999_999_999_999, 500),
    });
    const table = lines.slice(lines.indexOf('消费金额'), lines.indexOf('消费金额') + 3);
    expect(table).toEqual([
      '消费金额',
      '  终端                 CNY 37.50',
      '  主机         CNY 9999999999.99',
    ]);
    expect(lines).toContain('结算结果                    不平');
    expectPrintable(lines);
  });
});

const testPage: TestPage = {
  kind: 'test-page',
  language: 'en',
  terminalId: 'T0000001',
  version: '0.1.0',
  time: '2026-12-31T16:05:09.5Z',
};

describe('renderDocumentText: test page', () => {
  it('prints an English test page: identity, UTC time, ruler, character sets, samples', () => {
    expect(renderDocumentText(testPage)).toEqual([
      '          PRINTER TEST',
      '--------------------------------',
      'TERMINAL ID             T0000001',
      'VERSION                    0.1.0',
      'TIME     2026-12-31 16:05:09 UTC',
      '--------------------------------',
      '01234567890123456789012345678901',
      '!"#$%&\'()*+,-./0123456789:;<=>?@',
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`',
      'abcdefghijklmnopqrstuvwxyz{|}~',
      '中文打印测试：一二三四五六七八九',
      'Bold sample 123',
      'Double size 2x2',
      '--------------------------------',
      '     -- end of test page --',
    ]);
  });

  it('prints a Chinese test page in Beijing time, across the new year', () => {
    const lines = renderDocumentText({ ...testPage, language: 'zh-CN' });
    expect(lines.slice(0, 5)).toEqual([
      '            打印测试',
      '--------------------------------',
      '终端编号                T0000001',
      '软件版本                   0.1.0',
      '日期时间     2027-01-01 00:05:09',
    ]);
    expect(lines.slice(10)).toEqual([
      '中文打印测试：一二三四五六七八九',
      '粗体样张 Bold 123',
      '倍宽倍高 2x2',
      '--------------------------------',
      '        -- 测试页结束 --',
    ]);
  });

  it('styles the title bold and tall, the bold sample bold, the double-size sample 2x2', () => {
    const [page = []] = layoutDocument({ ...testPage, language: 'zh-CN' });
    const styles = page
      .filter((line) => line.bold === true || line.tall === true || line.wide === true)
      .map((line) => ({ ...line }));
    expect(styles).toEqual([
      { text: '打印测试', align: 'center', bold: true, tall: true },
      { text: '粗体样张 Bold 123', align: 'left', bold: true },
      { text: '倍宽倍高 2x2', align: 'left', tall: true, wide: true },
    ]);
  });

  it('centres a double-width line by its width on paper', () => {
    expect(plainLine({ text: 'ABCD', align: 'center', wide: true })).toBe(`${' '.repeat(12)}ABCD`);
    expect(plainLine({ text: 'ABCD', align: 'center' })).toBe(`${' '.repeat(14)}ABCD`);
  });

  it('refuses a time without a zone', () => {
    expect(() => renderDocumentText({ ...testPage, time: '2026-12-31T16:05:09' })).toThrow(
      RangeError,
    );
  });

  it('keeps every line within the paper whatever the terminal id and version', () => {
    const text = fc.string({
      unit: fc.constantFrom('上', 'Ｗ', 'A', '7', '.', ' ', '😀', '\n', '\u001b'),
      maxLength: 80,
    });
    fc.assert(
      fc.property(text, text, fc.constantFrom('zh-CN', 'en'), (terminalId, version, language) => {
        const document: TestPage = { ...testPage, terminalId, version, language };
        expectPrintable(renderDocumentText(document));
        for (const line of layoutDocument(document).flat()) {
          const onPaper = displayWidth(plainLine(line)) + (line.wide ? displayWidth(line.text) : 0);
          expect(onPaper, line.text).toBeLessThanOrEqual(32);
        }
      }),
    );
  });
});
