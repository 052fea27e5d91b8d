import { gsmSeptets } from '../gsm/gsmAlphabet.js';

/** What a receipt says about one submitted PDU. */
export type ReceiptOutcome = 'delivered' | 'failed' | 'pending';

/** A delivery receipt, reduced to what the transport matches and reports. */
export interface DeliveryReceipt {
  /** The `message_id` the SMSC gave in `submit_sm_resp`, as the receipt spells it. */
  messageId: string;
  outcome: ReceiptOutcome;
}

/** The fields of a `deliver_sm` a receipt is read from. */
export interface ReceiptFields {
  /** The receipt text (`id:… sub:… dlvrd:… submit date:… done date:… stat:… err:…`). */
  text: string;
  /** TLV `receipted_message_id`, when the SMSC sends it. */
  receiptedMessageId?: string | undefined;
  /** TLV `message_state`, when the SMSC sends it. */
  messageState?: number | undefined;
}

/** True when a `deliver_sm`'s `esm_class` marks an SMSC delivery receipt (message type 0001). */
export function isDeliveryReceipt(esmClass: number): boolean {
  return (esmClass & 0x3c) === 0x04;
}

/**
 * Reads a delivery receipt (SMPP 3.4 appendix B). The TLVs win over the text when both are
 * there, since the text's format is each SMSC's own. Undefined when no message id is found.
 *
 * Final failures (expired, deleted, undeliverable, rejected) are `failed`; `ENROUTE`,
 * `ACCEPTD` and `UNKNOWN` are `pending`: the SMSC may still deliver or report again.
 */
export function parseDeliveryReceipt(fields: ReceiptFields): DeliveryReceipt | undefined {
  const textId = /(?:^|\s)id:(\S+)/i.exec(fields.text)?.[1];
  const textStat = /(?:^|\s)stat:(\S+)/i.exec(fields.text)?.[1];
  const messageId =
    fields.receiptedMessageId !== undefined && fields.receiptedMessageId !== ''
      ? fields.receiptedMessageId
      : textId;
  if (messageId === undefined) return undefined;
  const outcome =
    fields.messageState !== undefined
      ? outcomeOfState(fields.messageState)
      : outcomeOfStat(textStat?.toUpperCase() ?? '');
  return { messageId, outcome };
}

/** `message_state` values (SMPP 3.4 section 5.2.28, 9 from 5.0). */
function outcomeOfState(state: number): ReceiptOutcome {
  switch (state) {
    case 2: // DELIVERED
      return 'delivered';
    case 3: // EXPIRED
    case 4: // DELETED
    case 5: // UNDELIVERABLE
    case 8: // REJECTED
    case 9: // SKIPPED
      return 'failed';
    default: // ENROUTE, ACCEPTED, UNKNOWN, SCHEDULED
      return 'pending';
  }
}

function outcomeOfStat(stat: string): ReceiptOutcome {
  switch (stat) {
    case 'DELIVRD':
      return 'delivered';
    case 'EXPIRED':
    case 'DELETED':
    case 'UNDELIV':
    case 'REJECTD':
      return 'failed';
    default:
      return 'pending';
  }
}

/**
 * The receipt text of a `deliver_sm` as the `smpp` package hands it over: it decodes
 * `short_message` by `data_coding`, and for 0 (SMSC default) and 1 (IA5) it uses the GSM table.
 * SMSCs write receipts in ASCII, so such a text is mapped back to its octets first (the package's
 * GSM reading turns `_` into `§`, which would break a message id).
 */
export function receiptText(shortMessage: unknown, dataCoding: number): string {
  const message =
    typeof shortMessage === 'object' && shortMessage !== null && 'message' in shortMessage
      ? shortMessage.message
      : shortMessage;
  if (Buffer.isBuffer(message)) return message.toString('latin1');
  if (typeof message !== 'string') return '';
  if ((dataCoding & 0x0f) > 0x01) return message;
  let out = '';
  for (const char of message) {
    const septets = gsmSeptets(char)?.[0];
    out += septets === undefined ? char : String.fromCharCode(...septets);
  }
  return out;
}
