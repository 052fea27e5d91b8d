/**
 * The demo data the simulator enrolls on its first start, through the host's own admin
 * functions (as `pos-host terminals add` and `pos-host accounts enroll` would).
 */

/** The demo merchant: an id the protocol accepts, a name of at most 80 characters (slips, texts). */
export const DEMO_MERCHANT = { id: 'M0000001', name: 'ComboPay 演示商户 Demo' } as const;

export const DEMO_TERMINAL_ID = 'T0000001';

/** The first customer's phone number; `--fresh-account` takes the next one not enrolled. */
export const DEMO_MSISDN = '13800138000';

/** The first customer's card UID (7 bytes, as the README's session uses). */
export const DEMO_CARD_UID = '04A1B2C3D4E5F6';

/** Opening balance of every demo customer, in fen: ¥1,000.00. */
export const DEMO_BALANCE = 100_000;

/**
 * The supervisor password of the simulated terminal (voids and refunds). It is printed in
 * `--help`: a demo terminal has nothing to protect, and whoever tries the simulator needs it.
 */
export const SIMULATOR_SUPERVISOR_PASSWORD = '2468';

/**
 * The technician console's password of the simulated terminal (`npm run pos-console`), shown
 * beside the supervisor password for the same reason. A board's is 10 to 128 characters.
 */
export const SIMULATOR_TECHNICIAN_PASSWORD = 'service-2468';

/** Who the host's audit log names for what the simulator enrolls. */
export const SIMULATOR_ACTOR = 'simulator';
