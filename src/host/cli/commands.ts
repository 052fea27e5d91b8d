import { z } from 'zod';
import { MAX_MINOR_UNITS } from '../../core/money.js';
import { PosError } from '../../core/PosError.js';
import { CURRENCY_CODES } from '../../core/currencies.js';
import { cardUid, merchantId, terminalId } from '../../protocol/fields.js';
import { parseRequest } from '../../protocol/validate.js';
import {
  accountView,
  enrollAccount,
  findAccount,
  topUp,
  unlockAccount,
} from '../accounts/accountAdmin.js';
import type { HostContext } from '../HostContext.js';
import { readOutbox } from '../sms/OutboxTransport.js';
import { addTerminal, listTerminals, setTerminalDisabled } from '../terminals/terminalAdmin.js';
import { listPayments, smsStatus } from './reports.js';

/** One `pos-host` admin command: its options, their schema, and what it does. */
export interface AdminCommand {
  /** Words after `pos-host`, e.g. `accounts enroll`. */
  name: string;
  summary: string;
  /** Option names (without `--`), all taking a value. */
  options: Readonly<Record<string, string>>;
  schema: z.ZodType;
  run(ctx: HostContext, values: never, actor: string): Promise<unknown>;
}

const msisdn = z.string().regex(/^\+?[0-9]{6,15}$/, 'must be a phone number of 6 to 15 digits');
const minorUnits = (min: number) =>
  z
    .string()
    .regex(/^\d{1,12}$/, 'must be a whole number of minor units (fen)')
    .transform(Number)
    .refine(
      (value) => value >= min && value <= MAX_MINOR_UNITS,
      `must be ${min} to ${MAX_MINOR_UNITS}`,
    );

function command<S extends z.ZodType>(
  name: string,
  summary: string,
  options: Record<string, string>,
  schema: S,
  run: (ctx: HostContext, values: z.output<S>, actor: string) => Promise<unknown>,
): AdminCommand {
  return { name, summary, options, schema, run };
}

/** The admin commands of protocol.md ("Host admin command line") plus a few additions. */
export const ADMIN_COMMANDS: readonly AdminCommand[] = [
  command(
    'terminals add',
    'add a terminal (and its merchant); prints the terminal key once',
    {
      id: 'terminal id, e.g. T0000001',
      'merchant-id': 'e.g. M0001',
      'merchant-name': 'shown on slips and texts',
      currency: 'merchant currency (default CNY)',
    },
    z.strictObject({
      id: terminalId,
      'merchant-id': merchantId,
      'merchant-name': z.string().trim().min(1).max(80),
      currency: z.enum(CURRENCY_CODES).optional(),
    }),
    (ctx, v, actor) =>
      addTerminal(ctx, {
        terminalId: v.id,
        merchantId: v['merchant-id'],
        merchantName: v['merchant-name'],
        currency: v.currency ?? ctx.policy.defaultCurrency,
        actor,
      }),
  ),
  command(
    'terminals disable',
    'switch a terminal off (its requests get TERMINAL_DISABLED)',
    { id: 'terminal id', reason: 'why (audited)' },
    z.strictObject({ id: terminalId, reason: z.string().trim().min(1).optional() }),
    (ctx, v, actor) =>
      setTerminalDisabled(ctx, { terminalId: v.id, disabled: true, actor, reason: v.reason }),
  ),
  command(
    'terminals enable',
    'switch a disabled terminal back on',
    { id: 'terminal id', reason: 'why (audited)' },
    z.strictObject({ id: terminalId, reason: z.string().trim().min(1).optional() }),
    (ctx, v, actor) =>
      setTerminalDisabled(ctx, { terminalId: v.id, disabled: false, actor, reason: v.reason }),
  ),
  command(
    'terminals list',
    'every terminal with its merchant and open batch',
    {},
    z.strictObject({}),
    (ctx) => listTerminals(ctx),
  ),
  command(
    'accounts enroll',
    'open an account for a phone and its card; the PIN goes to the phone by SMS',
    {
      msisdn: 'phone number, e.g. 13800138000',
      'card-uid': 'the phone card UID in hex',
      balance: 'opening balance in fen (default 0)',
      currency: 'account currency (default CNY)',
    },
    z.strictObject({
      msisdn,
      'card-uid': z
        .string()
        .transform((text) => text.trim().toUpperCase())
        .pipe(cardUid),
      balance: minorUnits(0).optional(),
      currency: z.enum(CURRENCY_CODES).optional(),
    }),
    async (ctx, v, actor) => {
      const enrolled = await enrollAccount(ctx, {
        msisdn: v.msisdn,
        cardUid: v['card-uid'],
        currency: v.currency ?? ctx.policy.defaultCurrency,
        balance: v.balance ?? 0,
        actor,
      });
      return { accountId: enrolled.accountId, cardToken: enrolled.cardToken };
    },
  ),
  command(
    'accounts show',
    'an account: balance, lock, failure counts',
    { msisdn: 'phone number' },
    z.strictObject({ msisdn }),
    async (ctx, v) => accountView(await findAccount(ctx, v.msisdn), new Date(ctx.clock.now())),
  ),
  command(
    'accounts topup',
    'add money to an account',
    { msisdn: 'phone number', amount: 'amount in fen' },
    z.strictObject({ msisdn, amount: minorUnits(1) }),
    (ctx, v, actor) => topUp(ctx, v.msisdn, v.amount, actor),
  ),
  command(
    'accounts unlock',
    'lift a lock early (audited: who, when, why)',
    { msisdn: 'phone number', reason: 'why (required, audited)' },
    z.strictObject({ msisdn, reason: z.string().trim().min(3, 'say why, in a few words') }),
    (ctx, v, actor) => unlockAccount(ctx, { msisdn: v.msisdn, actor, reason: v.reason }),
  ),
  command(
    'sms outbox',
    'texts the outbox transport holds, newest last',
    { msisdn: 'only texts to this number' },
    z.strictObject({ msisdn: msisdn.optional() }),
    (ctx, v) => readOutbox(ctx.db, ctx.crypto, v.msisdn),
  ),
  command(
    'sms status',
    'delivery status of queued and sent texts (no text shown)',
    { msisdn: 'only texts to this number' },
    z.strictObject({ msisdn: msisdn.optional() }),
    (ctx, v) => smsStatus(ctx, v.msisdn),
  ),
  command(
    'payments list',
    'payments, newest last',
    { terminal: 'only this terminal' },
    z.strictObject({ terminal: terminalId.optional() }),
    (ctx, v) => listPayments(ctx, v.terminal),
  ),
];

/** Finds the command `words` start with; the rest of `words` are its arguments. */
export function findCommand(words: readonly string[]): AdminCommand | undefined {
  return ADMIN_COMMANDS.find((candidate) => candidate.name === words.slice(0, 2).join(' '));
}

/** Validates a command's option values (`VALIDATION_FAILED` naming each bad option). */
export function parseCommandValues(admin: AdminCommand, values: Record<string, unknown>): unknown {
  try {
    return parseRequest(admin.schema, values);
  } catch (error) {
    if (error instanceof PosError) {
      throw new PosError(
        'VALIDATION_FAILED',
        error.message.replace(/^invalid request/, 'invalid options'),
        {
          details: error.details,
        },
      );
    }
    throw error;
  }
}
