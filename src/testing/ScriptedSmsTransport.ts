import { PosError } from '../core/PosError.js';
import type {
  OutgoingSms,
  SmsAcceptance,
  SmsDeliveryReport,
  SmsTransport,
} from '../host/sms/SmsTransport.js';

/** What a {@link ScriptedSmsTransport} does with one send. */
export type ScriptedAnswer = 'accept' | 'temporary' | 'permanent' | 'hang';

/**
 * A transport for queue tests: answers each send with the next scripted answer (then with
 * `otherwise`), records what it was given, and emits delivery reports on demand. `hang` waits
 * for the abort signal, as a gateway that never answers.
 */
export class ScriptedSmsTransport implements SmsTransport {
  readonly sent: OutgoingSms[] = [];
  /** Every call, accepted or not. */
  calls = 0;
  readonly script: ScriptedAnswer[];
  otherwise: ScriptedAnswer;
  /** Runs inside `send` just before it resolves (to emit a report that races the queue). */
  beforeAccept: ((ref: string) => void) | undefined;
  #listener: ((report: SmsDeliveryReport) => void) | undefined;
  #closed = false;

  constructor(
    readonly name: string,
    script: ScriptedAnswer[] = [],
    otherwise: ScriptedAnswer = 'accept',
  ) {
    this.script = [...script];
    this.otherwise = otherwise;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async send(message: OutgoingSms, signal: AbortSignal): Promise<SmsAcceptance> {
    this.calls += 1;
    const answer = this.script.shift() ?? this.otherwise;
    switch (answer) {
      case 'temporary':
        throw new PosError('SMS_UNAVAILABLE', `${this.name} busy`, {
          details: { permanent: false },
        });
      case 'permanent':
        throw new PosError('SMS_UNAVAILABLE', `${this.name} refuses the number`, {
          details: { permanent: true },
        });
      case 'hang':
        await new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error(`${this.name} timed out`)), {
            once: true,
          });
        });
        throw new Error('unreachable');
      case 'accept': {
        this.sent.push(message);
        const ref = `${this.name}-${this.sent.length}`;
        this.beforeAccept?.(ref);
        return Promise.resolve({ transportRef: ref });
      }
    }
  }

  onDeliveryReport(listener: (report: SmsDeliveryReport) => void): void {
    this.#listener = listener;
  }

  /** Sends a delivery report to the queue, as the network would. */
  report(transportRef: string, delivered: boolean, at: Date): void {
    this.#listener?.({ transportRef, delivered, at });
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}
