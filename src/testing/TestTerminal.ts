import { unixSeconds, type Clock } from '../core/clock.js';
import { money } from '../core/money.js';
import { Secret } from '../core/Secret.js';
import { decodeBase64Url } from '../protocol/base64url.js';
import { encryptPinBlock, pinBinding, type PinPublicKey } from '../protocol/pinBlock.js';
import type { HostApp } from '../host/buildHost.js';
import {
  sendSigned,
  type RawReply,
  type SendRequest,
  type TerminalIdentity,
} from './signedRequest.js';

/** fastify's `inject` as a {@link SendRequest}. */
export function injectSender(app: HostApp): SendRequest {
  return async (request) => {
    const response = await app.inject({
      method: request.method,
      url: request.path,
      headers: request.headers,
      ...(request.body.length > 0 ? { payload: request.body } : {}),
    });
    let body: unknown = response.body;
    try {
      body = JSON.parse(response.body) as unknown;
    } catch {
      // not JSON
    }
    return { status: response.statusCode, body, headers: response.headers };
  };
}

/** A card as the phone presents it, and the PIN its owner knows. */
export interface TestCard {
  uid: string;
  token: string;
  pin: string;
}

/**
 * A terminal for tests: signs every request with its key and the given clock, encrypts PINs
 * to the host's key from sign-in, and numbers traces itself. Returns raw replies, so tests
 * assert on statuses and bodies exactly as the wire carries them.
 */
export class TestTerminal {
  readonly identity: TerminalIdentity;
  readonly #send: SendRequest;
  readonly #clock: Clock;
  pinKey: PinPublicKey | undefined;
  batch = '000001';
  #trace = 0;

  constructor(send: SendRequest, identity: TerminalIdentity, clock: Clock) {
    this.#send = send;
    this.identity = identity;
    this.#clock = clock;
  }

  nextTrace(): string {
    this.#trace += 1;
    return String(this.#trace).padStart(6, '0');
  }

  request(method: 'GET' | 'POST', path: string, body?: unknown, nonce?: string): Promise<RawReply> {
    return sendSigned(this.#send, this.identity, {
      method,
      path,
      body,
      nowSeconds: unixSeconds(this.#clock),
      ...(nonce === undefined ? {} : { nonce }),
    });
  }

  async signIn(): Promise<RawReply> {
    const reply = await this.request('POST', '/v1/terminals/sign-in', {});
    const body = reply.body as { pinKey?: { id: string; publicKey: string }; batch?: string };
    if (reply.status === 200 && body.pinKey && body.batch !== undefined) {
      this.pinKey = {
        id: body.pinKey.id,
        publicKey: decodeBase64Url(body.pinKey.publicKey) ?? new Uint8Array(),
      };
      this.batch = body.batch;
    }
    return reply;
  }

  /** The body of a sale (or, without `amount`, a balance inquiry) with an encrypted PIN. */
  paymentBody(
    card: TestCard,
    options: { amount?: number; trace?: string; pin?: string; currency?: string } = {},
  ) {
    if (!this.pinKey) throw new Error('sign in first');
    const trace = options.trace ?? this.nextTrace();
    const amount =
      options.amount === undefined ? undefined : money(options.amount, options.currency ?? 'CNY');
    const type = amount ? ('sale' as const) : ('balance' as const);
    const binding = pinBinding({
      terminalId: this.identity.terminalId,
      batch: this.batch,
      trace,
      type,
      amount,
      cardUid: card.uid,
    });
    return {
      type,
      batch: this.batch,
      trace,
      card: { uid: card.uid, token: card.token },
      ...(amount ? { amount: { value: amount.value, currency: amount.currency } } : {}),
      pinBlock: encryptPinBlock(new Secret(options.pin ?? card.pin), this.pinKey, binding),
    };
  }

  pay(
    card: TestCard,
    options: { amount?: number; trace?: string; pin?: string } = {},
  ): Promise<RawReply> {
    return this.request('POST', '/v1/payments', this.paymentBody(card, options));
  }

  confirm(paymentId: string, otp: string): Promise<RawReply> {
    return this.request('POST', `/v1/payments/${paymentId}/confirm`, { otp });
  }
}

/** The `error.code` of a reply body, or undefined for a success. */
export function errorCodeOf(reply: RawReply): string | undefined {
  const body = reply.body as { error?: { code?: string } } | undefined;
  return body?.error?.code;
}

/** The `error` object of an error reply. */
export function errorOf(reply: RawReply): Record<string, unknown> {
  return (reply.body as { error: Record<string, unknown> }).error;
}

/** Six digits that differ from `code`: a wrong PIN or a wrong code. */
export function otherDigits(code: string, step = 1): string {
  return String((Number(code) + step) % 1_000_000).padStart(6, '0');
}
