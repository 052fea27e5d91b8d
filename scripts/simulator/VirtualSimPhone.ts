import type { VirtualPhone } from '../virtual-phone/VirtualPhone.js';
import type { SimPhone, SimPhoneChange } from './SimPhone.js';

/**
 * How long a phone tapped again stays off vpcd before it is put back: pcscd looks for the card
 * about every 400 ms, and a shorter gap could pass unseen (no new card for the terminal).
 */
const RETAP_GAP_MS = 1_000;

/**
 * The phone as a card on vsmartcard's virtual reader (`VirtualPhone`): a tap connects to vpcd,
 * a pull disconnects, and the terminal sees both through pcscd like a real tap. The phone is
 * on the reader from the tap on (connecting takes a moment); a tap that cannot connect (vpcd
 * gone) takes it off again with the reason as `problem`. Tapped again while on the reader,
 * the phone leaves the field for {@link RETAP_GAP_MS} and comes back.
 */
export class VirtualSimPhone implements SimPhone {
  readonly #phone: VirtualPhone;
  readonly #listeners = new Set<(change: SimPhoneChange) => void>();
  /** Counts taps and pulls, so a failed connect reports only if nothing happened since. */
  #generation = 0;
  #retap: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(phone: VirtualPhone) {
    this.#phone = phone;
  }

  get onReader(): boolean {
    return this.#phone.tapped || this.#retap !== undefined;
  }

  tap(): void {
    if (this.#closed) return;
    this.#generation += 1;
    clearTimeout(this.#retap);
    this.#retap = undefined;
    if (this.#phone.tapped) {
      this.#phone.pull();
      const generation = this.#generation;
      this.#retap = setTimeout(() => {
        this.#retap = undefined;
        if (generation === this.#generation) this.#connect(generation);
      }, RETAP_GAP_MS);
    } else {
      this.#connect(this.#generation);
    }
    this.#emit({ onReader: true });
  }

  pull(): void {
    if (this.#closed || !this.onReader) return;
    this.#generation += 1;
    clearTimeout(this.#retap);
    this.#retap = undefined;
    this.#phone.pull();
    this.#emit({ onReader: false });
  }

  toggle(): void {
    if (this.onReader) this.pull();
    else this.tap();
  }

  onChange(listener: (change: SimPhoneChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retap);
    this.#retap = undefined;
    this.#listeners.clear();
    this.#phone.close();
  }

  #connect(generation: number): void {
    this.#phone.tap().catch((error: unknown) => {
      if (this.#closed || generation !== this.#generation) return;
      const reason = error instanceof Error ? error.message : String(error);
      this.#emit({ onReader: false, problem: `the phone could not reach vpcd: ${reason}` });
    });
  }

  #emit(change: SimPhoneChange): void {
    for (const listener of [...this.#listeners]) listener(change);
  }
}
