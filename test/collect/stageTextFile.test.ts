import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import t from 'tap';
import { SourceFileError, stageTextFile } from '../../src/collect/stageTextFile.js';
import { tempDir } from '../helpers/warehouse.js';

// Cells without the delimiter, quote or line breaks; Chinese text included.
const cell = fc.stringMatching(/^[a-z0-9 张王李赵·年月日号]{0,6}$/);
const row = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(','));
const lineOrBlank = fc.oneof({ weight: 5, arbitrary: row.filter((r) => r.length > 0) }, { weight: 1, arbitrary: fc.constant('') });

/** The reference: physical lines, 1-based, blank ones skipped, the first non-blank is the header. */
function referenceStage(lines: string[]): { header: string; rows: Array<[number, string]>; blank: number } {
  let header: string | undefined;
  const rows: Array<[number, string]> = [];
  let blank = 0;
  lines.forEach((line, i) => {
    if (line === '') blank++;
    else if (header === undefined) header = line;
    else rows.push([i + 1, line]);
  });
  return { header: header!, rows, blank };
}

t.test('staging numbers every physical line, whatever the read size, encoding and line ends', async (t) => {
  const dir = tempDir(t);
  await fc.assert(
    fc.asyncProperty(
      fc.array(lineOrBlank, { minLength: 1, maxLength: 30 }).filter((ls) => ls.some((l) => l !== '')),
      fc.integer({ min: 1, max: 64 }),
      fc.constantFrom('utf-8', 'utf-8-bom', 'gb18030'),
      fc.constantFrom('\n', '\r\n'),
      fc.boolean(),
      async (lines, chunkSize, encoding, eol, finalNewline) => {
        const text = lines.join(eol) + (finalNewline ? eol : '');
        const body = encoding === 'gb18030' ? iconv.encode(text, 'gb18030') : Buffer.from(text, 'utf8');
        const path = join(dir, 'in.csv');
        writeFileSync(path, encoding === 'utf-8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body);
        const staged = await stageTextFile({ path, displayName: 'in.csv', stagedPath: join(dir, 'out.csv'), format: 'csv', encoding, delimiter: ',', quote: '"', chunkSize });
        // Physical lines: a newline ends a line, so text after the last newline is a line only if not empty.
        const physical = text.split(eol);
        if (physical[physical.length - 1] === '') physical.pop();
        const expected = referenceStage(physical);
        t.equal(staged.headerLine, expected.header);
        t.equal(staged.rowsRead, expected.rows.length);
        t.equal(staged.blankLines, expected.blank);
        const out = readFileSync(join(dir, 'out.csv'), 'utf8').split('\n').filter((l) => l !== '');
        t.same(out, [`__line,${expected.header}`, ...expected.rows.map(([n, l]) => `${n},${l}`)]);
      },
    ),
    { numRuns: 150 },
  );
});

t.test('undecodable lines and unbalanced quotes are set aside with their line number', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'bad.csv');
  writeFileSync(path, Buffer.concat([
    Buffer.from('a,b\n1,2\n', 'utf8'),
    Buffer.from([0x33, 0x2c, 0xff, 0x0a]),
    Buffer.from('4,"x\n5,"y,z"\n', 'utf8'),
  ]));
  const staged = await stageTextFile({ path, displayName: 'bad.csv', stagedPath: join(dir, 'out.csv'), format: 'csv', encoding: 'utf-8', delimiter: ',', quote: '"' });
  t.equal(staged.rowsRead, 4);
  t.same(staged.early.map((e) => [e.line, e.stage]), [[3, 'decode'], [4, 'parse']]);
  t.match(staged.early[0]!.reason, /undecodable bytes: not valid utf-8/);
  t.match(staged.early[1]!.reason, /unbalanced quote/);
  t.same(readFileSync(join(dir, 'out.csv'), 'utf8'), '__line,a,b\n2,1,2\n5,5,"y,z"\n');
});

t.test('files that cannot be read at all say why, naming the file and line', async (t) => {
  const dir = tempDir(t);
  const stage = (name: string, bytes: Buffer, encoding: 'utf-8' | 'gb18030' = 'utf-8') => {
    writeFileSync(join(dir, name), bytes);
    return stageTextFile({ path: join(dir, name), displayName: `police/${name}`, stagedPath: join(dir, 'o.csv'), format: 'csv', encoding, delimiter: ',', quote: '"' });
  };
  await t.rejects(stage('empty.csv', Buffer.alloc(0)), { name: 'SourceFileError', message: /police\/empty\.csv: the file is empty/ });
  await t.rejects(stage('blank.csv', Buffer.from('\n\r\n')), { message: /police\/blank\.csv: the file has no header line/ });
  const gbk = iconv.encode('姓名,性别\n张三,男\n', 'gb18030');
  const err = await stage('gbk.csv', gbk).catch((e: unknown) => e);
  t.ok(err instanceof SourceFileError);
  t.match((err as Error).message, /police\/gbk\.csv line 1: the header is not valid utf-8 \(it reads as GB18030: "姓名,性别"/);
});

t.test('JSON Lines are staged unquoted behind a separator JSON never holds raw', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'x.jsonl');
  writeFileSync(path, '{"a":"1,2","b":"say \\"hi\\""}\n\n{"a":3}\n');
  const staged = await stageTextFile({ path, displayName: 'x.jsonl', stagedPath: join(dir, 'o.csv'), format: 'jsonl', encoding: 'utf-8', delimiter: ',', quote: '"' });
  t.equal(staged.rowsRead, 2);
  t.equal(staged.blankLines, 1);
  t.equal(readFileSync(join(dir, 'o.csv'), 'utf8'), '__line\x01__json\n1\x01{"a":"1,2","b":"say \\"hi\\""}\n3\x01{"a":3}\n');
});
