import { addTerminal } from '../host/terminals/terminalAdmin.js';
import { enrollAccount } from '../host/accounts/accountAdmin.js';
import { readOutbox } from '../host/sms/OutboxTransport.js';
import type { HostApp } from '../host/buildHost.js';
import { decodeBase64Url } from '../protocol/base64url.js';
import { injectSender, TestTerminal, type TestCard } from './TestTerminal.js';
import type { SendRequest } from './signedRequest.js';

/** Adds a terminal of merchant M0001 and returns a signed-in {@link TestTerminal} for it. */
export async function addTestTerminal(
  app: HostApp,
  terminalId = 'T0000001',
  send: SendRequest = injectSender(app),
): Promise<TestTerminal> {
  const added = await addTerminal(app.context, {
    terminalId,
    merchantId: 'M0001',
    merchantName: '星巴克 Starbucks',
    currency: 'CNY',
    actor: 'test',
  });
  const terminal = new TestTerminal(
    send,
    { terminalId, key: decodeBase64Url(added.key) ?? new Uint8Array() },
    app.context.clock,
  );
  const signedIn = await terminal.signIn();
  if (signedIn.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(signedIn.body)}`);
  return terminal;
}

let cardCounter = 0;

/**
 * Enrolls an account with `balance` fen and returns its card, with the PIN read from the SMS
 * outbox the way a customer reads it from the phone.
 */
export async function enrollTestCard(
  app: HostApp,
  options: { balance?: number; msisdn?: string } = {},
): Promise<TestCard & { msisdn: string; accountId: string }> {
  cardCounter += 1;
  const msisdn = options.msisdn ?? `1380013${String(8000 + cardCounter).padStart(4, '0')}`;
  const uid = `04A1B2C3D4${String(cardCounter).padStart(4, '0')}`;
  const enrolled = await enrollAccount(app.context, {
    msisdn,
    cardUid: uid,
    currency: 'CNY',
    balance: options.balance ?? 100_000,
    actor: 'test',
  });
  const pin = lastCode(await readOutbox(app.context.db, app.context.crypto, msisdn));
  return { uid, token: enrolled.cardToken, pin, msisdn, accountId: enrolled.accountId };
}

/** The 6-digit number in the newest text (the PIN or the code a customer would read). */
export function lastCode(messages: readonly { text: string }[]): string {
  const text = messages[messages.length - 1]?.text ?? '';
  const match = /(?<!\d)(\d{6})(?!\d)/.exec(text);
  if (!match?.[1]) throw new Error('no 6-digit code in the newest text');
  return match[1];
}

/** The newest code texted to `msisdn`. */
export async function latestCodeFor(app: HostApp, msisdn: string): Promise<string> {
  return lastCode(await readOutbox(app.context.db, app.context.crypto, msisdn));
}
