-- Identifier macros: the SQL twins of src/ids/*.ts, with the same results for every input
-- (test/ids/sqlParity.test.ts checks this). Loaded into every DuckDB connection by splitting
-- this file on semicolons at line ends: keep each statement self-contained and keep
-- semicolons out of string literals (chr(59) stands in for one where needed).
-- NULL in, NULL out. For the *_problem macros NULL also means "valid": test the input for
-- NULL yourself before reading a NULL problem as a pass.
-- See docs/identifiers.md.

-- cleanIdentifier: full-width ASCII (U+FF01-U+FF5E) to ASCII, ASCII letters upper-cased,
-- spaces (U+0020, U+3000, U+00A0) and tabs removed. One translate: the first 94 characters
-- map full-width to ASCII (lowercase straight to uppercase), the next 26 upper-case ASCII,
-- and the last 4, which have no partner, are deleted.
CREATE OR REPLACE MACRO dx_clean_identifier(s) AS translate(
  s,
  '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～'
    || 'abcdefghijklmnopqrstuvwxyz'
    || ' ' || chr(12288) || chr(160) || chr(9),
  '!"#$%&''()*+,-./0123456789:' || chr(59) || '<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`ABCDEFGHIJKLMNOPQRSTUVWXYZ{|}~'
    || 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
);

-- residentIdCheckCharacter: ISO 7064 MOD 11-2 over the first 17 digits, weights
-- 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 (they sum to 100, hence the 4800 = 48 * 100 that takes
-- the code point of '0' off every digit). NULL unless the first 17 characters are ASCII digits
-- (where the TypeScript function throws).
CREATE OR REPLACE MACRO dx_resident_id_check_char(s) AS CASE
  WHEN regexp_matches(s, '^[0-9]{17}') THEN substr('10X98765432', 1 + (
      ord(substr(s, 1, 1)) * 7 + ord(substr(s, 2, 1)) * 9 + ord(substr(s, 3, 1)) * 10
    + ord(substr(s, 4, 1)) * 5 + ord(substr(s, 5, 1)) * 8 + ord(substr(s, 6, 1)) * 4
    + ord(substr(s, 7, 1)) * 2 + ord(substr(s, 8, 1)) * 1 + ord(substr(s, 9, 1)) * 6
    + ord(substr(s, 10, 1)) * 3 + ord(substr(s, 11, 1)) * 7 + ord(substr(s, 12, 1)) * 9
    + ord(substr(s, 13, 1)) * 10 + ord(substr(s, 14, 1)) * 5 + ord(substr(s, 15, 1)) * 8
    + ord(substr(s, 16, 1)) * 4 + ord(substr(s, 17, 1)) * 2 - 4800) % 11, 1)
END;

-- normaliseResidentId: cleaned, and a legacy 15-digit number upgraded to 18 ("19" after the
-- area code, check character appended). Anything else is returned cleaned, as it is.
CREATE OR REPLACE MACRO dx_normalise_resident_id(s) AS CASE
  WHEN regexp_full_match(dx_clean_identifier(s), '[0-9]{15}') THEN
    substr(dx_clean_identifier(s), 1, 6) || '19' || substr(dx_clean_identifier(s), 7)
      || dx_resident_id_check_char(substr(dx_clean_identifier(s), 1, 6) || '19' || substr(dx_clean_identifier(s), 7))
  ELSE dx_clean_identifier(s)
END;

-- residentIdProblem over an already-normalised number. as_of (a DATE) rejects birth dates
-- after it. A NULL as_of means "no limit", like the TypeScript default.
CREATE OR REPLACE MACRO dx_resident_id_problem(s, as_of) AS CASE
  WHEN s IS NULL THEN NULL
  WHEN length(s) <> 18 THEN 'wrong length'
  WHEN NOT regexp_full_match(s, '[0-9]{17}[0-9X]') THEN 'not digits'
  WHEN substr(s, 1, 2) NOT IN (
    '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
    '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
    '71', '81', '82') THEN 'unknown province'
  WHEN CAST(substr(s, 7, 4) AS INTEGER) < 1850
    OR CAST(substr(s, 11, 2) AS INTEGER) NOT BETWEEN 1 AND 12
    OR CAST(substr(s, 13, 2) AS INTEGER) < 1
    OR CAST(substr(s, 13, 2) AS INTEGER) > CASE CAST(substr(s, 11, 2) AS INTEGER)
         WHEN 2 THEN CASE
           WHEN CAST(substr(s, 7, 4) AS INTEGER) % 400 = 0 THEN 29
           WHEN CAST(substr(s, 7, 4) AS INTEGER) % 100 = 0 THEN 28
           WHEN CAST(substr(s, 7, 4) AS INTEGER) % 4 = 0 THEN 29
           ELSE 28 END
         WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30
         ELSE 31 END
    OR (as_of IS NOT NULL AND substr(s, 7, 8) > strftime(as_of, '%Y%m%d'))
    THEN 'impossible birth date'
  WHEN dx_resident_id_check_char(s) <> substr(s, 18, 1) THEN 'bad check character'
  ELSE NULL
END;

-- usccCheckCharacter: GB 32100 MOD 31 over the first 17 characters, weights
-- 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28 (sum 305). The translate turns each character
-- of the alphabet 0-9 A-H J-N P Q R T U W X Y into the character whose code point is 64 plus
-- its value, so the 19520 = 64 * 305 takes the offset off again. NULL unless the first 17
-- characters are in the alphabet (where the TypeScript function throws).
CREATE OR REPLACE MACRO dx_uscc_check_char(s) AS CASE
  WHEN regexp_matches(s, '^[0-9ABCDEFGHJKLMNPQRTUWXY]{17}') THEN substr('0123456789ABCDEFGHJKLMNPQRTUWXY', 1 + (31 - (
      ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 1, 1)) * 1 + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 2, 1)) * 3 + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 3, 1)) * 9
    + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 4, 1)) * 27 + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 5, 1)) * 19 + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 6, 1)) * 26
    + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 7, 1)) * 16 + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 8, 1)) * 17 + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 9, 1)) * 20
    + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 10, 1)) * 29 + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 11, 1)) * 25 + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 12, 1)) * 13
    + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 13, 1)) * 8 + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 14, 1)) * 24 + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 15, 1)) * 10
    + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 16, 1)) * 30 + ord(substr(translate(s, '0123456789ABCDEFGHJKLMNPQRTUWXY', '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^'), 17, 1)) * 28 - 19520) % 31) % 31, 1)
END;
