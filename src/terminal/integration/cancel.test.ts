import { afterEach, describe, expect, it } from 'vitest';
import { httpSender } from '../../testing/signedRequest.js';
import { RIG_SUPERVISOR_PASSWORD, TerminalRig } from '../../testing/terminalRig.js';
import { errorCodeOf, TestTerminal } from '../../testing/TestTerminal.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

const INACTIVITY_MS = 60_000;

describe('cancel and time out at each step, against the real host', () => {
  const database = useTestDatabase('pglite');
  let rig: TerminalRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  /** From idle: the menu, then menu item `item` (1–6). */
  function pick(r: TerminalRig, item: string): void {
    r.type('{OK}');
    expect(r.state).toBe('menu');
    r.type(item);
  }

  /** Keys CANCEL and checks the cashier is told so, then back to idle. */
  async function cancelHere(r: TerminalRig, state: string): Promise<void> {
    await r.waitForState(state);
    r.type('{CANCEL}');
    await r.waitForState('cancelled');
    expect(r.screen()).toEqual({ id: 'cancelled', outcome: { code: 'CANCELLED' } });
    await r.dismiss();
  }

  /** Nothing moved anywhere: no host payment, no journal entry, no text, nothing printed. */
  async function nothingHappened(r: TerminalRig): Promise<void> {
    expect(await r.payments()).toEqual([]);
    expect(await r.balance()).toBe(100_000);
    expect(await r.texts()).toHaveLength(1); // the PIN from enrollment
    expect(r.journal.list()).toEqual([]);
    expect(r.journal.openTransactions()).toEqual([]);
    expect(r.printer.printed).toEqual([]);
  }

  it('cancels at the menu, the card prompt, the amount and the PIN: nothing reaches the host', async () => {
    rig = await TerminalRig.start(database.db);
    // Menu: back to idle at once.
    rig.type('{OK}');
    await rig.waitForState('menu');
    expect(rig.screen()).toMatchObject({ id: 'menu', cardPresent: false });
    rig.type('{CANCEL}');
    expect(rig.state).toBe('idle');

    // Waiting for the card.
    pick(rig, '1');
    await rig.waitForState('awaitingCard');
    expect(rig.screen()).toEqual({ id: 'tapCard', for: 'sale' });
    rig.type('{CANCEL}');
    expect(rig.state).toBe('idle');

    // The amount (the card read after the menu this time).
    pick(rig, '1');
    await rig.waitForState('awaitingCard');
    rig.tap();
    await rig.waitForState('amount');
    rig.type('12');
    await cancelHere(rig, 'amount');

    // The PIN, half keyed.
    rig.tap();
    await rig.waitForState('menu');
    rig.type('1');
    await rig.waitForState('amount');
    rig.type('1250{OK}');
    await rig.waitForState('pin');
    rig.type(rig.card.pin.slice(0, 4));
    await cancelHere(rig, 'pin');

    // The PIN of a balance inquiry.
    pick(rig, '2');
    await rig.waitForState('awaitingCard');
    rig.tap();
    await rig.waitForState('pin');
    expect(rig.screen()).toMatchObject({ id: 'pin', for: 'balance', amount: undefined });
    await cancelHere(rig, 'pin');

    await nothingHappened(rig);
    expect(rig.screen()).toMatchObject({ id: 'idle', pendingLeft: 0 });
  });

  it('cancel on the code screen reverses the pending payment on the host; its code is dead', async () => {
    rig = await TerminalRig.start(database.db);
    await rig.startSale('1250');
    const code = await rig.latestCode();
    const [pending] = rig.journal.openTransactions();
    const paymentId = pending?.paymentId ?? '?';
    expect(await rig.payment(paymentId)).toMatchObject({ status: 'otp_sent' });
    rig.type(code.slice(0, 5));
    rig.type('{CANCEL}');
    await rig.waitForState('cancelled');
    expect(rig.screen()).toEqual({ id: 'cancelled', outcome: { code: 'CANCELLED' } });

    expect(await rig.payment(paymentId)).toMatchObject({ status: 'reversed' });
    expect(rig.journal.openTransactions()).toEqual([]);
    expect(rig.journal.list()).toMatchObject([
      { trace: '000001', state: 'reversed', reversalReason: 'cancelled', paymentId },
    ]);
    // The code the customer holds no longer pays.
    const behind = new TestTerminal(httpSender(rig.hostAddress), rig.identity, rig.clock);
    const late = await behind.confirm(paymentId, code);
    expect([late.status, errorCodeOf(late)]).toEqual([409, 'PAYMENT_STATE']);
    expect(await rig.balance()).toBe(100_000);
    expect(rig.printer.printed).toEqual([]);
    await rig.dismiss();
  });

  it('cancels at each void, refund and settlement step: the sale stands, nothing else moves', async () => {
    rig = await TerminalRig.start(database.db);
    const sale = await rig.sale('1000');
    await rig.dismiss();
    const before = {
      payments: await rig.payments(),
      journal: rig.journal.list(),
      printed: rig.printer.printed.length,
    };
    expect(before.payments).toMatchObject([{ status: 'approved' }]);

    // Supervisor password, half keyed.
    pick(rig, '3');
    await rig.waitForState('supervisor');
    rig.type('24');
    expect(rig.screen()).toMatchObject({ id: 'supervisor', for: 'void', length: 2 });
    await cancelHere(rig, 'supervisor');

    // The void's trace.
    pick(rig, '3');
    rig.type(`${RIG_SUPERVISOR_PASSWORD}{OK}`);
    await rig.waitForState('voidTrace');
    rig.type('1');
    expect(rig.screen()).toMatchObject({ id: 'voidTrace', digits: '1' });
    await cancelHere(rig, 'voidTrace');

    // The void's confirmation, showing the sale.
    pick(rig, '3');
    rig.type(`${RIG_SUPERVISOR_PASSWORD}{OK}`);
    await rig.waitForState('voidTrace');
    rig.type(`${sale.trace}{OK}`);
    await rig.waitForState('voidConfirm');
    expect(rig.screen()).toMatchObject({
      id: 'voidConfirm',
      original: { trace: sale.trace, reference: sale.reference },
    });
    await cancelHere(rig, 'voidConfirm');

    // The refund's reference.
    pick(rig, '4');
    rig.type(`${RIG_SUPERVISOR_PASSWORD}{OK}`);
    await rig.waitForState('refundReference');
    rig.type('0000');
    await cancelHere(rig, 'refundReference');

    // The refund's amount.
    pick(rig, '4');
    rig.type(`${RIG_SUPERVISOR_PASSWORD}{OK}`);
    await rig.waitForState('refundReference');
    rig.type(`${sale.reference ?? '?'}{OK}`);
    await rig.waitForState('refundAmount');
    rig.type('500');
    expect(rig.screen()).toMatchObject({ id: 'amount', for: 'refund', digits: '500' });
    await cancelHere(rig, 'refundAmount');

    // Settlement's confirmation: back to idle, the batch stays open.
    pick(rig, '5');
    await rig.waitForState('settleConfirm');
    rig.type('{CANCEL}');
    expect(rig.state).toBe('idle');

    expect(await rig.payments()).toEqual(before.payments);
    expect(await rig.balance()).toBe(100_000 - 1000);
    expect(rig.journal.list()).toEqual(before.journal);
    expect(rig.journal.openTransactions()).toEqual([]);
    expect(rig.journal.settlements()).toEqual([]);
    expect(rig.journal.currentBatch()).toBe('000001');
    expect(rig.printer.printed).toHaveLength(before.printed);
    expect(rig.screen()).toMatchObject({ id: 'idle', batch: '000001' });
  });

  it('abandons a step left without a key for the inactivity time; each key restarts the wait', async () => {
    rig = await TerminalRig.start(database.db);
    // The menu goes back to idle.
    rig.type('{OK}');
    rig.clock.advance(INACTIVITY_MS - 1);
    expect(rig.state).toBe('menu');
    rig.clock.advance(1);
    expect(rig.state).toBe('idle');

    // So does the card prompt.
    pick(rig, '1');
    rig.clock.advance(INACTIVITY_MS);
    expect(rig.state).toBe('idle');

    // The amount times out, counted from the last key.
    rig.tap();
    await rig.waitForState('menu');
    rig.type('1');
    await rig.waitForState('amount');
    rig.clock.advance(50_000);
    rig.type('5');
    rig.clock.advance(50_000);
    expect(rig.state).toBe('amount');
    rig.clock.advance(10_000);
    expect(rig.screen()).toEqual({ id: 'cancelled', outcome: { code: 'TIMED_OUT' } });
    // The notice goes by itself too.
    rig.clock.advance(5_000);
    expect(rig.state).toBe('idle');

    // The PIN.
    rig.tap();
    await rig.waitForState('menu');
    rig.type('1');
    await rig.waitForState('amount');
    rig.type('5{OK}');
    await rig.waitForState('pin');
    rig.type('123');
    rig.clock.advance(INACTIVITY_MS);
    expect(rig.screen()).toEqual({ id: 'cancelled', outcome: { code: 'TIMED_OUT' } });
    await rig.dismiss();

    // The supervisor password.
    pick(rig, '4');
    await rig.waitForState('supervisor');
    rig.clock.advance(INACTIVITY_MS);
    expect(rig.screen()).toEqual({ id: 'cancelled', outcome: { code: 'TIMED_OUT' } });
    await rig.dismiss();

    // Settlement's confirmation.
    pick(rig, '5');
    await rig.waitForState('settleConfirm');
    rig.clock.advance(INACTIVITY_MS);
    expect(rig.state).toBe('idle');

    await nothingHappened(rig);
    expect(rig.journal.settlements()).toEqual([]);
  });
});
