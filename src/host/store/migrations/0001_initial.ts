import type { Kysely } from 'kysely';
import { executeStatements } from '../executeStatements.js';

/** The first schema. Money in bigint minor units; see `schema.ts` for what each column holds. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeStatements(
    db,
    `
    create table merchants (
      id text primary key,
      name text not null,
      currency text not null,
      created_at timestamptz not null
    );
    create table terminals (
      id text primary key,
      merchant_id text not null references merchants (id),
      key_box text not null,
      disabled boolean not null default false,
      open_batch text not null default '000001',
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create table terminal_nonces (
      terminal_id text not null references terminals (id),
      nonce text not null,
      first_seen bigint not null,
      primary key (terminal_id, nonce)
    );
    create table pin_keys (
      id text primary key,
      public_key text not null,
      private_key_box text not null,
      active boolean not null,
      created_at timestamptz not null
    );
    create unique index pin_keys_one_active on pin_keys (active) where active;
    create table accounts (
      id text primary key,
      msisdn text not null unique,
      card_uid text not null unique,
      card_token_hash text not null,
      pin_salt text not null,
      pin_hash text not null,
      currency text not null,
      balance bigint not null check (balance >= 0),
      pin_failures integer not null default 0 check (pin_failures >= 0),
      otp_failures integer not null default 0 check (otp_failures >= 0),
      locked_until timestamptz,
      created_at timestamptz not null
    );
    create table ledger_entries (
      id bigserial primary key,
      account_id text not null references accounts (id),
      kind text not null check (kind in ('debit', 'reversal', 'void', 'refund', 'topup')),
      amount bigint not null check (amount <> 0),
      balance_after bigint not null check (balance_after >= 0),
      payment_id text,
      refund_id text,
      created_at timestamptz not null
    );
    create unique index ledger_once_per_payment on ledger_entries (payment_id, kind)
      where payment_id is not null;
    create unique index ledger_once_per_refund on ledger_entries (refund_id)
      where refund_id is not null;
    create index ledger_by_account on ledger_entries (account_id, id);
    create sequence reference_seq;
    create table payments (
      id text primary key,
      terminal_id text not null references terminals (id),
      merchant_id text not null references merchants (id),
      batch text not null,
      trace text not null,
      type text not null check (type in ('sale', 'balance')),
      request_hash text not null,
      status text not null,
      account_id text references accounts (id),
      amount_value bigint check (amount_value > 0),
      currency text,
      otp_hash text,
      otp_expires_at timestamptz,
      otp_sent_at timestamptz,
      otp_resends integer not null default 0,
      otp_wrong_hashes text[] not null default '{}',
      used_otp_hash text,
      confirm_reply jsonb,
      auth_code text,
      reference text unique,
      approved_at timestamptz,
      decline_code text,
      reply jsonb,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (terminal_id, batch, trace)
    );
    create index payments_by_batch on payments (terminal_id, batch, status);
    create table refunds (
      id text primary key,
      terminal_id text not null references terminals (id),
      merchant_id text not null references merchants (id),
      batch text not null,
      trace text not null,
      request_hash text not null,
      payment_id text not null references payments (id),
      amount_value bigint not null check (amount_value > 0),
      currency text not null,
      reference text not null unique,
      reply jsonb not null,
      created_at timestamptz not null,
      unique (terminal_id, batch, trace)
    );
    create table settlements (
      terminal_id text not null references terminals (id),
      batch text not null,
      request_hash text not null,
      reply jsonb not null,
      settled_at timestamptz not null,
      primary key (terminal_id, batch)
    );
    create table sms_messages (
      id text primary key,
      msisdn text not null,
      kind text not null,
      text_box text,
      status text not null,
      attempts integer not null default 0,
      next_attempt_at timestamptz,
      expires_at timestamptz,
      last_error text,
      transport text,
      transport_ref text,
      payment_id text,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index sms_due on sms_messages (next_attempt_at) where status = 'queued';
    create table sms_outbox (
      id bigserial primary key,
      message_id text not null,
      msisdn text not null,
      text_box text not null,
      created_at timestamptz not null
    );
    create table audit_events (
      id bigserial primary key,
      at timestamptz not null,
      kind text not null,
      actor text,
      reason text,
      account_id text,
      terminal_id text,
      payment_id text
    );
    create index audit_by_account on audit_events (account_id, id);
  `,
  );
}
