import type { Currency } from '../../src/core/currencies.js';
import type { ErrorCode } from '../../src/core/errorCodes.js';
import type {
  Approval,
  MenuItem,
  RecoveryItem,
  SettlementOutcome,
} from '../../src/terminal/flow/flowTypes.js';
import type { FlowNoticeCode } from '../../src/terminal/flow/noticeOf.js';
import type { WaitingFor } from '../../src/terminal/flow/screenOf.js';

/** Every code a screen may have to explain: the system's error codes and the flow's notices. */
export type ReasonCode = ErrorCode | FlowNoticeCode;

/**
 * The safe details of a notice, checked and already formatted for the display's language, so
 * a catalogue entry only has to put them into words. A field is absent when the notice did not
 * carry it (or carried something unusable): every entry must read well without it.
 */
export interface ReasonDetails {
  /** Tries left before the account, the code or the attempt is locked (0 or more). */
  attemptsLeft?: number | undefined;
  /** Seconds to wait before the next try (`retryAfter` of `RESEND_TOO_SOON`). */
  retryAfterSeconds?: number | undefined;
  /** When a lock ends, as date and time text in the display's time zone. */
  until?: string | undefined;
  /** The terminal's largest amount, as money text (`AMOUNT_OVER_LIMIT`). */
  limit?: string | undefined;
  /** Transactions still waiting for the host (`PENDING_WORK`). */
  pendingLeft?: number | undefined;
}

/** A reason's text: fixed, or put together from the notice's details. */
export type ReasonText = string | ((details: ReasonDetails) => string);

/**
 * What a transaction whose outcome was unknown turned into after the status inquiry, when it is
 * not an approval or a plain decline (`details.resolution` of the declined screen's notice).
 */
export type Resolution = 'reversed' | 'pending' | 'refused';

/** The actions key hints name, each with its key in {@link Messages.hints}. */
export type HintAction =
  | 'confirm'
  | 'cancel'
  | 'back'
  | 'edit'
  | 'menu'
  | 'choose'
  | 'resend'
  | 'retryNow'
  | 'done'
  | 'close'
  | 'continue'
  | 'printAgain'
  | 'printLater'
  | 'find'
  | 'voidIt'
  | 'settle';

/** The strings of the simulator's side panels (phone, SMS inbox, slips, keymap). */
export interface SimTexts {
  readonly keymapTitle: string;
  /** The PC keyboard standing in for the keypad, one key per line, columns aligned. */
  readonly keymap: readonly string[];
  /** Title of the phone panel, with the phone's number as given (masked or full). */
  readonly phoneTitle: (msisdn: string) => string;
  readonly inboxTitle: string;
  readonly slipsTitle: string;
  /** Where the simulated phone is: on the reader (tapped) or away from it. */
  readonly phoneOnReader: string;
  readonly phoneAway: string;
  /** Tells the person trying the simulator the supervisor password of the demo setup. */
  readonly supervisorHint: (password: string) => string;
  readonly emptyInbox: string;
  readonly noSlips: string;
}

/** The status bar's words; each list runs from the longest form to the shortest. */
export interface StatusTexts {
  /** Signal bars with a label; `bars` is the five-slot `###..` picture. */
  readonly signal: (bars: string) => readonly string[];
  /** The modem is not on a network (or does not answer). */
  readonly noNetwork: readonly string[];
  readonly host: Readonly<Record<'up' | 'down' | 'unknown', readonly string[]>>;
  /** `unknown` is never shown: a printer that cannot tell stays unknown for good. */
  readonly paper: Readonly<Record<'ok' | 'out' | 'coverOpen' | 'offline', readonly string[]>>;
}

/**
 * Every text the terminal's display shows, in one language. Both catalogues are typed with
 * this interface, so a key missing in one language does not compile; codes and screen kinds
 * are records over the flow's own unions, so a new code or a new wait is a compile error here
 * until both languages say it.
 *
 * Texts use ASCII and East Asian wide characters only (Chinese, fullwidth punctuation such as
 * `，` `？`): "ambiguous width" characters (`…`, `—`, `·`, arrows, box drawing) are one column
 * in a Western console and two in a Chinese one, and would push the layout out of line.
 */
export interface Messages {
  /** Key caps as printed on the keypad (the simulator maps PC keys to them). */
  readonly keys: Readonly<Record<'OK' | 'CANCEL' | 'CLEAR' | 'BACKSPACE' | 'F1', string>>;
  /** The verb after the key cap in a hint (`OK 确认`); see `hint` in ui/screens. */
  readonly hints: Readonly<Record<HintAction, string>>;
  /** The menu's transactions, also the titles of their screens. */
  readonly transactions: Readonly<Record<MenuItem, string>>;
  /** Currency names shown beside an amount being keyed. */
  readonly currencies: Readonly<Record<Currency, string>>;
  readonly labels: {
    readonly amount: string;
    readonly trace: string;
    readonly authCode: string;
    readonly reference: string;
    readonly batch: string;
  };
  readonly wait: {
    readonly title: string;
    readonly doing: Readonly<Record<WaitingFor, string>>;
    /** Said while the phone is being read: pulling it away fails the read. */
    readonly keepPhone: string;
    /** Said while an outcome is being settled: a second sale could charge twice. */
    readonly doNotRepeat: string;
  };
  readonly idle: {
    readonly title: string;
    readonly tapPhone: string;
    readonly forMenu: string;
    readonly batch: (batch: string) => string;
    readonly pending: (count: number) => string;
  };
  readonly menu: {
    readonly title: string;
    readonly phoneRead: string;
  };
  /** A technician's console is testing a device: the cashier waits. */
  readonly service: {
    readonly title: string;
    readonly inUse: string;
    readonly testing: Readonly<Record<'reader' | 'keypad' | 'printer', string>>;
  };
  readonly tapCard: {
    readonly title: string;
    readonly tapPhone: string;
    readonly holdPhone: string;
  };
  readonly amount: {
    readonly prompt: Readonly<Record<'sale' | 'refund', string>>;
  };
  readonly pin: {
    readonly prompt: string;
  };
  readonly code: {
    readonly title: string;
    readonly sentTo: (number: string) => string;
    readonly prompt: string;
    readonly timeLeft: (mmss: string) => string;
    readonly attemptsLeft: (count: number) => string;
  };
  readonly approved: {
    readonly titles: Readonly<Record<Approval['type'], string>>;
    readonly printing: string;
    /** After a print failure: the slip prints again by itself once the printer is ready. */
    readonly printsByItself: string;
  };
  readonly balance: {
    readonly title: string;
    readonly label: string;
  };
  readonly declined: {
    readonly title: string;
    /** Title when nobody knows yet whether money moved. */
    readonly unknownTitle: string;
    readonly noReason: string;
  };
  readonly locked: {
    readonly title: string;
    readonly why: string;
    readonly until: string;
    readonly later: string;
  };
  readonly cancelled: {
    readonly title: string;
    readonly noReason: string;
  };
  readonly notice: {
    readonly title: string;
    readonly noReason: string;
  };
  readonly signInRetry: {
    readonly title: string;
    readonly failures: (count: number) => string;
    readonly noReason: string;
  };
  readonly recovery: {
    readonly title: string;
    readonly outcomes: Readonly<Record<RecoveryItem['outcome'], string>>;
    readonly pendingLeft: (count: number) => string;
    readonly more: (count: number) => string;
  };
  readonly cardError: {
    readonly title: string;
    readonly tapAgain: string;
    readonly noReason: string;
  };
  readonly supervisor: {
    readonly prompt: string;
  };
  readonly voidTrace: {
    readonly prompt: string;
  };
  readonly voidConfirm: {
    readonly question: string;
  };
  readonly refundReference: {
    readonly prompt: string;
  };
  readonly settle: {
    readonly title: string;
    /** "消费 3 笔" / "3 sales": a count of one kind of transaction. */
    readonly count: (kind: 'sale' | 'void' | 'refund', count: number) => string;
    readonly question: string;
  };
  readonly settlement: {
    readonly title: string;
    readonly results: Readonly<Record<SettlementOutcome['result'], string>>;
    readonly terminal: string;
    readonly host: string;
    readonly rows: Readonly<
      Record<'saleCount' | 'saleTotal' | 'voidCount' | 'refundCount' | 'refundTotal', string>
    >;
    readonly nextBatch: (batch: string) => string;
  };
  /** The plain-language reason for each code: what happened, and what to do when there is something. */
  readonly reasons: Readonly<Record<ReasonCode, ReasonText>>;
  readonly resolutions: Readonly<Record<Resolution, string>>;
  /** For a code this catalogue does not know (a newer host): still says something useful. */
  readonly unknownReason: (code: string) => string;
  readonly status: StatusTexts;
  readonly sim: SimTexts;
}
