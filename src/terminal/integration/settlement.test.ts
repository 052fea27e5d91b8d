import { afterEach, describe, expect, it } from 'vitest';
import type { SettlementReport } from '../../../drivers/printer/PrintDocument.js';
import { httpSender } from '../../testing/signedRequest.js';
import { RIG_SUPERVISOR_PASSWORD, TerminalRig } from '../../testing/terminalRig.js';
import { TestTerminal } from '../../testing/TestTerminal.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

const cny = (value: number) => ({ value, currency: 'CNY' as const });

describe('settlement (batch close) against the real host', () => {
  const database = useTestDatabase('pglite');
  let rig: TerminalRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  /** From idle: settlement's confirmation screen. */
  async function settleConfirm(r: TerminalRig): Promise<void> {
    r.type('{OK}5');
    await r.waitForState('settleConfirm');
  }

  it('a sale, a void and a refund settle balanced; the next batch starts at trace 000001', async () => {
    rig = await TerminalRig.start(database.db);
    const voided = await rig.sale('1250');
    await rig.dismiss();
    const kept = await rig.sale('3000');
    await rig.dismiss();
    // Void the first sale.
    rig.type('{OK}3');
    await rig.waitForState('supervisor');
    rig.type(`${RIG_SUPERVISOR_PASSWORD}{OK}`);
    await rig.waitForState('voidTrace');
    rig.type(`${voided.trace}{OK}`);
    await rig.waitForState('voidConfirm');
    rig.type('{OK}');
    await rig.waitForState('approved.done');
    await rig.dismiss();
    // Refund part of the second.
    rig.type('{OK}4');
    await rig.waitForState('supervisor');
    rig.type(`${RIG_SUPERVISOR_PASSWORD}{OK}`);
    await rig.waitForState('refundReference');
    rig.type(`${kept.reference ?? '?'}{OK}`);
    await rig.waitForState('refundAmount');
    rig.type('1000{OK}');
    await rig.waitForState('approved.done');
    await rig.dismiss();
    expect(await rig.balance()).toBe(100_000 - 3000 + 1000);
    const printedBefore = rig.printer.printed.length;
    expect(printedBefore).toBe(4);

    const figures = {
      counts: { sale: 1, void: 1, refund: 1 },
      totals: { sale: cny(3000), refund: cny(1000) },
    };
    await settleConfirm(rig);
    expect(rig.screen()).toEqual({ id: 'settleConfirm', batch: '000001', figures });
    rig.type('{OK}');
    await rig.waitForState('settlementResult');
    expect(rig.screen()).toEqual({
      id: 'settlementResult',
      settlement: {
        batch: '000001',
        result: 'balanced',
        terminal: figures,
        host: figures,
        nextBatch: '000002',
      },
    });

    // The report.
    expect(rig.printer.printed).toHaveLength(printedBefore + 1);
    expect(rig.printer.printed[printedBefore]).toEqual({
      kind: 'settlement-report',
      language: 'en',
      merchant: { id: 'M0001', name: '星巴克 Starbucks' },
      terminalId: 'T0000001',
      batch: '000001',
      time: new Date(rig.clock.now()).toISOString(),
      result: 'balanced',
      terminal: figures,
      host: figures,
    } satisfies SettlementReport);
    expect(rig.printer.text()).toMatch(/RESULT +BALANCED/);

    // The journal moved to the next batch.
    expect(rig.journal.currentBatch()).toBe('000002');
    expect(rig.journal.settlements()).toMatchObject([
      { batch: '000001', result: 'balanced', nextBatch: '000002' },
    ]);
    expect(rig.journal.openTransactions()).toEqual([]);
    await rig.dismiss();
    expect(rig.screen()).toMatchObject({ id: 'idle', batch: '000002' });

    // The next sale is the first of batch 000002, on the host and on the slip.
    const next = await rig.sale('700');
    expect(next.trace).toBe('000001');
    expect(rig.printer.printed.at(-1)).toMatchObject({
      kind: 'sales-slip',
      batch: '000002',
      trace: '000001',
      amount: cny(700),
    });
    const payments = await rig.payments();
    expect(payments.map((p) => [p.batch, p.trace, p.status])).toEqual([
      ['000001', '000001', 'voided'],
      ['000001', '000002', 'approved'],
      ['000002', '000001', 'approved'],
    ]);
    expect(rig.journal.findByTrace('000002', '000001')).toMatchObject({
      type: 'sale',
      state: 'completed',
      amount: cny(700),
    });
    expect(rig.journal.batchFigures('000002', 'CNY')).toEqual({
      counts: { sale: 1, void: 0, refund: 0 },
      totals: { sale: cny(700), refund: cny(0) },
    });
    // The settled batch's figures do not change.
    expect(rig.journal.batchFigures('000001', 'CNY')).toEqual(figures);
    expect(await rig.balance()).toBe(100_000 - 3000 + 1000 - 700);
    await rig.dismiss();

    // A void looks for its trace in the new batch: 000001 is now the 7.00 sale.
    rig.type('{OK}3');
    await rig.waitForState('supervisor');
    rig.type(`${RIG_SUPERVISOR_PASSWORD}{OK}`);
    await rig.waitForState('voidTrace');
    rig.type('1{OK}');
    await rig.waitForState('voidConfirm');
    expect(rig.screen()).toMatchObject({
      id: 'voidConfirm',
      original: { trace: '000001', amount: cny(700), reference: next.reference },
    });
    rig.type('{OK}');
    await rig.waitForState('approved.done');
    expect(rig.printer.printed.at(-1)).toMatchObject({
      type: 'void',
      batch: '000002',
      trace: '000002',
    });
    await rig.dismiss();
    expect(await rig.balance()).toBe(100_000 - 3000 + 1000);

    // And the next settlement is of batch 000002.
    const second = {
      counts: { sale: 0, void: 1, refund: 0 },
      totals: { sale: cny(0), refund: cny(0) },
    };
    await settleConfirm(rig);
    expect(rig.screen()).toEqual({ id: 'settleConfirm', batch: '000002', figures: second });
    rig.type('{OK}');
    await rig.waitForState('settlementResult');
    expect(rig.screen()).toEqual({
      id: 'settlementResult',
      settlement: {
        batch: '000002',
        result: 'balanced',
        terminal: second,
        host: second,
        nextBatch: '000003',
      },
    });
    expect(rig.journal.currentBatch()).toBe('000003');
    expect(rig.journal.openTransactions()).toEqual([]);
  });

  it('a sale the terminal does not know makes the batch out of balance, shown and printed', async () => {
    rig = await TerminalRig.start(database.db);
    await rig.sale('1250');
    await rig.dismiss();

    // The host gets a sale in the same batch that this terminal never journalled.
    const behind = new TestTerminal(httpSender(rig.hostAddress), rig.identity, rig.clock);
    expect((await behind.signIn()).status).toBe(200);
    const paid = await behind.pay(rig.card, { amount: 4321, trace: '900001' });
    expect(paid.status).toBe(201);
    const { paymentId } = paid.body as { paymentId: string };
    const confirmed = await behind.confirm(paymentId, await rig.latestCode());
    expect(confirmed.status).toBe(200);
    expect(await rig.balance()).toBe(100_000 - 1250 - 4321);

    const terminal = {
      counts: { sale: 1, void: 0, refund: 0 },
      totals: { sale: cny(1250), refund: cny(0) },
    };
    const host = {
      counts: { sale: 2, void: 0, refund: 0 },
      totals: { sale: cny(1250 + 4321), refund: cny(0) },
    };
    await settleConfirm(rig);
    expect(rig.screen()).toEqual({ id: 'settleConfirm', batch: '000001', figures: terminal });
    rig.type('{OK}');
    await rig.waitForState('settlementResult');
    expect(rig.screen()).toEqual({
      id: 'settlementResult',
      settlement: {
        batch: '000001',
        result: 'out_of_balance',
        terminal,
        host,
        nextBatch: '000002',
      },
    });
    expect(rig.printer.printed.at(-1)).toMatchObject({
      kind: 'settlement-report',
      batch: '000001',
      result: 'out_of_balance',
      terminal,
      host,
    });
    const text = rig.printer.text();
    expect(text).toMatch(/RESULT +OUT OF BALANCE/);
    expect(text).toMatch(/SALES +1 +2/);
    expect(text).toMatch(/SALE AMT +CNY 12\.50 +CNY 55\.71/);
    expect(rig.journal.settlements()).toMatchObject([
      { batch: '000001', result: 'out_of_balance', nextBatch: '000002' },
    ]);
    expect(rig.journal.currentBatch()).toBe('000002');
    await rig.dismiss();
    expect(rig.screen()).toMatchObject({ id: 'idle', batch: '000002' });
  });
});
