/**
 * Hand-written scenarios for what generated paths cannot express well: exact timing over many
 * steps, secrets across a whole transaction, backoff series, the daily sign-in. The flow runs
 * on a manual clock with scripted actors (see `FlowHarness`).
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { Secret } from '../../core/Secret.js';
import type { Key } from '../../../drivers/keypad/Keypad.js';
import { FIXTURES, FlowHarness, MODEL_SETTINGS, MODEL_START, posError } from './flowModel.js';
import type { FlowSettings, PendingPayment } from './flowTypes.js';
import { screenOf } from './screenOf.js';

const PIN = '135790';
const CODE = '246813';
const PASSWORD = '97531';
const HOUR = 60 * 60 * 1000;

let harness: FlowHarness | undefined;
afterEach(() => {
  harness?.stop();
  harness = undefined;
});

async function signedIn(
  settings: Partial<FlowSettings> = {},
  onInspect?: (event: InspectionEvent) => void,
): Promise<FlowHarness> {
  const h = new FlowHarness({ settings, ...(onInspect && { inspect: onInspect }) });
  harness = h;
  await h.start();
  await h.finish('signIn', { ...FIXTURES.session, signedInAt: h.clock.now() });
  await h.finish('recover', { items: [], pendingLeft: 0 });
  expect(h.state).toBe('idle');
  return h;
}

/** Taps the card, picks sale from the menu and keys the amount. */
async function toPin(h: FlowHarness, amount = '2500'): Promise<void> {
  await h.send({ type: 'CARD_TAPPED', card: FIXTURES.presented });
  await h.finish('readCard', FIXTURES.account);
  await h.press('1', ...(amount.split('') as Key[]), 'OK');
  expect(h.state).toBe('pin');
}

function payment(expiresAt: number): PendingPayment {
  return {
    journalId: FIXTURES.saleJournalId,
    paymentId: 'P-41',
    batch: FIXTURES.session.batch,
    trace: '000041',
    amount: { value: 2500, currency: 'CNY' },
    otp: { sentTo: '138****8000', expiresAt, attemptsLeft: 3, resendsLeft: 2 },
  };
}

/** A sale up to the code screen; the host says the code expires at `expiresAt`. */
async function toCode(h: FlowHarness, expiresAt: (now: number) => number): Promise<PendingPayment> {
  await toPin(h);
  await h.press(...(PIN.split('') as Key[]), 'OK');
  const sent = payment(expiresAt(h.clock.now()));
  await h.finish('authorize', { kind: 'otp_sent', payment: sent });
  expect(h.state).toBe('code.entering');
  return sent;
}

describe('the code countdown', () => {
  it('runs to the exact expiry the host gave, keys or not, then reverses with reason timeout', async () => {
    const h = await signedIn();
    // The host answered 3 s late: its code expires 297 s from now, not 300 s.
    const sent = await toCode(h, (now) => now + 297_000);
    expect(screenOf(h.snapshot)).toMatchObject({ id: 'code', expiresAt: sent.otp.expiresAt });

    await h.advance(150_000);
    await h.press('1', '2', '3');
    expect(screenOf(h.snapshot)).toMatchObject({ id: 'code', length: 3 });
    await h.advance(146_999);
    expect(h.state).toBe('code.entering');
    expect(h.isRunning('cancelPayment')).toBe(false);

    await h.advance(1);
    expect(h.clock.now()).toBe(sent.otp.expiresAt);
    expect(h.state).toBe('cancelling');
    expect(h.inputOf('cancelPayment')).toEqual({ journalId: sent.journalId, reason: 'timeout' });
    await h.finish('cancelPayment', { acknowledged: true });
    expect(screenOf(h.snapshot)).toEqual({ id: 'cancelled', outcome: { code: 'CODE_TIMED_OUT' } });
    expect(h.invocations.filter((i) => i.actor === 'confirm')).toEqual([]);
  });

  it('counts from the new expiry after a resend', async () => {
    const h = await signedIn();
    await toCode(h, (now) => now + 300_000);
    await h.advance(200_000);
    await h.press('F1');
    expect(h.state).toBe('code.resending');
    const expiresAt = h.clock.now() + 300_000;
    await h.finish('resendOtp', {
      sentTo: '138****8000',
      expiresAt,
      attemptsLeft: 3,
      resendsLeft: 1,
    });
    expect(screenOf(h.snapshot)).toMatchObject({ expiresAt, resendsLeft: 1 });

    await h.advance(299_999);
    expect(h.state).toBe('code.entering');
    await h.advance(1);
    expect(h.state).toBe('cancelling');
  });

  it('cancels at once when the code has already expired on arrival', async () => {
    const h = await signedIn();
    await toCode(h, (now) => now - 1);
    await h.advance(0);
    expect(h.state).toBe('cancelling');
    expect(h.inputOf('cancelPayment')).toMatchObject({ reason: 'timeout' });
  });
});

describe('secrets', () => {
  it('keeps the PIN, the code and the password out of every snapshot, its JSON and its inspection', async () => {
    const seen: string[] = [];
    const h = await signedIn({}, (event) => {
      if (event.type === '@xstate.snapshot') seen.push(JSON.stringify(event.snapshot));
    });
    const exposures = () => {
      const views = [
        JSON.stringify(h.snapshot),
        JSON.stringify(h.actor.getPersistedSnapshot()),
        inspect(h.snapshot.context, { depth: Infinity }),
        JSON.stringify(screenOf(h.snapshot)),
        ...seen.splice(0),
      ].join('\n');
      // The first 4 or more digits of a secret, in order, would be a leak.
      const parts = [PIN, CODE, PASSWORD].flatMap((secret) =>
        Array.from({ length: secret.length - 3 }, (_, i) => secret.slice(0, i + 4)),
      );
      return parts.filter((part) => views.includes(part));
    };

    await toPin(h);
    for (const digit of PIN) {
      await h.press(digit as Key);
      expect(exposures()).toEqual([]);
    }
    expect(screenOf(h.snapshot)).toMatchObject({ id: 'pin', length: 6 });
    await h.press('OK');
    expect(h.state).toBe('authorizing');
    expect(exposures()).toEqual([]);
    // What the PIN block encryptor gets: the PIN itself, still wrapped.
    const { pin } = h.inputOf('authorize');
    expect(pin).toBeInstanceOf(Secret);
    expect(pin.reveal()).toBe(PIN);
    expect(`${String(pin)} ${JSON.stringify(pin)}`).toBe('[REDACTED] "[REDACTED]"');

    await h.finish('authorize', { kind: 'otp_sent', payment: payment(h.clock.now() + 300_000) });
    expect(h.snapshot.context.pinDraft).toBeUndefined();
    for (const digit of CODE) {
      await h.press(digit as Key);
      expect(exposures()).toEqual([]);
    }
    await h.press('OK');
    expect(h.inputOf('confirm').code.reveal()).toBe(CODE);
    await h.fail('confirm', posError('OTP_INCORRECT', { attemptsLeft: 2 }));
    expect(screenOf(h.snapshot)).toMatchObject({ id: 'code', length: 0, attemptsLeft: 2 });
    expect(exposures()).toEqual([]);
    await h.press('CANCEL');
    await h.finish('cancelPayment', { acknowledged: true });
    await h.press('OK');

    await h.press('OK', '3', ...(PASSWORD.split('') as Key[]));
    expect(screenOf(h.snapshot)).toMatchObject({ id: 'supervisor', length: PASSWORD.length });
    expect(exposures()).toEqual([]);
    await h.press('OK');
    expect(h.inputOf('verifySupervisor').password.reveal()).toBe(PASSWORD);
    expect(exposures()).toEqual([]);
    await h.finish('verifySupervisor', true);
    expect(h.snapshot.context.passwordDraft).toBeUndefined();
    expect(exposures()).toEqual([]);
  });
});

describe('sign-in backoff', () => {
  it('doubles the wait after each failure up to the cap; OK retries at once; success resets it', async () => {
    const h = new FlowHarness({ settings: { signInRetryBaseMs: 2_000, signInRetryMaxMs: 60_000 } });
    harness = h;
    await h.start();
    const waits = [2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000];
    for (const [index, wait] of waits.entries()) {
      await h.fail('signIn', posError('HOST_UNREACHABLE'));
      expect(screenOf(h.snapshot)).toEqual({
        id: 'signInRetry',
        outcome: { code: 'HOST_UNREACHABLE' },
        failures: index + 1,
      });
      await h.advance(wait - 1);
      expect(h.state).toBe('signInWait');
      await h.advance(1);
      expect(h.state).toBe('signingIn');
      expect(h.isRunning('signIn')).toBe(true);
    }

    await h.fail('signIn', posError('TERMINAL_DISABLED'));
    const before = h.clock.now();
    await h.press('OK');
    expect(h.state).toBe('signingIn');
    expect(h.clock.now()).toBe(before);

    await h.finish('signIn', { ...FIXTURES.session, signedInAt: h.clock.now() });
    await h.finish('recover', { items: [], pendingLeft: 0 });
    await h.send({ type: 'SIGN_IN_NOW' });
    await h.fail('signIn', posError('HOST_UNREACHABLE'));
    expect(screenOf(h.snapshot)).toMatchObject({ failures: 1 });
    await h.advance(1_999);
    expect(h.state).toBe('signInWait');
    await h.advance(1);
    expect(h.state).toBe('signingIn');
  });
});

describe('the daily sign-in', () => {
  it('comes 24 h after the last sign-in, however often idle was left and re-entered', async () => {
    const h = await signedIn({ resignInMs: 24 * HOUR });
    await h.advance(HOUR);
    await h.press('OK');
    expect(h.state).toBe('menu');
    await h.press('CANCEL');
    await h.advance(5 * HOUR);
    await h.send({ type: 'CARD_TAPPED', card: FIXTURES.presented });
    await h.fail('readCard', posError('CARD_REMOVED'));
    await h.press('OK');
    expect(h.state).toBe('idle');

    await h.advance(MODEL_START + 24 * HOUR - 1 - h.clock.now());
    expect(h.state).toBe('idle');
    await h.advance(1);
    expect(h.state).toBe('signingIn');
    expect(h.invocations.filter((i) => i.actor === 'signIn')).toHaveLength(2);

    // The next one counts from this sign-in, which the host answered 2 s later.
    await h.advance(2_000);
    const signedInAt = h.clock.now();
    await h.finish('signIn', { ...FIXTURES.session, batch: '000009', signedInAt });
    await h.finish('recover', { items: [], pendingLeft: 0 });
    expect(screenOf(h.snapshot)).toMatchObject({ id: 'idle', batch: '000009' });
    await h.advance(24 * HOUR - 1);
    expect(h.state).toBe('idle');
    await h.advance(1);
    expect(h.state).toBe('signingIn');
    expect(h.clock.now()).toBe(signedInAt + 24 * HOUR);
  });

  it('is not put off by the retries of pending work', async () => {
    const h = new FlowHarness({ settings: { resignInMs: 600_000, pendingRetryMs: 90_000 } });
    harness = h;
    await h.start();
    await h.finish('signIn', { ...FIXTURES.session, signedInAt: h.clock.now() });
    await h.finish('recover', { items: [], pendingLeft: 2 });
    for (let retry = 1; retry <= 6; retry += 1) {
      await h.advance(90_000);
      expect(h.state).toBe('recovering');
      await h.finish('recover', { items: [], pendingLeft: 2 });
    }
    expect(h.clock.now()).toBe(MODEL_START + 540_000);
    await h.advance(59_999);
    expect(h.state).toBe('idle');
    await h.advance(1);
    expect(h.state).toBe('signingIn');
  });
});

describe('inactivity', () => {
  const LIMIT = MODEL_SETTINGS.inactivityMs;

  it('restarts on every key the amount screen takes, then cancels with TIMED_OUT', async () => {
    const h = await signedIn();
    await h.send({ type: 'CARD_TAPPED', card: FIXTURES.presented });
    await h.finish('readCard', FIXTURES.account);
    await h.press('1');
    expect(h.state).toBe('amount');
    for (const k of ['5', '0', 'BACKSPACE', 'CLEAR', 'OK'] as Key[]) {
      await h.advance(LIMIT - 1);
      expect(h.state).toBe('amount');
      await h.press(k);
    }
    // The last key, OK on an empty amount, showed a notice: that too was the cashier at work.
    expect(screenOf(h.snapshot)).toMatchObject({ notice: { code: 'AMOUNT_ZERO' } });
    await h.advance(LIMIT - 1);
    expect(h.state).toBe('amount');
    await h.advance(1);
    expect(screenOf(h.snapshot)).toEqual({ id: 'cancelled', outcome: { code: 'TIMED_OUT' } });
    expect(h.invocations.map((i) => i.actor)).toEqual(['signIn', 'recover', 'readCard']);
  });

  it('restarts on every PIN digit and supervisor digit too', async () => {
    const h = await signedIn();
    await toPin(h);
    for (const digit of '1234') {
      await h.advance(LIMIT - 1);
      await h.press(digit as Key);
    }
    await h.advance(LIMIT - 1);
    expect(screenOf(h.snapshot)).toMatchObject({ id: 'pin', length: 4 });
    await h.advance(1);
    expect(h.state).toBe('cancelled');
    expect(h.isRunning('authorize')).toBe(false);

    await h.press('OK', 'OK', '4');
    expect(h.state).toBe('supervisor');
    for (const digit of '987') {
      await h.advance(LIMIT - 1);
      await h.press(digit as Key);
    }
    await h.advance(LIMIT - 1);
    expect(screenOf(h.snapshot)).toMatchObject({ id: 'supervisor', for: 'refund', length: 3 });
    await h.advance(1);
    expect(screenOf(h.snapshot)).toEqual({ id: 'cancelled', outcome: { code: 'TIMED_OUT' } });
  });
});

describe('pending work', () => {
  it('is retried while idle until none is left, then no more', async () => {
    const h = new FlowHarness();
    harness = h;
    await h.start();
    await h.finish('signIn', { ...FIXTURES.session, signedInAt: h.clock.now() });
    await h.finish('recover', { items: [], pendingLeft: 2 });
    expect(screenOf(h.snapshot)).toMatchObject({ id: 'idle', pendingLeft: 2 });
    await h.advance(MODEL_SETTINGS.pendingRetryMs);
    await h.finish('recover', { items: [FIXTURES.stuckItem], pendingLeft: 1 });
    expect(screenOf(h.snapshot)).toMatchObject({ id: 'recoveryReport', pendingLeft: 1 });
    await h.press('OK');
    await h.advance(MODEL_SETTINGS.pendingRetryMs);
    await h.finish('recover', { items: [], pendingLeft: 0 });
    await h.advance(10 * MODEL_SETTINGS.pendingRetryMs);
    expect(h.state).toBe('idle');
    expect(h.invocations.filter((i) => i.actor === 'recover')).toHaveLength(3);
  });

  it('includes a reversal the host did not acknowledge and an outcome still unknown', async () => {
    const h = await signedIn();
    await toCode(h, (now) => now + 300_000);
    await h.press('CANCEL');
    expect(h.inputOf('cancelPayment')).toEqual({
      journalId: FIXTURES.saleJournalId,
      reason: 'cancelled',
    });
    await h.finish('cancelPayment', { acknowledged: false });
    await h.press('OK');
    expect(screenOf(h.snapshot)).toMatchObject({ id: 'idle', pendingLeft: 1 });

    await toCode(h, (now) => now + 300_000);
    await h.press(...(CODE.split('') as Key[]), 'OK');
    await h.fail('confirm', posError('HOST_TIMEOUT', { journalId: FIXTURES.saleJournalId }));
    expect(h.inputOf('resolveOutcome')).toEqual({ journalId: FIXTURES.saleJournalId });
    await h.finish('resolveOutcome', { outcome: 'pending', code: 'HOST_UNREACHABLE' });
    expect(screenOf(h.snapshot)).toEqual({
      id: 'declined',
      outcome: { code: 'HOST_UNREACHABLE', details: { resolution: 'pending' } },
    });
    await h.press('OK');
    expect(screenOf(h.snapshot)).toMatchObject({ id: 'idle', pendingLeft: 2 });
    await h.advance(MODEL_SETTINGS.pendingRetryMs);
    expect(h.state).toBe('recovering');
  });
});
