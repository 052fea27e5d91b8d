import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecretKey, redactSecrets, redactString } from './redact.js';
import { Secret } from './Secret.js';

describe('isSecretKey', () => {
  it.each([
    'pin',
    'PIN',
    'newPin',
    'pinBlock',
    'PINBlock',
    'pin_hash',
    'otp',
    'otpCode',
    'smsCode',
    'oneTimeCode',
    'password',
    'supervisorPassword',
    'technician_password',
    'secret',
    'hostSecret',
    'key',
    'terminalKey',
    'privateKey',
    'pinPrivateKey',
    'api-key',
    'token',
    'cardToken',
    'Authorization',
    'cookie',
    'pinNumber',
    'pin1',
    'PINCode',
    'SMSCode',
    'password2',
    'pwd',
    'sslpassword',
    'apikey',
    'secretkey',
    'keyB64',
    'privateKeyHex',
    'ct',
    'epk',
    'x-pos-signature',
    'signature',
  ])('treats %s as secret', (name) => {
    expect(isSecretKey(name)).toBe(true);
  });

  it.each([
    'code',
    'authCode',
    'keyId',
    'publicKey',
    'pinKey',
    'pinAttempts',
    'pinFailures',
    'attemptsLeft',
    'spinner',
    'footprint',
    'mapping',
    'idempotencyKey',
    'trace',
    'amount',
    'message',
    'publicKeyHex',
    'PIN_INCORRECT',
    'pinLocked',
  ])('leaves %s alone', (name) => {
    expect(isSecretKey(name)).toBe(false);
  });
});

describe('redactString', () => {
  it.each([
    ['pin=123456&trace=000001', 'pin=[REDACTED]&trace=000001'],
    ['{"otp":"654321","paymentId":"p1"}', '{"otp":"[REDACTED]","paymentId":"p1"}'],
    ['"pinBlock":{"keyId":"k","ct":"abc"},"x":1', '"pinBlock":"[REDACTED]","x":1'],
    ["password: 'hunter2'", 'password: [REDACTED]'],
    ['postgres://pos:pa55@db:5432/pos', 'postgres://pos:[REDACTED]@db:5432/pos'],
    ['Authorization: Bearer abc.def', 'Authorization: [REDACTED]'],
    ['sent Bearer abc.def upstream', 'sent Bearer [REDACTED] upstream'],
    [
      'code=PIN_INCORRECT attemptsLeft=2 trace=000123',
      'code=PIN_INCORRECT attemptsLeft=2 trace=000123',
    ],
    ['{"pins":["777777"],"otp":["888888"]}', '{"pins":[REDACTED],"otp":[REDACTED]}'],
    ['{\\"otp\\":\\"131313\\",\\"n\\":1}', '{\\"otp\\":\\"[REDACTED]\\",\\"n\\":1}'],
    ['otp 141414 sent', 'otp [REDACTED] sent'],
    ['PIN entered: 123456', 'PIN entered: [REDACTED]'],
    ['验证码 123456，5分钟内有效', '验证码 [REDACTED]，5分钟内有效'],
    ['redis://:s3cret@db:6379/0', 'redis://:[REDACTED]@db:6379/0'],
    ['postgres://u:p@ss@db/x', 'postgres://u:[REDACTED]@db/x'],
    ['paid 123456 at trace 000124', 'paid 123456 at trace 000124'],
    ['customer keyed 482915 as the PIN', 'customer keyed [REDACTED] as the PIN'],
  ])('%s', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it('gives the same text when applied again (the logger redacts more than once)', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        'pin',
        'otp',
        'password',
        'terminalKey',
        'code',
        'trace',
        '"otp"',
        '"pinBlock"',
      ),
      fc.constantFrom('=', ': ', ':', ' = '),
      fc.constantFrom('123456', '"654321"', "'x'", '{"ct":"abc"}', 'Bearer abc.def', '[REDACTED]'),
      fc.constantFrom(' ', ',', '&', '}', ']', ')', '\n'),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const once = redactString(pieces.join(''));
        expect(redactString(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
    expect(redactString('failed for otp=[REDACTED]')).toBe('failed for otp=[REDACTED]');
  });

  it('removes a PEM private key, even a truncated one', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----';
    expect(redactString(`key file: ${pem} loaded`)).toBe('key file: [REDACTED] loaded');
    expect(redactString('-----BEGIN EC PRIVATE KEY-----\nAAAA')).toBe('[REDACTED]');
  });
});

describe('redactSecrets', () => {
  it('never changes its input', () => {
    const input = { pin: '123456', nested: { otp: '654321' } };
    redactSecrets(input);
    expect(input).toEqual({ pin: '123456', nested: { otp: '654321' } });
  });

  it('recognises a PIN block whatever it is called', () => {
    const block = { keyId: 'pk-1', epk: 'e', iv: 'i', ct: 'c', tag: 't' };
    expect(redactSecrets({ request: block, list: [block] })).toEqual({
      request: '[REDACTED]',
      list: ['[REDACTED]'],
    });
  });

  it('survives cycles, deep nesting, maps, sets and odd values', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { otp: '654321' };
    for (let i = 0; i < 30; i += 1) deep = { next: deep };
    const out = redactSecrets({
      cyclic,
      deep,
      map: new Map([['pin', '123456']]),
      set: new Set([new Secret('x')]),
      when: new Date(0),
      fn: () => 1,
    });
    expect(JSON.stringify(out)).not.toContain('654321');
    expect(out).toMatchObject({
      cyclic: { name: 'a', self: '[Circular]' },
      map: { pin: '[REDACTED]' },
      set: ['[REDACTED]'],
      when: '1970-01-01T00:00:00.000Z',
    });
  });

  it('shows a value seen twice (not a cycle) both times', () => {
    const shared = { id: 'x' };
    expect(redactSecrets({ a: shared, b: shared })).toEqual({ a: { id: 'x' }, b: { id: 'x' } });
  });
});
