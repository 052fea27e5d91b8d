/** What the phone panel tells about the phone on the reader. */
export interface SimPhoneChange {
  /** Whether the phone is (meant to be) on the reader now. */
  readonly onReader: boolean;
  /** Why a tap did not take (vpcd not listening…), for the panel to show; absent otherwise. */
  readonly problem?: string | undefined;
}

/**
 * The customer's phone as the simulator's user moves it: on the terminal's reader or off it.
 * A tap leaves the phone on the reader until it is pulled (or tapped again: taken off and put
 * back, which presents the card afresh), as a phone laid on a real reader stays in its field.
 *
 * Two implementations: `FakeSimPhone` drives the fake reader, `VirtualSimPhone`
 * plays the card on vsmartcard's virtual reader, which the terminal reads through PC/SC.
 */
export interface SimPhone {
  /** Puts the phone on the reader (again, if it is there already). */
  tap(): void;
  /** Takes it off; nothing when it is not on the reader. */
  pull(): void;
  /** Pulls it when it is on the reader, taps it otherwise. */
  toggle(): void;
  readonly onReader: boolean;
  /** Called after every change of {@link onReader}, and when a tap fails. Returns an unsubscribe. */
  onChange(listener: (change: SimPhoneChange) => void): () => void;
  /** Takes the phone off the reader for good and forgets the listeners. Idempotent. */
  close(): void;
}
