import { ControlError } from './ControlError.js';
import type {
  ConfigSetResult,
  ConfigShowResult,
  JournalEntryView,
  SettlePreviewResult,
  SettleResult,
  StatusResult,
} from '../control/controlProtocol.js';
import type { FakeCall, FakeControlServerOptions } from './FakeControlServer.js';

/** A `status` result of a healthy terminal. */
export const SAMPLE_STATUS: StatusResult = {
  version: '0.1.0',
  terminalId: 'T0000001',
  merchant: { id: 'M000000000001', name: 'Corner Shop' },
  flow: { state: 'idle', batch: '000012' },
  host: { url: 'https://host.example:8443', reachable: true, latencyMs: 42 },
  modem: {
    available: true,
    signalBars: 4,
    rssi: 21,
    registration: 'registered',
    operator: 'CHINA MOBILE',
  },
  reader: { present: true },
  printer: { paper: 'ok', coverOpen: false, online: true },
  journal: { total: 120, open: 3, reversalsPending: 1 },
  uptimeSeconds: 93_784,
};

/** A sale, approved. */
export const SAMPLE_ENTRY: JournalEntryView = {
  id: 42,
  type: 'sale',
  batch: '000012',
  trace: '000105',
  state: 'approved',
  amount: '12.50 CNY',
  account: '****1234',
  reference: '000000123456',
  authCode: 'A1B2C3',
  voided: false,
  createdAt: '2026-03-01T08:15:00.000Z',
  updatedAt: '2026-03-01T08:15:03.000Z',
  approvedAt: '2026-03-01T08:15:03.000Z',
};

const CONFIG: ConfigShowResult = {
  file: '/etc/pos-terminal/config.json',
  entries: [
    { path: 'host.url', value: '"https://host.example:8443"', source: 'file' },
    { path: 'flow.inactivityMs', value: '60000', source: 'default' },
    { path: 'console.passwordHash', value: '"(set)"', source: 'file' },
    { path: 'logLevel', value: '"info"', source: 'env POS_LOG_LEVEL' },
  ],
};

const FIGURES = {
  counts: { sale: 3, void: 1, refund: 0 },
  totals: { sale: '36.00 CNY', refund: '0.00 CNY' },
};

/** Resolves after `ms`, or when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves when `signal` aborts. */
function untilCancelled(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => {
      resolve();
    });
  });
}

function logLine(msg: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    level: 30,
    time: Date.parse('2026-03-01T08:15:00Z'),
    pid: 1,
    hostname: 'pos',
    name: 'terminal',
    msg,
    ...extra,
  });
}

type Request<Op extends string> = Extract<FakeCall['request'], { op: Op }>;

/**
 * Plausible answers to every operation, for the console's end-to-end test and for trying the
 * console by hand. `testReader` taps a card after 300 ms unless cancelled; `testKeypad` sends
 * keys 5, 0, OK and then waits for `cancel`; `logsTail` with `follow` sends a line every
 * 200 ms until `cancel`; `configSet` refuses `flow.inactivityMs` below 1000.
 */
export function sampleFakeHandlers(): NonNullable<FakeControlServerOptions['handlers']> {
  let settled = false;
  return {
    status: () => SAMPLE_STATUS,
    testReader: async ({ event, cancelled }) => {
      event({ type: 'waiting' });
      await pause(300, cancelled);
      if (cancelled.aborted) throw new ControlError('CONSOLE_TIMEOUT', 'cancelled: no card read');
      event({
        type: 'card',
        uid: '04A1B2C3D4E5F6',
        atr: '3B8F8001804F0CA0000003060300030000000068',
      });
      return {
        uid: '04A1B2C3D4E5F6',
        atr: '3B8F8001804F0CA0000003060300030000000068',
        applet: { ok: true, tokenLength: 32, tokenFingerprint: '9f86d081' },
      };
    },
    testPrinter: () => ({
      printed: true,
      status: { paper: 'ok', coverOpen: false, online: true },
    }),
    testKeypad: async ({ event, cancelled }) => {
      for (const key of ['5', '0', 'OK']) {
        await pause(50, cancelled);
        event({ type: 'key', key });
      }
      await untilCancelled(cancelled);
      return { keys: 3 };
    },
    modemAt: ({ request }) => {
      const { command } = request as Request<'modemAt'>;
      if (command.toUpperCase() === 'AT+CSQ') return { lines: ['+CSQ: 21,99', 'OK'] };
      throw new ControlError('MODEM_ERROR', 'the modem answered ERROR');
    },
    configShow: () => CONFIG,
    configSet: ({ request }) => {
      const { path, value } = request as Request<'configSet'>;
      if (path === 'flow.inactivityMs' && typeof value === 'number' && value < 1000) {
        throw new ControlError('CONFIG_INVALID', 'flow.inactivityMs: must be at least 1000');
      }
      const result: ConfigSetResult = {
        path,
        before: CONFIG.entries.find((entry) => entry.path === path)?.value ?? '"(default)"',
        after: value === null ? '"(default)"' : JSON.stringify(value),
        restartNeeded: true,
        overriddenBy: path === 'logLevel' ? 'POS_LOG_LEVEL' : undefined,
      };
      return result;
    },
    journalList: () => ({
      entries: [
        SAMPLE_ENTRY,
        {
          ...SAMPLE_ENTRY,
          id: 41,
          type: 'balance',
          amount: undefined,
          trace: '000104',
          reference: undefined,
        },
      ],
    }),
    journalShow: ({ request }) => {
      const { entry } = request as Request<'journalShow'>;
      if (entry !== SAMPLE_ENTRY.id) {
        throw new ControlError('TRANSACTION_NOT_FOUND', `no journal entry ${entry}`);
      }
      return { entry: SAMPLE_ENTRY };
    },
    logsTail: async ({ request, event, cancelled }) => {
      const { follow } = request as Request<'logsTail'>;
      const lines = [logLine('terminal started'), 'not json at all'];
      if (!follow) return { lines };
      // As the terminal does: with follow, the tail comes as events first, then new lines.
      for (const line of lines) event({ type: 'line', line });
      // A function, so the checks after each await are not narrowed away.
      const stopped = (): boolean => cancelled.aborted;
      for (let n = 1; !stopped(); n += 1) {
        await pause(200, cancelled);
        if (!stopped()) event({ type: 'line', line: logLine('heartbeat', { n }) });
      }
      return { lines: [] };
    },
    signIn: () => ({ batch: '000012', merchant: { id: 'M000000000001', name: 'Corner Shop' } }),
    settlePreview: (): SettlePreviewResult => ({
      batch: '000012',
      figures: FIGURES,
      reversalsPending: 1,
    }),
    settle: (): SettleResult => {
      const result: SettleResult = settled
        ? {
            batch: '000013',
            result: 'balanced',
            terminal: FIGURES,
            host: FIGURES,
            nextBatch: '000014',
          }
        : {
            batch: '000012',
            result: 'out_of_balance',
            terminal: FIGURES,
            host: { ...FIGURES, totals: { sale: '24.00 CNY', refund: '0.00 CNY' } },
            nextBatch: '000013',
          };
      settled = true;
      return result;
    },
  };
}
