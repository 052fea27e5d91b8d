import { byteAt, decodeAddress } from './smsAddress.js';

/** An SMS-STATUS-REPORT (3GPP TS 23.040 §9.2.2.3), as a `+CDS` URC carries it in PDU mode. */
export interface StatusReport {
  /** TP-MR: the reference `+CMGS: <mr>` gave the submitted message. */
  readonly messageReference: number;
  /** TP-RA: the recipient, with `+` when international. */
  readonly recipient: string;
  /** TP-SCTS: when the service centre took the message. */
  readonly submittedAt: Date;
  /** TP-DT: when the message was delivered, or the final attempt failed. */
  readonly dischargedAt: Date;
  /** TP-ST (see {@link deliveryOutcome}). */
  readonly status: number;
}

/**
 * What TP-ST says (TS 23.040 §9.2.3.15): 0x00–0x1F the transaction completed (received,
 * forwarded, replaced); 0x20–0x3F a temporary error while the service centre still tries;
 * 0x40 and up, a permanent error or a temporary one the centre gave up on.
 */
export type DeliveryOutcome = 'delivered' | 'pending' | 'failed';

export function deliveryOutcome(status: number): DeliveryOutcome {
  if (status < 0x20) return 'delivered';
  if (status < 0x40) return 'pending';
  return 'failed';
}

const MTI_STATUS_REPORT = 0x02;

/**
 * Parses the PDU line of `+CDS: <length>`. `tpduLength` is that `<length>` (TPDU octets): the
 * octets before the TPDU are the service centre address most modems put first, and some leave
 * out; without it the PDU is taken to start with that address. Throws a RangeError for hex
 * that is not a status report.
 */
export function parseStatusReport(hex: string, tpduLength?: number): StatusReport {
  if (!/^(?:[0-9A-Fa-f]{2})+$/.test(hex)) throw new RangeError('a status report is hex octets');
  const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
  let offset = tpduLength === undefined ? 1 + byteAt(bytes, 0) : bytes.length - tpduLength;
  if (offset < 0) throw new RangeError('the status report is shorter than its length says');
  const firstOctet = byteAt(bytes, offset);
  if ((firstOctet & 0x03) !== MTI_STATUS_REPORT) {
    throw new RangeError('the PDU is not an SMS-STATUS-REPORT');
  }
  const messageReference = byteAt(bytes, offset + 1);
  const recipient = decodeAddress(bytes, offset + 2);
  offset = recipient.next;
  const submittedAt = decodeTimestamp(bytes, offset);
  const dischargedAt = decodeTimestamp(bytes, offset + 7);
  const status = byteAt(bytes, offset + 14);
  return { messageReference, recipient: recipient.number, submittedAt, dischargedAt, status };
}

/**
 * A TP-SCTS / TP-DT timestamp (§9.2.3.11): year, month, day, hour, minute, second as swapped
 * semi-octets, then the zone in quarter hours (bit 3 of its first digit is the sign). Years
 * are 20YY. An impossible date gives an invalid Date rather than an error: the report's status
 * still counts.
 */
function decodeTimestamp(bytes: Uint8Array, offset: number): Date {
  const field = (i: number): number => {
    const octet = byteAt(bytes, offset + i);
    return (octet & 0x0f) * 10 + (octet >> 4);
  };
  const zoneOctet = byteAt(bytes, offset + 6);
  const quarters = (zoneOctet & 0x07) * 10 + (zoneOctet >> 4);
  const zoneMinutes = (zoneOctet & 0x08) === 0 ? quarters * 15 : -quarters * 15;
  const utc = Date.UTC(2000 + field(0), field(1) - 1, field(2), field(3), field(4), field(5));
  return new Date(utc - zoneMinutes * 60_000);
}
