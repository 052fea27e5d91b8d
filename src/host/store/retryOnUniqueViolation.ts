/** True for PostgreSQL's `unique_violation` (SQLSTATE 23505), from pg or PGlite. */
export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505'
  );
}

/**
 * Runs `work` (a whole transaction) and runs it once more if it lost a race on a unique key:
 * the second run finds the winner's row and answers from it (a replay or a conflict).
 */
export async function retryOnUniqueViolation<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return work();
  }
}
