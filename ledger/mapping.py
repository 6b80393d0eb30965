"""The contract's tables and columns, the names exports give them, and the user mapping file.

An export is read as it is: its headers are matched against the contract names of LEDGER.md,
the usual Chinese headers, and whatever a mapping file (TOML, see `load_mapping`) adds for a
system we have never seen. Values with a fixed vocabulary (channels, outcomes, contact targets,
close reasons, booleans) are looked up in built-in tables that a mapping file can extend.

Nothing here touches data: it only decides *which* column is *what*, so that the readers and
the validation can stay generic.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

TABLE_NAMES = ("loans", "installments", "repayments", "collection_actions")
# An import must bring these (or the database must hold them from an earlier import).
REQUIRED_TABLES = ("loans", "installments", "repayments")


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class FieldSpec:
    """One contract column.

    kind: id | text | date | paid (date or timestamp) | timestamp | amount | int | number |
    bool | channel | outcome | contact_target | close_reason.
    sign (amounts): positive (> 0), non_negative (>= 0), payment (> 0, negatives are reversals).
    """

    name: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    sign: str = ""


@dataclass(frozen=True)
class TableSpec:
    name: str
    fields: tuple[FieldSpec, ...]
    file_aliases: tuple[str, ...]
    key: tuple[str, ...]

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


# fmt: off
LOAN_ID_ALIASES = (
    "loan_id", "loan_no", "loan_number", "loanid", "contract_no", "contract_id", "contract_number",
    "借款编号", "贷款编号", "合同号", "合同编号", "借据号", "借据编号", "借款合同号", "贷款合同号",
    "借款单号", "贷款账号",
)

TABLES: dict[str, TableSpec] = {
    "loans": TableSpec(
        "loans",
        (
            FieldSpec("loan_id", "id", True, LOAN_ID_ALIASES),
            FieldSpec("borrower_id", "id", True, (
                "borrower_id", "customer_id", "client_id", "cust_id", "user_id", "customer_no",
                "borrower_no", "客户编号", "客户号", "客户id", "借款人编号", "借款人id", "用户编号",
                "用户id", "客户代码")),
            FieldSpec("disbursed_date", "date", True, (
                "disbursed_date", "disbursement_date", "disburse_date", "disbursed_at",
                "loan_date", "issue_date", "funded_date", "value_date", "放款日期", "放款时间",
                "放款日", "发放日期", "借款日期", "起息日", "起息日期")),
            FieldSpec("principal", "amount", True, (
                "principal", "loan_amount", "disbursed_amount", "principal_amount", "amount",
                "放款金额", "借款本金", "借款金额", "贷款金额", "贷款本金", "合同金额", "本金"),
                sign="positive"),
            FieldSpec("term_months", "int", False, (
                "term_months", "term", "tenor", "tenure", "periods", "num_installments",
                "installment_count", "期数", "借款期限", "贷款期限", "期限", "总期数")),
            FieldSpec("product", "text", False, (
                "product", "product_name", "product_code", "product_type", "产品", "产品名称",
                "产品类型", "产品代码")),
            FieldSpec("region", "text", False, (
                "region", "province", "city", "area", "省份", "地区", "城市", "所在地区", "省",
                "区域", "所属地区")),
            FieldSpec("risk_grade", "text", False, (
                "risk_grade", "grade", "risk_level", "rating", "score_band", "风险等级",
                "风险评级", "评级", "等级", "风险分级")),
            FieldSpec("credit_score", "number", False, (
                "credit_score", "score", "信用分", "信用评分", "评分", "信用分数")),
            FieldSpec("acquisition_channel", "text", False, (
                "acquisition_channel", "channel", "source", "source_channel", "utm_source",
                "获客渠道", "渠道", "来源渠道", "进件渠道", "推广渠道")),
            FieldSpec("closed_date", "date", False, (
                "closed_date", "close_date", "settled_date", "settle_date", "closed_at",
                "结清日期", "关闭日期", "结清时间")),
            FieldSpec("close_reason", "close_reason", False, (
                "close_reason", "closure_reason", "closed_reason", "结清原因", "关闭原因",
                "结清方式", "结清类型")),
        ),
        ("loans", "loan", "loan_list", "loan_master", "loan_book", "借款", "贷款", "借款信息",
         "贷款信息", "借据", "借据信息", "放款", "放款明细", "放款记录", "借款明细", "贷款明细",
         "借款列表", "贷款列表"),
        ("loan_id",),
    ),
    "installments": TableSpec(
        "installments",
        (
            FieldSpec("loan_id", "id", True, LOAN_ID_ALIASES),
            FieldSpec("installment_no", "int", True, (
                "installment_no", "installment", "installment_number", "instalment_no",
                "period", "period_no", "term_no", "seq", "期次", "期号", "当前期数", "第几期",
                "期数", "还款期次")),
            FieldSpec("due_date", "date", True, (
                "due_date", "due", "due_on", "应还日期", "到期日", "到期日期", "应还款日",
                "应还款日期", "计划还款日期", "还款日", "账单日")),
            FieldSpec("principal_due", "amount", False, (
                "principal_due", "due_principal", "scheduled_principal", "应还本金", "本金",
                "计划本金"), sign="non_negative"),
            FieldSpec("interest_due", "amount", False, (
                "interest_due", "due_interest", "scheduled_interest", "interest", "应还利息",
                "利息", "计划利息"), sign="non_negative"),
            FieldSpec("fee_due", "amount", False, (
                "fee_due", "fees_due", "due_fee", "fee", "fees", "penalty", "应还费用", "服务费",
                "罚息", "费用", "手续费", "应还服务费", "应还罚息"), sign="non_negative"),
            FieldSpec("amount_due", "amount", False, (
                "amount_due", "total_due", "due_amount", "应还金额", "应还总额", "应还款额",
                "应还款金额"), sign="non_negative"),
        ),
        ("installments", "installment", "schedule", "schedules", "repayment_schedule",
         "repayment_plan", "payment_schedule", "plan", "还款计划", "还款计划表", "还款计划明细",
         "期供", "应还", "应还计划", "分期计划"),
        ("loan_id", "installment_no"),
    ),
    "repayments": TableSpec(
        "repayments",
        (
            FieldSpec("payment_id", "id", False, (
                "payment_id", "repayment_id", "txn_id", "transaction_id", "trans_id",
                "还款编号", "流水号", "交易流水号", "还款流水号", "交易编号", "还款单号")),
            FieldSpec("loan_id", "id", True, LOAN_ID_ALIASES),
            FieldSpec("paid_date", "paid", True, (
                "paid_date", "paid_at", "payment_date", "repayment_date", "repay_date",
                "paid_time", "payment_time", "实还日期", "实还时间", "实际还款日期",
                "实际还款时间", "还款日期", "还款时间", "交易时间", "交易日期", "入账日期",
                "入账时间")),
            FieldSpec("amount", "amount", True, (
                "amount", "paid_amount", "payment_amount", "repay_amount", "repaid_amount",
                "实还金额", "实际还款金额", "还款金额", "交易金额", "入账金额", "实还总额"),
                sign="payment"),
            FieldSpec("installment_no", "int", False, (
                "installment_no", "installment", "period", "period_no", "期次", "期号",
                "还款期次")),
        ),
        ("repayments", "repayment", "payments", "payment", "repayment_records", "transactions",
         "还款", "还款记录", "还款明细", "还款流水", "实还", "实还记录", "实还明细", "回款",
         "回款记录", "回款明细"),
        ("payment_id",),
    ),
    "collection_actions": TableSpec(
        "collection_actions",
        (
            FieldSpec("action_id", "id", False, (
                "action_id", "record_id", "collection_id", "催记编号", "催收编号", "催记id",
                "记录编号")),
            FieldSpec("loan_id", "id", True, LOAN_ID_ALIASES),
            FieldSpec("action_at", "timestamp", True, (
                "action_at", "action_time", "action_datetime", "contact_time", "contacted_at",
                "催收时间", "联系时间", "催记时间", "操作时间", "拨打时间")),
            FieldSpec("channel", "channel", True, (
                "channel", "action_type", "method", "collection_channel", "催收方式", "催收渠道",
                "催收手段", "渠道", "方式")),
            FieldSpec("agent_id", "id", False, (
                "agent_id", "agent", "collector", "collector_id", "催收员", "催收员编号", "催收人",
                "催收人员", "坐席", "坐席号", "坐席工号", "工号")),
            FieldSpec("agency", "text", False, (
                "agency", "agency_name", "vendor", "委外机构", "委外公司", "催收机构", "机构")),
            FieldSpec("outcome", "outcome", False, (
                "outcome", "result", "action_result", "催收结果", "结果", "联系结果", "处理结果")),
            FieldSpec("ptp_amount", "amount", False, (
                "ptp_amount", "promised_amount", "promise_amount", "承诺还款金额", "承诺金额"),
                sign="non_negative"),
            FieldSpec("ptp_date", "date", False, (
                "ptp_date", "promise_date", "promised_date", "承诺还款日期", "承诺日期",
                "承诺还款日")),
            FieldSpec("cost", "amount", False, (
                "cost", "action_cost", "成本", "费用", "催收成本"), sign="non_negative"),
            FieldSpec("complaint", "bool", False, (
                "complaint", "complained", "has_complaint", "投诉", "是否投诉", "客诉")),
            FieldSpec("contact_target", "contact_target", False, (
                "contact_target", "target", "contact_type", "contact_party", "联系对象",
                "催收对象", "联系人类型")),
        ),
        ("collection_actions", "collection_action", "actions", "collections", "collection",
         "collection_log", "collection_records", "催收", "催收记录", "催记", "催收明细",
         "催收日志", "催收流水"),
        ("action_id",),
    ),
}

# Canonical vocabularies (LEDGER.md) and the words exports use for them. Keys are matched after
# `vocab_key` (case, surrounding space, and _ - space between words do not matter).
VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "channel": {
        "sms": ("sms", "text", "text_message", "短信", "短信提醒", "短信催收", "短信通知"),
        "phone": ("phone", "call", "phone_call", "manual_call", "voice", "tel", "电话",
                  "人工外呼", "电催", "电话催收", "人工电话", "人工催收", "外呼", "人工"),
        "ivr": ("ivr", "robot", "robot_call", "robocall", "ai_call", "智能语音", "机器人",
                "语音机器人", "机器人外呼", "智能外呼", "ai外呼", "语音", "自动语音"),
        "app_push": ("app_push", "push", "app", "app_notification", "app推送", "推送",
                     "站内信", "app消息"),
        "email": ("email", "e_mail", "mail", "邮件", "电子邮件"),
        "field_visit": ("field_visit", "visit", "field", "home_visit", "上门", "外访",
                        "上门催收", "实地催收", "外访催收", "上门/外访"),
        "third_party": ("third_party", "agency", "outsourced", "outsourcing", "委外",
                        "委外催收", "第三方", "第三方催收"),
        "legal": ("legal", "lawsuit", "litigation", "法诉", "诉讼", "法务", "律师函", "仲裁",
                  "法律诉讼"),
        "repayment_plan": ("repayment_plan", "plan", "restructuring", "协商还款", "分期方案",
                           "协商", "还款方案", "协商分期"),
    },
    "outcome": {
        "no_answer": ("no_answer", "noanswer", "not_answered", "未接通", "无人接听", "未接",
                      "无应答", "未接听"),
        "unreachable": ("unreachable", "invalid_number", "关机", "停机", "空号", "无法接通",
                        "失联", "号码无效"),
        "wrong_party": ("wrong_party", "wrong_number", "非本人", "错号", "他人接听", "非本人接听"),
        "delivered": ("delivered", "sent", "已送达", "送达", "发送成功", "已发送", "成功"),
        "contacted": ("contacted", "rpc", "right_party_contact", "connected", "已联系", "接通",
                      "已接通", "联系上", "本人接听", "已联系本人"),
        "ptp": ("ptp", "promise_to_pay", "promised", "承诺还款", "承诺", "同意还款"),
        "refused": ("refused", "refuse", "refusal", "拒绝还款", "拒还", "拒绝", "拒付"),
        "paid": ("paid", "repaid", "已还款", "已还", "已结清"),
        "visited": ("visited", "已上门", "已外访", "上门完成", "外访完成"),
        "plan_agreed": ("plan_agreed", "agreed_plan", "达成方案", "同意分期", "协商成功",
                        "达成协议", "协商一致"),
    },
    "contact_target": {
        "borrower": ("borrower", "self", "debtor", "本人", "借款人", "客户本人", "债务人"),
        "emergency_contact": ("emergency_contact", "contact", "紧急联系人", "联系人",
                              "亲属", "家属"),
        "third_party": ("third_party", "other", "第三方", "其他", "其他人"),
    },
    "close_reason": {
        "paid_off": ("paid_off", "paidoff", "settled", "正常结清", "结清", "到期结清"),
        "prepaid": ("prepaid", "prepayment", "early_repayment", "提前结清", "提前还款"),
        "written_off": ("written_off", "write_off", "writeoff", "charged_off", "核销",
                        "已核销", "坏账核销"),
        "restructured": ("restructured", "restructure", "重组", "债务重组", "展期"),
        "sold": ("sold", "sale", "transferred", "出售", "转让", "债权转让", "资产转让"),
    },
    "bool": {
        "true": ("true", "t", "1", "1.0", "yes", "y", "是", "有", "真", "对", "√", "x"),
        "false": ("false", "f", "0", "0.0", "no", "n", "否", "无", "假", "没有"),
    },
}

# fmt: on

_SEPARATORS = re.compile(r"[\s_\-]+")


def vocab_key(text: str) -> str:
    """The lookup key of a vocabulary word: the SQL side uses the same rule (lower + trim) and
    the vocabulary holds each word with _, - and space variants, so both sides agree."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def vocab_variants(word: str) -> set[str]:
    base = vocab_key(word)
    squashed = _SEPARATORS.sub("_", base)
    return {
        base,
        squashed,
        squashed.replace("_", " "),
        squashed.replace("_", "-"),
        squashed.replace("_", ""),
    }


_UNIT_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")


def norm_header(text: str) -> str:
    """How headers are compared: NFKC (full-width → half-width), BOM and surrounding space
    removed, lower case, runs of space/-/_ as one underscore, a trailing * dropped."""
    s = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "").replace("\u200b", "")
    s = s.strip().rstrip("*").strip().lower()
    return _SEPARATORS.sub("_", s).strip("_")


def header_candidates(text: str) -> list[str]:
    """The normalized header, and without a trailing unit such as (元) or (RMB)."""
    first = norm_header(text)
    out = [first]
    stripped = _UNIT_SUFFIX.sub("", unicodedata.normalize("NFKC", str(text)))
    second = norm_header(stripped)
    if second and second != first:
        out.append(second)
    return out


AMOUNT_UNITS = {
    "yuan": Decimal(1),
    "元": Decimal(1),
    "fen": Decimal("0.01"),
    "分": Decimal("0.01"),
    "jiao": Decimal("0.1"),
    "角": Decimal("0.1"),
    "wan": Decimal(10000),
    "万": Decimal(10000),
}

_FORMAT_OK = re.compile(r"^[%A-Za-z0-9 年月日时分秒:/.,\-T_]+$")


@dataclass
class Mapping:
    """A user mapping file, parsed and checked. See `load_mapping` for the format."""

    source: Path | None = None
    files: dict[str, list[str]] = field(default_factory=dict)
    columns: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    formats: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    units: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    constants: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    pii_drop: set[str] = field(default_factory=set)
    pii_hash: set[str] = field(default_factory=set)
    delimiter: str | None = None
    encoding: str | None = None
    skip_rows: int | None = None
    # `import --from-db`: where each table comes from (a table name, or a whole SQL query)
    source_tables: dict[str, str] = field(default_factory=dict)
    source_queries: dict[str, str] = field(default_factory=dict)

    def table_for_file(self, name: str) -> str | None:
        """The table whose file patterns (glob, case-insensitive) match this file name."""
        low = name.lower()
        for table, patterns in self.files.items():
            for pattern in patterns:
                if fnmatch.fnmatchcase(low, pattern.lower()):
                    return table
        return None


def _err(source: Path, msg: str) -> MappingError:
    return MappingError(f"{source}: {msg}")


def _str_list(source: Path, where: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    raise _err(source, f"{where}: expected a string or a list of strings, got {value!r}")


def _table(source: Path, name: str) -> str:
    if name not in TABLES:
        raise _err(source, f"unknown table [{name}]; expected one of {', '.join(TABLE_NAMES)}")
    return name


def _field(source: Path, table: str, name: str, section: str) -> str:
    if name not in TABLES[table].field_names:
        raise _err(
            source,
            f"[{table}.{section}] unknown column {name!r}; expected one of "
            f"{', '.join(TABLES[table].field_names)}",
        )
    return name


def load_mapping(path: str | Path) -> Mapping:
    """Read a mapping file (TOML). Every key is optional:

    ```toml
    [files]                      # file name patterns (glob, case-insensitive) → table
    loans = ["LN_MASTER*"]

    [loans.columns]              # contract column = the export's header (or a list of them)
    loan_id = "Contract Ref"
    [loans.formats]              # strptime formats tried first for a date/timestamp column
    disbursed_date = "%d.%m.%Y"
    [loans.units]                # amounts in another unit: "fen" (0.01), "wan", or a number
    principal = "fen"
    [loans.constants]            # a fixed value for a column the export does not have
    product = "cash_loan"

    [values.channel]             # extra words of a vocabulary: channel, outcome,
    "TXT" = "sms"                # contact_target, close_reason, bool (value true/false)

    [pii]                        # more personal-data columns: dropped, or kept as keyed hash
    drop = ["Kundenname"]
    hash = ["Member card"]

    [source.tables]              # import --from-db: the database table of a ledger table
    loans = "core.loan_master"
    [source.queries]             # ... or a whole query (its columns are matched as headers)
    repayments = "SELECT pay_no, loan_no, pay_day, amt FROM core.pay WHERE status = 'ok'"

    [csv]                        # only when detection is not enough
    delimiter = ";"
    encoding = "gb18030"
    skip_rows = 2                # lines above the header
    ```
    """
    source = Path(path)
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise _err(source, f"cannot read the mapping file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise _err(source, "the mapping file is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise _err(source, f"not valid TOML: {exc}") from exc

    m = Mapping(source=source)
    for key, value in raw.items():
        if key == "files":
            if not isinstance(value, dict):
                raise _err(source, "[files] must be a table of table = patterns")
            for table, patterns in value.items():
                m.files[_table(source, table)] = _str_list(source, f"[files] {table}", patterns)
        elif key in TABLES:
            _load_table_section(source, m, key, value)
        elif key == "values":
            _load_values(source, m, value)
        elif key == "pii":
            if not isinstance(value, dict) or set(value) - {"drop", "hash"}:
                raise _err(source, "[pii] takes drop = [...] and hash = [...]")
            m.pii_drop = {
                norm_header(v) for v in _str_list(source, "[pii] drop", value.get("drop", [""]))
            } - {""}
            m.pii_hash = {
                norm_header(v) for v in _str_list(source, "[pii] hash", value.get("hash", [""]))
            } - {""}
        elif key == "csv":
            _load_csv(source, m, value)
        elif key == "source":
            _load_source(source, m, value)
        else:
            raise _err(
                source,
                f"unknown section [{key}]; expected files, values, pii, csv, source or a table "
                f"({', '.join(TABLE_NAMES)})",
            )
    return m


_SOURCE_TABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2}")


def _load_source(source: Path, m: Mapping, value: Any) -> None:
    if not isinstance(value, dict) or set(value) - {"tables", "queries"}:
        raise _err(source, "[source] takes [source.tables] and [source.queries]")
    for section, target in (("tables", m.source_tables), ("queries", m.source_queries)):
        entries = value.get(section, {})
        if not isinstance(entries, dict):
            raise _err(source, f"[source.{section}] must be a table of table = text")
        for name, v in entries.items():
            table = _table(source, name)
            if not isinstance(v, str) or not v.strip():
                raise _err(source, f"[source.{section}] {name}: expected a non-empty string")
            if section == "tables" and not _SOURCE_TABLE.fullmatch(v.strip()):
                raise _err(
                    source,
                    f"[source.tables] {name}: {v!r} is not a table name (schema.table); "
                    "use [source.queries] for anything else",
                )
            target[table] = v.strip()
    both = set(m.source_tables) & set(m.source_queries)
    if both:
        raise _err(source, f"[source] {', '.join(sorted(both))}: a table name or a query, not both")


def _load_table_section(source: Path, m: Mapping, table: str, value: Any) -> None:
    if not isinstance(value, dict):
        raise _err(source, f"[{table}] must be a table")
    for section, entries in value.items():
        if section not in ("columns", "formats", "units", "constants"):
            raise _err(
                source,
                f"[{table}.{section}] unknown; expected columns, formats, units or constants",
            )
        if not isinstance(entries, dict):
            raise _err(source, f"[{table}.{section}] must be a table of column = value")
        for name, v in entries.items():
            fname = _field(source, table, name, section)
            kind = TABLES[table].field(fname).kind
            where = f"[{table}.{section}] {name}"
            if section == "columns":
                m.columns.setdefault(table, {})[fname] = [
                    norm_header(h) for h in _str_list(source, where, v)
                ]
            elif section == "formats":
                if kind not in ("date", "paid", "timestamp"):
                    raise _err(source, f"{where}: {name} is not a date column")
                fmts = _str_list(source, where, v)
                for f in fmts:
                    if "%" not in f or not _FORMAT_OK.match(f):
                        raise _err(source, f"{where}: {f!r} is not a strptime format")
                m.formats.setdefault(table, {})[fname] = fmts
            elif section == "units":
                if kind != "amount":
                    raise _err(source, f"{where}: {name} is not an amount column")
                m.units.setdefault(table, {})[fname] = _unit(source, where, v)
            else:
                if not isinstance(v, str | int | float | bool):
                    raise _err(source, f"{where}: expected a plain value")
                m.constants.setdefault(table, {})[fname] = (
                    str(v).lower() if isinstance(v, bool) else str(v)
                )


def _unit(source: Path, where: str, v: Any) -> Decimal:
    if isinstance(v, str) and v.strip().lower() in AMOUNT_UNITS:
        return AMOUNT_UNITS[v.strip().lower()]
    try:
        unit = Decimal(str(v))
    except InvalidOperation:
        unit = Decimal(0)
    if isinstance(v, bool) or not unit.is_finite() or unit <= 0:
        raise _err(source, f"{where}: expected yuan, fen, wan or a positive number, got {v!r}")
    return unit


def _load_values(source: Path, m: Mapping, value: Any) -> None:
    if not isinstance(value, dict):
        raise _err(source, "[values] must hold tables such as [values.channel]")
    for vocab, words in value.items():
        if vocab not in VOCABULARIES:
            raise _err(
                source, f"[values.{vocab}] unknown; expected one of {', '.join(VOCABULARIES)}"
            )
        if not isinstance(words, dict):
            raise _err(source, f"[values.{vocab}] must be a table of word = value")
        for word, target in words.items():
            target_s = str(target).lower() if isinstance(target, bool) else target
            if not isinstance(target_s, str) or target_s not in VOCABULARIES[vocab]:
                raise _err(
                    source,
                    f"[values.{vocab}] {word!r} = {target!r}: expected one of "
                    f"{', '.join(VOCABULARIES[vocab])}",
                )
            for key in vocab_variants(word):
                m.values.setdefault(vocab, {})[key] = target_s


def _load_csv(source: Path, m: Mapping, value: Any) -> None:
    if not isinstance(value, dict):
        raise _err(source, "[csv] must be a table")
    for k, v in value.items():
        if k == "delimiter":
            if v == "\\t":
                v = "\t"
            if not isinstance(v, str) or len(v) != 1 or v in '"\r\n':
                raise _err(source, "[csv] delimiter: expected one character such as , ; | or \\t")
            m.delimiter = v
        elif k == "encoding":
            enc = str(v).lower().replace("_", "-")
            if enc not in ("utf-8", "utf8", "utf-8-sig", "gbk", "gb2312", "gb18030", "utf-16"):
                raise _err(source, "[csv] encoding: expected utf-8, gbk, gb18030 or utf-16")
            m.encoding = "gb18030" if enc in ("gbk", "gb2312") else enc
        elif k == "skip_rows":
            if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 1000:
                raise _err(source, "[csv] skip_rows: expected a whole number 0..1000")
            m.skip_rows = v
        else:
            raise _err(source, f"[csv] {k}: unknown; expected delimiter, encoding or skip_rows")


def vocabulary_rows(mapping: Mapping | None) -> list[tuple[str, str, str]]:
    """(vocabulary, key, canonical value) for the SQL lookup table: built-ins plus mapping."""
    rows: dict[tuple[str, str], str] = {}
    for vocab, targets in VOCABULARIES.items():
        for target, words in targets.items():
            for word in (target, *words):
                for key in vocab_variants(word):
                    rows[(vocab, key)] = target
    if mapping:
        for vocab, words in mapping.values.items():
            for key, target in words.items():
                rows[(vocab, key)] = target
    return [(v, k, t) for (v, k), t in sorted(rows.items())]


# --- which file is which table -------------------------------------------------------------

_NAME_SPLIT = re.compile(r"[\s_\-.()（）\[\]【】,，]+|\d+[年月日号]?")


def table_from_name(name: str) -> str | None:
    """The table a file, sheet or folder name stands for, or None when it names none (or more
    than one equally well). Dates and numbers in the name are ignored (monthly exports)."""
    stem = unicodedata.normalize("NFKC", name).lower()
    tokens = [t for t in _NAME_SPLIT.split(stem) if t]
    best: dict[str, int] = {}
    # English aliases match whole tokens or runs of tokens; Chinese ones also inside a token.
    for table, spec in TABLES.items():
        for alias in spec.file_aliases:
            a_tokens = [t for t in _NAME_SPLIT.split(alias) if t]
            n = len(a_tokens)
            hit = any(tokens[i : i + n] == a_tokens for i in range(len(tokens) - n + 1))
            if not hit and not alias.isascii():
                hit = any(alias in t for t in tokens)
            if hit:
                best[table] = max(best.get(table, 0), len(alias))
    if not best:
        return None
    top = max(best.values())
    winners = [t for t, score in best.items() if score == top]
    return winners[0] if len(winners) == 1 else None


@dataclass
class ColumnPlan:
    """How one file's columns map onto one table.

    fields: contract field → source column indexes (fee_due may sum several).
    extras: (column index, name) kept as loan_extras (loans only).
    pii_drop / pii_hash: column indexes of personal data (dropped / keyed-hashed extras).
    ignored: (header, why) not used.
    """

    table: str
    fields: dict[str, list[int]]
    extras: list[tuple[int, str]]
    pii_drop: list[int]
    pii_hash: list[tuple[int, str]]
    ignored: list[tuple[str, str]]
    constants: dict[str, str]


def match_fields(table: str, headers: list[str], mapping: Mapping | None) -> dict[str, list[int]]:
    """Contract field → matching header indexes, best match first (mapping file, then the
    contract name, then aliases in their listed order)."""
    spec = TABLES[table]
    cands = [header_candidates(h) for h in headers]
    user = mapping.columns.get(table, {}) if mapping else {}
    out: dict[str, list[tuple[int, int]]] = {}
    for f in spec.fields:
        names = [norm_header(a) for a in f.aliases]
        if f.name not in names:
            names.insert(0, f.name)
        for idx, cs in enumerate(cands):
            rank = None
            if f.name in user and any(c in user[f.name] for c in cs):
                rank = -1
            else:
                for r, alias in enumerate(names):
                    if alias in cs:
                        rank = r
                        break
            if rank is not None:
                out.setdefault(f.name, []).append((rank, idx))
    return {k: [i for _, i in sorted(v)] for k, v in out.items()}


def detect_table(headers: list[str], mapping: Mapping | None) -> str | None:
    """The one table whose required columns all appear among the headers, or None."""
    hits = []
    for table in TABLE_NAMES:
        if not missing_required(table, match_fields(table, headers, mapping), mapping):
            hits.append(table)
    return hits[0] if len(hits) == 1 else None


def missing_required(
    table: str, matched: dict[str, list[int]], mapping: Mapping | None
) -> list[str]:
    """Required contract columns that the file lacks (constants in the mapping count)."""
    consts = mapping.constants.get(table, {}) if mapping else {}
    have = set(matched) | set(consts)
    missing = [f.name for f in TABLES[table].fields if f.required and f.name not in have]
    if table == "installments" and "amount_due" not in have:
        missing += [n for n in ("principal_due", "interest_due") if n not in have]
    return missing


def plan_columns(
    table: str, headers: list[str], mapping: Mapping | None, is_pii: Any
) -> ColumnPlan:
    """Decide every column of one file. `is_pii(header) -> bool` is the name-based check of
    ledger.pii (passed in to keep this module free of that policy)."""
    matched = match_fields(table, headers, mapping)
    used: set[int] = set()
    fields: dict[str, list[int]] = {}
    ignored: list[tuple[str, str]] = []
    # One column per field; the best-ranked wins and the others are reported, never merged —
    # except fees, which exports often split (服务费, 罚息) and which add up.
    for f in TABLES[table].fields:
        idxs = [i for i in matched.get(f.name, []) if i not in used]
        if not idxs:
            continue
        take = idxs if f.name == "fee_due" else idxs[:1]
        fields[f.name] = take
        used.update(take)
        for i in idxs[1:] if f.name != "fee_due" else []:
            ignored.append((headers[i], f"also means {f.name}; {headers[idxs[0]]!r} is used"))
            used.add(i)
    extras: list[tuple[int, str]] = []
    pii_drop: list[int] = []
    pii_hash: list[tuple[int, str]] = []
    seen_names: set[str] = set()
    for i, h in enumerate(headers):
        if i in used:
            continue
        key = norm_header(h)
        name = unicodedata.normalize("NFKC", str(h)).replace("\ufeff", "").strip()
        if mapping and key in mapping.pii_hash:
            pii_hash.append((i, name))
            continue
        if (mapping and key in mapping.pii_drop) or is_pii(h):
            pii_drop.append(i)
            continue
        if table != "loans":
            ignored.append((h, "not a column of " + table))
            continue
        if not name:
            name = f"column_{i + 1}"
        base, n = name, 2
        while name.lower() in seen_names:
            name = f"{base}_{n}"
            n += 1
        seen_names.add(name.lower())
        extras.append((i, name))
    consts = dict(mapping.constants.get(table, {})) if mapping else {}
    for name in list(consts):
        if name in fields:
            del consts[name]  # the export's own column wins over a fixed value
    return ColumnPlan(table, fields, extras, pii_drop, pii_hash, ignored, consts)
