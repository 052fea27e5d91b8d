import { afterEach, describe, expect, it } from 'vitest';
import type { SalesSlip } from '../../../drivers/printer/PrintDocument.js';
import { TerminalRig } from '../../testing/terminalRig.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

describe('sale, balance inquiry and reprint against the real host', () => {
  const database = useTestDatabase('pglite');
  let rig: TerminalRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('taps, keys amount and PIN, keys the texted code, is approved and prints the slip', async () => {
    rig = await TerminalRig.start(database.db);
    const start = rig.clock.now();
    expect(rig.screen()).toEqual({
      id: 'idle',
      merchant: '星巴克 Starbucks',
      batch: '000001',
      pendingLeft: 0,
    });
    rig.tap();
    await rig.waitForState('menu');
    expect(rig.screen()).toMatchObject({ id: 'menu', cardPresent: true });
    rig.type('1');
    await rig.waitForState('amount');
    rig.type('1250');
    expect(rig.screen()).toMatchObject({
      id: 'amount',
      for: 'sale',
      digits: '1250',
      amount: { value: 1250, currency: 'CNY' },
    });
    rig.type('{OK}');
    await rig.waitForState('pin');
    rig.type(rig.card.pin);
    expect(rig.screen()).toEqual({
      id: 'pin',
      for: 'sale',
      amount: { value: 1250, currency: 'CNY' },
      length: 6,
      notice: undefined,
    });
    rig.type('{OK}');
    await rig.waitForState('code.entering');
    const account = await rig.account();
    expect(rig.screen()).toEqual({
      id: 'code',
      amount: { value: 1250, currency: 'CNY' },
      sentTo: account.maskedMsisdn,
      expiresAt: start + 300_000,
      attemptsLeft: 3,
      resendsLeft: 2,
      length: 0,
      notice: undefined,
    });
    // The customer reads the code on the phone: it names the merchant and the amount.
    const texts = await rig.texts();
    expect(texts).toHaveLength(2); // the PIN at enrollment, then the code
    expect(texts[1]).toContain('12.50');
    expect(texts[1]).toContain('Starbucks');
    const code = await rig.latestCode();
    expect(rig.journal.openTransactions()).toMatchObject([
      { type: 'sale', state: 'otp_sent', trace: '000001' },
    ]);
    // Nothing is debited before the code.
    expect(await rig.balance()).toBe(100_000);

    rig.type(`${code}{OK}`);
    await rig.waitForState('approved.done');
    expect(rig.beeps).toContain('success');

    // The host: one approved payment, debited once.
    const payments = await rig.payments();
    expect(payments).toHaveLength(1);
    const [payment] = payments;
    expect(payment).toMatchObject({
      type: 'sale',
      status: 'approved',
      batch: '000001',
      trace: '000001',
      amount: { value: 1250, currency: 'CNY' },
    });
    expect(payment?.authCode).toMatch(/^[0-9A-Z]{6}$/);
    expect(payment?.reference).toMatch(/^\d{12}$/);
    expect(await rig.balance()).toBe(100_000 - 1250);

    // The cashier sees what the host approved.
    expect(rig.screen()).toEqual({
      id: 'approved',
      printing: false,
      printError: undefined,
      approval: {
        journalId: expect.any(Number) as number,
        type: 'sale',
        amount: { value: 1250, currency: 'CNY' },
        trace: '000001',
        authCode: payment?.authCode,
        reference: payment?.reference,
      },
    });

    // The slip: one document, both copies, the host's auth code and reference.
    expect(rig.printer.printed).toHaveLength(1);
    const slip = rig.printer.printed[0] as SalesSlip;
    expect(slip).toEqual({
      kind: 'sales-slip',
      language: 'en',
      merchant: { id: 'M0001', name: '星巴克 Starbucks' },
      terminalId: 'T0000001',
      operator: '01',
      type: 'sale',
      account: account.maskedMsisdn,
      batch: '000001',
      trace: '000001',
      authCode: payment?.authCode,
      reference: payment?.reference,
      originalReference: undefined,
      time: new Date(start).toISOString(),
      amount: { value: 1250, currency: 'CNY' },
      reprint: false,
    });
    expect(account.maskedMsisdn).toMatch(/^\d{3}\*{4}\d{4}$/);
    const text = rig.printer.text();
    expect(text).toContain('MERCHANT COPY');
    expect(text).toContain('CUSTOMER COPY');
    expect(text.split('AUTH CODE').length - 1).toBe(2);
    expect(text).toMatch(new RegExp(`AUTH CODE +${payment?.authCode ?? '?'}`));
    expect(text).toMatch(new RegExp(`REF NO +${payment?.reference ?? '?'}`));
    expect(text).toMatch(/TRACE NO +000001/);
    expect(text).toMatch(/AMOUNT +CNY 12\.50/);
    expect(text).toContain(account.maskedMsisdn);
    expect(text).not.toContain(rig.card.msisdn);
    expect(text).not.toContain('REPRINT');

    // The journal: closed, with the host's figures.
    expect(rig.journal.openTransactions()).toEqual([]);
    expect(rig.journal.list()).toMatchObject([
      {
        type: 'sale',
        state: 'completed',
        batch: '000001',
        trace: '000001',
        paymentId: payment?.paymentId,
        authCode: payment?.authCode,
        reference: payment?.reference,
        account: account.maskedMsisdn,
        amount: { value: 1250, currency: 'CNY' },
      },
    ]);
    expect(rig.journal.batchFigures('000001', 'CNY')).toEqual({
      counts: { sale: 1, void: 0, refund: 0 },
      totals: { sale: { value: 1250, currency: 'CNY' }, refund: { value: 0, currency: 'CNY' } },
    });

    // No PIN, code or card token on paper or anywhere in the journal's files.
    const journalBytes = rig.journalBytes().toString('latin1');
    expect(journalBytes).toContain(payment?.reference ?? '?'); // the search does see the journal
    for (const secret of [rig.card.pin, code, rig.card.token]) {
      expect(text).not.toContain(secret);
      expect(journalBytes).not.toContain(secret);
    }

    await rig.dismiss();
    expect(rig.screen()).toMatchObject({ id: 'idle', batch: '000001' });
  });

  it('paper out during the slip: the approval stands, the cashier reloads paper and prints it', async () => {
    rig = await TerminalRig.start(database.db);
    await rig.startSale('2000');
    rig.printer.setPaper('out');
    rig.type(`${await rig.latestCode()}{OK}`);
    await rig.waitForState('approved.printFailed');
    expect(rig.screen()).toMatchObject({
      id: 'approved',
      printing: false,
      printError: 'PRINTER_PAPER_OUT',
      approval: { type: 'sale', amount: { value: 2000, currency: 'CNY' }, trace: '000001' },
    });
    expect(rig.printer.printed).toEqual([]);
    // The money moved.
    expect(await rig.balance()).toBe(100_000 - 2000);
    // The sale is done whatever the printer does: nothing is left for recovery to print later
    // as if new, and the slip waits as the last slip.
    expect(rig.journal.openTransactions()).toEqual([]);
    expect(rig.journal.list()).toMatchObject([{ trace: '000001', state: 'completed' }]);
    expect(rig.journal.lastSlip()).toMatchObject({ kind: 'sales-slip', trace: '000001' });

    // OK with no paper yet fails again and stays on the screen.
    rig.type('{OK}');
    await rig.waitForState('approved.printFailed');
    rig.printer.setPaper('ok');
    rig.type('{OK}');
    await rig.waitForState('approved.done');
    expect(rig.screen()).toMatchObject({ id: 'approved', printing: false, printError: undefined });
    expect(rig.printer.printed).toMatchObject([
      { kind: 'sales-slip', trace: '000001', reprint: false, amount: { value: 2000 } },
    ]);
    expect(rig.journal.openTransactions()).toEqual([]);
    expect(rig.journal.list()).toMatchObject([{ trace: '000001', state: 'completed' }]);
    expect(await rig.balance()).toBe(100_000 - 2000);
  });

  it('paper out during the slip: the slip prints by itself once paper is back', async () => {
    rig = await TerminalRig.start(database.db);
    await rig.startSale('2000');
    rig.printer.setPaper('out');
    rig.type(`${await rig.latestCode()}{OK}`);
    await rig.waitForState('approved.printFailed');
    // Still out a second later: nothing printed, still waiting.
    rig.clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rig.state).toBe('approved.printFailed');
    expect(rig.printer.printed).toEqual([]);
    // Paper loaded: at the next check the slip prints, with no key pressed.
    rig.printer.setPaper('ok');
    rig.clock.advance(1_000);
    await rig.waitForState('approved.done');
    expect(rig.printer.printed).toMatchObject([
      { kind: 'sales-slip', trace: '000001', reprint: false, amount: { value: 2000 } },
    ]);
  });

  it('a balance inquiry shows the host balance after the PIN; nothing is debited or printed', async () => {
    rig = await TerminalRig.start(database.db, { balance: 54_321 });
    // Menu first, then the card.
    rig.type('{OK}2');
    await rig.waitForState('awaitingCard');
    expect(rig.screen()).toEqual({ id: 'tapCard', for: 'balance' });
    rig.tap();
    await rig.waitForState('pin');
    expect(rig.screen()).toEqual({
      id: 'pin',
      for: 'balance',
      amount: undefined,
      length: 0,
      notice: undefined,
    });
    rig.type(`${rig.card.pin}{OK}`);
    await rig.waitForState('balanceResult');
    expect(rig.screen()).toEqual({ id: 'balance', balance: { value: 54_321, currency: 'CNY' } });
    expect(await rig.balance()).toBe(54_321);
    expect(await rig.payments()).toMatchObject([
      { type: 'balance', status: 'completed', trace: '000001', amount: null },
    ]);
    expect(rig.journal.list()).toMatchObject([
      { type: 'balance', state: 'completed', trace: '000001' },
    ]);
    expect(rig.journal.openTransactions()).toEqual([]);
    expect(await rig.texts()).toHaveLength(1); // no code for a balance inquiry
    expect(rig.printer.printed).toEqual([]);
    await rig.dismiss();

    // After a sale it shows what the host's ledger says now.
    await rig.sale('1321');
    await rig.dismiss();
    rig.tap();
    await rig.waitForState('menu');
    rig.type('2');
    await rig.waitForState('pin');
    rig.type(`${rig.card.pin}{OK}`);
    await rig.waitForState('balanceResult');
    expect(rig.screen()).toEqual({ id: 'balance', balance: { value: 53_000, currency: 'CNY' } });
    expect(rig.printer.printed).toHaveLength(1);
    expect(rig.journal.batchFigures('000001', 'CNY').counts).toEqual({
      sale: 1,
      void: 0,
      refund: 0,
    });
  });

  it('reprints the last slip marked REPRINT; with no slip yet there is nothing to reprint', async () => {
    rig = await TerminalRig.start(database.db);
    rig.type('{OK}6');
    await rig.waitForState('notice');
    expect(rig.screen()).toEqual({ id: 'notice', outcome: { code: 'NOTHING_TO_REPRINT' } });
    expect(rig.printer.printed).toEqual([]);
    await rig.dismiss();

    await rig.sale('1250');
    await rig.dismiss();
    const before = rig.printer.text();
    expect(before).not.toContain('REPRINT');
    rig.type('{OK}6');
    await rig.waitForState('idle');
    const [original, reprinted] = rig.printer.printed;
    expect(rig.printer.printed).toHaveLength(2);
    expect(reprinted).toEqual({ ...original, reprint: true });
    // Both copies of the reprint are marked; otherwise it is the same slip.
    const reprintText = rig.printer.text().slice(before.length);
    expect(reprintText.split('*** REPRINT ***').length - 1).toBe(2);
    expect(reprintText.replaceAll(/ *\*\*\* REPRINT \*\*\*\n/g, '').trim()).toBe(before.trim());

    // A balance inquiry prints nothing and does not replace the last slip.
    rig.tap();
    await rig.waitForState('menu');
    rig.type('2');
    await rig.waitForState('pin');
    rig.type(`${rig.card.pin}{OK}`);
    await rig.waitForState('balanceResult');
    await rig.dismiss();
    rig.type('{OK}6');
    await rig.waitForState('idle');
    expect(rig.printer.printed).toHaveLength(3);
    expect(rig.printer.printed[2]).toEqual({ ...original, reprint: true });
    // The journal holds the sale once: a reprint is no transaction.
    expect(rig.journal.list().filter((e) => e.type === 'sale')).toHaveLength(1);
    expect(await rig.balance()).toBe(100_000 - 1250);
  });
});
