import { describe, expect, it } from 'vitest';
import {
  COMBOPAY_AID,
  GET_UID,
  READ_ACCOUNT,
  SELECT_APPLET,
  exchangeApdu,
  fromHex,
  isAccountToken,
  parseAccountToken,
  parseResponse,
  parseUid,
  readPhoneAccount,
  statusMeaning,
  toHex,
  type Transmit,
} from './phoneApplet.js';

const TOKEN = 'q3Zx8_Lk2mNp-Rt5Vw7Y';
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** A card that answers each command (by hex) from a script, recording what it was sent. */
function scriptedCard(replies: Record<string, string[]>): { transmit: Transmit; sent: string[] } {
  const sent: string[] = [];
  const transmit: Transmit = (command) => {
    const hex = toHex(command);
    sent.push(hex);
    const reply = replies[hex]?.shift();
    if (reply === undefined) return Promise.reject(new Error(`unexpected ${hex}`));
    return Promise.resolve(fromHex(reply));
  };
  return { transmit, sent };
}

describe('phone applet APDUs', () => {
  it('builds the commands of docs/phone-applet.md', () => {
    expect(toHex(COMBOPAY_AID)).toBe('F0504159434F4D424F');
    expect(toHex(SELECT_APPLET)).toBe('00A4040009F0504159434F4D424F00');
    expect(toHex(READ_ACCOUNT)).toBe('80CA000000');
    expect(toHex(GET_UID)).toBe('FFCA000000');
  });

  it('splits replies into data and status word', () => {
    expect(parseResponse(fromHex('0102 9000'))).toEqual({ data: Uint8Array.of(1, 2), sw: 0x9000 });
    expect(parseResponse(fromHex('6A82'))).toEqual({ data: new Uint8Array(0), sw: 0x6a82 });
    expect(parseResponse(fromHex('90'))).toBeUndefined();
    expect(parseResponse(new Uint8Array(0))).toBeUndefined();
  });

  it.each([
    [0x9000, 'ok'],
    [0x6a82, 'CARD_NOT_SUPPORTED'],
    [0x6a88, 'CARD_NOT_SUPPORTED'],
    [0x6d00, 'CARD_NOT_SUPPORTED'],
    [0x6e00, 'CARD_NOT_SUPPORTED'],
    [0x6a81, 'CARD_NOT_SUPPORTED'],
    [0x6982, 'CARD_UNREADABLE'],
    [0x6985, 'CARD_UNREADABLE'],
    [0x6f00, 'CARD_UNREADABLE'],
    [0x6400, 'CARD_UNREADABLE'],
  ])('maps status word %s to %s', (sw, meaning) => {
    expect(statusMeaning(sw)).toBe(meaning);
  });

  it('accepts 16 to 128 base64url characters as an account token, nothing else', () => {
    expect(isAccountToken(TOKEN)).toBe(true);
    expect(isAccountToken('a'.repeat(16))).toBe(true);
    expect(isAccountToken('a'.repeat(128))).toBe(true);
    for (const bad of ['a'.repeat(15), 'a'.repeat(129), 'abc+def/ghij=klmnop', `${TOKEN} `, '']) {
      expect(isAccountToken(bad), bad).toBe(false);
    }
    expect(parseAccountToken(ascii(TOKEN))).toBe(TOKEN);
    expect(parseAccountToken(Uint8Array.of(...ascii(TOKEN), 0xff))).toBeUndefined();
    expect(parseAccountToken(new Uint8Array(200).fill(0x41))).toBeUndefined();
  });

  it('reads a UID of 4, 7 or 10 bytes as upper-case hex', () => {
    expect(parseUid(fromHex('08a1b2c3'))).toBe('08A1B2C3');
    expect(parseUid(fromHex('04A1B2C3D4E5F6'))).toBe('04A1B2C3D4E5F6');
    expect(parseUid(fromHex('04A1B2C3D4E5F6A7B8C9'))).toBe('04A1B2C3D4E5F6A7B8C9');
    expect(parseUid(fromHex('04A1B2'))).toBeUndefined();
    expect(parseUid(fromHex('04A1B2C3D4'))).toBeUndefined();
  });

  it('refuses what is not hex', () => {
    expect(() => fromHex('0G')).toThrow(TypeError);
    expect(() => fromHex('123')).toThrow(TypeError);
  });
});

describe('readPhoneAccount', () => {
  const select = toHex(SELECT_APPLET);
  const read = toHex(READ_ACCOUNT);

  it('selects the applet, then reads the token', async () => {
    const card = scriptedCard({ [select]: ['9000'], [read]: [`${toHex(ascii(TOKEN))}9000`] });
    await expect(readPhoneAccount(card.transmit)).resolves.toEqual({ ok: true, token: TOKEN });
    expect(card.sent).toEqual([select, read]);
  });

  it('stops at a refused SELECT with CARD_NOT_SUPPORTED', async () => {
    const card = scriptedCard({ [select]: ['6A82'] });
    await expect(readPhoneAccount(card.transmit)).resolves.toMatchObject({
      ok: false,
      code: 'CARD_NOT_SUPPORTED',
      reason: 'SELECT answered 6A82',
    });
    expect(card.sent).toEqual([select]);
  });

  it.each([
    ['6982', 'CARD_UNREADABLE'],
    ['6985', 'CARD_UNREADABLE'],
    ['6A88', 'CARD_NOT_SUPPORTED'],
    ['6D00', 'CARD_NOT_SUPPORTED'],
    ['90', 'CARD_UNREADABLE'],
  ])('maps a READ ACCOUNT answered %s to %s', async (reply, code) => {
    const card = scriptedCard({ [select]: ['9000'], [read]: [reply] });
    await expect(readPhoneAccount(card.transmit)).resolves.toMatchObject({ ok: false, code });
  });

  it('refuses a reply that is not a token, without putting it in the reason', async () => {
    const card = scriptedCard({ [select]: ['9000'], [read]: [`${toHex(ascii('secret!'))}9000`] });
    const outcome = await readPhoneAccount(card.transmit);
    expect(outcome).toMatchObject({ ok: false, code: 'CARD_NOT_SUPPORTED' });
    expect(JSON.stringify(outcome)).not.toContain('secret');
  });

  it('lets transmission errors through for the driver to map', async () => {
    const card = scriptedCard({});
    await expect(readPhoneAccount(card.transmit)).rejects.toThrow(/unexpected/);
  });
});

describe('exchangeApdu', () => {
  it('follows 61 XX with GET RESPONSE and joins the data', async () => {
    const first = toHex(ascii(TOKEN.slice(0, 10)));
    const rest = toHex(ascii(TOKEN.slice(10)));
    const card = scriptedCard({ '80CA000000': [`${first}610A`], '00C000000A': [`${rest}9000`] });
    const reply = await exchangeApdu(card.transmit, Uint8Array.from(READ_ACCOUNT));
    expect(reply?.sw).toBe(0x9000);
    expect(parseAccountToken(reply?.data ?? new Uint8Array(0))).toBe(TOKEN);
  });

  it('resends once with the Le a 6C XX asks for', async () => {
    const card = scriptedCard({
      '80CA000000': ['6C14'],
      '80CA000014': [`${toHex(ascii(TOKEN))}9000`],
    });
    const reply = await exchangeApdu(card.transmit, Uint8Array.from(READ_ACCOUNT));
    expect(reply?.sw).toBe(0x9000);
    expect(card.sent).toEqual(['80CA000000', '80CA000014']);
  });

  it('gives up on a card that never stops answering 61 XX', async () => {
    const transmit: Transmit = () => Promise.resolve(fromHex('41 6101'));
    const reply = await exchangeApdu(transmit, Uint8Array.from(READ_ACCOUNT));
    expect(reply?.sw).toBe(0x6101);
  });
});
