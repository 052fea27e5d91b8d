import type { FiguresView, SettlePreviewResult, SettleResult } from '../control/controlProtocol.js';
import { formatTable } from './formatTable.js';

function figureRows(figures: FiguresView): string[][] {
  return [
    ['Sales', String(figures.counts.sale), figures.totals.sale],
    ['Voids', String(figures.counts.void), ''],
    ['Refunds', String(figures.counts.refund), figures.totals.refund],
  ];
}

/** `settle`'s preview: the open batch's figures and the reversals still to send. */
export function formatSettlePreview(preview: SettlePreviewResult): string[] {
  return [
    `Batch ${preview.batch}`,
    ...formatTable(figureRows(preview.figures), [1, 2]).map((line) => `  ${line}`),
    `  Reversals pending: ${preview.reversalsPending}`,
  ];
}

/** `settle`'s result: balanced, or out of balance with both sides' figures; the next batch. */
export function formatSettleResult(result: SettleResult): string[] {
  if (result.result === 'balanced') {
    return [`Batch ${result.batch} settled: balanced.`, `Next batch ${result.nextBatch}.`];
  }
  const terminal = figureRows(result.terminal);
  const host = figureRows(result.host);
  return [
    `Batch ${result.batch} settled: OUT OF BALANCE.`,
    ...formatTable(
      [
        ['', 'TERMINAL', '', 'HOST', ''],
        ...terminal.map((row, i) => [
          row[0] ?? '',
          row[1] ?? '',
          row[2] ?? '',
          host[i]?.[1] ?? '',
          host[i]?.[2] ?? '',
        ]),
      ],
      [1, 2, 3, 4],
    ).map((line) => `  ${line}`),
    `Next batch ${result.nextBatch}.`,
  ];
}
