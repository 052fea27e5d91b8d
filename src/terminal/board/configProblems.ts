import { isPosError } from '../../core/PosError.js';

interface Issue {
  field: string;
  source: string;
  problem: string;
}

function isIssue(value: unknown): value is Issue {
  const issue = value as Partial<Issue> | null;
  return (
    typeof issue?.field === 'string' &&
    typeof issue.source === 'string' &&
    typeof issue.problem === 'string'
  );
}

/**
 * The lines to show an operator for a `CONFIG_INVALID` error: one per bad field
 * (`devices.reader.kind (file /etc/pos-terminal/config.json): …`), or the error's message when
 * it names no field (an unreadable key file). `undefined` for any other error.
 */
export function configProblems(error: unknown): string[] | undefined {
  if (!isPosError(error) || error.code !== 'CONFIG_INVALID') return undefined;
  const issues = error.details.issues;
  const lines = Array.isArray(issues)
    ? issues
        .filter(isIssue)
        .map(
          (issue) =>
            `${issue.field === '' ? '(whole config)' : issue.field} (${issue.source}): ${issue.problem}`,
        )
    : [];
  return lines.length > 0 ? lines : [error.message];
}
