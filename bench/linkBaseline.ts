/**
 * The baseline beside `dx link` in the link benchmark: the same files loaded into DuckDB and
 * joined exactly on the columns of the same blocking rules (no comparisons, no training, no
 * name forms), counting the pairs. Run as a child, as dx is, so that its memory is its own.
 * Usage: node linkBaseline.js CONFIG A.csv [B.csv]
 */
import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadLinkageConfig } from '../src/link/linkageConfig.js';
import { quoteIdentifier, quoteLiteral } from '../src/link/sqlText.js';

const [configFile, ...files] = process.argv.slice(2);
const config = loadLinkageConfig(configFile!);
const rusageFile = process.env.DX_RUSAGE_FILE;
if (rusageFile) process.once('exit', () => {
  const usage = process.resourceUsage();
  writeFileSync(rusageFile, JSON.stringify({ maxRssKb: usage.maxRSS, userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000 }));
});

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const read = (file: string, source: number) => `SELECT ${source} AS __source, row_number() OVER () AS __row, * FROM read_csv(${quoteLiteral(file)}, header=true, all_varchar=true)`;
await connection.run(`CREATE TABLE records AS ${files.map((f, i) => read(f, i)).join(' UNION ALL ')}`);
const scope = files.length === 1 ? 'l.__row < r.__row' : 'l.__source = 0 AND r.__source = 1';
const condition = (rule: (typeof config.blockingRules)[number]) => rule.map((k) => `l.${quoteIdentifier(k.column)} = r.${quoteIdentifier(k.column)}`).join(' AND ');
const selects = config.blockingRules.map((rule, i) => `SELECT l.__row, r.__row FROM records l JOIN records r ON ${condition(rule)} WHERE ${scope}${config.blockingRules.slice(0, i).map((earlier) => ` AND NOT coalesce(${condition(earlier)}, false)`).join('')}`);
const pairs = (await connection.runAndReadAll(`SELECT count(*) FROM (${selects.join(' UNION ALL ')})`)).getRows()[0]![0];
process.stdout.write(`${String(pairs)}\n`);
connection.closeSync();
instance.closeSync();
