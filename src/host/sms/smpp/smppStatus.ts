import smpp from 'smpp';

/** SMPP command status values the transport acts on (SMPP 3.4 section 5.1.3). */
export const SmppStatus = {
  ESME_ROK: 0x00,
  ESME_RSYSERR: 0x08,
  ESME_RINVDSTADR: 0x0b,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RMSGQFUL: 0x14,
  ESME_RTHROTTLED: 0x58,
  ESME_RX_P_APPN: 0x65,
} as const;

const NAMES = new Map<number, string>(
  Object.entries(smpp.errors).map(([name, value]) => [value, name]),
);

/** `ESME_RTHROTTLED`, or the value in hex for a status the spec does not name. */
export function smppStatusName(status: number): string {
  return NAMES.get(status) ?? `0x${status.toString(16).padStart(8, '0')}`;
}

/**
 * True when a `submit_sm` refused with `status` would be refused again however often it is
 * retried: the destination itself is refused. Everything else is temporary (throttling, a
 * full queue, a system error) or a set-up fault of this link (source address, data coding)
 * that another transport may not have, so the queue retries and fails over.
 */
export function isPermanentSubmitStatus(status: number): boolean {
  return status === SmppStatus.ESME_RINVDSTADR || status === SmppStatus.ESME_RX_P_APPN;
}

/** True when a bind was refused for the credentials (system id, password): retrying soon won't help. */
export function isCredentialStatus(status: number): boolean {
  return (
    status === SmppStatus.ESME_RINVPASWD ||
    status === SmppStatus.ESME_RINVSYSID ||
    status === SmppStatus.ESME_RBINDFAIL
  );
}
