import type { Kysely } from 'kysely';
import type { AuditKind, Database } from './schema.js';

/** One audit trail entry; the fields an event does not concern are left empty. */
export interface AuditEvent {
  at: Date;
  kind: AuditKind;
  /** Who did it (the operator for admin commands), or absent for the system. */
  actor?: string | null;
  reason?: string | null;
  accountId?: string | null;
  terminalId?: string | null;
  paymentId?: string | null;
}

/** Appends to `audit_events` in the caller's transaction. */
export async function recordAudit(db: Kysely<Database>, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      at: event.at,
      kind: event.kind,
      actor: event.actor ?? null,
      reason: event.reason ?? null,
      account_id: event.accountId ?? null,
      terminal_id: event.terminalId ?? null,
      payment_id: event.paymentId ?? null,
    })
    .execute();
}
