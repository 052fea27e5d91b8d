import type { OutgoingSms, SmsAcceptance, SmsTransport } from '../host/sms/SmsTransport.js';

/**
 * An SMS gateway for tests that passes texts to `inner` (usually the outbox) until `failing`
 * is set: then every send rejects, as a gateway that is down. Counts its attempts.
 */
export class SwitchableTransport implements SmsTransport {
  inner: SmsTransport | undefined;
  failing = false;
  attempts = 0;

  /** `name` tells two of them apart in a failover list. */
  constructor(readonly name = 'switchable') {}

  async send(message: OutgoingSms, signal: AbortSignal): Promise<SmsAcceptance> {
    this.attempts += 1;
    if (this.failing || !this.inner) throw new Error('gateway down');
    return this.inner.send(message, signal);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
