/**
 * Clusters: the connected components of the links (pairs at or above the threshold), found by
 * union-find over row numbers. A cluster's id is its smallest record id (when linking two
 * files, prefixed with the file's number, 1 or 2, so ids of the two files cannot collide), so
 * the same records get the same cluster id in every run, whatever order the rows came in.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export function connectedComponents(size: number, edges: Iterable<readonly [number, number]>): Int32Array {
  const parent = new Int32Array(size);
  for (let i = 0; i < size; i++) parent[i] = i;
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[x] !== root) { const next = parent[x]!; parent[x] = root; x = next; }
    return root;
  };
  for (const [a, b] of edges) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  for (let i = 0; i < size; i++) parent[i] = find(i);
  return parent;
}

/** Fill `record_clusters` (__row, cluster_id) from the links in scored_pairs. Returns the number of clusters. */
export async function clusterRecords(connection: DuckDBConnection, records: number, threshold: number, mode: 'dedupe' | 'link'): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT left_row, right_row FROM scored_pairs WHERE match_probability >= ${threshold}`);
  const [lefts, rights] = [reader.getColumns()[0] ?? [], reader.getColumns()[1] ?? []];
  function* edges(): Generator<[number, number]> {
    for (let i = 0; i < lefts.length; i++) yield [Number(lefts[i]), Number(rights[i])];
  }
  const roots = connectedComponents(records, edges());
  await connection.run('CREATE OR REPLACE TABLE cluster_roots (__row INTEGER, root INTEGER)');
  const appender = await connection.createAppender('cluster_roots');
  for (let i = 0; i < records; i++) { appender.appendInteger(i); appender.appendInteger(roots[i]!); appender.endRow(); }
  appender.closeSync();
  const key = mode === 'link' ? `(r.__source + 1)::VARCHAR || ':' || r.__id` : 'r.__id';
  await connection.run(`CREATE OR REPLACE TABLE record_clusters AS
    SELECT r.__row, min(${key}) OVER (PARTITION BY c.root) AS cluster_id FROM records r JOIN cluster_roots c USING (__row)`);
  return Number((await connection.runAndReadAll('SELECT count(DISTINCT cluster_id) FROM record_clusters')).getRows()[0]![0]);
}
