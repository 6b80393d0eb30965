"""Turning generated arrays into the four tables of the contract, and appending them to files.

Strings are built with numpy/pyarrow buffers rather than Python formatting (tens of millions of
ids would otherwise take minutes); CSV goes through pyarrow's writer (no quoting: no value holds
a comma), Parquet through one ParquetWriter per table with a row group per chunk. The GBK
variant (a real export's encoding, with Chinese headers and values) is for small tables only: it
is transcoded in memory.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

TABLES = ("loans", "installments", "repayments", "collection_actions")

MONEY = pa.decimal128(18, 2)

SCHEMAS: dict[str, pa.Schema] = {
    "loans": pa.schema(
        [
            ("loan_id", pa.string()),
            ("borrower_id", pa.string()),
            ("disbursed_date", pa.date32()),
            ("principal", MONEY),
            ("term_months", pa.int32()),
            ("product", pa.string()),
            ("region", pa.string()),
            ("risk_grade", pa.string()),
            ("credit_score", pa.int32()),
            ("acquisition_channel", pa.string()),
            ("borrower_type", pa.string()),
            ("fin_edu", pa.string()),
            ("closed_date", pa.date32()),
            ("close_reason", pa.string()),
        ]
    ),
    "installments": pa.schema(
        [
            ("loan_id", pa.string()),
            ("installment_no", pa.int32()),
            ("due_date", pa.date32()),
            ("principal_due", MONEY),
            ("interest_due", MONEY),
            ("fee_due", MONEY),
        ]
    ),
    "repayments": pa.schema(
        [
            ("payment_id", pa.string()),
            ("loan_id", pa.string()),
            ("paid_date", pa.date32()),
            ("amount", MONEY),
            ("installment_no", pa.int32()),
        ]
    ),
    "collection_actions": pa.schema(
        [
            ("action_id", pa.string()),
            ("loan_id", pa.string()),
            ("action_at", pa.timestamp("s")),
            ("channel", pa.string()),
            ("agent_id", pa.string()),
            ("agency", pa.string()),
            ("outcome", pa.string()),
            ("ptp_amount", MONEY),
            ("ptp_date", pa.date32()),
            ("cost", MONEY),
            ("complaint", pa.bool_()),
            ("contact_target", pa.string()),
        ]
    ),
}

# Chinese headers of the loans table as a Chinese core system exports them (LEDGER.md aliases).
LOANS_ZH_HEADERS = {
    "loan_id": "借款编号",
    "borrower_id": "客户编号",
    "disbursed_date": "放款日期",
    "principal": "放款金额",
    "term_months": "期数",
    "product": "产品",
    "region": "省份",
    "risk_grade": "风险等级",
    "credit_score": "信用分",
    "acquisition_channel": "获客渠道",
    "borrower_type": "客户类型",
    "fin_edu": "金融教育",
    "closed_date": "结清日期",
    "close_reason": "结清原因",
}


def fixed_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Strings prefix + zero-padded number (e.g. L00000042), built straight into an Arrow
    buffer: one vectorised pass instead of a Python f-string per row."""
    numbers = np.asarray(numbers, dtype=np.int64)
    if numbers.size and int(numbers.max()) >= 10**width:
        raise ValueError(f"{prefix} numbers need more than {width} digits")
    size = len(numbers)
    chars = np.empty((size, len(prefix) + width), dtype=np.uint8)
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    rest = numbers.copy()
    for pos in range(width - 1, -1, -1):
        chars[:, len(prefix) + pos] = 48 + rest % 10
        rest //= 10
    offsets = np.arange(size + 1, dtype=np.int32) * chars.shape[1]
    return pa.Array.from_buffers(
        pa.string(), size, [None, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes())]
    )


def _primitive(
    arrow_type: pa.DataType, values: np.ndarray, valid: np.ndarray | None = None
) -> pa.Array:
    """An Arrow array over a numpy buffer with an optional validity mask, built from buffers:
    pyarrow's own masked conversion goes through pandas (a second of import, and slower)."""
    validity = None
    if valid is not None:
        validity = pa.py_buffer(np.packbits(np.asarray(valid, dtype=bool), bitorder="little"))
    null_count = -1 if valid is not None else 0
    return pa.Array.from_buffers(
        arrow_type, len(values), [validity, pa.py_buffer(values)], null_count=null_count
    )


def ints(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return _primitive(pa.int32(), np.ascontiguousarray(values, dtype=np.int32), valid)


def flags(values: np.ndarray) -> pa.Array:
    bits = np.packbits(np.asarray(values, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])


def strings(values: tuple[str, ...] | list[str]) -> pa.Array:
    """A small string array from Python strings (buffers again: no pandas import)."""
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.concatenate([[0], np.cumsum([len(e) for e in encoded])]).astype(np.int32)
    data = b"".join(encoded)
    return pa.Array.from_buffers(
        pa.string(), len(values), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def money(cents: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Decimal(18, 2) from integer cents without any float step (the cents are the unscaled
    integer of the decimal)."""
    cents = np.ascontiguousarray(cents, dtype=np.int64)
    two = np.empty((len(cents), 2), dtype=np.int64)
    two[:, 0] = cents
    two[:, 1] = cents >> 63  # sign extension into the high 64 bits
    return _primitive(MONEY, two, valid)


def coded(codes: np.ndarray, vocabulary: tuple[str, ...] | list[str]) -> pa.Array:
    """Strings from small integer codes (negative = null)."""
    codes = np.ascontiguousarray(codes, dtype=np.int32)
    indices = _primitive(pa.int32(), np.maximum(codes, 0), codes >= 0)
    return strings(vocabulary).take(indices)


def dates(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return _primitive(pa.date32(), np.ascontiguousarray(days, dtype=np.int32), valid)


class TableWriter:
    """Appends chunks of one table to a CSV or Parquet file."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: str, gbk_headers: dict | None = None):
        self.path = path
        self.schema = schema
        self.fmt = fmt
        self.gbk_headers = gbk_headers
        self._fh: BinaryIO | None = None
        self._csv: pacsv.CSVWriter | None = None
        self._pq: pq.ParquetWriter | None = None
        if fmt == "parquet":
            self._pq = pq.ParquetWriter(path, schema, compression="zstd")
        else:
            self._fh = open(path, "wb")  # noqa: SIM115 - closed in close()
            names = [gbk_headers.get(c, c) for c in schema.names] if gbk_headers else schema.names
            self._fh.write(self._encode(",".join(names) + "\n"))
            if not gbk_headers:
                self._csv = pacsv.CSVWriter(self._fh, schema, write_options=_CSV_OPTIONS)

    def _encode(self, text: str) -> bytes:
        return text.encode("gbk" if self.gbk_headers else "utf-8")

    def write(self, table: pa.Table) -> None:
        table = table.cast(self.schema)
        if self._pq is not None:
            self._pq.write_table(table)
        elif self._csv is not None:
            self._csv.write_table(table)
        else:  # GBK: write UTF-8 in memory, transcode (small tables only)
            buf = io.BytesIO()
            pacsv.write_csv(table, buf, write_options=_CSV_OPTIONS)
            assert self._fh is not None
            self._fh.write(buf.getvalue().decode("utf-8").encode("gbk"))

    def close(self) -> None:
        if self._pq is not None:
            self._pq.close()
        if self._csv is not None:
            self._csv.close()
        if self._fh is not None:
            self._fh.close()


_CSV_OPTIONS = pacsv.WriteOptions(include_header=False, quoting_style="none")
