/**
 * Synthetic Chinese person records for the linkage accuracy test, generated deterministically
 * from a seed: households (shared surname and address, siblings often sharing a generation
 * character, which plain edit distance cannot tell from a typo), and for some persons further
 * records as another department would hold them: traditional characters, a stray space, a
 * homophone in the given name, an ethnic name's dot typed as "." "•" a space or nothing,
 * the ID number missing, mistyped or in its 15-digit form, the birth date in another layout.
 * Names come from src/fixtures/names.ts; everything else is this file's own.
 */
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';
import { givenName, householdNameStyle, minorityName, type Sex } from '../../src/fixtures/names.js';
import { residentIdCheckCharacter } from '../../src/ids/residentId.js';

export interface LinkTestRecord {
  record_id: string;
  person: number;
  姓名: string;
  性别: string;
  出生日期: string;
  身份证号: string;
  住址: string;
}

/** A small seeded generator (mulberry32): the test's records are the same on every run. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STREETS = ['钢铁大街', '阿尔丁大街', '民族东路', '友谊大街', '青年路', '少先路', '建设路', '林荫路', '团结大街', '呼得木林大街'];
const DISTRICTS = [['150203', '昆都仑区'], ['150204', '青山区'], ['150202', '东河区'], ['150207', '九原区']] as const;
const GENERATION = '文明建国志永家德振英';

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

/** Characters grouped by their toneless pinyin, for homophone variants. */
const POOL = '伟维玮卫华化桦明鸣铭敏静晶婧靖丽莉俐立军君钧俊杰洁捷梅玫媚美英瑛莹鹰芳方坊红宏鸿虹平萍苹娟涓鹃霞侠峡燕艳雁刚钢岗强蔷勇咏永涛韬滔斌彬宾辉晖慧惠蕙琳林霖';
const HOMOPHONES = new Map<string, string[]>();
for (const ch of POOL) {
  const key = pinyin(ch, { toneType: 'none' });
  HOMOPHONES.set(key, [...(HOMOPHONES.get(key) ?? []), ch]);
}

function homophoneOf(name: string, random: () => number): string {
  const chars = [...name];
  for (let i = chars.length - 1; i >= 1; i--) {
    const group = HOMOPHONES.get(pinyin(chars[i]!, { toneType: 'none' }))?.filter((c) => c !== chars[i]);
    if (group?.length) { chars[i] = group[Math.floor(random() * group.length)]!; return chars.join(''); }
  }
  return name;
}

function residentId(area: string, birth: string, sequence: number, sex: Sex): string {
  const seq = sequence * 2 + (sex === 'M' ? 1 : 0);
  const first17 = `${area}${birth}${String(seq % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

function dateLayout(birth: string, random: () => number): string {
  const [y, m, d] = [birth.slice(0, 4), birth.slice(4, 6), birth.slice(6, 8)];
  const roll = random();
  if (roll < 0.3) return `${y}-${m}-${d}`;
  if (roll < 0.5) return `${y}年${Number(m)}月${Number(d)}日`;
  if (roll < 0.6) return `${y}/${Number(m)}/${Number(d)}`;
  return birth;
}

function mistype(id: string, random: () => number): string {
  const i = 6 + Math.floor(random() * 11);
  const digit = String((Number(id[i]) + 1 + Math.floor(random() * 8)) % 10);
  return id.slice(0, i) + digit + id.slice(i + 1);
}

interface Person { index: number; name: string; sex: Sex; birth: string; id: string; address: string; minority: boolean }

function variant(person: Person, random: () => number, first: boolean): Omit<LinkTestRecord, 'record_id' | 'person'> {
  let name = person.name;
  let id: string = person.id;
  let birth = person.birth;
  if (!first) {
    if (person.minority) { const r = random(); name = name.replace('·', r < 0.25 ? '.' : r < 0.5 ? '•' : r < 0.7 ? ' ' : r < 0.85 ? '' : '·'); }
    if (random() < 0.3) name = toTraditional(name);
    if (!person.minority && random() < 0.15) name = [...name].join(random() < 0.5 ? ' ' : '').replace(/^(.)(.*)$/, '$1 $2').replace(/\s+/g, ' ');
    if (!person.minority && random() < 0.2) name = homophoneOf(name, random);
    const idRoll = random();
    if (idRoll < 0.4) id = '';
    else if (idRoll < 0.5) id = mistype(id, random);
    else if (idRoll < 0.56 && birth < '20000000') id = id.slice(0, 6) + id.slice(8, 17);
    if (random() < 0.04) birth = birth.slice(0, 6) + String((Number(birth.slice(6)) % 28) + 1).padStart(2, '0');
    birth = dateLayout(birth, random);
  } else if (random() < 0.15) id = '';
  const address = !first && random() < 0.2 ? person.address.replace('包头市', '') : person.address;
  return { 姓名: name, 性别: person.sex === 'M' ? '男' : '女', 出生日期: birth, 身份证号: id, 住址: address };
}

function birthDate(random: () => number, from: number, to: number): string {
  const year = from + Math.floor(random() * (to - from));
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  return `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
}

/** Households of persons, and their records: the first as registered, the others varied. Shuffled. */
export function linkTestRecords(seed: number, households: number): LinkTestRecord[] {
  const random = generator(seed);
  const persons: Person[] = [];
  for (let h = 0; h < households; h++) {
    const style = householdNameStyle(seed, h);
    const [area, district] = DISTRICTS[Math.floor(random() * DISTRICTS.length)]!;
    const address = `包头市${district}${STREETS[Math.floor(random() * STREETS.length)]}${1 + Math.floor(random() * 200)}号${1 + Math.floor(random() * 30)}栋`;
    const size = 1 + Math.floor(random() * 4);
    const generationChar = random() < 0.6 ? GENERATION[Math.floor(random() * GENERATION.length)]! : null;
    for (let k = 0; k < size; k++) {
      const index = persons.length;
      const sex: Sex = random() < 0.5 ? 'M' : 'F';
      const child = k >= 2;
      let name: string;
      if (style.minority) name = minorityName(sex, seed, index);
      else {
        const given = givenName(sex, seed, index);
        name = style.surname + (child && generationChar ? generationChar + [...given][0]! : given);
      }
      const birth = child ? birthDate(random, 1985, 2020) : birthDate(random, 1940, 1990);
      persons.push({ index, name, sex, birth, id: residentId(area, birth, index, sex), address, minority: style.minority });
    }
  }
  const records: LinkTestRecord[] = [];
  for (const person of persons) {
    const copies = random() < 0.55 ? (random() < 0.3 ? 3 : 2) : 1;
    for (let c = 0; c < copies; c++) records.push({ record_id: `p${person.index}r${c}`, person: person.index, ...variant(person, random, c === 0) });
  }
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [records[i], records[j]] = [records[j]!, records[i]!];
  }
  return records;
}

export function linkTestCsv(records: LinkTestRecord[]): string {
  const columns = ['record_id', '姓名', '性别', '出生日期', '身份证号', '住址'] as const;
  return `${columns.join(',')}\n${records.map((r) => columns.map((c) => r[c]).join(',')).join('\n')}\n`;
}
