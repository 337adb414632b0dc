/**
 * What a linkage run writes: pairs.csv (every link: ids, probability, weight, then each
 * comparison's level), clusters.csv (every record and its cluster) and model.json.
 */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { gammaColumn, type ModelComparison } from './comparisonLevels.js';
import { modelJson, type LinkageModel } from './linkageModel.js';
import { quoteLiteral } from './sqlText.js';

export async function writePairs(connection: DuckDBConnection, dir: string, comparisons: ModelComparison[], threshold: number): Promise<number> {
  const gammas = comparisons.map((c, k) => `p.g${k} AS ${gammaColumn(c)}`).join(', ');
  await connection.run(`COPY (
    SELECT l.__id AS left_id, r.__id AS right_id, round(p.match_probability, 6) AS match_probability, round(p.match_weight, 4) AS match_weight, ${gammas}
    FROM scored_pairs p JOIN records l ON l.__row = p.left_row JOIN records r ON r.__row = p.right_row
    WHERE p.match_probability >= ${threshold} ORDER BY p.left_row, p.right_row
  ) TO ${quoteLiteral(join(dir, 'pairs.csv'))} (HEADER, DELIMITER ',')`);
  return Number((await connection.runAndReadAll(`SELECT count(*) FROM scored_pairs WHERE match_probability >= ${threshold}`)).getRows()[0]![0]);
}

/** record_id,cluster_id; when linking two files a third column, source, names the file of the record. */
export async function writeClusters(connection: DuckDBConnection, dir: string, files: string[]): Promise<void> {
  const source = files.length > 1 ? `, CASE r.__source WHEN 0 THEN ${quoteLiteral(basename(files[0]!))} ELSE ${quoteLiteral(basename(files[1]!))} END AS source` : '';
  await connection.run(`COPY (
    SELECT r.__id AS record_id, c.cluster_id${source} FROM records r JOIN record_clusters c USING (__row) ORDER BY r.__row
  ) TO ${quoteLiteral(join(dir, 'clusters.csv'))} (HEADER, DELIMITER ',')`);
}

export function writeModel(dir: string, model: LinkageModel, comparisons: ModelComparison[]): void {
  writeFileSync(join(dir, 'model.json'), `${JSON.stringify(modelJson(model, comparisons), null, 2)}\n`);
}
