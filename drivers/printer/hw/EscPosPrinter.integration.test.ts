import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPosError } from '../../../src/core/PosError.js';
import { openPtyPair, type PtyPair } from '../../../src/testing/ptyPair.js';
import { decodeEscPos, toText } from '../escpos/decodeEscPos.js';
import type { SalesSlip, SettlementReport } from '../PrintDocument.js';
import { contractSlip } from '../printerContract.js';
import { renderDocumentText } from '../renderDocumentText.js';
import { DeviceFileLink } from './DeviceFileLink.js';
import { EscPosPrinter } from './EscPosPrinter.js';
import {
  startSerialPrinterSink,
  startTcpPrinterSink,
  type PrinterSink,
  type TcpPrinterSink,
} from './printerSinks.js';
import { SerialLink } from './SerialLink.js';
import { TcpLink } from './TcpLink.js';

const fast = { statusTimeoutMs: 500, pollMs: 20, reconnectDelayMs: 20, maxReconnectDelayMs: 100 };

const chineseSale: SalesSlip = {
  ...contractSlip,
  language: 'zh-CN',
  merchant: { id: '898310048160001', name: '幸运面馆' },
};

const englishReprint: SalesSlip = {
  ...chineseSale,
  language: 'en',
  merchant: { id: '898310048160001', name: 'Lucky Noodle' },
  trace: '000124',
  amount: { value: 8800, currency: 'CNY' },
  reprint: true,
};

// Read line by line against the document above, as a cashier would: labels, the masked
// account, Beijing time (08:30:15Z + 8 h), CNY 12.50 for 1250 fen, title and amount bold and
// double height ("B1x2": width x1, height x2), a full cut after each copy.
const CHINESE_SALE_PRINTED = `B1x2|        ComboPay 签购单
    |            商户存根
    |--------------------------------
    |商户名称
    |幸运面馆
    |商户编号         898310048160001
    |终端编号                T0000001
    |操作员号                      01
    |--------------------------------
    |交易类型                    消费
    |账号                 138****8000
    |批次号                    000001
    |凭证号                    000123
    |授权码                    A1B2C3
    |参考号              000000123456
    |日期时间     2026-11-23 16:30:15
    |--------------------------------
B1x2|金额                   CNY 12.50
    |--------------------------------
    |密码+短信验证码确认
    |本交易无需签名
    |            谢谢惠顾
    |
    |
    |
    |
[cut]
B1x2|        ComboPay 签购单
    |           持卡人存根
    |--------------------------------
    |商户名称
    |幸运面馆
    |商户编号         898310048160001
    |终端编号                T0000001
    |操作员号                      01
    |--------------------------------
    |交易类型                    消费
    |账号                 138****8000
    |批次号                    000001
    |凭证号                    000123
    |授权码                    A1B2C3
    |参考号              000000123456
    |日期时间     2026-11-23 16:30:15
    |--------------------------------
B1x2|金额                   CNY 12.50
    |--------------------------------
    |密码+短信验证码确认
    |本交易无需签名
    |            谢谢惠顾
    |
    |
    |
    |
[cut]
`;

// Checked the same way: UTC time marked UTC, CNY 88.00 for 8800 fen, the REPRINT mark in bold.
const ENGLISH_REPRINT_PRINTED = `B1x2|      COMBOPAY SALES SLIP
    |         MERCHANT COPY
B   |        *** REPRINT ***
    |--------------------------------
    |MERCHANT NAME
    |Lucky Noodle
    |MERCHANT ID      898310048160001
    |TERMINAL ID             T0000001
    |OPERATOR                      01
    |--------------------------------
    |TYPE                        SALE
    |ACCOUNT              138****8000
    |BATCH NO                  000001
    |TRACE NO                  000124
    |AUTH CODE                 A1B2C3
    |REF NO              000000123456
    |TIME     2026-11-23 08:30:15 UTC
    |--------------------------------
B1x2|AMOUNT                 CNY 88.00
    |--------------------------------
    |Confirmed by PIN + SMS code
    |No signature required
    |           Thank you
    |
    |
    |
    |
[cut]
B1x2|      COMBOPAY SALES SLIP
    |         CUSTOMER COPY
B   |        *** REPRINT ***
    |--------------------------------
    |MERCHANT NAME
    |Lucky Noodle
    |MERCHANT ID      898310048160001
    |TERMINAL ID             T0000001
    |OPERATOR                      01
    |--------------------------------
    |TYPE                        SALE
    |ACCOUNT              138****8000
    |BATCH NO                  000001
    |TRACE NO                  000124
    |AUTH CODE                 A1B2C3
    |REF NO              000000123456
    |TIME     2026-11-23 08:30:15 UTC
    |--------------------------------
B1x2|AMOUNT                 CNY 88.00
    |--------------------------------
    |Confirmed by PIN + SMS code
    |No signature required
    |           Thank you
    |
    |
    |
    |
[cut]
`;

const report: SettlementReport = {
  kind: 'settlement-report',
  language: 'zh-CN',
  merchant: { id: '898310048160001', name: '幸运面馆' },
  terminalId: 'T0000001',
  batch: '000001',
  time: '2026-11-23T14:00:00Z',
  result: 'balanced',
  terminal: {
    counts: { sale: 3, void: 1, refund: 1 },
    totals: { sale: { value: 3750, currency: 'CNY' }, refund: { value: 500, currency: 'CNY' } },
  },
  host: {
    counts: { sale: 3, void: 1, refund: 1 },
    totals: { sale: { value: 3750, currency: 'CNY' }, refund: { value: 500, currency: 'CNY' } },
  },
};

const printedText = (bytes: Uint8Array): string => toText(decodeEscPos(bytes), { modes: true });

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'printed';
  } catch (error) {
    if (isPosError(error)) return error.code;
    throw error;
  }
}

describe('EscPosPrinter over a serial PTY pair (socat)', () => {
  let pty: PtyPair;
  let sink: PrinterSink;
  let printer: EscPosPrinter;

  beforeAll(async () => {
    pty = await openPtyPair();
    sink = await startSerialPrinterSink(pty.b, { baudRate: 115_200 });
    printer = new EscPosPrinter({
      link: new SerialLink({ path: pty.a, baudRate: 115_200 }),
      ...fast,
    });
    await printer.open();
  });

  afterAll(async () => {
    await printer.close();
    await sink.close();
    await pty.close();
  });

  it('prints a Chinese sale slip that decodes to the text a person checked', async () => {
    sink.printer.clear();
    await printer.print(chineseSale);
    expect(printedText(sink.printer.printed)).toBe(CHINESE_SALE_PRINTED);
    expect(decodeEscPos(sink.printer.printed).unknown).toEqual([]);
  });

  it('prints an English reprint that decodes to the text a person checked', async () => {
    sink.printer.clear();
    await printer.print(englishReprint);
    expect(printedText(sink.printer.printed)).toBe(ENGLISH_REPRINT_PRINTED);
  });

  it('fails a slip cut short by the paper end with PRINTER_PAPER_OUT, and prints it whole once paper is back', async () => {
    sink.printer.clear();
    sink.printer.runOutOfPaperAfter(300);
    expect(await outcome(printer.print(chineseSale))).toBe('PRINTER_PAPER_OUT');
    expect(await printer.status()).toEqual({ paper: 'out', coverOpen: false, online: true });
    expect(sink.printer.printed).toHaveLength(300);
    expect(await outcome(printer.print(chineseSale))).toBe('PRINTER_PAPER_OUT');

    sink.printer.setPaper('ok');
    sink.printer.clear();
    expect(await outcome(printer.print(chineseSale))).toBe('printed');
    expect(printedText(sink.printer.printed)).toBe(CHINESE_SALE_PRINTED);
  });

  it('fails with PRINTER_COVER_OPEN when the cover opens', async () => {
    sink.printer.openCover();
    expect(await outcome(printer.print(chineseSale))).toBe('PRINTER_COVER_OPEN');
    sink.printer.closeCover();
    expect(await outcome(printer.print(chineseSale))).toBe('printed');
  });
});

describe('EscPosPrinter over TCP', () => {
  let sink: TcpPrinterSink;
  let printer: EscPosPrinter;

  beforeAll(async () => {
    sink = await startTcpPrinterSink();
    printer = new EscPosPrinter({
      link: new TcpLink({ host: '127.0.0.1', port: sink.port }),
      ...fast,
    });
    await printer.open();
  });

  afterAll(async () => {
    await printer.close();
    await sink.close();
  });

  it('prints the same bytes as over serial', async () => {
    sink.printer.clear();
    await printer.print(englishReprint);
    expect(printedText(sink.printer.printed)).toBe(ENGLISH_REPRINT_PRINTED);
    sink.printer.clear();
    await printer.print(chineseSale);
    expect(printedText(sink.printer.printed)).toBe(CHINESE_SALE_PRINTED);
  });

  it('prints a settlement report laid out as renderDocumentText lays it out', async () => {
    sink.printer.clear();
    await printer.print(report);
    const decoded = decodeEscPos(sink.printer.printed);
    const lines = toText(decoded).split('\n');
    expect(lines.slice(0, renderDocumentText(report).length)).toEqual(renderDocumentText(report));
    expect(decoded.cuts).toBe(1);
    expect(decoded.lines[0]).toMatchObject({
      text: '结算单',
      align: 'center',
      bold: true,
      height: 2,
    });
    expect(decoded.lines.at(-5)).toMatchObject({
      text: '结算结果                    平账',
      bold: true,
    });
  });

  it('reconnects when the printer drops the connection and comes back', async () => {
    await sink.setOnline(false);
    expect(await outcome(printer.print(chineseSale))).toBe('PRINTER_UNAVAILABLE');
    await sink.setOnline(true);
    const deadline = Date.now() + 5000;
    while (!printer.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await outcome(printer.print(chineseSale))).toBe('printed');
  });
});

describe('EscPosPrinter opened before its printer is there', () => {
  it('opens anyway, is offline, and connects when the printer appears', async () => {
    const sink = await startTcpPrinterSink();
    await sink.setOnline(false);
    const printer = new EscPosPrinter({
      link: new TcpLink({ host: '127.0.0.1', port: sink.port }),
      ...fast,
    });
    try {
      await printer.open();
      expect(await printer.status()).toMatchObject({ online: false });
      expect(await outcome(printer.print(englishReprint))).toBe('PRINTER_UNAVAILABLE');
      await sink.setOnline(true);
      const deadline = Date.now() + 5000;
      while (!printer.connected && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await outcome(printer.print(englishReprint))).toBe('printed');
      expect(printedText(sink.printer.printed)).toBe(ENGLISH_REPRINT_PRINTED);
    } finally {
      await printer.close();
      await sink.close();
    }
  });
});

describe('EscPosPrinter on a device file (one-way)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'printer-lp-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the document and reports paper and cover as unknown', async () => {
    const device = path.join(dir, 'lp0');
    await writeFile(device, '');
    const printer = new EscPosPrinter({ link: new DeviceFileLink(device), ...fast });
    await printer.open();
    expect(await printer.status()).toEqual({
      paper: 'unknown',
      coverOpen: 'unknown',
      online: true,
    });
    await printer.print(chineseSale);
    await printer.close();
    expect(printedText(await readFile(device))).toBe(CHINESE_SALE_PRINTED);
  });

  it('is unavailable, and creates no file, when the device is missing', async () => {
    const device = path.join(dir, 'missing-lp');
    const printer = new EscPosPrinter({ link: new DeviceFileLink(device), ...fast });
    await printer.open();
    expect(await outcome(printer.print(chineseSale))).toBe('PRINTER_UNAVAILABLE');
    await printer.close();
    await expect(stat(device)).rejects.toThrow();
  });
});
