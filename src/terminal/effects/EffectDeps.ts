import type { Clock } from '../../core/clock.js';
import type { Currency } from '../../core/currencies.js';
import type { Logger } from '../../core/logger.js';
import type { CardReader } from '../../../drivers/nfc/CardReader.js';
import type { Printer } from '../../../drivers/printer/Printer.js';
import type { HostClient } from '../hostClient/HostClient.js';
import type { Journal } from '../journal/Journal.js';
import type { SupervisorCheck } from './supervisorPassword.js';
import type { TerminalSession } from './TerminalSession.js';

/** Everything the flow's effects need; built once by `createTerminal`. */
export interface EffectDeps {
  host: HostClient;
  journal: Journal;
  reader: CardReader;
  printer: Printer;
  clock: Clock;
  logger: Logger;
  session: TerminalSession;
  supervisor: SupervisorCheck;
  /** Currency of this terminal's amounts and batch totals. */
  currency: Currency;
  /** Slip language and the operator printed on slips. */
  language: 'zh-CN' | 'en';
  operator: string;
}
