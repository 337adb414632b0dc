/**
 * For govern (not wired in yet): link the records ID repair left unresolved to the population
 * register, keeping a link only when it is above the threshold and unambiguous (the record's only
 * register candidate above it), with its match weight and each comparison's level and weight,
 * the waterfall a steward reads before accepting or rejecting it. Govern writes both sides as
 * CSV or Parquet (the unresolved records first, the register second) and calls this.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LinkageConfig } from './linkageConfig.js';
import { runLinkage } from './runLinkage.js';

export interface WaterfallStep {
  comparison: string;
  gamma: number;
  label: string;
  matchWeight: number;
}

export interface RegisterLink {
  recordId: string;
  registerId: string;
  matchProbability: number;
  matchWeight: number;
  /** Prior, then each comparison's weight; the term-frequency adjustments are the rest of the total. */
  waterfall: WaterfallStep[];
}

export interface RegisterLinkage {
  links: RegisterLink[];
  /** Records with more than one register candidate above the threshold: left for a steward, not linked. */
  ambiguous: { recordId: string; candidates: string[] }[];
}

interface ModelLevels { probability_two_random_records_match: number; comparisons: { name: string; levels: { gamma: number; label: string; match_weight: number }[] }[] }

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const names = (header ?? '').split(',');
  return lines.filter(Boolean).map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v])));
}

export async function linkToRegister(config: LinkageConfig, unresolvedFile: string, registerFile: string, modelFile?: string): Promise<RegisterLinkage> {
  const dir = mkdtempSync(join(tmpdir(), 'dx-register-link-'));
  try {
    await runLinkage({ config, files: [unresolvedFile, registerFile], outDir: dir, modelFile });
    const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelLevels;
    const lambda = model.probability_two_random_records_match;
    const prior: WaterfallStep = { comparison: 'prior', gamma: 0, label: 'two random records match', matchWeight: Math.log2(lambda / (1 - lambda)) };
    const byRecord = new Map<string, Record<string, string>[]>();
    // Ids are ordinary values here: a comma inside one would shift the columns, so govern passes plain ids.
    for (const pair of parseCsv(readFileSync(join(dir, 'pairs.csv'), 'utf8'))) byRecord.set(pair.left_id!, [...(byRecord.get(pair.left_id!) ?? []), pair]);
    const result: RegisterLinkage = { links: [], ambiguous: [] };
    for (const [recordId, pairs] of byRecord) {
      if (pairs.length > 1) { result.ambiguous.push({ recordId, candidates: pairs.map((p) => p.right_id!) }); continue; }
      const pair = pairs[0]!;
      const waterfall = [prior, ...model.comparisons.map((c) => {
        const gamma = Number(pair[`gamma_${c.name}`]);
        const level = c.levels.find((l) => l.gamma === gamma);
        return { comparison: c.name, gamma, label: level?.label ?? 'missing', matchWeight: level?.match_weight ?? 0 };
      })];
      result.links.push({ recordId, registerId: pair.right_id!, matchProbability: Number(pair.match_probability), matchWeight: Number(pair.match_weight), waterfall });
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
