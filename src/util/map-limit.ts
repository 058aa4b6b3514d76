/**
 * Runs `run` over `items` with at most `limit` calls in flight, keeping the order of the
 * results: parallel enough to avoid N sequential round trips, bounded so one request
 * cannot flood the XMPP server.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
