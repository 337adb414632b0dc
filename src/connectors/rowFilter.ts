/**
 * Row filters: which rows of a department's file belong to the dataset (a payment ledger that
 * mixes items, of which only some are pensions). Rows a filter leaves out are counted, never
 * silently dropped: rows read = loaded + quarantined + filtered.
 */
import { regexProblem } from './fieldDerivation.js';

export interface RowCondition {
  column: string;
  equals?: string | string[];
  matches?: string;
}

export interface RowFilterDeclaration {
  include?: RowCondition | RowCondition[];
  exclude?: RowCondition | RowCondition[];
}

export interface ResolvedCondition {
  column: string;
  equals?: string[];
  matches?: string;
}

export interface RowFilter {
  include: ResolvedCondition[];
  exclude: ResolvedCondition[];
}

function resolveConditions(kind: 'include' | 'exclude', declared: RowCondition | RowCondition[] | undefined, problems: string[]): ResolvedCondition[] {
  return [declared ?? []].flat().map((c, i) => {
    if (c.matches !== undefined) {
      const problem = regexProblem(c.matches);
      if (problem) problems.push(`/filter/${kind}${Array.isArray(declared) ? `/${i}` : ''}/matches: ${problem}`);
    }
    return { column: c.column, equals: c.equals === undefined ? undefined : [c.equals].flat(), matches: c.matches };
  });
}

export function resolveRowFilter(declared: RowFilterDeclaration | undefined, problems: string[]): RowFilter | undefined {
  if (!declared) return undefined;
  return { include: resolveConditions('include', declared.include, problems), exclude: resolveConditions('exclude', declared.exclude, problems) };
}

export function filterColumns(filter: RowFilter | undefined): string[] {
  return filter ? [...filter.include, ...filter.exclude].map((c) => c.column) : [];
}

/** The filter in the steward's words, e.g. `keeps 项目 = 养老金; leaves out 状态 ~ /作废/`. */
export function describeFilter(filter: RowFilter): string {
  const one = (c: ResolvedCondition) => (c.equals ? `${c.column} = ${c.equals.join(' or ')}` : `${c.column} ~ /${c.matches}/`);
  return [
    ...(filter.include.length ? [`keeps rows where ${filter.include.map(one).join(' and ')}`] : []),
    ...(filter.exclude.length ? [`leaves out rows where ${filter.exclude.map(one).join(' or ')}`] : []),
  ].join('; ');
}
