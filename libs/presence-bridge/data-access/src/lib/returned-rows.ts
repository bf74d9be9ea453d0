/**
 * The rows an `UPDATE … RETURNING` or `DELETE … RETURNING` gave back: TypeORM's `query` hands those
 * statements back as `[rows, affected]` on PostgreSQL (SELECT and INSERT as the rows alone).
 */
export function modifiedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  throw new Error('expected the [rows, affected] result of an UPDATE or DELETE');
}
