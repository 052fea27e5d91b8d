import { afterEach, describe, expect, it } from 'vitest';
import { httpSender } from '../../testing/signedRequest.js';
import { TerminalRig } from '../../testing/terminalRig.js';
import { otherDigits, TestTerminal } from '../../testing/TestTerminal.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('the texted code against the real host (claim 5)', () => {
  const database = useTestDatabase('pglite');
  let rig: TerminalRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('three wrong codes lock the account for 24 hours and decline the payment; nothing is debited', async () => {
    rig = await TerminalRig.start(database.db);
    await rig.startSale('1500');
    const code = await rig.latestCode();
    const [pending] = rig.journal.openTransactions();
    rig.type(`${otherDigits(code, 1)}{OK}`);
    await rig.waitForState('code.entering');
    expect(rig.screen()).toMatchObject({
      id: 'code',
      attemptsLeft: 2,
      length: 0,
      notice: { code: 'OTP_INCORRECT', details: { attemptsLeft: 2 } },
    });
    expect(rig.journal.openTransactions()).toMatchObject([{ state: 'otp_sent' }]);
    rig.type(`${otherDigits(code, 2)}{OK}`);
    await rig.waitForState('code.entering');
    expect(rig.screen()).toMatchObject({
      attemptsLeft: 1,
      notice: { code: 'OTP_INCORRECT', details: { attemptsLeft: 1 } },
    });
    expect((await rig.account()).otpFailures).toBe(2);
    rig.type(`${otherDigits(code, 3)}{OK}`);
    await rig.waitForState('locked');
    const until = new Date(rig.clock.now() + DAY_MS).toISOString();
    expect(rig.screen()).toEqual({ id: 'locked', lockedUntil: until });

    // The host declined the payment and locked the account; nothing moved.
    expect(await rig.payment(pending?.paymentId ?? '?')).toMatchObject({
      status: 'declined',
      trace: '000001',
    });
    expect(await rig.account()).toMatchObject({ locked: true, lockedUntil: until });
    expect(await rig.balance()).toBe(100_000);
    await rig.deliverQueuedTexts();
    const texts = await rig.texts();
    expect(texts).toHaveLength(3); // PIN, code, lock notice
    expect(texts[2]).toContain('锁定');

    expect(rig.journal.openTransactions()).toEqual([]);
    expect(rig.journal.list()).toMatchObject([
      { trace: '000001', state: 'declined', errorCode: 'ACCOUNT_LOCKED' },
    ]);
    expect(rig.printer.printed).toEqual([]);
    await rig.dismiss();
    await rig.startSale('1500', rig.card.pin, 'locked');
    expect(await rig.balance()).toBe(100_000);
  });

  it('F1 texts a new code: the old one is refused, tries are kept, resends are paced and limited', async () => {
    rig = await TerminalRig.start(database.db);
    await rig.startSale('990');
    const first = await rig.latestCode();
    // Within 30 s of the text: too soon, nothing sent.
    rig.type('12{F1}');
    await rig.waitForState('code.entering');
    expect(rig.screen()).toMatchObject({
      resendsLeft: 2,
      notice: { code: 'RESEND_TOO_SOON', details: { retryAfter: 30 } },
    });
    expect(await rig.texts()).toHaveLength(2);

    rig.clock.advance(30_000);
    rig.type('{F1}');
    await rig.waitForState('code.entering');
    const second = await rig.latestCode();
    expect(second).not.toBe(first);
    expect(await rig.texts()).toHaveLength(3);
    expect(rig.screen()).toMatchObject({
      id: 'code',
      length: 0,
      attemptsLeft: 3,
      resendsLeft: 1,
      expiresAt: rig.clock.now() + 300_000,
      notice: { code: 'CODE_RESENT' },
    });

    // The replaced code is wrong now, and counts as a wrong try.
    rig.type(`${first}{OK}`);
    await rig.waitForState('code.entering');
    expect(rig.screen()).toMatchObject({
      attemptsLeft: 2,
      notice: { code: 'OTP_INCORRECT', details: { attemptsLeft: 2 } },
    });

    // Within 30 s of the last text: too soon again.
    rig.clock.advance(10_000);
    rig.type('{F1}');
    await rig.waitForState('code.entering');
    expect(rig.screen()).toMatchObject({
      resendsLeft: 1,
      notice: { code: 'RESEND_TOO_SOON', details: { retryAfter: 20 } },
    });
    expect(await rig.texts()).toHaveLength(3);

    rig.clock.advance(20_000);
    rig.type('{F1}');
    await rig.waitForState('code.entering');
    const third = await rig.latestCode();
    expect(await rig.texts()).toHaveLength(4);
    // A resend never resets the tries.
    expect(rig.screen()).toMatchObject({
      resendsLeft: 0,
      attemptsLeft: 2,
      expiresAt: rig.clock.now() + 300_000,
      notice: { code: 'CODE_RESENT' },
    });

    // No resend is left: F1 is refused on the terminal, nothing asked of the host.
    const beeps = rig.beeps.length;
    rig.clock.advance(30_000);
    rig.type('{F1}');
    expect(rig.state).toBe('code.entering');
    expect(rig.beeps.slice(beeps)).toEqual(['key']);
    expect(await rig.texts()).toHaveLength(4);

    // The second code was replaced too; the newest one approves.
    rig.type(`${second}{OK}`);
    await rig.waitForState('code.entering');
    expect(rig.screen()).toMatchObject({ attemptsLeft: 1 });
    rig.type(`${third}{OK}`);
    await rig.waitForState('approved.done');
    expect(await rig.balance()).toBe(100_000 - 990);
    expect(await rig.payments()).toMatchObject([{ status: 'approved', trace: '000001' }]);
    expect(rig.printer.printed).toHaveLength(1);
    expect(rig.journal.openTransactions()).toEqual([]);
  });

  it('the host refusing a resend as over the limit is shown and ends resending', async () => {
    rig = await TerminalRig.start(database.db);
    await rig.startSale('400');
    const [pending] = rig.journal.openTransactions();
    const paymentId = pending?.paymentId ?? '?';
    // Two resends the terminal never heard about (their replies were lost).
    const behind = new TestTerminal(httpSender(rig.hostAddress), rig.identity, rig.clock);
    for (const wait of [30_000, 30_000]) {
      rig.clock.advance(wait);
      const reply = await behind.request('POST', `/v1/payments/${paymentId}/resend-otp`, {});
      expect(reply.status).toBe(200);
    }
    rig.clock.advance(30_000);
    expect(rig.screen()).toMatchObject({ id: 'code', resendsLeft: 2 });
    rig.type('{F1}');
    await rig.waitForState('code.entering');
    expect(rig.screen()).toMatchObject({
      resendsLeft: 0,
      notice: { code: 'RESEND_LIMIT' },
    });
    rig.type(`${await rig.latestCode()}{OK}`);
    await rig.waitForState('approved.done');
    expect(await rig.balance()).toBe(100_000 - 400);
  });

  it('a code left until it expires cancels the sale: the host reverses it, nothing is debited', async () => {
    rig = await TerminalRig.start(database.db);
    await rig.startSale('1200');
    const [pending] = rig.journal.openTransactions();
    const code = await rig.latestCode();
    rig.type(code.slice(0, 3));
    rig.clock.advance(299_000);
    expect(rig.state).toBe('code.entering');
    rig.clock.advance(1_000);
    await rig.waitForState('cancelled');
    expect(rig.screen()).toEqual({ id: 'cancelled', outcome: { code: 'CODE_TIMED_OUT' } });

    expect(await rig.payment(pending?.paymentId ?? '?')).toMatchObject({
      status: 'reversed',
      trace: '000001',
    });
    expect(await rig.balance()).toBe(100_000);
    expect(rig.journal.openTransactions()).toEqual([]);
    expect(rig.journal.list()).toMatchObject([
      { trace: '000001', state: 'reversed', reversalReason: 'timeout' },
    ]);
    expect(rig.printer.printed).toEqual([]);

    // The rest of the code keyed now goes nowhere.
    rig.type(`${code.slice(3)}{OK}`);
    await rig.waitForState('idle');
    expect(await rig.balance()).toBe(100_000);
    expect(rig.journal.list()).toHaveLength(1);
  });
});
