import { describe, expect, it } from 'vitest';
import { isDeliveryReceipt, parseDeliveryReceipt, receiptText } from './parseDeliveryReceipt.js';

const RECEIPT =
  'id:0A1b_2 sub:001 dlvrd:001 submit date:2601011200 done date:2601011201 stat:DELIVRD err:000 text:';

describe('parseDeliveryReceipt', () => {
  it('reads the id and the final state from the text', () => {
    expect(parseDeliveryReceipt({ text: RECEIPT })).toEqual({
      messageId: '0A1b_2',
      outcome: 'delivered',
    });
    for (const stat of ['UNDELIV', 'EXPIRED', 'DELETED', 'REJECTD']) {
      expect(parseDeliveryReceipt({ text: RECEIPT.replace('DELIVRD', stat) })?.outcome).toBe(
        'failed',
      );
    }
    for (const stat of ['ENROUTE', 'ACCEPTD', 'UNKNOWN']) {
      expect(parseDeliveryReceipt({ text: RECEIPT.replace('DELIVRD', stat) })?.outcome).toBe(
        'pending',
      );
    }
  });

  it('prefers the receipted_message_id and message_state TLVs', () => {
    expect(
      parseDeliveryReceipt({ text: RECEIPT, receiptedMessageId: 'abc', messageState: 5 }),
    ).toEqual({ messageId: 'abc', outcome: 'failed' });
    expect(parseDeliveryReceipt({ text: '', receiptedMessageId: 'abc', messageState: 2 })).toEqual({
      messageId: 'abc',
      outcome: 'delivered',
    });
  });

  it('gives nothing without an id', () => {
    expect(parseDeliveryReceipt({ text: 'stat:DELIVRD' })).toBeUndefined();
  });

  it('recognises the receipt message type in esm_class', () => {
    expect(isDeliveryReceipt(0x04)).toBe(true);
    expect(isDeliveryReceipt(0x44)).toBe(true);
    expect(isDeliveryReceipt(0x00)).toBe(false);
    expect(isDeliveryReceipt(0x20)).toBe(false); // intermediate notification
  });
});

describe('receiptText', () => {
  it('undoes the GSM reading the smpp package applies to ASCII receipts', () => {
    // What the package makes of the ASCII octets of "id:a_b$c": _ (0x5F) as §, $ (0x24) as ¤.
    expect(receiptText({ message: 'id:a§b¤c' }, 0)).toBe('id:a_b$c');
    expect(receiptText({ message: 'id:a§b' }, 1)).toBe('id:a_b');
  });

  it('takes other codings and raw octets as they are', () => {
    expect(receiptText({ message: 'id:a§b' }, 3)).toBe('id:a§b');
    expect(receiptText({ message: Buffer.from('id:x_y', 'latin1') }, 4)).toBe('id:x_y');
    expect(receiptText(undefined, 0)).toBe('');
  });
});
