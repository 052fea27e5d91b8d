import type { HostContext } from '../HostContext.js';
import { maskMsisdn } from '../accounts/maskMsisdn.js';

/** `pos-host payments list`: payments oldest first (newest last), never with a secret. */
export async function listPayments(ctx: HostContext, terminalId?: string) {
  let query = ctx.db
    .selectFrom('payments')
    .select([
      'id',
      'terminal_id',
      'batch',
      'trace',
      'type',
      'status',
      'amount_value',
      'currency',
      'auth_code',
      'reference',
      'decline_code',
      'created_at',
    ])
    .where('status', '<>', 'pending');
  if (terminalId !== undefined) query = query.where('terminal_id', '=', terminalId);
  const rows = await query.orderBy('created_at').orderBy('id').execute();
  return rows.map((row) => ({
    paymentId: row.id,
    terminalId: row.terminal_id,
    batch: row.batch,
    trace: row.trace,
    type: row.type,
    status: row.status,
    amount: row.amount_value === null ? null : { value: row.amount_value, currency: row.currency },
    authCode: row.auth_code,
    reference: row.reference,
    declineCode: row.decline_code,
    createdAt: row.created_at.toISOString(),
  }));
}

/**
 * `pos-host sms status`: each text's state, to a masked number, without its text. `status` is
 * how far the queue got (`queued`, `sending`, `accepted`, `delivered`, `failed`, `cancelled`);
 * `transport` the one that accepted it (while retrying: the last one tried); `attempts` the
 * queue's attempts (each offers the text to every transport in order); `delivery` what the
 * network's delivery report said (`delivered`, `failed`, or null: none yet, or a transport
 * without reports), at `deliveryAt`.
 */
export async function smsStatus(ctx: HostContext, msisdn?: string) {
  let query = ctx.db
    .selectFrom('sms_messages')
    .select([
      'id',
      'msisdn',
      'kind',
      'status',
      'attempts',
      'transport',
      'transport_ref',
      'last_error',
      'payment_id',
      'created_at',
      'updated_at',
      'accepted_at',
      'delivery',
      'delivery_at',
    ]);
  if (msisdn !== undefined) query = query.where('msisdn', '=', msisdn);
  const rows = await query.orderBy('created_at').orderBy('id').execute();
  return rows.map((row) => ({
    smsId: row.id,
    to: maskMsisdn(row.msisdn),
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    transport: row.transport,
    transportRef: row.transport_ref,
    lastError: row.last_error,
    paymentId: row.payment_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    acceptedAt: row.accepted_at?.toISOString() ?? null,
    delivery: row.delivery,
    deliveryAt: row.delivery_at?.toISOString() ?? null,
  }));
}
