/**
 * Prints the input events of a keypad, for a technician checking the wiring, the device tree
 * keymap or a USB keypad, and for recording test fixtures:
 *
 *   tsx scripts/keypad/recordEvents.ts /dev/input/event0 [--size 16|24] [--hex]
 *
 * Each line: time, event type, key code, value (1 press, 0 release, 2 repeat) and the terminal
 * key it maps to. `--hex` prints each raw record as hex instead, one per line. Ctrl-C stops.
 * Find the device with `ls -l /dev/input/by-id/` or `cat /proc/bus/input/devices`.
 */
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  EV_KEY,
  InputEventDecoder,
  encodeInputEvent,
  inputEventSizeFor,
  keyPressed,
  keycodeMap,
  type InputEvent,
} from '../../drivers/keypad/evdev.js';

const TYPES: Record<number, string> = { 0: 'EV_SYN', 1: 'EV_KEY', 4: 'EV_MSC' };
const VALUES: Record<number, string> = { 0: 'release', 1: 'press', 2: 'repeat' };

function describeEvent(event: InputEvent, map: ReturnType<typeof keycodeMap>): string {
  const time = new Date(event.seconds * 1000 + Math.floor(event.microseconds / 1000));
  const type = TYPES[event.type] ?? `type ${event.type}`;
  let line = `${time.toISOString()}  ${type.padEnd(7)} code ${String(event.code).padStart(3)}  value ${event.value}`;
  if (event.type === EV_KEY) {
    const key = keyPressed({ ...event, value: 1 }, map);
    line += `  ${VALUES[event.value] ?? ''} ${key ?? '(no terminal key)'}`;
  }
  return line;
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { size: { type: 'string' }, hex: { type: 'boolean', default: false } },
  });
  const [path] = positionals;
  if (path === undefined) {
    console.error('usage: recordEvents.ts /dev/input/eventN [--size 16|24] [--hex]');
    process.exitCode = 2;
    return;
  }
  const decoder = new InputEventDecoder(
    values.size === undefined ? inputEventSizeFor(process.arch) : Number(values.size),
  );
  const map = keycodeMap();
  console.error(`reading ${path} (${decoder.recordSize}-byte records); Ctrl-C stops`);
  createReadStream(path)
    .on('data', (chunk) => {
      for (const event of decoder.push(chunk as Buffer)) {
        if (values.hex) console.log(encodeInputEvent(event, decoder.recordSize).toString('hex'));
        else console.log(describeEvent(event, map));
      }
    })
    .on('error', (error) => {
      console.error(`cannot read ${path}: ${error.message}`);
      process.exitCode = 1;
    })
    .on('end', () => {
      console.error('device closed');
    });
}

main();
