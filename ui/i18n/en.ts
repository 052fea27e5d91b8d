import type { Messages } from './Messages.js';

/** "1 try", "2 tries": counts read as words, not as "1 tries". */
function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The display's texts in English. */
export const en: Messages = {
  keys: { OK: 'OK', CANCEL: 'CANCEL', CLEAR: 'CLEAR', BACKSPACE: 'BKSP', F1: 'F1' },
  hints: {
    confirm: 'confirm',
    cancel: 'quit',
    back: 'back',
    edit: 'edit',
    menu: 'menu',
    choose: 'choose',
    resend: 'new code',
    retryNow: 'retry now',
    done: 'done',
    close: 'close',
    continue: 'continue',
    printAgain: 'print again',
    printLater: 'later',
    find: 'find',
    voidIt: 'void',
    settle: 'settle',
  },
  transactions: {
    sale: 'Sale',
    balance: 'Balance',
    void: 'Void',
    refund: 'Refund',
    settle: 'Settle',
    reprint: 'Reprint',
  },
  currencies: { CNY: 'CNY', HKD: 'HKD', MOP: 'MOP', USD: 'USD', EUR: 'EUR' },
  labels: {
    amount: 'Amount',
    trace: 'Trace',
    authCode: 'Auth code',
    reference: 'Reference',
    batch: 'Batch',
  },
  wait: {
    title: 'Please wait',
    doing: {
      signIn: 'Signing in...',
      recovery: 'Checking unfinished transactions...',
      card: 'Reading the phone...',
      authorize: 'Sending to the host...',
      confirm: 'Checking the code...',
      resend: 'Sending a new code...',
      cancel: 'Cancelling the payment...',
      resolve: 'Checking the outcome...',
      print: 'Printing the slip...',
      supervisor: 'Checking the password...',
      lookup: 'Finding the sale...',
      void: 'Voiding...',
      refund: 'Refunding...',
      settlementTotals: 'Adding up the batch...',
      settle: 'Settling...',
      reprint: 'Reprinting...',
    },
    keepPhone: 'Keep the phone on the reader',
    doNotRepeat: 'Do not repeat the transaction',
  },
  idle: {
    title: 'ComboPay',
    tapPhone: 'Tap your phone',
    forMenu: 'Press OK for the menu',
    batch: (batch) => `Batch ${batch}`,
    pending: (count) =>
      count === 1 ? '1 transaction waits for the host' : `${count} transactions wait for the host`,
  },
  menu: { title: 'Menu', phoneRead: 'Phone read. Choose a transaction' },
  service: {
    title: 'Service',
    inUse: 'A technician is servicing the terminal. Please wait.',
    testing: {
      reader: 'Testing the card reader',
      keypad: 'Testing the keypad',
      printer: 'Testing the printer',
    },
  },
  tapCard: { title: 'Read phone', tapPhone: 'Tap your phone', holdPhone: 'Hold it on the reader' },
  amount: { prompt: { sale: 'Enter the amount', refund: 'Enter the refund amount' } },
  pin: { prompt: 'Enter your PIN' },
  code: {
    title: 'SMS code',
    sentTo: (number) => `Code sent to ${number}`,
    prompt: 'Enter the code from the SMS',
    timeLeft: (mmss) => `Time left ${mmss}`,
    attemptsLeft: (count) => `${plural(count, 'try', 'tries')} left`,
  },
  approved: {
    titles: { sale: 'Sale approved', void: 'Void approved', refund: 'Refund approved' },
    printing: 'Printing the slip...',
    printsByItself: 'The slip prints once that is fixed',
  },
  balance: { title: 'Balance', label: 'Available balance' },
  declined: {
    title: 'Declined',
    unknownTitle: 'Outcome unknown',
    noReason: 'The transaction did not go through',
  },
  locked: {
    title: 'Account locked',
    why: 'Too many wrong PINs or codes',
    until: 'Unlocks at',
    later: 'Please try again later',
  },
  cancelled: { title: 'Cancelled', noReason: 'The transaction was cancelled' },
  notice: { title: 'Notice', noReason: 'That could not be done' },
  signInRetry: {
    title: 'Sign-in failed',
    failures: (count) =>
      count === 1 ? 'Failed once; retrying soon' : `Failed ${count} times; retrying soon`,
    noReason: 'Could not sign in',
  },
  recovery: {
    title: 'Unfinished transactions',
    outcomes: {
      printed: 'slip printed',
      reversed: 'undone',
      declined: 'declined',
      refused: 'undo refused: check',
      pending: 'waits for host',
    },
    pendingLeft: (count) =>
      count === 1 ? '1 still waits for the host' : `${count} still wait for the host`,
    more: (count) => `${count} more not shown`,
  },
  cardError: {
    title: 'Phone not read',
    tapAgain: 'Tap again, or OK to go back',
    noReason: 'Could not read the phone',
  },
  supervisor: { prompt: 'Supervisor password' },
  voidTrace: { prompt: 'Trace number of the sale' },
  voidConfirm: { question: 'Void this sale?' },
  refundReference: { prompt: 'Reference of the sale (12 digits)' },
  settle: {
    title: 'Settlement',
    count: (kind, count) =>
      kind === 'sale'
        ? plural(count, 'sale', 'sales')
        : kind === 'void'
          ? plural(count, 'void', 'voids')
          : plural(count, 'refund', 'refunds'),
    question: 'Settle this batch?',
  },
  settlement: {
    title: 'Settlement result',
    results: { balanced: 'Balanced', out_of_balance: 'Out of balance' },
    terminal: 'Terminal',
    host: 'Host',
    rows: {
      saleCount: 'Sales',
      saleTotal: 'Sales total',
      voidCount: 'Voids',
      refundCount: 'Refunds',
      refundTotal: 'Refund total',
    },
    nextBatch: (batch) => `Next batch ${batch}`,
  },
  reasons: {
    VALIDATION_FAILED: 'The host refused the request data. Call support.',
    TERMINAL_UNKNOWN: 'The host does not know this terminal. Call support.',
    SIGNATURE_INVALID: 'Terminal key check failed. Call support.',
    TIMESTAMP_SKEW: 'Terminal clock is wrong. Call support.',
    NONCE_REPLAYED: 'The host refused a repeated request. Try again.',
    TERMINAL_DISABLED: 'This terminal is disabled. Call support.',
    PIN_INCORRECT: ({ attemptsLeft }) =>
      attemptsLeft === undefined
        ? 'Wrong PIN'
        : attemptsLeft === 0
          ? 'Wrong PIN, no tries left'
          : `Wrong PIN, ${plural(attemptsLeft, 'try', 'tries')} left`,
    PIN_BLOCK_INVALID: 'The host could not read the PIN. Start again.',
    OTP_INCORRECT: ({ attemptsLeft }) =>
      attemptsLeft === undefined
        ? 'Wrong code'
        : attemptsLeft === 0
          ? 'Wrong code, no tries left'
          : `Wrong code, ${plural(attemptsLeft, 'try', 'tries')} left`,
    OTP_EXPIRED: 'The code has expired. Start again.',
    ACCOUNT_LOCKED: ({ until }) =>
      until === undefined ? 'Account locked. Try again later.' : `Account locked until ${until}`,
    CARD_UNKNOWN: "This phone's account is not registered",
    PAYMENT_NOT_FOUND: 'The host cannot find this payment',
    INSUFFICIENT_FUNDS: 'Not enough money in the account',
    IDEMPOTENCY_CONFLICT: 'Clashes with an earlier request. Start again.',
    PAYMENT_STATE: 'This payment cannot be changed now',
    BATCH_CLOSED: 'The batch was closed. Signing in again.',
    RESEND_LIMIT: 'No more new codes can be sent',
    RESEND_TOO_SOON: ({ retryAfterSeconds }) =>
      retryAfterSeconds === undefined
        ? 'Too soon for a new code. Wait a little.'
        : `Wait ${retryAfterSeconds} s before asking for a new code`,
    SMS_UNAVAILABLE: 'SMS cannot be sent now. Try later.',
    INTERNAL: 'The host had an error. Try again later.',
    CONFIG_INVALID: 'Terminal setup is wrong. Call support.',
    MONEY_INVALID: 'Invalid amount',
    MONEY_OVERFLOW: 'Amount too large',
    CURRENCY_MISMATCH: 'The currencies do not match',
    HOST_UNREACHABLE: 'Cannot reach the host. Check the network.',
    HOST_TIMEOUT: 'Outcome unknown: do not repeat it. The terminal will check.',
    HOST_REPLY_INVALID: 'Unreadable reply from the host. Call support.',
    CARD_REMOVED: 'The phone was taken away too soon',
    CARD_NOT_SUPPORTED: 'This phone has no ComboPay payment',
    CARD_UNREADABLE: 'The phone could not be read',
    READER_UNAVAILABLE: 'The card reader is not working',
    PRINTER_PAPER_OUT: 'The printer is out of paper. Load paper.',
    PRINTER_COVER_OPEN: 'The printer cover is open. Close it.',
    PRINTER_UNAVAILABLE: 'The printer does not answer',
    KEYPAD_UNAVAILABLE: 'The keypad does not answer',
    MODEM_UNAVAILABLE: 'The modem does not answer',
    MODEM_TIMEOUT: 'The modem is too slow to answer',
    MODEM_ERROR: 'The modem reported an error',
    SIM_ERROR: 'SIM card missing or locked',
    JOURNAL_CORRUPT: 'Transaction log damaged. Call support.',
    BATCH_FULL: 'The batch is full. Settle first.',
    TRANSACTION_NOT_FOUND: 'No such transaction',
    NOTHING_TO_REPRINT: 'No slip to reprint yet',
    SUPERVISOR_PASSWORD_WRONG: ({ attemptsLeft }) =>
      attemptsLeft === undefined || attemptsLeft === 0
        ? 'Wrong supervisor password'
        : `Wrong password, ${plural(attemptsLeft, 'try', 'tries')} left`,
    SUPERVISOR_LOCKED: ({ until }) =>
      until === undefined ? 'Password locked. Try again later.' : `Password locked until ${until}`,
    PENDING_WORK: ({ pendingLeft }) =>
      pendingLeft === undefined || pendingLeft === 0
        ? 'A transaction waits for the host. Try later.'
        : `${plural(pendingLeft, 'transaction waits', 'transactions wait')} for the host. Try later.`,
    CONSOLE_LOGIN_REQUIRED: 'The technician console is not signed in.',
    CONSOLE_PASSWORD_WRONG: 'Wrong technician password.',
    CONSOLE_LOCKED: 'The technician console is locked. Try again later.',
    CONSOLE_BUSY: 'The technician console is busy.',
    CONSOLE_TIMEOUT: 'Nothing happened in time.',
    TERMINAL_BUSY: 'The terminal is in use. Try again when it is idle.',
    AMOUNT_ZERO: 'The amount cannot be zero',
    AMOUNT_OVER_LIMIT: ({ limit }) =>
      limit === undefined ? 'Amount over the limit' : `Amount over the limit of ${limit}`,
    PIN_TOO_SHORT: 'The PIN has 6 digits',
    CODE_TOO_SHORT: 'The code has 6 digits',
    CODE_RESENT: 'A new code was sent',
    PASSWORD_EMPTY: 'Key the password first',
    TRACE_EMPTY: 'Enter a valid trace number',
    REFERENCE_INCOMPLETE: 'The reference has 12 digits',
    TIMED_OUT: 'No key for a while: cancelled',
    CANCELLED: 'Cancelled with the CANCEL key',
    CODE_TIMED_OUT: 'Code not entered in time: payment cancelled',
    SUPERVISOR_LOCKED_OUT: 'Too many wrong passwords. Stopped.',
    UNEXPECTED_ERROR: 'Terminal error. Please try again.',
  },
  resolutions: {
    reversed: 'Not completed: undone, nothing charged',
    pending: 'Still no reply: outcome unknown. Do not repeat it.',
    refused: 'The host refused to undo it: check if the customer was charged',
  },
  unknownReason: (code) => `Error (code ${code})`,
  status: {
    signal: (bars) => [`SIG ${bars}`, bars],
    noNetwork: ['NO NETWORK', 'NO NET'],
    host: { up: ['HOST ok'], down: ['HOST down'], unknown: ['HOST --'] },
    paper: {
      ok: ['PAPER ok'],
      out: ['NO PAPER'],
      coverOpen: ['COVER OPEN', 'LID OPEN'],
      offline: ['PRINTER OFF', 'PRN OFF'],
    },
  },
  sim: {
    keymapTitle: 'Keys',
    keymap: [
      '0-9        digits',
      'Enter      OK',
      'Backspace  BKSP (delete one)',
      'Delete     CLEAR (delete all)',
      'Esc        CANCEL',
      'F1-F4      function keys',
      'T          tap the phone on the reader',
      'P          pull the phone away',
      'PgUp/PgDn  scroll the slip',
      'Ctrl-C     quit',
    ],
    phoneTitle: (msisdn) => `Phone ${msisdn}`,
    inboxTitle: 'Messages',
    slipsTitle: 'Slips',
    phoneOnReader: 'Phone on the reader',
    phoneAway: 'Phone away from the reader',
    supervisorHint: (password) => `Supervisor password: ${password}`,
    emptyInbox: 'No messages yet',
    noSlips: 'No slips yet',
  },
};
