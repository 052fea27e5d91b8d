/**
 * The emulator's SMS-STATUS-REPORT PDUs (3GPP TS 23.040 §9.2.2.3), as a modem passes them on
 * in `+CDS: <length>` after `AT+CNMI=…,1,…`. Built here from the specification, apart from the
 * host's parser, so a test of that parser against the emulator checks two readings of the spec.
 */

/** The SMSC the emulated SIM knows (China Mobile's Beijing centre). */
export const EMULATOR_SMSC = '+8613800100500';

/** China Standard Time: the zone the emulated network stamps reports in (+08:00). */
const ZONE_QUARTERS = 32;

export interface StatusReportFields {
  /** TP-MR of the submitted part. */
  readonly reference: number;
  /** TP-RA: the recipient, `+` for an international number. */
  readonly recipient: string;
  /** TP-ST: 0x00 delivered, 0x20–0x3F still trying, 0x40+ failed. */
  readonly status: number;
  /** TP-SCTS: when the centre took the message (epoch ms). */
  readonly submittedAt: number;
  /** TP-DT: when it was delivered or given up (epoch ms). */
  readonly dischargedAt: number;
}

/** The PDU (hex, SMSC address first) and its TPDU length, for `+CDS: <length>\r\n<pdu>`. */
export function statusReportPdu(fields: StatusReportFields): { pdu: string; length: number } {
  const smsc = address(EMULATOR_SMSC);
  // The SMSC field counts octets (type included), not digits.
  const smscField = [smsc.length - 1, ...smsc.slice(1)];
  const tpdu = [
    0x06, // TP-MTI 10 (status report), TP-MMS 1 (no more messages waiting)
    fields.reference & 0xff,
    ...address(fields.recipient),
    ...timestamp(fields.submittedAt),
    ...timestamp(fields.dischargedAt),
    fields.status & 0xff,
  ];
  const pdu = Buffer.from([...smscField, ...tpdu])
    .toString('hex')
    .toUpperCase();
  return { pdu, length: tpdu.length };
}

/** Digit count, type of address, digits in swapped nibbles padded with F. */
function address(number: string): number[] {
  const international = number.startsWith('+');
  const digits = number.replace(/^\+/, '');
  const nibbles = Array.from(digits, Number);
  if (nibbles.length % 2 === 1) nibbles.push(0x0f);
  const octets: number[] = [];
  for (let i = 0; i < nibbles.length; i += 2) {
    octets.push(((nibbles[i + 1] ?? 0x0f) << 4) | (nibbles[i] ?? 0x0f));
  }
  return [digits.length, international ? 0x91 : 0x81, ...octets];
}

/** YY MM DD hh mm ss in China time, then the zone, each two digits with nibbles swapped. */
function timestamp(epochMs: number): number[] {
  const local = new Date(epochMs + ZONE_QUARTERS * 15 * 60_000);
  const values = [
    local.getUTCFullYear() % 100,
    local.getUTCMonth() + 1,
    local.getUTCDate(),
    local.getUTCHours(),
    local.getUTCMinutes(),
    local.getUTCSeconds(),
    ZONE_QUARTERS,
  ];
  return values.map((value) => ((value % 10) << 4) | Math.floor(value / 10));
}
