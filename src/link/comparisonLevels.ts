/**
 * Comparisons with levels, as Fellegi and Sunter (and Splink) have them: each configured
 * comparison becomes one or more model comparisons, each an ordered list of levels from the
 * most alike down, written as SQL over a pair's left record `l` and right record `r`. A pair's
 * level (gamma) is -1 when either value is missing, 0 when no level holds, and counts up to
 * the most alike level: with k levels, the first is k.
 */
import { comparisonName, type ComparisonConfig, type TextLevel } from './linkageConfig.js';
import { derived } from './derivedColumns.js';
import { quoteIdentifier } from './sqlText.js';

export interface ComparisonLevel {
  label: string;
  sql: string;
}

export interface ModelComparison {
  name: string;
  column: string;
  kind: ComparisonConfig['kind'];
  /** Most alike first. */
  levels: ComparisonLevel[];
  /** True when either side is missing: the comparison says nothing about the pair. */
  nullSql: string;
  /** The column whose value frequencies adjust the first (exact) level, when term frequencies are on. */
  termFrequencyColumn?: string;
}

const side = (alias: 'l' | 'r', columnSql: string) => `${alias}.${columnSql}`;
const both = (columnSql: string, f: (l: string, r: string) => string) => f(side('l', columnSql), side('r', columnSql));
const eitherNull = (columnSql: string) => both(columnSql, (l, r) => `(${l} IS NULL OR ${r} IS NULL)`);

/**
 * Damerau-Levenshtein within n, guarded by cheaper tests it implies (lengths within n, plain
 * Levenshtein within 2n): DuckDB's damerau_levenshtein is several times slower than levenshtein,
 * and most pairs, random or blocked, fail the guards.
 */
export function withinDamerau(l: string, r: string, n: number): string {
  return `(abs(length(${l}) - length(${r})) <= ${n} AND levenshtein(${l}, ${r}) <= ${2 * n} AND damerau_levenshtein(${l}, ${r}) <= ${n})`;
}

const DEFAULT_TEXT_LEVELS: TextLevel[] = [{ damerau_levenshtein: 1 }, { jaro_winkler: 0.9 }, { jaro_winkler: 0.8 }];

function textLevel(level: TextLevel, l: string, r: string): ComparisonLevel {
  if ('jaro_winkler' in level) return { label: `Jaro-Winkler >= ${level.jaro_winkler}`, sql: `jaro_winkler_similarity(${l}, ${r}) >= ${level.jaro_winkler}` };
  if ('jaccard' in level) return { label: `Jaccard >= ${level.jaccard}`, sql: `jaccard(${l}, ${r}) >= ${level.jaccard}` };
  if ('levenshtein' in level) return { label: `Levenshtein <= ${level.levenshtein}`, sql: `levenshtein(${l}, ${r}) <= ${level.levenshtein}` };
  if ('damerau_levenshtein' in level) return { label: `Damerau-Levenshtein <= ${level.damerau_levenshtein}`, sql: withinDamerau(l, r, level.damerau_levenshtein) };
  return { label: 'same words in another order', sql: `list_sort(string_split(${l}, ' ')) = list_sort(string_split(${r}, ' '))` };
}

function textComparison(c: ComparisonConfig & { kind: 'text' | 'exact' }): ModelComparison {
  const col = quoteIdentifier(c.column);
  const [l, r] = [side('l', col), side('r', col)];
  const fuzzy = c.kind === 'text' ? (c.levels ?? DEFAULT_TEXT_LEVELS) : [];
  return {
    name: comparisonName(c), column: c.column, kind: c.kind,
    levels: [{ label: 'exact', sql: `${l} = ${r}` }, ...fuzzy.map((level) => textLevel(level, l, r))],
    nullSql: eitherNull(col),
    termFrequencyColumn: c.term_frequency ? c.column : undefined,
  };
}

function dateComparison(c: ComparisonConfig & { kind: 'date' }): ModelComparison {
  const digits = derived(c.column, 'digits');
  const date = derived(c.column, 'date');
  const [l, r] = [side('l', digits), side('r', digits)];
  const [ld, rd] = [side('l', date), side('r', date)];
  const part = (s: string, from: number, n: number) => `substr(${s}, ${from}, ${n})`;
  return {
    name: comparisonName(c), column: c.column, kind: c.kind,
    levels: [
      { label: 'exact', sql: `${l} = ${r}` },
      { label: 'day and month swapped', sql: `length(${l}) = 8 AND length(${r}) = 8 AND ${part(l, 1, 4)} = ${part(r, 1, 4)} AND ${part(l, 5, 2)} = ${part(r, 7, 2)} AND ${part(l, 7, 2)} = ${part(r, 5, 2)}` },
      { label: 'one digit mistyped or two transposed', sql: withinDamerau(l, r, 1) },
      ...(c.within_days ?? []).map((days) => ({ label: `within ${days} days`, sql: `abs(date_diff('day', ${ld}, ${rd})) <= ${days}` })),
    ],
    nullSql: eitherNull(digits),
    termFrequencyColumn: c.term_frequency ? `${c.column}__digits` : undefined,
  };
}

function numberComparison(c: ComparisonConfig & { kind: 'number' }): ModelComparison {
  const col = quoteIdentifier(c.column);
  const [l, r] = [side('l', col), side('r', col)];
  const [ln, rn] = [`TRY_CAST(${l} AS DOUBLE)`, `TRY_CAST(${r} AS DOUBLE)`];
  return {
    name: comparisonName(c), column: c.column, kind: c.kind,
    levels: [
      { label: 'exact', sql: `(${l} = ${r} OR ${ln} = ${rn})` },
      ...(c.within ?? []).map((within) => ({ label: `within ${within}`, sql: `abs(${ln} - ${rn}) <= ${within}` })),
    ],
    nullSql: eitherNull(col),
    termFrequencyColumn: c.term_frequency ? c.column : undefined,
  };
}

/** GB 11643 numbers: the same after normalising, one in its legacy 15-digit form, one keystroke, two digits swapped, same area and birth date. */
function residentIdComparison(c: ComparisonConfig & { kind: 'resident_id' }): ModelComparison {
  const normal = derived(c.column, 'normal');
  const legacy = derived(c.column, 'legacy');
  const [l, r] = [side('l', normal), side('r', normal)];
  return {
    name: comparisonName(c), column: c.column, kind: c.kind,
    levels: [
      { label: 'exact', sql: `${l} = ${r} AND ${side('l', legacy)} = ${side('r', legacy)}` },
      { label: 'same number, one in the legacy 15-digit form', sql: `${l} = ${r}` },
      { label: 'one keystroke apart', sql: `levenshtein(${l}, ${r}) = 1` },
      { label: 'two characters transposed', sql: withinDamerau(l, r, 1) },
      { label: 'same area and birth date', sql: `length(${l}) = 18 AND length(${r}) = 18 AND substr(${l}, 1, 14) = substr(${r}, 1, 14)` },
    ],
    nullSql: eitherNull(normal),
  };
}

/**
 * A Chinese name as two comparisons, surname and given name, so that a common surname agreeing
 * is cheap evidence (with term frequencies) while the given name carries most of the weight.
 * A name without a surname (an ethnic name) is compared whole, as given name, with the other.
 */
function chineseNameComparisons(c: ComparisonConfig & { kind: 'chinese_name' }): ModelComparison[] {
  const f = (form: string) => derived(c.column, form);
  const name = comparisonName(c);
  const surnameL = side('l', f('surname'));
  const surnameR = side('r', f('surname'));
  const whole = `(${surnameL} IS NULL OR ${surnameR} IS NULL)`;
  const given = (alias: 'l' | 'r', split: string, joined: string) => `CASE WHEN ${whole} THEN ${side(alias, f(joined))} ELSE ${side(alias, f(split))} END`;
  const [gl, gr] = [given('l', 'given', 'joined'), given('r', 'given', 'joined')];
  const [pl, pr] = [given('l', 'given_pinyin', 'pinyin'), given('r', 'given_pinyin', 'pinyin')];
  const [nl, nr] = [side('l', f('given_near_pinyin')), side('r', f('given_near_pinyin'))];
  return [
    {
      name: `${name}_surname`, column: c.column, kind: c.kind,
      levels: [
        { label: 'same surname', sql: `${surnameL} = ${surnameR}` },
        { label: 'surnames that sound the same', sql: `${side('l', f('surname_pinyin'))} = ${side('r', f('surname_pinyin'))}` },
      ],
      nullSql: `(${whole})`,
      termFrequencyColumn: c.term_frequency === false ? undefined : `${c.column}__surname`,
    },
    {
      name: `${name}_given`, column: c.column, kind: c.kind,
      levels: [
        { label: 'same given name', sql: `${gl} = ${gr}` },
        { label: 'given names that sound the same', sql: `${pl} = ${pr}` },
        { label: 'given names that sound alike (zh/z, ch/c, sh/s, n/l, -ng/-n)', sql: `NOT ${whole} AND ${nl} = ${nr}` },
        { label: 'given names of the same length, one character apart', sql: `length(${gl}) = length(${gr}) AND length(${gl}) > 1 AND levenshtein(${gl}, ${gr}) = 1` },
        { label: 'given names whose pinyin is close (Jaro-Winkler >= 0.88)', sql: `jaro_winkler_similarity(${pl}, ${pr}) >= 0.88` },
      ],
      nullSql: eitherNull(f('joined')),
      termFrequencyColumn: c.term_frequency === false ? undefined : `${c.column}__given`,
    },
  ];
}

export function modelComparisons(comparisons: ComparisonConfig[]): ModelComparison[] {
  return comparisons.flatMap((c): ModelComparison[] => {
    switch (c.kind) {
      case 'exact': case 'text': return [textComparison(c)];
      case 'date': return [dateComparison(c)];
      case 'number': return [numberComparison(c)];
      case 'resident_id': return [residentIdComparison(c)];
      case 'chinese_name': return chineseNameComparisons(c);
    }
  });
}

/** The SQL for a comparison's gamma: -1 missing, 0 none of the levels, k for the first of k levels. */
export function gammaSql(comparison: ModelComparison): string {
  const k = comparison.levels.length;
  return `CASE WHEN ${comparison.nullSql} THEN -1 ${comparison.levels.map((level, i) => `WHEN ${level.sql} THEN ${k - i}`).join(' ')} ELSE 0 END::TINYINT`;
}

export function gammaColumn(comparison: ModelComparison): string {
  return quoteIdentifier(`gamma_${comparison.name}`);
}
