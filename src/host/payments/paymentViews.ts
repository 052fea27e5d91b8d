import { maskMsisdn } from '../accounts/maskMsisdn.js';
import type { HostPolicy } from '../HostPolicy.js';
import type { Account, Payment } from '../store/schema.js';
import type { OtpInfo, PaymentStatusReply } from '../../protocol/index.js';

/** The `otp` object of a sale's reply and of a resend's. */
export function otpInfo(payment: Payment, account: Account, policy: HostPolicy): OtpInfo {
  return {
    sentTo: maskMsisdn(account.msisdn),
    expiresAt: (payment.otp_expires_at ?? new Date(0)).toISOString(),
    attemptsLeft: Math.max(0, policy.maxAttempts - account.otp_failures),
    resendsLeft: Math.max(0, policy.maxResends - payment.otp_resends),
  };
}

/**
 * The status a payment has at `now`: a sale still waiting for its code after the code
 * expired is `expired`, whether or not anything has written that down yet.
 */
export function effectiveStatus(payment: Payment, now: Date): PaymentStatusReply['status'] {
  if (payment.status === 'pending') return 'declined';
  if (
    payment.status === 'otp_sent' &&
    payment.otp_expires_at !== null &&
    payment.otp_expires_at <= now
  ) {
    return 'expired';
  }
  return payment.status;
}

/** The reply to a status inquiry. */
export function paymentStatusView(payment: Payment, now: Date): PaymentStatusReply {
  return {
    paymentId: payment.id,
    type: payment.type,
    status: effectiveStatus(payment, now),
    ...(payment.amount_value !== null && payment.currency !== null
      ? { amount: { value: payment.amount_value, currency: payment.currency } }
      : {}),
    batch: payment.batch,
    trace: payment.trace,
    ...(payment.auth_code === null ? {} : { authCode: payment.auth_code }),
    ...(payment.reference === null ? {} : { reference: payment.reference }),
    ...(payment.approved_at === null ? {} : { approvedAt: payment.approved_at.toISOString() }),
    ...(payment.decline_code === null ? {} : { declineCode: payment.decline_code }),
  } as PaymentStatusReply;
}
