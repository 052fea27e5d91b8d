import type blessed from 'blessed';

/**
 * blessed's `input` and `output` screen options, typed right: @types/blessed 0.1.27 has the two
 * swapped (input as a Writable, output as a Readable). Absent streams mean the process's tty.
 */
export function ttyStreams(
  input: NodeJS.ReadableStream | undefined,
  output: NodeJS.WritableStream | undefined,
): Pick<blessed.Widgets.IScreenOptions, 'input' | 'output'> {
  const streams: Record<string, unknown> = {};
  if (input !== undefined) streams.input = input;
  if (output !== undefined) streams.output = output;
  return streams;
}
