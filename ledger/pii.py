"""Personal data: recognise it, and keep it out of the database in clear.

Policy (LEDGER.md, "Personal data"):
- A column whose *name* says it holds names, phone numbers, ID-card numbers, addresses, e-mail,
  bank cards or birthdays (English or Chinese) is dropped on import; a mapping file can instead
  ask for a keyed hash of it ([pii] hash = [...]) when it is needed as an id.
- An extra column whose *content* holds a mobile number (1[3-9] + 9 digits), an 18-character
  ID-card number or an e-mail address in any row is dropped too.
- Id columns (loan_id, borrower_id, payment_id, action_id, agent_id) keep their value unless it
  *is* a phone or ID-card number; then the keyed hash is stored instead (the same value always
  gives the same hash, so joins and re-imports still work). Free-text contract columns
  (product, region, agency, ...) get the hash when a value contains such a number.
- The rejects table keeps the original text of a rejected row with personal-data columns and
  any such number replaced by "[PII]".

The keyed hash is HMAC-SHA256 (hex, first 32 characters, prefixed "pii:"). The key comes from
the environment variable LEDGER_PII_KEY when set (use that to share one key across databases),
otherwise from a key file beside the database, `<db>.pii-key`, created on first use with 32
random bytes and mode 0600. The key is never written into the database; losing the key file
means later imports hash the same person differently, so back it up with the database.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from pathlib import Path

from ledger.mapping import norm_header

KEY_ENV = "LEDGER_PII_KEY"
REDACTED = "[PII]"

# Content patterns, shared by Python and SQL (RE2 and Python re agree on these).
MOBILE = r"1[3-9][0-9]{9}"
ID_CARD = (
    r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]"
)
EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"
# "contains": digits around the number must not continue it (an id such as 1381234567890 is not
# a phone number; a phone number inside a remark is).
CONTAINS_SQL = rf"(^|[^0-9])({MOBILE}|{ID_CARD})([^0-9Xx]|$)|{EMAIL}"
FULL_SQL = rf"(\+?86[ \-]?)?{MOBILE}|{ID_CARD}"

_CONTAINS = re.compile(CONTAINS_SQL)
_FULL = re.compile(rf"^(?:{FULL_SQL})$")

# Name-based detection. Chinese words are matched inside the header; English words as whole
# underscore-separated tokens (so "phone" is PII but "iphone_model" is not).
_ZH_WORDS = (
    "姓名",
    "名字",
    "手机",
    "电话",
    "联系方式",
    "联系电话",
    "身份证",
    "证件号",
    "证件号码",
    "地址",
    "住址",
    "户籍",
    "居住地",
    "邮箱",
    "电子邮件",
    "紧急联系人",
    "联系人",
    "银行卡",
    "卡号",
    "账号",
    "出生日期",
    "生日",
    "微信",
    "qq号",
    "家庭住址",
    "工作单位",
    "单位地址",
    "配偶",
    "父母",
    "亲属",
    "客户名称",
    "借款人名称",
    "户名",
)
_ZH_EXACT = {"借款人", "客户", "客户名", "申请人", "持卡人", "联系人"}
_PERSON = {
    "customer",
    "cust",
    "borrower",
    "client",
    "user",
    "real",
    "full",
    "first",
    "last",
    "given",
    "family",
    "contact",
    "person",
    "member",
    "applicant",
    "spouse",
    "legal",
}
_EN_TOKENS = {
    "fullname",
    "firstname",
    "lastname",
    "surname",
    "phone",
    "mobile",
    "tel",
    "telephone",
    "cellphone",
    "cell",
    "msisdn",
    "email",
    "mail",
    "address",
    "addr",
    "street",
    "idcard",
    "id_card",
    "ssn",
    "passport",
    "birthday",
    "dob",
    "birthdate",
    "wechat",
    "iban",
}
_EN_PHRASES = (
    "id_card",
    "id_number",
    "id_no",
    "idcard_no",
    "national_id",
    "identity",
    "cert_no",
    "certificate_no",
    "bank_card",
    "card_no",
    "card_number",
    "account_no",
    "account_number",
    "bank_account",
    "birth_date",
    "date_of_birth",
    "emergency_contact",
    "contact_name",
    "contact_person",
    "home_address",
    "zip_code",
    "postcode",
    "ip_address",
)


def is_pii_header(header: str) -> bool:
    """True when a column's name says it holds personal data."""
    key = norm_header(header)
    if not key:
        return False
    if key in _ZH_EXACT or any(w in key for w in _ZH_WORDS):
        return True
    if any(
        p == key or key.startswith(p + "_") or key.endswith("_" + p) or f"_{p}_" in key
        for p in _EN_PHRASES
    ):
        return True
    tokens = set(key.split("_"))
    if "name" in tokens and (key == "name" or tokens & _PERSON):
        return True
    return bool(tokens & _EN_TOKENS)


def contains_pii(text: str | None) -> bool:
    return bool(text) and bool(_CONTAINS.search(unicodedata.normalize("NFKC", text)))


def is_pii_value(text: str | None) -> bool:
    """A whole value that is a phone or ID-card number (an id column holding one)."""
    return bool(text) and bool(_FULL.match(text.strip()))


def redact(text: str) -> str:
    """Every phone, ID-card number and e-mail address in `text` replaced by [PII]. Twice:
    a match consumes the character after it, which may be the one before the next number."""
    for _ in range(2):
        text = _CONTAINS.sub(lambda m: (m.group(1) or "") + REDACTED + (m.group(3) or ""), text)
    return text


def key_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".pii-key")


def load_key(db_path: Path) -> bytes:
    """The HMAC key: $LEDGER_PII_KEY, else the key file beside the database (created once)."""
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode("utf-8")
    path = key_path(db_path)
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    except ValueError as exc:
        raise ValueError(f"{path}: the personal-data key file is damaged") from exc
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return key


def keyed_hash(key: bytes, value: str) -> str:
    """The Python twin of the SQL macro ledger_pii_hash (tests compare the two)."""
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return "pii:" + digest[:32]


def key_id(key: bytes) -> str:
    """A short fingerprint of the key, stored in the import report to notice a changed key."""
    return hmac.new(key, b"ledger-pii-key-id", hashlib.sha256).hexdigest()[:12]


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC's inner and outer padded keys, so that SQL can compute HMAC-SHA256 with sha256()."""
    block = 64
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = bytes(b ^ 0x36 for b in key)
    outer = bytes(b ^ 0x5C for b in key)
    return inner, outer


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def install_pii_macros(con: object, key: bytes) -> None:
    """Temporary SQL macros of the import connection (never stored in the database):
    ledger_pii_full(x)     — x is a phone or ID-card number (ids holding one are hashed);
    ledger_pii_contains(x) — x contains a phone, ID-card number or e-mail address;
    ledger_pii_hash(x)     — the keyed hash, equal to keyed_hash() in Python;
    ledger_pii_redact(x)   — x with every such number replaced by [PII].
    The padded keys are written into the macro as hex constants so that DuckDB folds them once;
    they are derived from the key, which is never stored."""
    inner, outer = hmac_pads(key)
    sql = f"""
    CREATE OR REPLACE TEMP MACRO ledger_pii_full(x) AS
        (strlen(x) BETWEEN 11 AND 18 AND regexp_full_match(x, {_sql_literal(FULL_SQL)}));
    CREATE OR REPLACE TEMP MACRO ledger_pii_contains(x) AS
        ((strlen(x) >= 11 OR contains(x, '@'))
         AND regexp_matches(x, {_sql_literal(CONTAINS_SQL)}));
    CREATE OR REPLACE TEMP MACRO ledger_pii_hash(x) AS
        'pii:' || left(sha256(unhex('{outer.hex()}')
                              || unhex(sha256(unhex('{inner.hex()}') || encode(x)))), 32);
    CREATE OR REPLACE TEMP MACRO ledger_pii_redact(x) AS
        regexp_replace(regexp_replace(x, {_sql_literal(CONTAINS_SQL)}, '\\1{REDACTED}\\3', 'g'),
                       {_sql_literal(CONTAINS_SQL)}, '\\1{REDACTED}\\3', 'g');
    """
    con.execute(sql)  # type: ignore[attr-defined]
