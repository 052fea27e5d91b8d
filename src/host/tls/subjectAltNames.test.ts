import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../core/PosError.js';
import { serverSubjectAltNames, type SubjectAltName } from './subjectAltNames.js';

function entryFor(hostname: string): SubjectAltName {
  const [entry] = serverSubjectAltNames([hostname]);
  if (entry === undefined) throw new Error('no entry');
  return entry;
}

function hexOf(entry: SubjectAltName): string {
  return Buffer.from(entry.forge.value, 'binary').toString('hex');
}

describe('serverSubjectAltNames', () => {
  it('puts the given names first and always adds localhost, 127.0.0.1 and ::1 once', () => {
    const entries = serverSubjectAltNames(['pos.example.test', '10.0.0.5', 'LOCALHOST', '::1']);
    expect(entries.map((entry) => entry.key)).toEqual([
      'dns:pos.example.test',
      'ip:0a000005',
      'dns:localhost',
      'ip:00000000000000000000000000000001',
      'ip:7f000001',
    ]);
    expect(entries.map((entry) => entry.forge.type)).toEqual([2, 7, 2, 7, 7]);
  });

  it('encodes IP addresses as network-order bytes, whatever their spelling', () => {
    expect(hexOf(entryFor('192.168.1.50'))).toBe('c0a80132');
    expect(hexOf(entryFor('2001:db8::1'))).toBe('20010db8000000000000000000000001');
    expect(hexOf(entryFor('fe80::a:b'))).toBe('fe8000000000000000000000000a000b');
    expect(hexOf(entryFor('1::'))).toBe('00010000000000000000000000000000');
    expect(hexOf(entryFor('::ffff:127.0.0.1'))).toBe('00000000000000000000ffff7f000001');
    expect(hexOf(entryFor('1:2:3:4:5:6:7:8'))).toBe('00010002000300040005000600070008');
    expect(entryFor('0:0:0:0:0:0:0:1').key).toBe(entryFor('::1').key);
    expect(entryFor('2001:DB8:0::1').key).toBe(entryFor('2001:db8::1').key);
  });

  it('lower-cases DNS names, drops a trailing dot and converts IDN to ASCII', () => {
    expect(entryFor(' POS.Example.Test. ').forge).toEqual({ type: 2, value: 'pos.example.test' });
    expect(entryFor('bücher.example').forge.value).toBe('xn--bcher-kva.example');
  });

  it.each([
    '',
    'pos example',
    'https://pos.example',
    '[::1]',
    'fe80::1%eth0',
    '*.example.test',
    'host_name.example',
    '-pos.example',
    `${'a'.repeat(64)}.example`,
  ])('refuses %j with CONFIG_INVALID', (hostname) => {
    let caught: unknown;
    try {
      serverSubjectAltNames(['ok.example', hostname]);
    } catch (error) {
      caught = error;
    }
    expect(hasErrorCode(caught, 'CONFIG_INVALID')).toBe(true);
    expect(hasErrorCode(caught, 'CONFIG_INVALID') && caught.details).toEqual({ hostname });
  });
});
