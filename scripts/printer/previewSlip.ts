/**
 * Previews a slip as the printer would print it: builds a sample document (a sale, void or
 * refund slip; a settlement report with --report; the printer test page with --test-page) or
 * reads a PrintDocument from a JSON file, encodes it to ESC/POS bytes with EscPosPrinter's
 * encoder, decodes those bytes and prints the text.
 *
 *   npx tsx scripts/printer/previewSlip.ts [--language zh-CN|en] [--type sale|void|refund]
 *       [--reprint] [--report] [--test-page] [--file document.json] [--modes] [--hex]
 *
 * --modes prefixes each line with its print modes (B bold, WxH size); --hex also dumps the bytes.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeEscPos, toText } from '../../drivers/printer/escpos/decodeEscPos.js';
import { encodeDocument } from '../../drivers/printer/hw/encodeDocument.js';
import type {
  PrintDocument,
  SalesSlip,
  SettlementReport,
  TestPage,
} from '../../drivers/printer/PrintDocument.js';

const { values } = parseArgs({
  options: {
    language: { type: 'string', default: 'zh-CN' },
    type: { type: 'string', default: 'sale' },
    reprint: { type: 'boolean', default: false },
    report: { type: 'boolean', default: false },
    'test-page': { type: 'boolean', default: false },
    file: { type: 'string' },
    modes: { type: 'boolean', default: false },
    hex: { type: 'boolean', default: false },
  },
});

const language = values.language === 'en' ? 'en' : 'zh-CN';
const type = values.type === 'void' || values.type === 'refund' ? values.type : 'sale';

const sampleSlip: SalesSlip = {
  kind: 'sales-slip',
  language,
  merchant: { id: '898310048160001', name: language === 'en' ? 'Lucky Noodle' : '幸运面馆' },
  terminalId: 'T0000001',
  operator: '01',
  type,
  account: '138****8000',
  batch: '000001',
  trace: '000123',
  authCode: 'A1B2C3',
  reference: '000000123456',
  originalReference: type === 'sale' ? undefined : '000000123400',
  time: new Date().toISOString(),
  amount: { value: 1250, currency: 'CNY' },
  reprint: values.reprint,
};

const sampleReport: SettlementReport = {
  kind: 'settlement-report',
  language,
  merchant: sampleSlip.merchant,
  terminalId: 'T0000001',
  batch: '000001',
  time: new Date().toISOString(),
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

const sampleTestPage: TestPage = {
  kind: 'test-page',
  language,
  terminalId: 'T0000001',
  version: '0.1.0',
  time: new Date().toISOString(),
};

const document: PrintDocument = values.file
  ? (JSON.parse(await readFile(values.file, 'utf8')) as PrintDocument)
  : values['test-page']
    ? sampleTestPage
    : values.report
      ? sampleReport
      : sampleSlip;

const bytes = encodeDocument(document);
const decoded = decodeEscPos(bytes);
if (values.hex) {
  console.log(
    bytes
      .toString('hex')
      .replace(/(.{2})/g, '$1 ')
      .trim(),
  );
  console.log();
}
process.stdout.write(toText(decoded, { modes: values.modes }));
if (decoded.unknown.length > 0) console.error(`unknown commands: ${decoded.unknown.join(', ')}`);
console.error(`${bytes.length} bytes, ${decoded.lines.length} lines, ${decoded.cuts} cuts`);
