import type { Clock } from '../../core/clock.js';
import type { Currency } from '../../core/currencies.js';
import type { Money } from '../../core/money.js';
import type { Secret } from '../../core/Secret.js';
import type { Key } from '../../../drivers/keypad/Keypad.js';
import type { PresentedCard } from '../../../drivers/nfc/CardReader.js';

/** The transactions the cashier can pick in the menu, in menu order (keys 1–6). */
export const MENU_ITEMS = ['sale', 'balance', 'void', 'refund', 'settle', 'reprint'] as const;
export type MenuItem = (typeof MENU_ITEMS)[number];

/**
 * Timings and limits of the flow. All durations in milliseconds of the injected clock.
 * Validated by the terminal's config schema; {@link DEFAULT_FLOW_SETTINGS} are the defaults.
 */
export interface FlowSettings {
  /** Currency of every amount keyed at this terminal. */
  currency: Currency;
  /** Largest sale or refund in minor units (the terminal's limit, below the host's). */
  maxAmount: number;
  /**
   * A human step (menu, amount, PIN, password…) is abandoned after this long without a key it
   * accepts (a refused key only beeps).
   */
  inactivityMs: number;
  /** How long a result (approved, declined, balance…) stays before the idle screen. */
  resultMs: number;
  /** How long a short notice (cancelled, card error…) stays. */
  noticeMs: number;
  /** First wait after a failed sign-in; doubles on each failure up to `signInRetryMaxMs`. */
  signInRetryBaseMs: number;
  signInRetryMaxMs: number;
  /** The terminal signs in again this long after the last sign-in (daily). */
  resignInMs: number;
  /** While reversals or unknown outcomes wait in the journal, retry them this often when idle. */
  pendingRetryMs: number;
  /** Wrong supervisor passwords before the void or refund is abandoned. */
  supervisorMaxTries: number;
}

export const DEFAULT_FLOW_SETTINGS: FlowSettings = {
  currency: 'CNY',
  maxAmount: 5_000_000,
  inactivityMs: 60_000,
  resultMs: 15_000,
  noticeMs: 5_000,
  signInRetryBaseMs: 2_000,
  signInRetryMaxMs: 60_000,
  resignInMs: 24 * 60 * 60 * 1000,
  pendingRetryMs: 60_000,
  supervisorMaxTries: 3,
};

/**
 * The phone's account as the flow keeps it: the UID, and the account token inside a `Secret`
 * so that no snapshot, log or inspection of the flow shows it. Only the request to the host
 * reveals it.
 */
export interface FlowCard {
  uid: string;
  token: Secret;
}

/** What sign-in established. */
export interface Session {
  merchant: { id: string; name: string };
  terminalId: string;
  batch: string;
  /** Clock time of the sign-in, in ms. */
  signedInAt: number;
}

/** The one-time code as the host described it. `expiresAt` is in ms of the terminal's clock. */
export interface OtpState {
  sentTo: string;
  expiresAt: number;
  attemptsLeft: number;
  resendsLeft: number;
}

/** A sale waiting for its code. */
export interface PendingPayment {
  journalId: number;
  paymentId: string;
  batch: string;
  trace: string;
  amount: Money;
  otp: OtpState;
}

/** A transaction the host approved, to show and print. */
export interface Approval {
  journalId: number;
  type: 'sale' | 'void' | 'refund';
  amount: Money;
  trace: string;
  authCode?: string | undefined;
  reference?: string | undefined;
}

/** A sale of the open batch that may be voided. */
export interface OriginalSale {
  journalId: number;
  paymentId: string;
  trace: string;
  amount: Money;
  authCode?: string | undefined;
  reference?: string | undefined;
}

/** A problem to show: an error code and its safe details (attemptsLeft, lockedUntil…). */
export interface Notice {
  code: string;
  details?: Readonly<Record<string, unknown>> | undefined;
}

/** What boot recovery found and did with one transaction. */
export interface RecoveryItem {
  type: 'sale' | 'balance' | 'void' | 'refund';
  batch: string;
  trace: string;
  amount?: Money | undefined;
  /**
   * `printed`: it was approved and its slip is now printed; `reversed`: it was undone (or
   * never took effect); `declined`: the host had refused it; `refused`: the host refused to
   * reverse it (batch closed, sale voided): an operator must check whether the customer was
   * charged; `pending`: the host could not be reached, it stays queued.
   */
  outcome: 'printed' | 'reversed' | 'declined' | 'refused' | 'pending';
}

export interface RecoveryReport {
  items: RecoveryItem[];
  /** Transactions still unresolved (host unreachable). */
  pendingLeft: number;
}

/** Batch figures as shown to the cashier. */
export interface Figures {
  counts: { sale: number; void: number; refund: number };
  totals: { sale: Money; refund: Money };
}

export interface SettlementOutcome {
  batch: string;
  result: 'balanced' | 'out_of_balance';
  terminal: Figures;
  host: Figures;
  nextBatch: string;
}

/** The outcome of resolving a transaction whose outcome was unknown. */
export type ResolvedOutcome =
  | { outcome: 'approved'; approval: Approval }
  | { outcome: 'reversed' | 'declined' | 'refused' | 'pending'; code: string };

/**
 * Input and output of each named actor: the flow's effects. `createTerminal` wires real
 * implementations (host client, journal, drivers); tests wire scripted ones. Every actor
 * rejects with a `PosError`; the flow branches on its code, and an error of the
 * `outcome_unknown` group carries `details.journalId` of the transaction to resolve.
 */
export interface FlowActorIo {
  /** Signs in: PIN key, merchant, open batch. */
  signIn: { input: undefined; output: Session };
  /** Resolves every open journal entry and sends queued reversals. Never rejects. */
  recover: { input: undefined; output: RecoveryReport };
  /** Reads the payment applet of the card just tapped. */
  readCard: { input: { card: PresentedCard }; output: FlowCard };
  /**
   * Journals the transaction (allocating its trace), encrypts the PIN to the host key at once,
   * sends the sale or balance inquiry.
   */
  authorize: {
    input: {
      type: 'sale' | 'balance';
      card: FlowCard;
      amount?: Money | undefined;
      pin: Secret;
    };
    output:
      | { kind: 'otp_sent'; payment: PendingPayment }
      | { kind: 'balance'; journalId: number; balance: Money };
  };
  confirm: { input: { payment: PendingPayment; code: Secret }; output: Approval };
  resendOtp: { input: { payment: PendingPayment }; output: OtpState };
  /** Reverses (cancels) a pending payment; queues the reversal if the host cannot be reached. */
  cancelPayment: {
    input: { journalId: number; reason: 'cancelled' | 'timeout' };
    output: { acknowledged: boolean };
  };
  /** Status inquiry, then complete or reverse. */
  resolveOutcome: { input: { journalId: number }; output: ResolvedOutcome };
  /** Prints the transaction's slip (merchant and customer copy) and closes its entry. */
  printSlip: { input: { journalId: number }; output: undefined };
  verifySupervisor: { input: { password: Secret }; output: boolean };
  /** Finds an approved, not voided sale of the open batch by its trace. */
  findOriginal: { input: { trace: string }; output: OriginalSale };
  voidSale: { input: { original: OriginalSale }; output: Approval };
  refund: { input: { originalReference: string; amount: Money }; output: Approval };
  /** The terminal's own figures for the open batch. */
  previewSettlement: { input: undefined; output: Figures };
  /** Sends queued reversals, settles the batch with the host, prints the report. */
  settle: { input: undefined; output: SettlementOutcome };
  /** Prints the last slip again, marked REPRINT. */
  reprint: { input: undefined; output: undefined };
  /**
   * Resolves once the printer reports paper again (and its cover closed), so a slip cut short
   * by paper-out is printed again by itself. Never resolves for a printer that cannot tell.
   */
  waitForPaper: { input: undefined; output: undefined };
}

/** What the cashier or the devices can do to the flow. */
export type FlowEvent =
  | { type: 'KEY'; key: Key }
  | { type: 'CARD_TAPPED'; card: PresentedCard }
  /** A technician or the console asks for a sign-in now (when idle). */
  | { type: 'SIGN_IN_NOW' }
  /**
   * The technician console settles the batch now (when idle), its figures already confirmed
   * at the console: straight to `settling`, without the cashier's confirm screen.
   */
  | { type: 'SETTLE_NOW' };

/** Why a human step ended without a transaction. */
export type CancelReason = 'cancelled' | 'timeout';

/** The flow's memory. Holds no PIN, code or password outside a `Secret`. */
export interface FlowContext {
  settings: FlowSettings;
  clock: Clock;
  session?: Session | undefined;
  signInFailures: number;
  presented?: PresentedCard | undefined;
  card?: FlowCard | undefined;
  selected?: MenuItem | undefined;
  amountDigits: string;
  pin: Secret;
  code: Secret;
  password: Secret;
  /** The PIN on its way to the `authorize` actor (taken off the screen's buffer). */
  pinDraft?: Secret | undefined;
  /** The password on its way to the `verifySupervisor` actor. */
  passwordDraft?: Secret | undefined;
  supervisorFailures: number;
  traceDigits: string;
  referenceDigits: string;
  original?: OriginalSale | undefined;
  payment?: PendingPayment | undefined;
  /** The journal entry whose outcome is being resolved by a status inquiry. */
  resolving?: number | undefined;
  approval?: Approval | undefined;
  balance?: Money | undefined;
  /** A message on the current input screen (wrong PIN with attempts left, amount too large…). */
  notice?: Notice | undefined;
  /** The reason on a result screen (declined, locked, cancelled, card error…). */
  outcome?: Notice | undefined;
  /** The slip of the approval could not be printed. */
  printError?: string | undefined;
  recovery?: RecoveryReport | undefined;
  pendingLeft: number;
  figures?: Figures | undefined;
  settlement?: SettlementOutcome | undefined;
}

/** What the machine is started with. */
export interface FlowInput {
  settings?: Partial<FlowSettings>;
  clock: Clock;
}
