/**
 * Reads a value out of a parsed JSON reply by a simple path: dotted names and array indexes,
 * optionally starting with `$`: `messages[0].id`, `$.messages.0.id`, `result.status`.
 * Undefined when any step is missing. Enough for gateways' replies; not full JSONPath.
 */
export function readJsonPath(document: unknown, path: string): unknown {
  let current: unknown = document;
  for (const step of jsonPathSteps(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(step)) return undefined;
      current = current[Number(step)];
    } else {
      if (!Object.hasOwn(current, step)) return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

/** The steps of a path, or throws when it is not one (used by config validation). */
export function jsonPathSteps(path: string): string[] {
  const trimmed = path.replace(/^\$\.?/, '');
  if (trimmed === '') return [];
  const steps = trimmed.replace(/\[(\d+)\]/g, '.$1').split('.');
  if (steps.some((step) => step === '' || /[[\]]/.test(step))) {
    throw new Error(`not a path of names and indexes: ${path}`);
  }
  return steps;
}
