import type { ConsoleTerminal } from './ConsoleTerminal.js';
import { ConnectionLostError } from './ConnectionLostError.js';
import type { ClientRequest, ControlClient, ControlEvent } from './ControlClient.js';
import { ControlError } from './ControlError.js';
import { formatConfigSet, formatConfigShow } from './formatConfig.js';
import { formatJournalEntry, formatJournalTable } from './formatJournal.js';
import { formatLogLine } from './formatLogLine.js';
import { formatSettlePreview, formatSettleResult } from './formatSettle.js';
import { formatPrinterStatus, formatStatus } from './formatStatus.js';
import { helpText, type ConsoleCommand } from './parseConsoleCommand.js';

/** What a command needs: the technician's terminal, the connection, the idle limit. */
export interface CommandContext {
  terminal: ConsoleTerminal;
  client: ControlClient;
  /** For the confirmations' wait. */
  idleMs: number;
}

/**
 * How a command ended for the session: go on, or end the session (`logout`), or what a
 * confirmation's wait met (`idle`, `end` of input, `wake`), or the connection was lost.
 */
export type CommandOutcome = 'continue' | 'logout' | 'idle' | 'end' | 'wake' | 'lost';

/** Asks a yes/no question (no history); undefined when the wait ended otherwise. */
async function confirm(
  context: CommandContext,
  question: string,
): Promise<boolean | Exclude<CommandOutcome, 'continue' | 'logout' | 'lost'>> {
  const answer = await context.terminal.readLine({
    prompt: question,
    echo: true,
    idleMs: context.idleMs,
  });
  switch (answer.kind) {
    case 'line':
      return /^(y|yes)$/i.test(answer.text.trim());
    case 'eof':
    case 'interrupt':
      return false;
    case 'idle':
    case 'end':
    case 'wake':
      return answer.kind;
  }
}

function eventText(event: ControlEvent, key: string): string {
  const value = event[key];
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Runs a streaming request: Ctrl-C sends `cancel`. */
function streaming<T>(context: CommandContext, run: () => Promise<T>): Promise<T> {
  const { client, terminal } = context;
  return terminal.busy(run, () => {
    terminal.println('^C');
    client.cancel().catch(() => undefined);
  });
}

async function execute(command: ConsoleCommand, context: CommandContext): Promise<CommandOutcome> {
  const { terminal, client } = context;
  const print = (...lines: string[]): void => {
    terminal.println(...lines);
  };
  // Keys typed while a request runs are dropped (Ctrl-C aside).
  const call = <T>(run: () => Promise<T>): Promise<T> => terminal.busy(run);
  switch (command.kind) {
    case 'empty':
      return 'continue';
    case 'error':
      print(`error: ${command.message}`);
      if (command.usage !== undefined) print(`usage: ${command.usage.replace(/\n/g, '\n       ')}`);
      return 'continue';
    case 'help':
      print(...helpText(command.topic));
      return 'continue';
    case 'logout':
      return 'logout';
    case 'status':
      print(...formatStatus(await call(() => client.request({ op: 'status' }))));
      return 'continue';
    case 'testReader': {
      const result = await streaming(context, () =>
        client.request({ op: 'testReader' }, (event) => {
          if (event.type === 'waiting') print('Tap a phone on the reader (Ctrl-C stops)...');
          else if (event.type === 'card') {
            print(`Card: UID ${eventText(event, 'uid')}  ATR ${eventText(event, 'atr')}`);
          }
        }),
      );
      const applet = result.applet;
      print(
        applet.ok
          ? `Applet: account token of ${applet.tokenLength} bytes, fingerprint ${applet.tokenFingerprint}`
          : `Applet: error ${applet.code}: ${applet.message}`,
      );
      return 'continue';
    }
    case 'testPrinter': {
      const result = await call(() => client.request({ op: 'testPrinter' }));
      print('Test page printed.', `Printer: ${formatPrinterStatus(result.status)}`);
      return 'continue';
    }
    case 'testKeypad': {
      print('Press keys on the keypad (Ctrl-C ends)...');
      const result = await streaming(context, () =>
        client.request({ op: 'testKeypad' }, (event) => {
          if (event.type === 'key') print(`key ${eventText(event, 'key')}`);
        }),
      );
      print(`${result.keys} key${result.keys === 1 ? '' : 's'} pressed.`);
      return 'continue';
    }
    case 'modemAt': {
      const result = await call(() => client.request({ op: 'modemAt', command: command.command }));
      print(...(result.lines.length === 0 ? ['(no reply)'] : result.lines));
      return 'continue';
    }
    case 'configShow':
      print(...formatConfigShow(await call(() => client.request({ op: 'configShow' }))));
      return 'continue';
    case 'configSet': {
      const value = command.value as Extract<ClientRequest, { op: 'configSet' }>['value'];
      const result = await call(() =>
        client.request({ op: 'configSet', path: command.path, value }),
      );
      print(...formatConfigSet(result));
      return 'continue';
    }
    case 'journalList': {
      const request = {
        op: 'journalList' as const,
        ...(command.limit === undefined ? {} : { limit: command.limit }),
        ...(command.batch === undefined ? {} : { batch: command.batch }),
      };
      const result = await call(() => client.request(request));
      print(...formatJournalTable(result.entries));
      return 'continue';
    }
    case 'journalShow': {
      const result = await call(() => client.request({ op: 'journalShow', entry: command.entry }));
      print(...formatJournalEntry(result.entry));
      return 'continue';
    }
    case 'logsTail': {
      const lines = command.lines === undefined ? {} : { lines: command.lines };
      if (!command.follow) {
        const tail = await call(() => client.request({ op: 'logsTail', ...lines }));
        print(...tail.lines.map(formatLogLine));
        return 'continue';
      }
      print('-- following; Ctrl-C stops --');
      // With follow, the tail comes as events too, then each new line: one request, no gap.
      await streaming(context, () =>
        client.request({ op: 'logsTail', ...lines, follow: true }, (event) => {
          if (event.type === 'line') print(formatLogLine(eventText(event, 'line')));
        }),
      );
      return 'continue';
    }
    case 'signIn': {
      print('Signing in to the host...');
      const result = await call(() => client.request({ op: 'signIn' }));
      print(
        `Signed in. Batch ${result.batch}, merchant ${result.merchant.id} ${result.merchant.name}.`,
      );
      return 'continue';
    }
    case 'settle': {
      const preview = await call(() => client.request({ op: 'settlePreview' }));
      print(...formatSettlePreview(preview));
      const yes = await confirm(context, `Settle batch ${preview.batch} now? [y/N] `);
      if (typeof yes === 'string') return yes;
      if (!yes) {
        print('Not settled.');
        return 'continue';
      }
      print('Settling with the host...');
      print(...formatSettleResult(await call(() => client.request({ op: 'settle' }))));
      return 'continue';
    }
    case 'restart': {
      const yes = await confirm(context, 'Restart the terminal now? [y/N] ');
      if (typeof yes === 'string') return yes;
      if (!yes) {
        print('Not restarted.');
        return 'continue';
      }
      await call(() => client.request({ op: 'restart' }));
      print('The terminal restarts now; this console connection ends.');
      return 'continue';
    }
  }
}

/**
 * Runs one parsed command line: the request(s), the output, confirmations. A refused request
 * prints `error CODE: message` (never a stack); a lost connection returns `lost`.
 */
export async function runConsoleCommand(
  command: ConsoleCommand,
  context: CommandContext,
): Promise<CommandOutcome> {
  try {
    return await execute(command, context);
  } catch (error) {
    if (error instanceof ConnectionLostError) return 'lost';
    if (error instanceof ControlError) {
      context.terminal.println(`error ${error.code}: ${error.message}`);
    } else {
      context.terminal.println(`error: ${error instanceof Error ? error.message : String(error)}`);
    }
    return 'continue';
  }
}
