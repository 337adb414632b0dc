/**
 * A Chinese name in the forms that make two spellings of one person agree: simplified characters
 * (opencc-js, from traditional, Hong Kong and Taiwan variants), no stray spaces, one middle dot
 * for the separators of ethnic names (· . • ・ ‧ and spaces between parts), the surname apart
 * from the given name (compound surnames such as 欧阳 known), and the pinyin of each without
 * tones (pinyin-pro, surname mode for the surname's reading) with its initials, for homophones.
 */
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';

export interface ChineseNameForms {
  /** Simplified, separators unified to "·", spaces removed. */
  normalised: string;
  /** Han surname; null for a name of separated parts (Mongol and other ethnic names), which has none. */
  surname: string | null;
  given: string;
  surnamePinyin: string | null;
  givenPinyin: string;
  /** Pinyin of the whole name, separators dropped. */
  pinyin: string;
  /** First letters of each syllable. */
  initials: string;
  /** The given name's pinyin with the sounds many speakers merge made one (zh/z, ch/c, sh/s, n/l, -ng/-n): near-homophones agree. */
  givenNearPinyin: string;
  /** The whole name without separators, for comparing a dotted ethnic name with the same name typed without its dot. */
  joined: string;
}

/** Merge the initials and finals that regional accents (and typists' ears) do not tell apart. */
export function nearHomophoneKey(pinyinText: string): string {
  return pinyinText.replace(/zh/g, 'z').replace(/ch/g, 'c').replace(/sh/g, 's').replace(/l/g, 'n').replace(/ng/g, 'n');
}

const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '轩辕', '令狐', '钟离',
  '独孤', '南宫', '西门', '百里', '呼延', '端木', '申屠', '太史', '闻人', '赫连', '澹台', '公冶', '宗政', '濮阳', '淳于', '单于',
]);

/** The separators clerks type between the parts of an ethnic name. */
const SEPARATORS = /[·.．•・‧･･∙⋅。_\-－]+/g;
const SPACES = /[\s\u3000\u00a0]+/g;

let toSimplified: ((text: string) => string) | undefined;
function simplified(text: string): string {
  const convert = toSimplified ?? (toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' }));
  return convert(text);
}

const HAN = /\p{Script=Han}/u;

function syllables(text: string, surname: boolean): string[] {
  if (!text) return [];
  return pinyin(text, { toneType: 'none', type: 'array', ...(surname ? { surname: 'head' as const } : {}), nonZh: 'consecutive', v: true })
    .map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .filter((s) => s.length > 0);
}

/** Split a name into its separated parts (ethnic names) or return it whole. */
function parts(raw: string): string[] {
  const unified = raw.normalize('NFKC').trim().replace(SEPARATORS, '·');
  const bySeparator = unified.split('·').map((p) => p.replace(SPACES, '')).filter(Boolean);
  if (bySeparator.length !== 1) return bySeparator;
  // A Han name has at most four characters, so a space inside one ("张 伟") is a stray one; in
  // five or more it stands where the dot of an ethnic name was left out.
  const bySpace = unified.split(SPACES).filter(Boolean);
  if (bySpace.length > 1 && [...bySpace.join('')].length >= 5) return bySpace;
  return [bySeparator[0]!];
}

export function chineseNameForms(raw: string): ChineseNameForms | null {
  const nameParts = parts(simplified(raw));
  if (nameParts.length === 0) return null;
  const normalised = nameParts.join('·');
  let surname: string | null = null;
  let given = nameParts.join('');
  // Five or more characters without a separator: an ethnic name typed without its dot, no surname.
  if (nameParts.length === 1 && HAN.test(given) && [...given].length >= 2 && [...given].length <= 4) {
    const chars = [...given];
    const compound = chars.length >= 3 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join(''));
    surname = chars.slice(0, compound ? 2 : 1).join('');
    given = chars.slice(compound ? 2 : 1).join('');
  }
  const surnameSyllables = surname === null ? [] : syllables(surname, true);
  const givenSyllables = syllables(given, false);
  const all = [...surnameSyllables, ...givenSyllables];
  return {
    normalised,
    surname,
    given,
    surnamePinyin: surname === null ? null : surnameSyllables.join(''),
    givenPinyin: givenSyllables.join(''),
    pinyin: all.join(''),
    initials: all.map((s) => s[0]).join(''),
    givenNearPinyin: nearHomophoneKey(givenSyllables.join('')),
    joined: nameParts.join(''),
  };
}
