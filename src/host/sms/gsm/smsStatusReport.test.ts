import { describe, expect, it } from 'vitest';
import { deliveryOutcome, parseStatusReport } from './smsStatusReport.js';

// A report written out by hand (TS 23.040 §9.2.2.3), field by field:
const SMSC = '0891683108100005F0'; // 8 octets: international, +86 138 0010 0500
const TPDU = [
  '06', // TP-MTI 10 (status report), TP-MMS
  '2A', // TP-MR 42
  '0B813108108300F0', // TP-RA 13800138000, national
  '62102141234523', // TP-SCTS 26-01-12 14:32:54 +08:00 (32 quarter hours)
  '62102141238523', // TP-DT   26-01-12 14:32:58 +08:00
  '00', // TP-ST received by the SME
].join('');

describe('parseStatusReport', () => {
  it('reads reference, recipient, times and status after the SMSC address', () => {
    expect(parseStatusReport(SMSC + TPDU)).toEqual({
      messageReference: 42,
      recipient: '13800138000',
      submittedAt: new Date('2026-01-12T06:32:54Z'),
      dischargedAt: new Date('2026-01-12T06:32:58Z'),
      status: 0,
    });
  });

  it('uses the +CDS length to tell whether the SMSC address is there', () => {
    expect(TPDU.length / 2).toBe(25);
    expect(parseStatusReport(SMSC + TPDU, 25).messageReference).toBe(42);
    expect(parseStatusReport(TPDU, 25).messageReference).toBe(42);
  });

  it('reads an international recipient, a zone west of Greenwich and a failure status', () => {
    const tpdu = TPDU.replace('0B813108108300F0', '0D91683108108300F0')
      .replace('62102141238523', '6210214123850A') // -05:00: sign bit on the first digit
      .replace(/00$/, '41');
    const report = parseStatusReport(tpdu, tpdu.length / 2);
    expect(report.recipient).toBe('+8613800138000');
    expect(report.dischargedAt).toEqual(new Date('2026-01-12T19:32:58Z'));
    expect(report.status).toBe(0x41);
  });

  it('refuses what is not a status report', () => {
    expect(() => parseStatusReport(SMSC + TPDU.replace(/^06/, '04'))).toThrow(RangeError);
    expect(() => parseStatusReport(SMSC + TPDU.slice(0, 20))).toThrow(RangeError);
    expect(() => parseStatusReport('not hex')).toThrow(RangeError);
    expect(() => parseStatusReport(TPDU, 40)).toThrow(RangeError);
  });
});

describe('deliveryOutcome', () => {
  it.each([
    [0x00, 'delivered'],
    [0x01, 'delivered'],
    [0x1f, 'delivered'],
    [0x20, 'pending'],
    [0x3f, 'pending'],
    [0x40, 'failed'],
    [0x41, 'failed'],
    [0x60, 'failed'],
    [0x7f, 'failed'],
  ])('TP-ST %i is %s', (status, outcome) => {
    expect(deliveryOutcome(status)).toBe(outcome);
  });
});
