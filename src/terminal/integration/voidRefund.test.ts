import { afterEach, describe, expect, it } from 'vitest';
import type { SalesSlip } from '../../../drivers/printer/PrintDocument.js';
import { RIG_SUPERVISOR_PASSWORD, TerminalRig } from '../../testing/terminalRig.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

describe('void and refund against the real host', () => {
  const database = useTestDatabase('pglite');
  let rig: TerminalRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  /** From idle: the menu's void (3) or refund (4), past the supervisor password. */
  async function behindPassword(r: TerminalRig, item: '3' | '4', next: string): Promise<void> {
    r.type(`{OK}${item}`);
    await r.waitForState('supervisor');
    r.type(`${RIG_SUPERVISOR_PASSWORD}{OK}`);
    await r.waitForState(next);
  }

  it('voids an approved sale: supervisor password, trace, confirmation, void slip, money back', async () => {
    rig = await TerminalRig.start(database.db);
    const sale = await rig.sale('1250');
    await rig.dismiss();
    const [hostSale] = await rig.payments();
    const reference = hostSale?.reference ?? '?';
    expect(reference).toMatch(/^\d{12}$/);
    expect(await rig.balance()).toBe(100_000 - 1250);

    // A wrong password first.
    rig.type('{OK}3');
    await rig.waitForState('supervisor');
    expect(rig.screen()).toEqual({ id: 'supervisor', for: 'void', length: 0, notice: undefined });
    rig.type('1357{OK}');
    await rig.waitForState('supervisor');
    expect(rig.screen()).toEqual({
      id: 'supervisor',
      for: 'void',
      length: 0,
      notice: { code: 'SUPERVISOR_PASSWORD_WRONG', details: { attemptsLeft: 2 } },
    });
    rig.type(`${RIG_SUPERVISOR_PASSWORD}{OK}`);
    await rig.waitForState('voidTrace');
    expect(rig.screen()).toEqual({ id: 'voidTrace', digits: '', notice: undefined });

    // A trace the batch does not have.
    rig.type('9{OK}');
    await rig.waitForState('voidTrace');
    expect(rig.screen()).toMatchObject({
      id: 'voidTrace',
      digits: '',
      notice: { code: 'TRANSACTION_NOT_FOUND' },
    });

    // The sale's trace: the confirmation shows the original as the host approved it.
    rig.type('1{OK}');
    await rig.waitForState('voidConfirm');
    expect(rig.screen()).toEqual({
      id: 'voidConfirm',
      original: {
        journalId: sale.journalId,
        paymentId: hostSale?.paymentId,
        trace: '000001',
        amount: { value: 1250, currency: 'CNY' },
        authCode: hostSale?.authCode,
        reference,
      },
    });
    rig.type('{OK}');
    await rig.waitForState('approved.done');
    expect(rig.screen()).toEqual({
      id: 'approved',
      printing: false,
      printError: undefined,
      approval: {
        journalId: expect.any(Number) as number,
        type: 'void',
        amount: { value: 1250, currency: 'CNY' },
        trace: '000002',
        authCode: undefined,
        reference,
      },
    });

    // The host: the sale voided, the money back.
    expect(await rig.payments()).toMatchObject([{ trace: '000001', status: 'voided' }]);
    expect(await rig.balance()).toBe(100_000);

    // The void slip.
    expect(rig.printer.printed).toHaveLength(2);
    expect(rig.printer.printed[1]).toMatchObject({
      kind: 'sales-slip',
      type: 'void',
      batch: '000001',
      trace: '000002',
      amount: { value: 1250, currency: 'CNY' },
      reference,
      originalReference: reference,
      reprint: false,
    } satisfies Partial<SalesSlip>);
    expect(rig.printer.text()).toMatch(/TYPE +VOID/);

    // The journal: the sale marked voided, the void completed; the batch counts one void.
    expect(rig.journal.openTransactions()).toEqual([]);
    expect(rig.journal.list()).toMatchObject([
      { type: 'void', trace: '000002', state: 'completed', originalTrace: '000001' },
      { type: 'sale', trace: '000001', state: 'completed', voided: true },
    ]);
    expect(rig.journal.batchFigures('000001', 'CNY')).toMatchObject({
      counts: { sale: 0, void: 1, refund: 0 },
      totals: { sale: { value: 0 } },
    });
    await rig.dismiss();

    // Voiding it again is refused on the trace screen; nothing moves.
    await behindPassword(rig, '3', 'voidTrace');
    rig.type('000001{OK}');
    await rig.waitForState('voidTrace');
    expect(rig.screen()).toMatchObject({
      id: 'voidTrace',
      digits: '',
      notice: { code: 'PAYMENT_STATE' },
    });
    rig.type('{CANCEL}');
    await rig.waitForState('cancelled');
    expect(await rig.balance()).toBe(100_000);
    expect(rig.printer.printed).toHaveLength(2);
    expect(rig.journal.list()).toHaveLength(2);
  });

  it('three wrong supervisor passwords abandon the void', async () => {
    rig = await TerminalRig.start(database.db);
    rig.type('{OK}3');
    await rig.waitForState('supervisor');
    for (const left of [2, 1]) {
      rig.type('1111{OK}');
      await rig.waitForState('supervisor');
      expect(rig.screen()).toMatchObject({ notice: { details: { attemptsLeft: left } } });
    }
    rig.type('1111{OK}');
    await rig.waitForState('notice');
    expect(rig.screen()).toEqual({ id: 'notice', outcome: { code: 'SUPERVISOR_LOCKED_OUT' } });
    await rig.dismiss();
    expect(rig.journal.list()).toEqual([]);
  });

  it('refunds part of a sale by its reference; a refund above what is left is declined by the host', async () => {
    rig = await TerminalRig.start(database.db);
    await rig.sale('5000');
    await rig.dismiss();
    const [hostSale] = await rig.payments();
    const reference = hostSale?.reference ?? '?';
    expect(await rig.balance()).toBe(100_000 - 5000);

    await behindPassword(rig, '4', 'refundReference');
    // An incomplete reference is refused on the terminal.
    rig.type(`${reference.slice(0, 11)}{OK}`);
    expect(rig.screen()).toMatchObject({
      id: 'refundReference',
      notice: { code: 'REFERENCE_INCOMPLETE' },
    });
    rig.type(`${reference.slice(11)}{OK}`);
    await rig.waitForState('refundAmount');
    rig.type('2000{OK}');
    await rig.waitForState('approved.done');
    const [firstRefund] = await rig.refunds();
    expect(firstRefund).toEqual({
      batch: '000001',
      trace: '000002',
      paymentId: hostSale?.paymentId,
      value: 2000,
      reference: expect.stringMatching(/^\d{12}$/) as string,
    });
    expect(firstRefund?.reference).not.toBe(reference);
    expect(rig.screen()).toMatchObject({
      id: 'approved',
      approval: {
        type: 'refund',
        trace: '000002',
        amount: { value: 2000, currency: 'CNY' },
        reference: firstRefund?.reference,
      },
    });
    expect(rig.printer.printed[1]).toMatchObject({
      type: 'refund',
      trace: '000002',
      amount: { value: 2000, currency: 'CNY' },
      reference: firstRefund?.reference,
      originalReference: reference,
      reprint: false,
    } satisfies Partial<SalesSlip>);
    expect(await rig.balance()).toBe(100_000 - 5000 + 2000);
    // The sale itself stands.
    expect(await rig.payments()).toMatchObject([{ status: 'approved' }]);
    await rig.dismiss();

    // 30.01 when 30.00 is left: the host declines it.
    await behindPassword(rig, '4', 'refundReference');
    rig.type(`${reference}{OK}`);
    await rig.waitForState('refundAmount');
    rig.type('3001{OK}');
    await rig.waitForState('declined');
    expect(rig.screen()).toMatchObject({ id: 'declined', outcome: { code: 'PAYMENT_STATE' } });
    expect(await rig.balance()).toBe(100_000 - 3000);
    expect(await rig.refunds()).toHaveLength(1);
    expect(rig.printer.printed).toHaveLength(2);
    expect(rig.journal.list()[0]).toMatchObject({
      type: 'refund',
      trace: '000003',
      state: 'declined',
      errorCode: 'PAYMENT_STATE',
    });
    await rig.dismiss();

    // A reference the host does not know.
    await behindPassword(rig, '4', 'refundReference');
    rig.type('999999999999{OK}');
    await rig.waitForState('refundAmount');
    rig.type('100{OK}');
    await rig.waitForState('declined');
    expect(rig.screen()).toMatchObject({ id: 'declined', outcome: { code: 'PAYMENT_NOT_FOUND' } });
    await rig.dismiss();

    // The rest, exactly.
    await behindPassword(rig, '4', 'refundReference');
    rig.type(`${reference}{OK}`);
    await rig.waitForState('refundAmount');
    rig.type('3000{OK}');
    await rig.waitForState('approved.done');
    expect(await rig.balance()).toBe(100_000);
    expect((await rig.refunds()).map((r) => r.value)).toEqual([2000, 3000]);
    expect(rig.journal.openTransactions()).toEqual([]);
    expect(rig.journal.batchFigures('000001', 'CNY')).toEqual({
      counts: { sale: 1, void: 0, refund: 2 },
      totals: { sale: { value: 5000, currency: 'CNY' }, refund: { value: 5000, currency: 'CNY' } },
    });
  });
});
