/** An SMPP address with its type of number (TON) and numbering plan (NPI). */
export interface SmppAddress {
  ton: number;
  npi: number;
  addr: string;
}

/** TON values (SMPP 3.4 section 5.2.5). */
const TON_UNKNOWN = 0;
const TON_INTERNATIONAL = 1;
const TON_ALPHANUMERIC = 5;
/** NPI values (section 5.2.6). */
const NPI_UNKNOWN = 0;
const NPI_ISDN = 1;

/** `destination_addr` is a C-octet string of at most 21 octets with its NUL. */
const MAX_DIGITS = 20;

/**
 * The SMPP destination for a customer's number as enrolled: `+8613800138000` is international
 * (TON 1, NPI 1, digits without the `+`); digits without `+` go as they are with TON 0 (unknown)
 * and NPI 1, so the SMSC applies its own national rules. Undefined for anything that is not a
 * phone number.
 */
export function destinationAddress(to: string): SmppAddress | undefined {
  const match = /^(\+?)(\d+)$/.exec(to);
  if (!match?.[2] || match[2].length > MAX_DIGITS) return undefined;
  const international = match[1] === '+';
  return {
    ton: international ? TON_INTERNATIONAL : TON_UNKNOWN,
    npi: NPI_ISDN,
    addr: match[2],
  };
}

/**
 * The SMPP source for the configured sender: an alphanumeric sender (`ComboPay`, letters
 * present) is TON 5 NPI 0, `+` and digits is international, other digits (a short code or a
 * national number) TON 0 NPI 1. `ton` and `npi` from the config win, for SMSCs with their
 * own rules.
 */
export function sourceAddress(address: string, ton?: number, npi?: number): SmppAddress {
  let derived: SmppAddress;
  if (/^\+\d+$/.test(address)) {
    derived = { ton: TON_INTERNATIONAL, npi: NPI_ISDN, addr: address.slice(1) };
  } else if (/^\d+$/.test(address)) {
    derived = { ton: TON_UNKNOWN, npi: NPI_ISDN, addr: address };
  } else {
    derived = { ton: TON_ALPHANUMERIC, npi: NPI_UNKNOWN, addr: address };
  }
  return { ton: ton ?? derived.ton, npi: npi ?? derived.npi, addr: derived.addr };
}
