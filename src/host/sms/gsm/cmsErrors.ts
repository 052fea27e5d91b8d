/**
 * `+CMS ERROR` numbers (3GPP TS 27.005 §3.2.5: 0–127 are the RP-cause of TS 24.011 Annex E,
 * 128–255 the TP-FCS of TS 23.040 §9.2.3.22, 300 and up errors of the modem or the network)
 * that say the network refuses **the destination**, so sending again, on any route, cannot help:
 *
 * - 1 unassigned (unallocated) number;
 * - 21 short message transfer rejected (the network will not take it, though it could);
 * - 195 (0xC3) invalid SME address; 196 (0xC4) destination SME barred.
 *
 * Everything else is temporary for the queue: congestion and network trouble (38, 41, 42, 47,
 * 331 no network service, 332 network timeout, 500 unknown), and also refusals aimed at this
 * modem's SIM (8 operator determined barring, 10 call barred, 28 unidentified subscriber, 50
 * facility not subscribed, 193 no SC subscription): they are a fault of this route, which
 * another transport may not have, not of the customer's number.
 */
const PERMANENT = new Set([1, 21, 195, 196]);

/** Short names of the numbers this transport meets most, for error messages. */
const NAMES: Readonly<Record<number, string>> = {
  1: 'unassigned number',
  8: 'operator determined barring',
  10: 'call barred',
  21: 'short message transfer rejected',
  27: 'destination out of service',
  28: 'unidentified subscriber',
  38: 'network out of order',
  41: 'temporary failure',
  42: 'congestion',
  47: 'resources unavailable',
  50: 'requested facility not subscribed',
  192: 'SC busy',
  193: 'no SC subscription',
  194: 'SC system failure',
  195: 'invalid SME address',
  196: 'destination SME barred',
  304: 'invalid PDU mode parameter',
  330: 'SMSC address unknown',
  331: 'no network service',
  332: 'network timeout',
  500: 'unknown error',
};

/**
 * True when `cms` (the number of `+CMS ERROR: <n>`, or the text a modem sent instead) means
 * the destination is refused for good. A text is never taken as permanent: verbose texts
 * differ between vendors, and a wrong "permanent" would drop a payment's code.
 */
export function isPermanentCmsError(cms: unknown): boolean {
  return typeof cms === 'number' && PERMANENT.has(cms);
}

/** `332 (network timeout)`, `999`, or the modem's own text. */
export function describeCmsError(cms: unknown): string {
  if (typeof cms === 'number') {
    const name = NAMES[cms];
    return name === undefined ? String(cms) : `${cms} (${name})`;
  }
  return typeof cms === 'string' ? cms : 'unknown';
}
