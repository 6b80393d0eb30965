"""Labels of the Data page's import from a database: 中文, English.

Kept apart from charts/labels_drivers.py (the rest of the Data page) so that parallel edits do
not meet; i18n merges this dict into LABELS, so t() finds these keys like any other.
"""

from __future__ import annotations

DATA_DB_LABELS: dict[str, tuple[str, str]] = {
    "data_db_title": ("从数据库导入", "Import from a database"),
    "data_db_help": (
        "直接读取放贷系统数据库中的四张表（贷款、还款计划、还款流水、催收记录），"
        "与文件导入相同的校验、拒绝记录和整体替换。地址中不要包含密码，密码填在下方密码框；"
        "密码只用于本次连接，不会保存、显示或写入日志。",
        "Reads the four ledger tables (loans, installments, repayments, collection actions) "
        "straight from the lender's database, with the same validation, rejects and atomic swap "
        "as a file import. Leave the password out of the URL and type it in the password field: "
        "it is used for this connection only, never stored, shown or logged.",
    ),
    "data_db_url": (
        "数据库地址（SQLAlchemy URL，不含密码）",
        "Database URL (SQLAlchemy, no password)",
    ),
    "data_db_url_help": (
        "例如 postgresql+psycopg://user@host:5432/db。"
        "设置了环境变量 LEDGER_DB_URL 时以它为默认值。",
        "For example postgresql+psycopg://user@host:5432/db. LEDGER_DB_URL, when set, is the "
        "default.",
    ),
    "data_db_password": ("密码", "Password"),
    "data_db_password_help": (
        "留空时，若地址与 LEDGER_DB_URL 相同，使用服务器端配置的密码"
        "（LEDGER_DB_URL、LEDGER_DB_PASSWORD 或 PGPASSWORD）。",
        "When empty and the URL is LEDGER_DB_URL's, the password configured on the server "
        "(LEDGER_DB_URL, LEDGER_DB_PASSWORD or PGPASSWORD) is used.",
    ),
    "data_db_mapping": ("映射文件（TOML，可选）", "Mapping file (TOML, optional)"),
    "data_db_mapping_help": (
        "与命令行 --mapping 相同：[source.tables]、[source.queries] 指定表或查询，"
        "[loans.columns] 等指定列名。",
        "As the command line's --mapping: [source.tables] and [source.queries] name the tables "
        "or queries, [loans.columns] and the like name the columns.",
    ),
    "data_db_as_of": ("数据观察日（可选）", "As-of date (optional)"),
    "data_db_as_of_help": (
        "留空时取数据中最后一个完整月的月末。",
        "When empty, the last complete month-end in the data.",
    ),
    "data_db_since": ("仅读取此日期以来的变动（可选）", "Only rows changed since (optional)"),
    "data_db_since_help": (
        "只读取放款或结清日期、还款日期、催收时间在此日期及之后的记录，其余数据保持不变"
        "（按主键合并）。",
        "Reads only loans disbursed or closed, repayments paid and actions taken on or after "
        "this date; every other row stays as it is (merged by key).",
    ),
    "data_db_import": ("从数据库导入", "Import from the database"),
    "data_db_connecting": ("正在连接数据库…", "Connecting to the database…"),
    "data_db_no_url": (
        "请填写数据库地址，例如 postgresql+psycopg://user@host:5432/db。",
        "Enter the database URL, e.g. postgresql+psycopg://user@host:5432/db.",
    ),
    "data_db_not_a_url": (
        "无法识别的数据库地址；应为 SQLAlchemy URL，例如 postgresql+psycopg://user@host:5432/db。",
        "Not a database URL; expected a SQLAlchemy URL such as "
        "postgresql+psycopg://user@host:5432/db.",
    ),
    "data_db_password_in_url": (
        "{url}：地址中包含密码，已拒绝并从地址栏移除（它会显示在屏幕上并留在表单里）。"
        "请把密码填在密码框中。现有数据未改变。",
        "{url}: the URL holds a password, so it was refused and taken out of the URL field (it "
        "would show on screen and stay in the form). Type the password in the password field. "
        "The current data is unchanged.",
    ),
}
