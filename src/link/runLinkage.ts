/**
 * One linkage run, start to end: load the records, derive the forms the comparisons read,
 * train the model (or read one), score the candidate pairs, cluster the links, write the
 * outputs. One file deduplicates; two link across.
 */
import { openDuckDB } from '../store/duckdb.js';
import { mkdirSync } from 'node:fs';
import { modelComparisons } from './comparisonLevels.js';
import { addDerivedColumns } from './derivedColumns.js';
import type { LinkageConfig } from './linkageConfig.js';
import { readLinkageModel, type LinkageModel } from './linkageModel.js';
import { writeClusters, writeModel, writePairs } from './linkageOutputs.js';
import { loadLinkageRecords } from './linkageRecords.js';
import { clusterRecords } from './recordClusters.js';
import { scorePairs } from './scorePairs.js';
import { buildTermFrequencies } from './termFrequencies.js';
import { trainModel } from './trainModel.js';

export interface LinkageRun {
  config: LinkageConfig;
  files: string[];
  outDir: string;
  /** A model.json from an earlier run, used instead of training. */
  modelFile?: string;
  threads?: number;
  log?: (line: string) => void;
}

export interface LinkageSummary {
  mode: 'dedupe' | 'link';
  records: number[];
  candidatePairs: number;
  links: number;
  clusters: number;
  warnings: string[];
  model: LinkageModel;
  seconds: Record<string, number>;
}

export async function runLinkage(run: LinkageRun): Promise<LinkageSummary> {
  if (run.files.length < 1 || run.files.length > 2) throw new Error('dx link takes one file (deduplicate) or two (link across)');
  const log = run.log ?? (() => {});
  const mode = run.files.length === 1 ? 'dedupe' : 'link';
  const seconds: Record<string, number> = {};
  let started = performance.now();
  const lap = (step: string) => { const now = performance.now(); seconds[step] = (now - started) / 1000; started = now; };
  const instance = await openDuckDB(':memory:', run.threads ? { threads: String(run.threads) } : {});
  const connection = await instance.connect();
  try {
    const loaded = await loadLinkageRecords(connection, run.files, run.config);
    for (const warning of loaded.warnings) log(`warning: ${warning}`);
    await addDerivedColumns(connection, run.config);
    lap('load');
    const comparisons = modelComparisons(run.config.comparisons);
    const context = { connection, config: run.config, comparisons, mode, counts: loaded.counts } as const;
    const model = run.modelFile ? readLinkageModel(run.modelFile, comparisons) : await trainModel(context, log);
    lap('train');
    await buildTermFrequencies(connection, comparisons);
    const candidatePairs = await scorePairs(connection, model, comparisons, run.config.blockingRules, mode);
    log(`${candidatePairs} candidate pairs scored`);
    lap('score');
    const total = loaded.counts.reduce((s, n) => s + n, 0);
    const clusters = await clusterRecords(connection, total, run.config.threshold, mode);
    lap('cluster');
    mkdirSync(run.outDir, { recursive: true });
    const links = await writePairs(connection, run.outDir, comparisons, run.config.threshold);
    await writeClusters(connection, run.outDir, run.files);
    writeModel(run.outDir, model, comparisons);
    lap('write');
    return { mode, records: loaded.counts, candidatePairs, links, clusters, warnings: loaded.warnings, model, seconds };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
