import { afterEach, describe, expect, it } from 'vitest';
import { TerminalRig } from '../../testing/terminalRig.js';
import { otherDigits } from '../../testing/TestTerminal.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('the PIN against the real host (claim 4)', () => {
  const database = useTestDatabase('pglite');
  let rig: TerminalRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('a wrong PIN brings the PIN screen back with two tries left; the right one completes the sale', async () => {
    rig = await TerminalRig.start(database.db);
    await rig.startSale('880', otherDigits(rig.card.pin), 'pin');
    expect(rig.screen()).toEqual({
      id: 'pin',
      for: 'sale',
      amount: { value: 880, currency: 'CNY' },
      length: 0,
      notice: { code: 'PIN_INCORRECT', details: { attemptsLeft: 2 } },
    });
    expect(rig.beeps).toContain('error');
    expect((await rig.account()).pinFailures).toBe(1);
    // No code went out for the wrong PIN (the one text is the PIN from enrollment).
    expect(await rig.texts()).toHaveLength(1);
    expect(rig.journal.openTransactions()).toEqual([]);

    rig.type(`${rig.card.pin}{OK}`);
    await rig.waitForState('code.entering');
    expect(rig.screen()).toMatchObject({ id: 'code', attemptsLeft: 3, notice: undefined });
    // A right PIN resets the PIN failure count.
    expect((await rig.account()).pinFailures).toBe(0);
    rig.type(`${await rig.latestCode()}{OK}`);
    await rig.waitForState('approved.done');

    // Debited once, by the second transaction (each PIN try is a transaction of its own).
    expect(await rig.balance()).toBe(100_000 - 880);
    const payments = await rig.payments();
    expect(payments.map((p) => [p.trace, p.status, p.declineCode])).toEqual([
      ['000001', 'declined', 'PIN_INCORRECT'],
      ['000002', 'approved', null],
    ]);
    expect(rig.journal.list().map((e) => [e.trace, e.state, e.errorCode])).toEqual([
      ['000002', 'completed', undefined],
      ['000001', 'declined', 'PIN_INCORRECT'],
    ]);
    expect(rig.printer.printed).toMatchObject([{ trace: '000002', amount: { value: 880 } }]);
  });

  it('three wrong PINs lock the account for 24 hours; while locked nothing is checked', async () => {
    rig = await TerminalRig.start(database.db);
    const lockedAt = rig.clock.now();
    await rig.startSale('500', otherDigits(rig.card.pin, 1), 'pin');
    expect(rig.screen()).toMatchObject({ notice: { details: { attemptsLeft: 2 } } });
    rig.type(`${otherDigits(rig.card.pin, 2)}{OK}`);
    await rig.waitForState('pin');
    expect(rig.screen()).toMatchObject({
      id: 'pin',
      notice: { code: 'PIN_INCORRECT', details: { attemptsLeft: 1 } },
    });
    rig.type(`${otherDigits(rig.card.pin, 3)}{OK}`);
    await rig.waitForState('locked');
    const until = new Date(lockedAt + DAY_MS).toISOString();
    expect(rig.screen()).toEqual({ id: 'locked', lockedUntil: until });
    expect(await rig.account()).toMatchObject({ locked: true, lockedUntil: until });

    // The customer is told by text (the host's background pass sends it).
    await rig.deliverQueuedTexts();
    const texts = await rig.texts();
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain('锁定');

    await rig.dismiss();
    // While locked, even the right PIN is refused, and a wrong one is not counted.
    await rig.startSale('500', rig.card.pin, 'locked');
    expect(rig.screen()).toEqual({ id: 'locked', lockedUntil: until });
    await rig.dismiss();
    await rig.startSale('500', otherDigits(rig.card.pin, 4), 'locked');
    expect(rig.screen()).toEqual({ id: 'locked', lockedUntil: until });
    await rig.dismiss();
    // A balance inquiry is refused too.
    rig.tap();
    await rig.waitForState('menu');
    rig.type('2');
    await rig.waitForState('pin');
    rig.type(`${rig.card.pin}{OK}`);
    await rig.waitForState('locked');
    await rig.dismiss();

    expect(await rig.account()).toMatchObject({ locked: true, pinFailures: 0, otpFailures: 0 });
    expect(await rig.balance()).toBe(100_000);
    expect(await rig.texts()).toHaveLength(2); // no code was ever sent
    expect(rig.printer.printed).toEqual([]);
    expect(rig.journal.openTransactions()).toEqual([]);
    expect(rig.journal.list().map((e) => [e.trace, e.type, e.state, e.errorCode])).toEqual([
      ['000006', 'balance', 'declined', 'ACCOUNT_LOCKED'],
      ['000005', 'sale', 'declined', 'ACCOUNT_LOCKED'],
      ['000004', 'sale', 'declined', 'ACCOUNT_LOCKED'],
      ['000003', 'sale', 'declined', 'ACCOUNT_LOCKED'],
      ['000002', 'sale', 'declined', 'PIN_INCORRECT'],
      ['000001', 'sale', 'declined', 'PIN_INCORRECT'],
    ]);
    const payments = await rig.payments();
    expect(payments.every((p) => p.status !== 'approved' && p.status !== 'otp_sent')).toBe(true);

    // A day later the lock is over (the terminal signs in again on the way) and the PIN works.
    rig.clock.advance(DAY_MS);
    await rig.waitForState('idle');
    expect(await rig.account()).toMatchObject({ locked: false });
    await rig.startSale('500');
    expect(rig.screen()).toMatchObject({ id: 'code', attemptsLeft: 3 });
  });
});
