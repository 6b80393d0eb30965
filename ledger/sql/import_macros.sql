-- import_macros: how export text becomes typed values (LEDGER.md, "Values as exports write them").
-- Temporary macros of the import connection: they are never stored in the database.
-- Each parser returns NULL for text it cannot read; the validation tells "missing" (NULL text)
-- from "unreadable" (text present, value NULL). No parameters.
--
-- Speed: every parser tries the plain cast first and only falls back to the slow clean-up for
-- the rows where it fails (coalesce and CASE are lazy in DuckDB). An expensive sub-expression is
-- written only once per macro: DuckDB hoists a repeated sub-expression out of a lazy branch and
-- would then compute it for every row.

-- Text as the export wrote it, without surrounding white space (also non-breaking, ideographic
-- and zero-width space, a stray BOM) and with the words exports write for "no value" as NULL.
CREATE OR REPLACE TEMP MACRO ledger_text(x) AS
    CASE
        WHEN ord(x) IN (32, 9, 10, 13, 160, 12288, 65279, 8203)
             OR suffix(x, ' ') OR suffix(x, chr(9)) OR suffix(x, chr(12288))
             OR suffix(x, chr(160)) OR suffix(x, chr(13)) OR suffix(x, chr(10))
            THEN nullif(regexp_replace(
                trim(x, ' ' || chr(9) || chr(10) || chr(13) || chr(160) || chr(12288)
                        || chr(65279) || chr(8203)),
                '^(?i:null|none|nan|nat|n/a|#n/a|\\n|-|--|—|/|0000-00-00( 00:00:00)?)$', ''), '')
        WHEN strlen(x) <= 4
            THEN CASE WHEN lower(x) IN (
                     '', 'null', 'none', 'nan', 'nat', 'n/a', '#n/a', '\n', '-', '--', '—', '/')
                 THEN NULL ELSE x END
        WHEN x IN ('0000-00-00', '0000-00-00 00:00:00') THEN NULL
        ELSE x
    END;

-- Dates: 2024-01-05, 2024/1/5, 20240105, 2024年1月5日, 2024.01.05, Excel serial days, and any of
-- these with a time after it (the date part is taken). Years outside 1970..2100 are unreadable
-- (two-digit years, Excel's day zero). A cheap look at the text picks the one parser to try:
-- a failing cast costs ten times a successful one.
CREATE OR REPLACE TEMP MACRO ledger_in_range(d) AS
    CASE WHEN CAST(d AS DATE) BETWEEN DATE '1970-01-01' AND DATE '2100-12-31' THEN d END;

CREATE OR REPLACE TEMP MACRO ledger_date(x) AS
    ledger_in_range(CASE
        WHEN x LIKE '____-%' OR x LIKE '____/%' THEN TRY_CAST(x AS DATE)
        WHEN contains(x, '年')
            THEN CAST(try_strptime(regexp_replace(x, '[日号].*$', '日'), '%Y年%m月%d日') AS DATE)
        WHEN strlen(x) = 8 THEN CAST(try_strptime(x, '%Y%m%d') AS DATE)
        WHEN x LIKE '____.%' THEN CAST(try_strptime(split_part(x, ' ', 1), '%Y.%m.%d') AS DATE)
        WHEN strlen(x) BETWEEN 5 AND 17 AND NOT contains(x, ' ')
            THEN DATE '1899-12-30' + TRY_CAST(floor(TRY_CAST(x AS DOUBLE)) AS USMALLINT)
        ELSE CAST(try_strptime(
            regexp_replace(trim(x), '\s*[T ]\s*[0-9]{1,2}[:时].*$', ''),
            ['%Y-%m-%d', '%Y/%m/%d', '%Y%m%d', '%Y年%m月%d日', '%Y.%m.%d', '%Y年%m月%d号']) AS DATE)
    END);

-- Timestamps: a date as above followed by a time (space or T between), 20240105103000, or an
-- Excel serial with a fraction of a day. A date alone gives midnight; ledger_has_time tells.
CREATE OR REPLACE TEMP MACRO ledger_ts(x) AS
    ledger_in_range(CASE
        WHEN x LIKE '____-%' OR x LIKE '____/%'
            THEN coalesce(TRY_CAST(x AS TIMESTAMP), try_strptime(x, [
                '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M', '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M']))
        WHEN contains(x, '年') THEN try_strptime(x, [
            '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日%H时%M分%S秒',
            '%Y年%m月%d日%H时%M分', '%Y年%m月%d日 %H时%M分%S秒', '%Y年%m月%d日 %H时%M分',
            '%Y年%m月%d日'])
        WHEN x LIKE '________ %' THEN try_strptime(x, ['%Y%m%d %H:%M:%S', '%Y%m%d %H:%M'])
        WHEN strlen(x) = 14 THEN try_strptime(x, '%Y%m%d%H%M%S')
        WHEN strlen(x) = 8 THEN try_strptime(x, '%Y%m%d')
        WHEN x LIKE '____.%'
            THEN try_strptime(x, ['%Y.%m.%d %H:%M:%S', '%Y.%m.%d %H:%M', '%Y.%m.%d'])
        WHEN strlen(x) BETWEEN 5 AND 17 AND NOT contains(x, ' ')
            THEN TIMESTAMP '1899-12-30' + to_microseconds(TRY_CAST(round(
                TRY_CAST(x AS DOUBLE) * 86400000000) AS BIGINT))
        ELSE try_strptime(trim(x), [
            '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S', '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M',
            '%Y-%m-%d %H:%M', '%Y-%m-%d', '%Y/%m/%d', '%Y%m%d%H%M%S', '%Y%m%d', '%Y.%m.%d',
            '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日'])
    END);

CREATE OR REPLACE TEMP MACRO ledger_has_time(x) AS
    CASE
        WHEN contains(x, ':') OR contains(x, '时') THEN true
        ELSE regexp_full_match(x, '\s*([0-9]{14}|[0-9]{5}\.[0-9]*[1-9][0-9]*)\s*')
    END;

-- Amounts: 1234.56, 1,234.56, with ¥ ￥ 元 RMB CNY around them, full-width digits, (123.45) as a
-- negative. ledger_amount_text cleans the text for the cast, which the caller makes to the
-- column's own DECIMAL type only where the plain cast failed (a wide DECIMAL(38, x) cast costs
-- ten times a DECIMAL(18, x) one). Separators are removed only between groups of three digits.
CREATE OR REPLACE TEMP MACRO ledger_amount_text(x) AS
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        translate(upper(x), '０１２３４５６７８９．，－＋（）', '0123456789.,-+()'),
        '¥|￥|元|RMB|CNY|\s|' || chr(12288) || '|' || chr(160) || '|' || chr(65279), '', 'g'),
        '^\((.*)\)$', '-\1'),
        ',([0-9]{3})([,.]|$)', '\1\2', 'g'),
        ',([0-9]{3})([,.]|$)', '\1\2', 'g');

-- Whole numbers: 3, 3.0, +3, 第3期, 12期, 12个月 (3.5 is not one).
CREATE OR REPLACE TEMP MACRO ledger_int(x) AS
    CASE
        WHEN NOT (contains(x, '.') OR contains(x, 'e') OR contains(x, 'E') OR contains(x, 'x')
                  OR contains(x, 'X') OR contains(x, '_'))
            THEN coalesce(TRY_CAST(x AS BIGINT), TRY_CAST(regexp_extract(
                x, '^\s*第?\s*([0-9]{1,9})\s*(期|个月|月|期次)?\s*$', 1) AS BIGINT))
        WHEN regexp_full_match(x, '\s*[+-]?[0-9]{1,9}\.0*\s*')
            THEN TRY_CAST(split_part(trim(x), '.', 1) AS BIGINT)
    END;

CREATE OR REPLACE TEMP MACRO ledger_number(x) AS
    CASE WHEN isfinite(TRY_CAST(x AS DOUBLE)) THEN TRY_CAST(x AS DOUBLE) END;

-- A field as CSV writes it (quoted when it holds the delimiter, a quote or a line break).
CREATE OR REPLACE TEMP MACRO ledger_csv_field(x, d) AS
    CASE WHEN x IS NULL THEN ''
         WHEN contains(x, d) OR contains(x, '"') OR contains(x, chr(10)) OR contains(x, chr(13))
             THEN '"' || replace(x, '"', '""') || '"'
         ELSE x END;
