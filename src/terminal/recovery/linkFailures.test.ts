import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy } from '../../testing/FaultProxy.js';
import { LinkProxy } from '../../testing/LinkProxy.js';
import { RIG_SUPERVISOR_PASSWORD, TerminalRig } from '../../testing/terminalRig.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

/** The idle screen retries pending work every minute (DEFAULT_FLOW_SETTINGS.pendingRetryMs). */
const PENDING_RETRY_MS = 60_000;

/**
 * A cellular link failing at the worst moments, with the real host behind it: a request
 * acted on whose reply is lost and whose retries cannot connect, a host error during the status
 * inquiry, a settlement whose reply is lost. Whatever the cashier is told, the money and the
 * journal must end up agreeing with it, and nothing may be done twice.
 */
describe('the link failing around money', () => {
  const database = useTestDatabase('pglite');
  let rig: TerminalRig | undefined;
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
    for (const close of closers.splice(0)) await close();
  });

  async function behindLink(): Promise<{ r: TerminalRig; link: LinkProxy }> {
    let link: LinkProxy | undefined;
    rig = await TerminalRig.start(database.db, {
      hostUrl: async (address) => {
        link = await LinkProxy.start(address);
        return link.url;
      },
    });
    if (!link) throw new Error('no link');
    const started = link;
    closers.push(() => started.close());
    return { r: rig, link: started };
  }

  async function behindFaults(): Promise<{ r: TerminalRig; proxy: FaultProxy }> {
    let proxy: FaultProxy | undefined;
    rig = await TerminalRig.start(database.db, {
      hostUrl: async (address) => {
        proxy = await FaultProxy.start({ baseUrl: address });
        return proxy.url;
      },
    });
    if (!proxy) throw new Error('no proxy');
    const started = proxy;
    closers.push(() => started.close());
    return { r: rig, proxy: started };
  }

  async function startRefund(r: TerminalRig, reference: string, digits: string): Promise<void> {
    r.type('{OK}4');
    await r.waitForState('supervisor');
    r.type(`${RIG_SUPERVISOR_PASSWORD}{OK}`);
    await r.waitForState('refundReference');
    r.type(`${reference}{OK}`);
    await r.waitForState('refundAmount');
    r.type(`${digits}{OK}`);
  }

  /** Lets the idle screen's pending-work timer fire and waits for recovery to report. */
  async function retryPendingWork(r: TerminalRig): Promise<void> {
    r.clock.advance(PENDING_RETRY_MS + 1_000);
    await r.waitForState('recoveryReport');
  }

  it('a refund acted on whose link then dropped is not shown as never sent, and cannot be doubled', async () => {
    const { r, link } = await behindLink();
    const sale = await r.sale('10000');
    await r.dismiss();
    const reference = sale.reference ?? '';
    link.rule('POST', /^\/v1\/refunds$/, 'drop-then-down');
    await startRefund(r, reference, '1000');
    await r.waitForState('declined');
    // Sent, acted on, then the retries were refused: the outcome is unknown, not "unreachable".
    expect(r.screen()).toMatchObject({ id: 'declined', outcome: { code: 'HOST_TIMEOUT' } });
    expect(r.journal.openTransactions()).toMatchObject([{ type: 'refund', state: 'authorizing' }]);
    expect(await r.refunds()).toHaveLength(1);
    await r.dismiss();

    await link.up();
    // The cashier, unsure, tries again: refused while the first is unresolved.
    await startRefund(r, reference, '1000');
    await r.waitForState('declined');
    expect(r.screen()).toMatchObject({ id: 'declined', outcome: { code: 'PENDING_WORK' } });
    await r.dismiss();

    await retryPendingWork(r);
    expect(r.screen()).toMatchObject({
      id: 'recoveryReport',
      items: [{ type: 'refund', outcome: 'printed' }],
    });
    expect(await r.refunds()).toHaveLength(1);
    expect(await r.balance()).toBe(100_000 - 10_000 + 1_000);
    expect(r.journal.batchFigures('000001', 'CNY').counts.refund).toBe(1);
    expect(r.journal.openTransactions()).toEqual([]);
  });

  it('a host error while replaying an unresolved refund leaves it open, not declined', async () => {
    const { r, link } = await behindLink();
    const sale = await r.sale('10000');
    await r.dismiss();
    link.rule('POST', /^\/v1\/refunds$/, 'drop', 3);
    link.rule('POST', /^\/v1\/refunds$/, 'internal', 1);
    await startRefund(r, sale.reference ?? '', '1000');
    await r.waitForState('declined');
    await r.dismiss();

    await retryPendingWork(r);
    expect(r.screen()).toMatchObject({ items: [{ type: 'refund', outcome: 'pending' }] });
    expect(r.journal.openTransactions()).toMatchObject([{ type: 'refund', state: 'authorizing' }]);
    await r.dismiss();

    await retryPendingWork(r);
    expect(r.screen()).toMatchObject({ items: [{ type: 'refund', outcome: 'printed' }] });
    expect(await r.refunds()).toHaveLength(1);
    expect(r.journal.batchFigures('000001', 'CNY').counts.refund).toBe(1);
  });

  it('a confirm acted on whose link then dropped is reversed, not left standing', async () => {
    const { r, link } = await behindLink();
    await r.startSale('1250');
    link.rule('POST', /\/confirm$/, 'drop-then-down');
    r.type(`${await r.latestCode()}{OK}`);
    await r.waitForState('declined');
    // Not back at code entry as if nothing had been sent: the inquiry could not be made, so the
    // sale is queued for reversal and the customer told it did not go through.
    expect(r.screen()).toMatchObject({
      id: 'declined',
      outcome: { code: 'HOST_TIMEOUT', details: { resolution: 'pending' } },
    });
    expect(await r.balance()).toBe(100_000 - 1250);
    expect(r.journal.openTransactions()).toMatchObject([{ state: 'reversal_pending' }]);
    await r.dismiss();

    await link.up();
    await retryPendingWork(r);
    expect(r.screen()).toMatchObject({ items: [{ type: 'sale', outcome: 'reversed' }] });
    expect(await r.balance()).toBe(100_000);
    expect(r.printer.printed).toEqual([]);
    expect(r.journal.openTransactions()).toEqual([]);
  });

  it('a host error during the status inquiry queues the reversal: no slip later for a sale shown as failed', async () => {
    const { r, link } = await behindLink();
    await r.startSale('1250');
    link.rule('POST', /\/confirm$/, 'drop', 3);
    link.rule('GET', /^\/v1\/payments\/[^/?]+$/, 'internal', 1);
    r.type(`${await r.latestCode()}{OK}`);
    await r.waitForState('declined');
    expect(r.journal.openTransactions()).toMatchObject([{ state: 'reversal_pending' }]);
    await r.dismiss();

    await retryPendingWork(r);
    expect(await r.balance()).toBe(100_000);
    expect(r.printer.printed).toEqual([]);
  });

  it('refuses to settle while a reversal waits, then settles once it is through', async () => {
    const { r, proxy } = await behindFaults();
    await r.startSale('1250');
    proxy.addRule({ method: 'POST', path: /\/confirm$/, fault: 'drop-reply', times: 3 });
    proxy.addRule({ method: 'GET', path: /^\/v1\/payments\/[^/?]+$/, fault: 'refuse', times: 3 });
    r.type(`${await r.latestCode()}{OK}`);
    await r.waitForState('declined');
    await r.dismiss();

    proxy.addRule({ method: 'POST', path: /\/reverse$/, fault: 'refuse', times: 3 });
    r.type('{OK}5');
    await r.waitForState('settleConfirm');
    r.type('{OK}');
    await r.waitForState('declined');
    expect(r.screen()).toMatchObject({ id: 'declined', outcome: { code: 'PENDING_WORK' } });
    expect(r.journal.settlements()).toEqual([]);
    await r.dismiss();

    await retryPendingWork(r);
    expect(r.screen()).toMatchObject({ items: [{ type: 'sale', outcome: 'reversed' }] });
    expect(await r.balance()).toBe(100_000);
    await r.dismiss();
    r.type('{OK}5');
    await r.waitForState('settleConfirm');
    r.type('{OK}');
    await r.waitForState('settlementResult');
    expect(r.screen()).toMatchObject({ settlement: { result: 'balanced', nextBatch: '000002' } });
  });

  it('a settlement whose reply was lost is finished before the next sale, which goes in the new batch', async () => {
    const { r, proxy } = await behindFaults();
    await r.sale('1250');
    await r.dismiss();
    proxy.addRule({ method: 'POST', path: /\/settle$/, fault: 'drop-reply', times: 3 });
    r.type('{OK}5');
    await r.waitForState('settleConfirm');
    r.type('{OK}');
    await r.waitForState('declined');
    expect(r.journal.pendingSettlement()).toMatchObject({ batch: '000001' });
    await r.dismiss();

    const second = await r.sale('2000');
    expect(second.trace).toBe('000001');
    expect(r.journal.currentBatch()).toBe('000002');
    expect(r.journal.pendingSettlement()).toBeUndefined();
    expect(r.journal.settlements()).toMatchObject([{ batch: '000001', result: 'balanced' }]);
    expect(r.printer.printed.map((d) => d.kind)).toEqual([
      'sales-slip',
      'settlement-report',
      'sales-slip',
    ]);
  });

  it('a sale voided while its slip waited for paper is never printed later as an original', async () => {
    rig = await TerminalRig.start(database.db);
    const r = rig;
    await r.startSale('1250');
    r.printer.setPaper('out');
    r.type(`${await r.latestCode()}{OK}`);
    await r.waitForState('approved.printFailed');
    r.type('{CANCEL}');
    await r.waitForState('approved.done');
    await r.dismiss();
    r.printer.setPaper('ok');
    r.type('{OK}3');
    await r.waitForState('supervisor');
    r.type(`${RIG_SUPERVISOR_PASSWORD}{OK}`);
    await r.waitForState('voidTrace');
    r.type('1{OK}');
    await r.waitForState('voidConfirm');
    r.type('{OK}');
    await r.waitForState('approved.done');
    await r.dismiss();
    r.type('{OK}5');
    await r.waitForState('settleConfirm');
    r.type('{OK}');
    await r.waitForState('settlementResult');
    const printed = r.printer.printed.map((d) =>
      d.kind === 'sales-slip' ? `${d.type}/${d.trace}` : d.kind,
    );
    expect(printed).toEqual(['void/000002', 'settlement-report']);
  });

  it('keeps the card token out of the flow snapshot', async () => {
    rig = await TerminalRig.start(database.db);
    rig.tap();
    await rig.waitForState('menu');
    const json = JSON.stringify(rig.snapshot.context);
    expect(json).toContain(rig.card.uid);
    expect(json).not.toContain(rig.card.token);
  });
});
