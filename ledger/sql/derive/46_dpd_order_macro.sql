-- day_key(d): a date as a sortable BIGINT with room for an installment number, so that one ASOF
-- join can find "the first installment by (paid-off date, installment_no)" (DESIGN.md hint).
CREATE OR REPLACE MACRO day_key(d) AS CAST(d - DATE '1970-01-01' AS BIGINT) * 1000000;
