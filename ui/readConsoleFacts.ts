import { readFileSync } from 'node:fs';
import type { ConsoleFacts } from './consoleLanguage.js';

/** The parent pid from `/proc/<pid>/stat` (field 4, after the parenthesised command name). */
function parentOf(pid: number, procRoot: string): number | undefined {
  try {
    const stat = readFileSync(`${procRoot}/${String(pid)}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const parent = Number(fields[1]);
    return Number.isInteger(parent) && parent > 0 ? parent : undefined;
  } catch {
    return undefined;
  }
}

function nameOf(pid: number, procRoot: string): string | undefined {
  try {
    return readFileSync(`${procRoot}/${String(pid)}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * The facts `chooseDisplayLanguage` needs, from the environment and `/proc`: the names of up to
 * 32 ancestors of `pid`, nearest first. Where `/proc` cannot be read the list is just shorter.
 */
export function readConsoleFacts(
  env: Readonly<Record<string, string | undefined>> = process.env,
  pid: number = process.pid,
  procRoot = '/proc',
): ConsoleFacts {
  const ancestors: string[] = [];
  let current = parentOf(pid, procRoot);
  while (current !== undefined && current > 1 && ancestors.length < 32) {
    const name = nameOf(current, procRoot);
    if (name !== undefined) ancestors.push(name);
    current = parentOf(current, procRoot);
  }
  return { term: env.TERM, override: env.POS_TERMINAL_CJK_CONSOLE, ancestors };
}
