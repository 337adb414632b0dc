-- Identifier macros: the SQL twins of src/ids/*.ts, giving the same result for every input
-- (test/ids/sqlParity.test.ts checks this on random strings). Loaded into every DuckDB
-- connection by splitting this file on semicolons at line ends: each statement stands alone,
-- and no string literal holds a semicolon (chr(59) stands in for one).
--
-- NULL in, NULL out. For the *_problem macros NULL also means "valid", so test the input for
-- NULL yourself before reading a NULL problem as a pass.
--
-- Speed: these run over tens of millions of rows, so there are no per-character loops and no
-- list functions over characters. Digits are read by casting the digit run to BIGINT once and
-- taking it apart with integer arithmetic. USCC characters are read eight at a time as the
-- bytes of a UBIGINT. A value used many times is bound once with
-- `list_transform([value], lambda x: ...)[1]`, because DuckDB expands a macro parameter
-- at every place it is used. See docs/identifiers.md for the timings.

-- cleanIdentifier: full-width ASCII (U+FF01-U+FF5E) to ASCII, ASCII letters upper-cased,
-- spaces (U+0020, U+3000 ideographic, U+00A0 no-break) and tabs removed.
-- Plain ASCII (byte length = character length) takes the cheap branch. DuckDB's upper() on
-- ASCII is ASCII upper-casing. Anything else goes through one translate: the first 94
-- characters map full-width to ASCII (full-width lowercase straight to uppercase), the next
-- 26 upper-case ASCII, and the last 4, which have no partner, are deleted.
CREATE OR REPLACE MACRO dx_clean_identifier(s) AS CASE
  WHEN strlen(s) = length(s) THEN upper(CASE
    WHEN contains(s, ' ') OR contains(s, chr(9)) THEN replace(replace(s, ' ', ''), chr(9), '')
    ELSE s END)
  ELSE translate(
    s,
    '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～'
      || 'abcdefghijklmnopqrstuvwxyz'
      || ' ' || chr(12288) || chr(160) || chr(9),
    '!"#$%&''()*+,-./0123456789:' || chr(59) || '<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`ABCDEFGHIJKLMNOPQRSTUVWXYZ{|}~'
      || 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
END;

-- Internal: the GB 11643 check character of the first 17 digits given as one BIGINT
-- (ISO 7064 MOD 11-2, weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2).
CREATE OR REPLACE MACRO dx__resident_id_check_of(n17) AS (list_transform([n17], lambda dx_n: substr('10X98765432', 1 + CAST((
      (dx_n // 10000000000000000) * 7 + (dx_n // 1000000000000000 % 10) * 9 + (dx_n // 100000000000000 % 10) * 10 + (dx_n // 10000000000000 % 10) * 5
    + (dx_n // 1000000000000 % 10) * 8 + (dx_n // 100000000000 % 10) * 4 + (dx_n // 10000000000 % 10) * 2 + (dx_n // 1000000000 % 10) * 1
    + (dx_n // 100000000 % 10) * 6 + (dx_n // 10000000 % 10) * 3 + (dx_n // 1000000 % 10) * 7 + (dx_n // 100000 % 10) * 9
    + (dx_n // 10000 % 10) * 10 + (dx_n // 1000 % 10) * 5 + (dx_n // 100 % 10) * 8 + (dx_n // 10 % 10) * 4
    + (dx_n % 10) * 2) % 11 AS INTEGER), 1)))[1];

-- residentIdCheckCharacter: the check character of the first 17 characters. NULL unless they
-- are all ASCII digits (where the TypeScript function throws).
CREATE OR REPLACE MACRO dx_resident_id_check_char(s) AS CASE
  WHEN regexp_matches(s, '^[0-9]{17}') THEN dx__resident_id_check_of(CAST(substr(s, 1, 17) AS BIGINT))
END;

-- normaliseResidentId: cleaned, and a legacy 15-digit number upgraded to 18 ("19" inserted
-- after the 6-digit area code, check character appended). Anything else comes back cleaned.
CREATE OR REPLACE MACRO dx_normalise_resident_id(s) AS (list_transform([dx_clean_identifier(s)], lambda dx_c: CASE
  WHEN regexp_full_match(dx_c, '[0-9]{15}') THEN
    substr(dx_c, 1, 6) || '19' || substr(dx_c, 7)
      || dx__resident_id_check_of(CAST(dx_c AS BIGINT) // 1000000000 * 100000000000 + 19000000000 + CAST(dx_c AS BIGINT) % 1000000000)
  ELSE dx_c
END))[1];

-- residentIdProblem over an already-normalised number: NULL when valid, else the first of
-- 'wrong length', 'not digits', 'unknown province', 'impossible birth date',
-- 'bad check character'. as_of (a DATE) rejects birth dates after it. A NULL as_of means
-- "no limit", like the TypeScript default. Provinces: src/ids/provinces.ts.
CREATE OR REPLACE MACRO dx_resident_id_problem(s, as_of) AS (list_transform([s], lambda dx_v: CASE
  WHEN dx_v IS NULL THEN NULL
  WHEN length(dx_v) <> 18 THEN 'wrong length'
  WHEN NOT regexp_full_match(dx_v, '[0-9]{17}[0-9X]') THEN 'not digits'
  ELSE (list_transform([CAST(substr(dx_v, 1, 17) AS BIGINT)], lambda dx_n: CASE
    WHEN dx_n // 1000000000000000 NOT IN (
      11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
      41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82)
      THEN 'unknown province'
    -- birth date YYYYMMDD = dx_n // 1000 % 100000000
    WHEN dx_n // 10000000 % 10000 < 1850
      OR dx_n // 100000 % 100 NOT BETWEEN 1 AND 12
      OR dx_n // 1000 % 100 < 1
      OR dx_n // 1000 % 100 > CASE dx_n // 100000 % 100
           WHEN 2 THEN CASE
             WHEN dx_n // 10000000 % 10000 % 400 = 0 THEN 29
             WHEN dx_n // 10000000 % 10000 % 100 = 0 THEN 28
             WHEN dx_n // 10000000 % 10000 % 4 = 0 THEN 29
             ELSE 28 END
           WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30
           ELSE 31 END
      OR coalesce(dx_n // 1000 % 100000000 > year(CAST(as_of AS DATE)) * 10000 + month(CAST(as_of AS DATE)) * 100 + day(CAST(as_of AS DATE)), false)
      THEN 'impossible birth date'
    WHEN dx__resident_id_check_of(dx_n) <> substr(dx_v, 18, 1) THEN 'bad check character'
  END))[1]
END))[1];

-- Internal: eight USCC characters from position i, as the bytes of a UBIGINT (first character
-- in the top byte), each byte turned into its value in the alphabet
-- 0-9 A-H J-N P Q R T U W X Y (0..30): byte - 48, less 7 past '9' (57) and 1 more past each
-- of the skipped letters I (73), O (79), S (83), V (86). Works on all eight bytes at once:
-- a byte is > t exactly when byte + (127 - t) has its top bit set, and no byte carries into
-- the next. 72340172838076673 = 0x0101010101010101 (one in each byte), the other constants
-- are it times 48, 70, 54, 44 and 41 (= 127 - t). Every constant is UBIGINT so that DuckDB
-- does not widen the arithmetic to HUGEINT. Only for characters already checked against the
-- alphabet.
CREATE OR REPLACE MACRO dx__uscc_values(s, i) AS (list_transform(
  [CAST(CAST(encode(substr(s, i, 8)) AS BIT) AS UBIGINT)], lambda dx_x: CAST(
    dx_x - 3472328296227680304::UBIGINT
    - 7::UBIGINT * (((dx_x + 5063812098665367110::UBIGINT) >> 7) & 72340172838076673::UBIGINT)
    - (((dx_x + 3906369333256140342::UBIGINT) >> 7) & 72340172838076673::UBIGINT)
    - (((dx_x + 3472328296227680304::UBIGINT) >> 7) & 72340172838076673::UBIGINT)
    - (((dx_x + 3182967604875373612::UBIGINT) >> 7) & 72340172838076673::UBIGINT)
    - (((dx_x + 2965947086361143593::UBIGINT) >> 7) & 72340172838076673::UBIGINT)
    AS BIGINT)))[1];

-- Internal: the GB 32100 check character of 17 characters already checked against the
-- alphabet (weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28, check = (31 - sum mod 31)
-- mod 31).
CREATE OR REPLACE MACRO dx__uscc_check_of(s) AS (list_transform(
  [struct_pack(dx_p := dx__uscc_values(s, 1), dx_q := dx__uscc_values(s, 9),
               dx_z := strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(s, 17, 1)) - 1)], lambda dx_r:
    substr('0123456789ABCDEFGHJKLMNPQRTUWXY', 1 + CAST((31 - (
        ((dx_r.dx_p >> 56) & 255) * 1 + ((dx_r.dx_p >> 48) & 255) * 3 + ((dx_r.dx_p >> 40) & 255) * 9 + ((dx_r.dx_p >> 32) & 255) * 27
      + ((dx_r.dx_p >> 24) & 255) * 19 + ((dx_r.dx_p >> 16) & 255) * 26 + ((dx_r.dx_p >> 8) & 255) * 16 + (dx_r.dx_p & 255) * 17
      + ((dx_r.dx_q >> 56) & 255) * 20 + ((dx_r.dx_q >> 48) & 255) * 29 + ((dx_r.dx_q >> 40) & 255) * 25 + ((dx_r.dx_q >> 32) & 255) * 13
      + ((dx_r.dx_q >> 24) & 255) * 8 + ((dx_r.dx_q >> 16) & 255) * 24 + ((dx_r.dx_q >> 8) & 255) * 10 + (dx_r.dx_q & 255) * 30
      + dx_r.dx_z * 28) % 31) % 31 AS INTEGER), 1)))[1];

-- usccCheckCharacter: NULL unless the first 17 characters are in the alphabet (where the
-- TypeScript function throws).
CREATE OR REPLACE MACRO dx_uscc_check_char(s) AS CASE
  WHEN regexp_matches(s, '^[0-9ABCDEFGHJKLMNPQRTUWXY]{17}') THEN dx__uscc_check_of(s)
END;

-- usccProblem over a normalised code: NULL when valid, else 'wrong length', 'bad characters'
-- or 'bad check character'. A bad check character is a finding for a steward, not a drop.
CREATE OR REPLACE MACRO dx_uscc_problem(s) AS (list_transform([s], lambda dx_u: CASE
  WHEN dx_u IS NULL THEN NULL
  WHEN length(dx_u) <> 18 THEN 'wrong length'
  WHEN NOT regexp_full_match(dx_u, '[0-9ABCDEFGHJKLMNPQRTUWXY]{18}') THEN 'bad characters'
  WHEN dx__uscc_check_of(dx_u) <> substr(dx_u, 18, 1) THEN 'bad check character'
END))[1];

-- disabilityCertificateProblem: the raw number is cleaned first (as in TypeScript, without
-- the 15-digit upgrade), then must be an 18-character ID number, a category 1-7 and a grade
-- 1-4. The holder's ID is checked without a date limit.
CREATE OR REPLACE MACRO dx_disability_certificate_problem(s) AS (list_transform([dx_clean_identifier(s)], lambda dx_d: CASE
  WHEN dx_d IS NULL THEN NULL
  WHEN NOT regexp_full_match(dx_d, '[0-9]{17}[0-9X][1-7][1-4]')
    THEN 'not an ID number followed by a category (1-7) and a grade (1-4)'
  ELSE 'holder ID: ' || dx_resident_id_problem(substr(dx_d, 1, 18), NULL)
END))[1];
