import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy } from '../../testing/FaultProxy.js';
import { TerminalRig } from '../../testing/terminalRig.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

/**
 * Lost replies: a proxy between terminal and host lets the host act on a request and then
 * drops its reply, more often than the host client retries. The terminal must learn the
 * outcome by a status inquiry and neither lose nor double the money.
 */
describe('a reply lost between host and terminal', () => {
  const database = useTestDatabase('pglite');
  let rig: TerminalRig | undefined;
  let proxy: FaultProxy | undefined;
  afterEach(async () => {
    await rig?.close();
    await proxy?.close();
    rig = undefined;
    proxy = undefined;
  });

  async function startBehindProxy(): Promise<{ rig: TerminalRig; proxy: FaultProxy }> {
    let started: FaultProxy | undefined;
    const newRig = await TerminalRig.start(database.db, {
      hostUrl: async (address) => {
        started = await FaultProxy.start({ baseUrl: address });
        return started.url;
      },
    });
    if (!started) throw new Error('proxy not started');
    rig = newRig;
    proxy = started;
    return { rig: newRig, proxy: started };
  }

  async function keySaleUpToCode(r: TerminalRig): Promise<void> {
    r.tap();
    await r.waitForState('menu');
    r.type('1');
    await r.waitForState('amount');
    r.type('1250{OK}');
    await r.waitForState('pin');
    r.type(`${r.card.pin}{OK}`);
  }

  it('completes a sale whose confirm reply never came back, by asking the host', async () => {
    const { rig: r, proxy: p } = await startBehindProxy();
    await keySaleUpToCode(r);
    await r.waitForState('code.entering');
    // The client sends a confirm at most three times (two retries): drop all three replies.
    p.addRule({ method: 'POST', path: /\/confirm$/, fault: 'drop-reply', times: 3 });
    r.type(`${await r.latestCode()}{OK}`);
    await r.waitForState('approved.done');

    const confirms = p.log.filter((entry) => entry.path.endsWith('/confirm'));
    expect(confirms.map((entry) => entry.action)).toEqual([
      'dropped-reply',
      'dropped-reply',
      'dropped-reply',
    ]);
    // After the last lost reply, the terminal asked for the payment's status.
    const lastConfirm = p.log.findLastIndex((entry) => entry.path.endsWith('/confirm'));
    const afterwards = p.log.slice(lastConfirm + 1);
    expect(
      afterwards.some(
        (entry) => entry.method === 'GET' && /^\/v1\/payments\/[^/?]+$/.test(entry.path),
      ),
    ).toBe(true);

    // One debit, though the host approved (and replayed) the confirm three times.
    expect(await r.balance()).toBe(100_000 - 1250);
    expect(r.screen()).toMatchObject({ id: 'approved', approval: { amount: { value: 1250 } } });
    expect(r.printer.printed).toHaveLength(1);
    expect(r.journal.openTransactions()).toEqual([]);
    expect(r.journal.list()[0]).toMatchObject({ type: 'sale', state: 'completed' });
  });

  it('reverses a sale whose payment reply never came back, and charges nothing', async () => {
    const { rig: r, proxy: p } = await startBehindProxy();
    p.addRule({ method: 'POST', path: /^\/v1\/payments$/, fault: 'drop-reply', times: 3 });
    await keySaleUpToCode(r);
    await r.waitForState('declined');

    expect(r.screen()).toMatchObject({
      id: 'declined',
      outcome: { code: 'HOST_TIMEOUT', details: { resolution: 'reversed' } },
    });
    // Asked by batch and trace (the payment id never arrived), then reversed it.
    expect(
      p.log.some((entry) => entry.method === 'GET' && entry.path.startsWith('/v1/payments?batch=')),
    ).toBe(true);
    expect(p.log.some((entry) => entry.path.endsWith('/reverse') && entry.status === 200)).toBe(
      true,
    );
    expect(await r.balance()).toBe(100_000);
    expect(r.journal.openTransactions()).toEqual([]);
    expect(r.journal.list()[0]).toMatchObject({ type: 'sale', state: 'reversed' });
  });
});
