import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from 'xstate';
import { ManualClock } from '../core/ManualClock.js';
import { createLogger } from '../core/logger.js';
import { decodeBase64Url } from '../protocol/base64url.js';
import type { HostApp } from '../host/buildHost.js';
import { accountView, findAccount, type AccountView } from '../host/accounts/accountAdmin.js';
import { listPayments } from '../host/cli/reports.js';
import { addTerminal } from '../host/terminals/terminalAdmin.js';
import { readOutbox } from '../host/sms/OutboxTransport.js';
import type { HostDb } from '../host/store/openDatabase.js';
import { FakeKeypad } from '../../drivers/keypad/FakeKeypad.js';
import { FakeCardReader } from '../../drivers/nfc/FakeCardReader.js';
import { FakePrinter } from '../../drivers/printer/FakePrinter.js';
import {
  createTerminal,
  stateName,
  type FlowSnapshot,
  type Terminal,
} from '../terminal/createTerminal.js';
import {
  createSupervisorCheck,
  hashSupervisorPassword,
} from '../terminal/effects/supervisorPassword.js';
import type { Approval, FlowSettings } from '../terminal/flow/flowTypes.js';
import type { Screen } from '../terminal/flow/screenOf.js';
import { HostClient } from '../terminal/hostClient/HostClient.js';
import { Journal } from '../terminal/journal/Journal.js';
import { createTestHost } from './hostHarness.js';
import { enrollTestCard, lastCode } from './hostScenario.js';
import type { TestCard } from './TestTerminal.js';

/** A payment as the host's `pos-host payments list` shows it. */
export type HostPayment = Awaited<ReturnType<typeof listPayments>>[number];

/** The supervisor password of every rig terminal. */
export const RIG_SUPERVISOR_PASSWORD = '2468';

let supervisorHash: Promise<string> | undefined;

export interface RigOptions {
  /** Flow timings and limits for the terminal. */
  flow?: Partial<FlowSettings>;
  /** Route the terminal's HTTP through this URL (a FaultProxy in front of the host). */
  hostUrl?: (hostAddress: string) => Promise<string> | string;
  terminalId?: string;
  /** Account balance of the enrolled card, in fen. */
  balance?: number;
}

/**
 * A real host (fastify over a real loopback socket, on the given database) and a real terminal
 * (flow, effects, host client over HTTP, journal on a temp file) on fake devices, sharing one
 * manual clock. The test plays cashier and customer through the fakes, and reads the code
 * from the host's SMS outbox as the customer reads their phone.
 */
export class TerminalRig {
  private constructor(
    readonly devices: { reader: FakeCardReader; keypad: FakeKeypad; printer: FakePrinter },
    readonly beeps: string[],
    readonly app: HostApp,
    readonly clock: ManualClock,
    readonly terminal: Terminal,
    readonly journal: Journal,
    readonly card: TestCard & { msisdn: string },
    /** The terminal's identity (to make requests as it behind its back, e.g. for settlement). */
    readonly identity: { terminalId: string; key: Uint8Array },
    /** Where the host listens (`http://127.0.0.1:port`). */
    readonly hostAddress: string,
    private readonly dir: string,
  ) {}

  static async start(db: HostDb, options: RigOptions = {}): Promise<TerminalRig> {
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
    const app = await createTestHost(db, { clock, policy: { resendCooldownSeconds: 30 } });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const terminalId = options.terminalId ?? 'T0000001';
    // The host's clock and the terminal's are the same manual clock: tests move time for both.
    const added = await addTerminal(app.context, {
      terminalId,
      merchantId: 'M0001',
      merchantName: '星巴克 Starbucks',
      currency: 'CNY',
      actor: 'test',
    });
    const card = await enrollTestCard(app, { balance: options.balance ?? 100_000 });
    const key = decodeBase64Url(added.key) ?? new Uint8Array();
    const dir = mkdtempSync(path.join(tmpdir(), 'combopay-rig-'));
    const logger = createLogger({ name: 'terminal', level: 'silent' });
    const journal = Journal.open({ path: path.join(dir, 'journal.db'), clock });
    const host = new HostClient({
      baseUrl: options.hostUrl ? await options.hostUrl(address) : address,
      terminalId,
      terminalKey: key,
      clock,
      retryDelayMs: 0,
      logger,
    });
    supervisorHash ??= hashSupervisorPassword(RIG_SUPERVISOR_PASSWORD);
    const beeps: string[] = [];
    const reader = new FakeCardReader();
    const keypad = new FakeKeypad();
    const printer = new FakePrinter();
    const terminal = createTerminal({
      host,
      journal,
      reader,
      keypad,
      printer,
      clock,
      logger,
      supervisor: createSupervisorCheck(await supervisorHash, { clock }),
      currency: 'CNY',
      language: 'en',
      operator: '01',
      flow: options.flow,
      beep: (tone) => beeps.push(tone),
    });
    const rig = new TerminalRig(
      { reader, keypad, printer },
      beeps,
      app,
      clock,
      terminal,
      journal,
      card,
      { terminalId, key },
      address,
      dir,
    );
    await terminal.start();
    await rig.waitForState('idle');
    return rig;
  }

  get reader(): FakeCardReader {
    return this.devices.reader;
  }

  get keypad(): FakeKeypad {
    return this.devices.keypad;
  }

  get printer(): FakePrinter {
    return this.devices.printer;
  }

  get snapshot(): FlowSnapshot {
    return this.terminal.actor.getSnapshot();
  }

  get state(): string {
    return stateName(this.snapshot);
  }

  screen(): Screen {
    return this.terminal.screen();
  }

  /** Waits (real time, at most 10 s) until the flow rests in `state` (dotted name). */
  async waitForState(state: string): Promise<FlowSnapshot> {
    try {
      return await waitFor(this.terminal.actor, (s) => stateName(s) === state, { timeout: 10_000 });
    } catch (error) {
      throw new Error(`flow never reached ${state}; it is in ${this.state}`, { cause: error });
    }
  }

  /** Taps the enrolled phone (or another card) and waits for the menu. */
  tap(card: { uid: string; token?: string; applet?: boolean } = this.card): void {
    this.reader.tap(card);
  }

  /** Keys on the keypad: digits and `{OK}`, `{CANCEL}`, `{CLEAR}`, `{BACKSPACE}`, `{F1}`… */
  type(text: string): void {
    this.keypad.type(text);
  }

  /** The newest code texted to the customer, as they read it on the phone. */
  async latestCode(msisdn = this.card.msisdn): Promise<string> {
    return lastCode(await readOutbox(this.app.context.db, this.app.context.crypto, msisdn));
  }

  /** Every text sent to the customer, oldest first. */
  async texts(msisdn = this.card.msisdn): Promise<string[]> {
    const messages = await readOutbox(this.app.context.db, this.app.context.crypto, msisdn);
    return messages.map((message) => message.text);
  }

  /** The account's balance in fen, as the host's ledger has it. */
  async balance(msisdn = this.card.msisdn): Promise<number> {
    return (await findAccount(this.app.context, msisdn)).balance;
  }

  /** Enrolls another customer. */
  enroll(balance = 100_000): Promise<TestCard & { msisdn: string; accountId: string }> {
    return enrollTestCard(this.app, { balance });
  }

  /**
   * Sends the texts the host queued for its background pass (lock notices), as its
   * maintenance pass would; the code texts of a payment go out at once anyway.
   */
  deliverQueuedTexts(): Promise<number> {
    return this.app.context.sms.runDue();
  }

  /**
   * The host's payments made by this terminal, as `pos-host payments list` shows them, in
   * batch and trace order (the manual clock gives them all the same time).
   */
  async payments(): Promise<HostPayment[]> {
    const payments = await listPayments(this.app.context, this.identity.terminalId);
    return payments.sort((a, b) => `${a.batch}${a.trace}`.localeCompare(`${b.batch}${b.trace}`));
  }

  /** The host's view of one payment of this terminal. */
  async payment(paymentId: string): Promise<HostPayment> {
    const found = (await this.payments()).find((payment) => payment.paymentId === paymentId);
    if (!found) throw new Error(`the host has no payment ${paymentId} of this terminal`);
    return found;
  }

  /** The host's refunds made by this terminal, in batch and trace order. */
  async refunds(): Promise<
    { batch: string; trace: string; paymentId: string; value: number; reference: string }[]
  > {
    const rows = await this.app.context.db
      .selectFrom('refunds')
      .select(['batch', 'trace', 'payment_id', 'amount_value', 'reference'])
      .where('terminal_id', '=', this.identity.terminalId)
      .orderBy('batch')
      .orderBy('trace')
      .execute();
    return rows.map((row) => ({
      batch: row.batch,
      trace: row.trace,
      paymentId: row.payment_id,
      value: row.amount_value,
      reference: row.reference,
    }));
  }

  /** The account as `pos-host accounts show` shows it (balance, lock, failure counts). */
  async account(msisdn = this.card.msisdn): Promise<AccountView> {
    return accountView(await findAccount(this.app.context, msisdn), new Date(this.clock.now()));
  }

  /** The journal's files (database, WAL…) as raw bytes, to look for what must never be stored. */
  journalBytes(): Buffer {
    return Buffer.concat(
      readdirSync(this.dir)
        .sort()
        .map((name) => readFileSync(path.join(this.dir, name))),
    );
  }

  /**
   * From idle: taps the phone, picks sale, keys the amount (till digits, `1250` is 12.50) and
   * the PIN, and waits for the code screen (or, with `until`, for another state).
   */
  async startSale(
    amountDigits: string,
    pin = this.card.pin,
    until = 'code.entering',
  ): Promise<void> {
    this.tap();
    await this.waitForState('menu');
    this.type('1');
    await this.waitForState('amount');
    this.type(`${amountDigits}{OK}`);
    await this.waitForState('pin');
    this.type(`${pin}{OK}`);
    await this.waitForState(until);
  }

  /** From idle: a whole sale with the texted code, to its printed slip; returns the approval. */
  async sale(amountDigits: string): Promise<Approval> {
    await this.startSale(amountDigits);
    this.type(`${await this.latestCode()}{OK}`);
    const snapshot = await this.waitForState('approved.done');
    const approval = snapshot.context.approval;
    if (!approval) throw new Error('approved without an approval');
    return approval;
  }

  /** Keys OK on a result or notice screen and waits for idle. */
  async dismiss(): Promise<void> {
    this.type('{OK}');
    await this.waitForState('idle');
  }

  async close(): Promise<void> {
    await this.terminal.stop();
    await this.app.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
