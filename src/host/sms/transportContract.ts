import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock, type Clock } from '../../core/clock.js';
import { createLogger, type Logger } from '../../core/logger.js';
import { isPosError } from '../../core/PosError.js';
import type {
  OutgoingSms,
  SmsAcceptance,
  SmsDeliveryReport,
  SmsTransport,
} from './SmsTransport.js';

/**
 * How the fake gateway behind a harness answers the sends that follow, until changed:
 * - `accept`: takes the message (the default when a harness starts);
 * - `refuse-temporarily`: refuses in a way that may pass (busy, throttled, network down);
 * - `refuse-permanently`: refuses in a way retrying cannot change (the number is refused);
 * - `hang`: takes the request and never answers, so only the abort signal ends the send.
 */
export type GatewayBehaviour = 'accept' | 'refuse-temporarily' | 'refuse-permanently' | 'hang';

/** A message as the gateway received it, decoded by the harness (never by the transport). */
export interface ReceivedSms {
  /** The destination address as the gateway got it (may carry a country code or `+`). */
  to: string;
  /** The whole text: a long message's concatenated parts are joined back into one entry. */
  text: string;
}

/** What the suite hands the harness factory: use these for the transport under test. */
export interface SmsTransportHarnessContext {
  /** Captures every line at level `trace`; the suite reads it back to look for leaked texts. */
  logger: Logger;
  clock: Clock;
}

/**
 * A started transport wired to a fake gateway the test controls. One harness is made per test
 * (`makeHarness` in `beforeEach`) and disposed after it.
 */
export interface SmsTransportHarness {
  /** Started (connected, bound, modem initialised) and ready to send. */
  readonly transport: SmsTransport;
  /** How the gateway answers from now on; see {@link GatewayBehaviour}. */
  setGateway(behaviour: GatewayBehaviour): void | Promise<void>;
  /**
   * Every message the gateway received so far, in order, decoded by the harness from what
   * travelled on the link (PDUs, `submit_sm`, HTTP requests), one entry per message.
   */
  received(): readonly ReceivedSms[] | Promise<readonly ReceivedSms[]>;
  /**
   * Makes the gateway send a delivery report for a message it accepted. Required when the
   * suite runs with `deliveryReports: true`.
   */
  emitDeliveryReport?(sent: SentSms, delivered: boolean): void | Promise<void>;
  /** Closes the transport (if the test has not) and the gateway. */
  dispose(): Promise<void>;
}

/** A message the transport accepted, as the suite passes it to `emitDeliveryReport`. */
export interface SentSms {
  messageId: string;
  to: string;
  /** What `send` resolved with. */
  transportRef: string | undefined;
}

export interface SmsTransportContractOptions {
  /** `send` must resolve with a non-empty `transportRef` (default true). */
  transportRef?: boolean;
  /** The transport passes delivery reports to `onDeliveryReport` (default false). */
  deliveryReports?: boolean;
  /**
   * Behaviours the gateway cannot show (only the outbox, which always accepts); their tests are
   * not registered.
   */
  unsupported?: readonly GatewayBehaviour[];
  /** Longest time from an abort (or `close`) to the rejection of the send (default 1000 ms). */
  abortGraceMs?: number;
  /** Number to send to (default `13800138000`, as the host enrolls numbers). */
  msisdn?: string;
}

/**
 * Registers the shared `SmsTransport` contract tests (see `SmsTransport.ts`) for one transport:
 *
 * - accepted → `send` resolves (with a `transportRef` unless `transportRef: false`), and the
 *   gateway got exactly that number and text;
 * - English (GSM 7-bit, extension characters included) and Chinese (UCS-2) texts arrive
 *   intact; a long text of each arrives whole (split and joined by the link, not truncated);
 * - several sends at once are all accepted (the queue sends concurrently);
 * - temporary refusal → `PosError('SMS_UNAVAILABLE')` without `permanent: true`; permanent →
 *   `permanent: true`;
 * - hang → the send rejects within `abortGraceMs` of the abort, and the next send works; an
 *   already aborted signal rejects without anything reaching the gateway;
 * - `close()` rejects a pending send and every later send (`SMS_UNAVAILABLE`), and may be
 *   called twice;
 * - the text (raw, URL-encoded or as UCS-2 hex) never appears in an error nor in anything the
 *   logger wrote, at level `trace`, in any test;
 * - with `deliveryReports: true`, a report the gateway sends reaches the `onDeliveryReport`
 *   listener with the `transportRef` the send resolved with.
 *
 * Call it inside a test file (it calls `describe`):
 *
 * ```ts
 * describeSmsTransportContract('smpp', async ({ logger, clock }) => {
 *   const smsc = await startTestSmsc();
 *   const transport = createSmppTransport(smsc.config, { logger, clock });
 *   await transport.start();
 *   return {
 *     transport,
 *     setGateway: (behaviour) => smsc.behave(behaviour),
 *     received: () => smsc.decodedMessages(),
 *     emitDeliveryReport: (sent, delivered) => smsc.deliver(sent.transportRef, delivered),
 *     dispose: async () => { await transport.close(); await smsc.stop(); },
 *   };
 * }, { deliveryReports: true });
 * ```
 */
export function describeSmsTransportContract(
  name: string,
  makeHarness: (context: SmsTransportHarnessContext) => Promise<SmsTransportHarness>,
  options: SmsTransportContractOptions = {},
): void {
  const wantsRef = options.transportRef ?? true;
  const graceMs = options.abortGraceMs ?? 1000;
  const msisdn = options.msisdn ?? '13800138000';
  const unsupported = new Set(options.unsupported ?? []);
  const can = (behaviour: GatewayBehaviour) => !unsupported.has(behaviour);
  // A case the transport cannot be put into is not registered at all, rather than reported
  // as skipped: the suite lists only what it proves.
  const itWhen = (condition: boolean, name: string, test: () => Promise<void>) => {
    if (condition) it(name, test);
  };

  describe(`the ${name} SMS transport keeps the SmsTransport contract`, () => {
    let harness: SmsTransportHarness;
    let logged: string[];
    /** Every text handed to the transport in the current test, checked against the log. */
    let sentTexts: string[];
    let counter = 0;

    beforeEach(async () => {
      logged = [];
      sentTexts = [];
      const logger = createLogger({
        name: `${name}-contract`,
        level: 'trace',
        destination: { write: (line: string) => void logged.push(line) },
      });
      harness = await makeHarness({ logger, clock: systemClock });
    });

    afterEach(async () => {
      await harness.dispose();
      const log = logged.join('');
      for (const text of sentTexts) expectNotLeaked(log, text, 'the log');
    });

    function message(text: string): OutgoingSms {
      counter += 1;
      sentTexts.push(text);
      return {
        messageId: `S-contract-${counter}-${randomBytes(3).toString('hex')}`,
        to: msisdn,
        text,
      };
    }

    function send(text: string, signal = new AbortController().signal) {
      const outgoing = message(text);
      return { outgoing, result: harness.transport.send(outgoing, signal) };
    }

    async function received(): Promise<readonly ReceivedSms[]> {
      return harness.received();
    }

    /** Waits until the gateway has `count` messages (a gateway may decode after replying). */
    async function receivedCount(count: number): Promise<readonly ReceivedSms[]> {
      return vi.waitFor(
        async () => {
          const got = await received();
          expect(got.length).toBeGreaterThanOrEqual(count);
          return got;
        },
        { timeout: 2000, interval: 20 },
      );
    }

    async function expectAccepted(text: string): Promise<SmsAcceptance> {
      const before = (await received()).length;
      const { result } = send(text);
      const acceptance = await result;
      if (wantsRef) {
        expect(typeof acceptance.transportRef).toBe('string');
        expect(acceptance.transportRef).not.toBe('');
      }
      const got = await receivedCount(before + 1);
      expect(got.slice(before)).toHaveLength(1);
      const arrived = got[before];
      expect(arrived?.text).toBe(text);
      expect(sameSubscriber(arrived?.to ?? '', msisdn)).toBe(true);
      return acceptance;
    }

    it('resolves once the gateway accepted the text, which arrives with its number', async () => {
      await expectAccepted(englishText());
    });

    it('delivers an English text with GSM extension characters intact', async () => {
      await expectAccepted(
        `ComboPay ${marker()}: pay CNY 12.50 at Café Zürich {A} [B] ~ | ^ € \\ @ £ ¥ è é Ñ ß _`,
      );
    });

    it('delivers a Chinese text intact', async () => {
      await expectAccepted(`【ComboPay】您在星巴克消费¥12.50，${marker()}，请勿告诉他人。`);
    });

    it('delivers a long English text whole', async () => {
      const text = longText(() => `ComboPay long English text ${marker()} part; `, 400);
      expect(text.length).toBeGreaterThan(320); // three GSM 7-bit parts at least
      await expectAccepted(text);
    });

    it('delivers a long Chinese text whole', async () => {
      const text = longText(() => `【长短信】星巴克消费十二元五角，${marker()}。`, 150);
      expect(text.length).toBeGreaterThan(134); // three UCS-2 parts at least
      await expectAccepted(text);
    });

    it('accepts several texts sent at once, each with its own reference', async () => {
      const texts = [englishText(), chineseText(), englishText()];
      const results = await Promise.all(texts.map((text) => send(text).result));
      if (wantsRef) {
        const refs = results.map((r) => r.transportRef);
        expect(new Set(refs).size).toBe(texts.length);
      }
      const got = await receivedCount(texts.length);
      expect(got.map((m) => m.text).sort()).toEqual([...texts].sort());
    });

    itWhen(
      can('refuse-temporarily'),
      'rejects SMS_UNAVAILABLE, not permanent, when the gateway refuses for now',
      async () => {
        await harness.setGateway('refuse-temporarily');
        const { outgoing, result } = send(englishText());
        const error = await rejection(result);
        expectUnavailable(error, outgoing.text);
        expect(isPosError(error) && error.details.permanent === true).toBe(false);
        await harness.setGateway('accept');
        await expectAccepted(englishText());
      },
    );

    itWhen(
      can('refuse-permanently'),
      'rejects SMS_UNAVAILABLE with permanent: true when the gateway refuses for good',
      async () => {
        await harness.setGateway('refuse-permanently');
        const { outgoing, result } = send(chineseText());
        const error = await rejection(result);
        expectUnavailable(error, outgoing.text);
        expect(isPosError(error) && error.details.permanent).toBe(true);
      },
    );

    itWhen(
      can('hang'),
      'gives up promptly when the signal aborts, and sends the next text normally',
      async () => {
        await harness.setGateway('hang');
        const controller = new AbortController();
        const { outgoing, result } = send(englishText(), controller.signal);
        const settled = settle(result);
        await sleep(150);
        const abortedAt = performance.now();
        controller.abort(new Error('attempt timed out'));
        const outcome = await settled;
        expect(outcome.ok).toBe(false);
        expect(performance.now() - abortedAt).toBeLessThan(graceMs);
        if (!outcome.ok) expectNotLeaked(errorText(outcome.error), outgoing.text, 'the error');
        await harness.setGateway('accept');
        await expectAccepted(englishText());
      },
    );

    it('rejects at once a send whose signal is already aborted, sending nothing', async () => {
      const controller = new AbortController();
      controller.abort(new Error('budget spent'));
      const before = (await received()).length;
      const error = await rejection(send(englishText(), controller.signal).result);
      expect(error).toBeDefined();
      await sleep(100);
      expect(await received()).toHaveLength(before);
    });

    itWhen(can('hang'), 'rejects a pending send when closed', async () => {
      await harness.setGateway('hang');
      const { outgoing, result } = send(englishText());
      const settled = settle(result);
      await sleep(150);
      const closedAt = performance.now();
      const closing = harness.transport.close();
      const outcome = await settled;
      expect(outcome.ok).toBe(false);
      expect(performance.now() - closedAt).toBeLessThan(graceMs);
      if (!outcome.ok) expectNotLeaked(errorText(outcome.error), outgoing.text, 'the error');
      await closing;
    });

    it('rejects every send after close with SMS_UNAVAILABLE, and closes twice harmlessly', async () => {
      await harness.transport.close();
      const { outgoing, result } = send(englishText());
      expectUnavailable(await rejection(result), outgoing.text);
      await harness.transport.close();
    });

    itWhen(
      options.deliveryReports ?? false,
      'passes the gateway’s delivery reports on with the reference the send resolved with',
      async () => {
        const { transport } = harness;
        expect(typeof transport.onDeliveryReport).toBe('function');
        expect(typeof harness.emitDeliveryReport).toBe('function');
        const reports: SmsDeliveryReport[] = [];
        transport.onDeliveryReport?.((report) => reports.push(report));
        const delivered = send(englishText());
        const failed = send(chineseText());
        const sent = await Promise.all(
          [delivered, failed].map(async ({ outgoing, result }) => ({
            messageId: outgoing.messageId,
            to: outgoing.to,
            transportRef: (await result).transportRef,
          })),
        );
        const [first, second] = sent as [SentSms, SentSms];
        await harness.emitDeliveryReport?.(first, true);
        await harness.emitDeliveryReport?.(second, false);
        await vi.waitFor(() => expect(reports).toHaveLength(2), { timeout: 2000, interval: 20 });
        expect(reports).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ transportRef: first.transportRef, delivered: true }),
            expect.objectContaining({ transportRef: second.transportRef, delivered: false }),
          ]),
        );
        for (const report of reports) expect(report.at).toBeInstanceOf(Date);
      },
    );
  });
}

/** Random capital letters: a fragment no log line or error could hold by chance. */
function marker(): string {
  return Array.from(randomBytes(8), (byte) => String.fromCharCode(65 + (byte % 26))).join('');
}

function englishText(): string {
  return `ComboPay contract test ${marker()} for CNY 12.50 at Starbucks.`;
}

function chineseText(): string {
  return `【ComboPay】合约测试${marker()}，星巴克消费¥12.50。`;
}

function longText(piece: () => string, length: number): string {
  let text = '';
  while (text.length < length) text += piece();
  return text;
}

/** True when both name the same phone: a transport may add a country code or a `+`. */
function sameSubscriber(received: string, sent: string): boolean {
  const digits = (text: string) => text.replace(/\D/g, '');
  return digits(received).endsWith(digits(sent));
}

type Settled = { ok: true; value: SmsAcceptance } | { ok: false; error: unknown };

function settle(promise: Promise<SmsAcceptance>): Promise<Settled> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

async function rejection(promise: Promise<SmsAcceptance>): Promise<unknown> {
  const outcome = await settle(promise);
  if (outcome.ok) throw new Error('expected the send to reject, but it resolved');
  return outcome.error;
}

function expectUnavailable(error: unknown, text: string): void {
  expect(isPosError(error) ? error.code : error).toBe('SMS_UNAVAILABLE');
  expectNotLeaked(errorText(error), text, 'the error');
}

/** Everything an error would show when logged or stored: message, details, causes. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined; depth += 1) {
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? '');
      if (isPosError(current)) parts.push(JSON.stringify(current.details));
      current = current.cause;
    } else {
      parts.push(typeof current === 'string' ? current : JSON.stringify(current));
      current = undefined;
    }
  }
  return parts.join('\n');
}

/**
 * Fails when `text`, or any of its random markers, shows in `haystack` as written, URL-encoded
 * or as UCS-2 hex (the forms a transport might log: the text, a request URL, a PDU).
 */
function expectNotLeaked(haystack: string, text: string, where: string): void {
  const fragments = [text, ...(text.match(/[A-Z]{8}/g) ?? [])];
  const chinese = text.match(/[\u4e00-\u9fff]{4,}/g) ?? [];
  for (const fragment of [...fragments, ...chinese]) {
    for (const form of encodings(fragment)) {
      if (haystack.includes(form)) {
        expect.fail(`the text sent (as ${JSON.stringify(form)}) appears in ${where}`);
      }
    }
  }
}

function encodings(fragment: string): string[] {
  const ucs2 = Array.from(fragment, (c) => (c.codePointAt(0) ?? 0).toString(16).padStart(4, '0'))
    .join('')
    .toUpperCase();
  return [
    fragment,
    encodeURIComponent(fragment),
    encodeURIComponent(fragment).replace(/%20/g, '+'),
    ucs2,
    ucs2.toLowerCase(),
  ];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
