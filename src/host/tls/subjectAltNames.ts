import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type forge from 'node-forge';
import { PosError } from '../../core/PosError.js';

/** Names every host certificate carries, so the host is always reachable on its own machine. */
export const ALWAYS_SERVED_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** One subjectAltName entry of a server certificate. */
export interface SubjectAltName {
  /**
   * `dns:<lower-case ASCII name>` or `ip:<hex of the address bytes>`. Two spellings of one
   * address (`::1`, `0:0:0:0:0:0:0:1`) have the same key, so coverage checks compare keys.
   */
  readonly key: string;
  /** The entry as node-forge's `subjectAltName` extension takes it: type 2 DNS, 7 IP. */
  readonly forge: { readonly type: 2 | 7; readonly value: string };
}

// One DNS label: letters, digits and inner hyphens, at most 63 characters.
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DNS_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

/**
 * The subjectAltName entries for a host serving `hostnames`: each given name (DNS names as DNS
 * entries, IPv4/IPv6 addresses as IP entries) followed by {@link ALWAYS_SERVED_NAMES},
 * without duplicates.
 *
 * DNS names are lower-cased, lose a trailing dot and are converted to ASCII (IDN); wildcards
 * are not accepted. Throws `CONFIG_INVALID` naming the first name that is neither a DNS name
 * nor an IP address (an IPv6 zone such as `%eth0` or brackets included).
 */
export function serverSubjectAltNames(hostnames: readonly string[]): SubjectAltName[] {
  const entries = new Map<string, SubjectAltName>();
  for (const hostname of [...hostnames, ...ALWAYS_SERVED_NAMES]) {
    const entry = parseName(hostname);
    if (!entries.has(entry.key)) entries.set(entry.key, entry);
  }
  return [...entries.values()];
}

/** The keys ({@link SubjectAltName.key}) of the DNS and IP entries of a parsed certificate. */
export function subjectAltNameKeys(cert: forge.pki.Certificate): Set<string> {
  const keys = new Set<string>();
  // node-forge types extensions as `{}`; read only the fields checked here.
  const extension: { altNames?: unknown } | undefined = cert.getExtension('subjectAltName');
  const altNames: unknown[] = Array.isArray(extension?.altNames) ? extension.altNames : [];
  for (const altName of altNames) {
    if (typeof altName !== 'object' || altName === null) continue;
    const { type, value } = altName as { type?: unknown; value?: unknown };
    if (typeof value !== 'string') continue;
    if (type === 2) keys.add(dnsKey(value.toLowerCase()));
    if (type === 7) keys.add(ipKey(Buffer.from(value, 'binary')));
  }
  return keys;
}

function parseName(hostname: string): SubjectAltName {
  const text = hostname.trim();
  const family = isIP(text);
  if (family === 4 || family === 6) {
    // isIP accepts `fe80::1%eth0`; a zone is local to one machine and has no place in a SAN.
    if (text.includes('%')) throw badName(hostname, 'an IPv6 zone index is not allowed');
    const bytes = family === 4 ? ipv4Bytes(text) : ipv6Bytes(text);
    return { key: ipKey(bytes), forge: { type: 7, value: bytes.toString('binary') } };
  }
  const name = domainToASCII(text.replace(/\.$/, '').toLowerCase());
  if (name === '' || name.length > 253 || !DNS_NAME.test(name)) {
    throw badName(hostname, 'it is neither a DNS name nor an IP address');
  }
  return { key: dnsKey(name), forge: { type: 2, value: name } };
}

function dnsKey(name: string): string {
  return `dns:${name}`;
}

function ipKey(bytes: Uint8Array): string {
  return `ip:${Buffer.from(bytes).toString('hex')}`;
}

function badName(hostname: string, problem: string): PosError<'CONFIG_INVALID'> {
  return new PosError(
    'CONFIG_INVALID',
    `host TLS name ${JSON.stringify(hostname)} cannot go in a certificate: ${problem}`,
    { details: { hostname } },
  );
}

/** Network-order bytes of an address `isIP` called IPv4. */
function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

/** Network-order bytes of an address `isIP` called IPv6 (`::` and a dotted IPv4 tail allowed). */
function ipv6Bytes(address: string): Buffer {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...tailGroups];
  const bytes = Buffer.alloc(16);
  for (const [index, group] of groups.entries()) {
    bytes.writeUInt16BE(Number.parseInt(group, 16), index * 2);
  }
  return bytes;
}
