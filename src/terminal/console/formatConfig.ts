import type { ConfigSetResult, ConfigShowResult } from '../control/controlProtocol.js';
import { displayWidth } from '../../core/displayWidth.js';
import { padColumns } from './formatTable.js';

/** `config show`: `path = value   (source)`, aligned. */
export function formatConfigShow(config: ConfigShowResult): string[] {
  const pathWidth = Math.max(0, ...config.entries.map((entry) => displayWidth(entry.path)));
  const valueWidth = Math.max(0, ...config.entries.map((entry) => displayWidth(entry.value)));
  return [
    `Config file ${config.file}`,
    ...config.entries.map(
      (entry) =>
        `${padColumns(entry.path, pathWidth)} = ${padColumns(entry.value, valueWidth)}   (${entry.source})`,
    ),
  ];
}

/** `config set`: before → after, the restart note and an environment override's warning. */
export function formatConfigSet(result: ConfigSetResult): string[] {
  const lines = [
    `${result.path}: ${result.before} -> ${result.after}`,
    'Saved. The terminal uses it after a restart (type restart).',
  ];
  if (result.overriddenBy !== undefined) {
    lines.push(
      `Warning: the environment variable ${result.overriddenBy} is set and wins over the file:`,
      `the terminal keeps using the variable's value until it is removed.`,
    );
  }
  return lines;
}
