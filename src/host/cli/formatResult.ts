/**
 * A command's result for a person (or JSON with `--json`): an object as `key: value` lines,
 * a list as one line per item, the outbox as `time  to  text`. Money objects print as
 * `1250 CNY` (minor units, as the commands take them).
 */
export function formatResult(command: string, result: unknown, json: boolean): string {
  if (json) return `${JSON.stringify(result, null, 2)}\n`;
  if (command === 'sms outbox' && Array.isArray(result)) {
    const messages = result as { to: string; text: string; createdAt: string }[];
    if (messages.length === 0) return '(no messages)\n';
    return messages.map((m) => `${m.createdAt}  ${m.to}  ${m.text}\n`).join('');
  }
  if (Array.isArray(result)) {
    if (result.length === 0) return '(none)\n';
    return result.map((item) => `${inline(item)}\n`).join('');
  }
  const lines = Object.entries(result as Record<string, unknown>).map(
    ([key, value]) => `${key}: ${scalar(value)}`,
  );
  if (command === 'terminals add')
    lines.push('', 'The key is shown only this once: put it in the terminal config now.');
  return `${lines.join('\n')}\n`;
}

function inline(item: unknown): string {
  return Object.entries(item as Record<string, unknown>)
    .filter(([, value]) => value !== null)
    .map(([key, value]) => `${key}=${scalar(value)}`)
    .join('  ');
}

function scalar(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'value' in value && 'currency' in value) {
    const money = value as { value: number; currency: string };
    return `${money.value} ${money.currency}`;
  }
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
