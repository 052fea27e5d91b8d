import type { Money } from '../../src/core/money.js';

/** Transaction types that produce a slip. */
export type SlipTransactionType = 'sale' | 'void' | 'refund';

/**
 * A sales slip as data: what the terminal knows about one approved transaction. The printer
 * lays it out (merchant copy, then customer copy) in the slip's language.
 *
 * Never holds a PIN, a code or an account token; the account appears only masked.
 */
export interface SalesSlip {
  readonly kind: 'sales-slip';
  readonly language: 'zh-CN' | 'en';
  readonly merchant: { readonly id: string; readonly name: string };
  readonly terminalId: string;
  /** Operator (cashier) id as configured on the terminal. */
  readonly operator: string;
  readonly type: SlipTransactionType;
  /** The masked phone account (`138****8000`), when the host told it. */
  readonly account?: string | undefined;
  readonly batch: string;
  readonly trace: string;
  readonly authCode?: string | undefined;
  readonly reference?: string | undefined;
  /** The original sale's reference, for a void or refund. */
  readonly originalReference?: string | undefined;
  /** ISO 8601 UTC time of the approval. */
  readonly time: string;
  readonly amount: Money;
  /** True when printed again from the journal ("REPRINT" on the slip). */
  readonly reprint: boolean;
}

/** The batch-close report: the terminal's figures, the host's, and the verdict. */
export interface SettlementReport {
  readonly kind: 'settlement-report';
  readonly language: 'zh-CN' | 'en';
  readonly merchant: { readonly id: string; readonly name: string };
  readonly terminalId: string;
  readonly batch: string;
  readonly time: string;
  readonly result: 'balanced' | 'out_of_balance';
  readonly terminal: BatchFiguresView;
  readonly host: BatchFiguresView;
}

/** Counts and totals of a batch, as the protocol's settlement carries them. */
export interface BatchFiguresView {
  readonly counts: { readonly sale: number; readonly void: number; readonly refund: number };
  readonly totals: { readonly sale: Money; readonly refund: Money };
}

/**
 * The printer test page a technician prints from the console (`test printer`): the terminal's
 * identity and software version, then samples that show whether the printer works as the
 * slips need it to (paper width, character sets including Chinese, bold, enlarged text, cut).
 *
 * Carries no transaction data. Printed in Chinese character mode whatever its language, so the
 * printer's GB18030 font is checked either way.
 */
export interface TestPage {
  readonly kind: 'test-page';
  readonly language: 'zh-CN' | 'en';
  readonly terminalId: string;
  /** The software version, e.g. `0.1.0`. */
  readonly version: string;
  /** ISO 8601 UTC time it was printed. */
  readonly time: string;
}

/** Anything the terminal prints. */
export type PrintDocument = SalesSlip | SettlementReport | TestPage;
