/** Department files written by hand for tests: any encoding, any line ends. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import iconv from 'iconv-lite';

export function writeDropFile(dropDir: string, file: string, lines: string[], options: { encoding?: string; bom?: boolean; eol?: string } = {}): string {
  const path = join(dropDir, file);
  mkdirSync(dirname(path), { recursive: true });
  const text = lines.join(options.eol ?? '\n') + (options.eol ?? '\n');
  const body = options.encoding && options.encoding !== 'utf-8' ? iconv.encode(text, options.encoding) : Buffer.from(text, 'utf8');
  writeFileSync(path, options.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body);
  return path;
}

export const HOUSEHOLD_HEADER = '公民身份号码,姓名,性别,出生日期,民族,户籍地区划代码,住址,户号,与户主关系,人员状态,状态变更日期';

/** A household-register row as the police export it. */
export function householdRow(id: string, name: string, overrides: Partial<Record<'sex' | 'birth' | 'status', string>> = {}): string {
  return [id, name, overrides.sex ?? '男', overrides.birth ?? `${id.slice(6, 14)}`, '汉族', '150203', '包头市昆都仑区钢铁大街1号', 'H001', '户主', overrides.status ?? '正常', ''].join(',');
}
