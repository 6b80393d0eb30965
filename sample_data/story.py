"""The story the sample book tells, as numbers in one place.

Everything a chart is meant to show (growth, Chinese New Year dips, the loosened stretch, the
shock, which agency misbehaves) is a parameter here, so that the generator code stays generic and
a reader can see at a glance what the data was built to say. Dates are day numbers since
1970-01-01 (numpy datetime64[D] as int) because the generator works on integer arrays.
"""

from __future__ import annotations

from datetime import date

import numpy as np


def day(d: date | str) -> int:
    """Day number since 1970-01-01 (the integer form every array in the generator uses)."""
    return int(np.datetime64(str(d), "D").astype(np.int64))


def month_index(d: int | np.ndarray) -> np.ndarray:
    """Months since 1970-01 for day numbers (vectorised)."""
    return (
        np.asarray(d, dtype="int64")
        .astype("datetime64[D]")
        .astype("datetime64[M]")
        .astype(np.int64)
    )


def month_start(m: int | np.ndarray) -> np.ndarray:
    """Day number of the first day of month index `m` (vectorised)."""
    return (
        np.asarray(m, dtype="int64")
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )


# --- Calendar --------------------------------------------------------------------------------
# The as-of date: the latest date in the data; no payment, action or closure lies after it.
AS_OF = day("2026-10-31")
# 36 months of originations end with the as-of month.
FIRST_DISBURSEMENT = day("2023-11-01")
# Spring Festival (农历新年) days; originations dip around them and repayments suffer after them.
CHINESE_NEW_YEAR = tuple(day(d) for d in ("2023-01-22", "2024-02-10", "2025-01-29", "2026-02-17"))

# --- The economic shock ----------------------------------------------------------------------
# A hazard multiplier by calendar month of the due date, for every open loan: 1 before the shock,
# then a ramp over the last 12 months up to SHOCK_PEAK in the as-of month.
SHOCK_FIRST_MONTH = int(month_index(day("2025-11-01")))
SHOCK_MONTHS = 12
SHOCK_PEAK = 2.1

# --- The loosened stretch --------------------------------------------------------------------
# Four disbursement months in which risk control was loosened: the score cut-off dropped (more
# grade D/E), partner platforms got a bigger quota, and verification was lax (a hidden extra risk
# that the grades do not capture, as in real fraud waves).
LOOSENED_MONTHS = tuple(
    int(month_index(day(d))) for d in ("2025-07-01", "2025-08-01", "2025-09-01", "2025-10-01")
)
LOOSENED_SCORE_SHIFT = -0.45  # shift of the latent quality of approved applicants (in sd)
LOOSENED_HIDDEN_RISK = 1.15  # extra hazard that the observed score misses
LOOSENED_VOLUME = 1.25  # the loosening also brought more loans
# Once the bad vintages showed, risk control was tightened again (and more so than before),
# which is why the cohorts after the stretch look better than it even as the shock hits them.
TIGHTENED_FROM_MONTH = int(month_index(day("2025-11-01")))
TIGHTENED_SCORE_SHIFT = 0.3

# --- Volume ----------------------------------------------------------------------------------
VOLUME_GROWTH = 2.6  # daily originations in the last month / in the first month


def shock_multiplier(month: np.ndarray) -> np.ndarray:
    """Hazard multiplier for an event falling in calendar `month` (months since 1970-01)."""
    step = np.clip(month - SHOCK_FIRST_MONTH + 1, 0, SHOCK_MONTHS)
    return 1.0 + (SHOCK_PEAK - 1.0) * (step / SHOCK_MONTHS) ** 1.1


def after_new_year(days: np.ndarray) -> np.ndarray:
    """Multiplier on missing a due date: higher in the ~5 weeks after Spring Festival.

    Borrowers spend on the holiday and migrant workers return late, so installments due in the
    weeks after it enter collection more often (the seasonality in the entry-rate chart).
    """
    out = np.ones(np.shape(days))
    for cny in CHINESE_NEW_YEAR:
        delta = np.asarray(days) - cny
        out = np.where((delta >= 0) & (delta < 36), 1.7 - 0.5 * delta / 36, out)
        out = np.where((delta >= -7) & (delta < 0), 1.2, out)
    return out


def origination_weights(days: np.ndarray) -> np.ndarray:
    """Relative number of loans disbursed on each day: growth, weekdays, Spring Festival dips."""
    span = max(int(days[-1] - days[0]), 1)
    w = VOLUME_GROWTH ** ((days - days[0]) / span)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday: (d + 3) % 7 == 0 on Mondays
    w = w * np.where(weekday >= 5, 0.85, 1.0)
    for cny in CHINESE_NEW_YEAR:
        delta = days - cny
        w = w * np.where((delta >= -3) & (delta <= 6), 0.3, 1.0)  # the holiday week
        w = w * np.where(((delta >= -12) & (delta < -3)) | ((delta > 6) & (delta <= 15)), 0.7, 1.0)
    loosened = np.isin(month_index(days), LOOSENED_MONTHS)
    return w * np.where(loosened, LOOSENED_VOLUME, 1.0)


_TABLE_START = FIRST_DISBURSEMENT - 62
_TABLE_DAYS = np.arange(_TABLE_START, AS_OF + 800, dtype=np.int64)
_SHOCK_BY_DAY = shock_multiplier(month_index(_TABLE_DAYS))
_NEW_YEAR_BY_DAY = after_new_year(_TABLE_DAYS)


def day_factors(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(shock multiplier, after-New-Year multiplier) for day numbers, by table lookup: the
    generator asks this for every installment, and the datetime arithmetic is slow in bulk."""
    idx = np.clip(np.asarray(days) - _TABLE_START, 0, len(_TABLE_DAYS) - 1)
    return _SHOCK_BY_DAY[idx], _NEW_YEAR_BY_DAY[idx]


# --- Book composition ------------------------------------------------------------------------
# (product, term months, share). Cash loans are short; installment (consumer) loans are longer.
PRODUCTS = (
    ("cash_loan", 3, 0.20),
    ("cash_loan", 6, 0.20),
    ("cash_loan", 12, 0.14),
    ("installment_loan", 6, 0.14),
    ("installment_loan", 12, 0.20),
    ("installment_loan", 24, 0.12),
)
PRODUCT_ZH = {"cash_loan": "现金贷", "installment_loan": "消费分期"}

# Acquisition channels: share in normal months, share in loosened months, risk multiplier,
# and a shift of the latent quality (partner platforms send weaker applicants).
CHANNELS = (
    ("app_store", 0.38, 0.27, 0.90, 0.15),
    ("partner", 0.26, 0.45, 1.35, -0.25),
    ("social_ads", 0.24, 0.21, 1.15, -0.10),
    ("offline", 0.12, 0.07, 0.80, 0.20),
)
CHANNEL_ZH = {
    "app_store": "应用商店",
    "partner": "合作平台",
    "social_ads": "信息流广告",
    "offline": "线下门店",
}

# Provinces: (pinyin, Chinese, share, risk multiplier).
PROVINCES = (
    ("Guangdong", "广东", 0.13, 0.95),
    ("Jiangsu", "江苏", 0.08, 0.80),
    ("Shandong", "山东", 0.07, 0.95),
    ("Zhejiang", "浙江", 0.07, 0.80),
    ("Henan", "河南", 0.07, 1.15),
    ("Sichuan", "四川", 0.06, 1.10),
    ("Hubei", "湖北", 0.05, 1.00),
    ("Hunan", "湖南", 0.05, 1.05),
    ("Hebei", "河北", 0.05, 1.05),
    ("Fujian", "福建", 0.05, 1.00),
    ("Anhui", "安徽", 0.05, 1.05),
    ("Shanghai", "上海", 0.03, 0.75),
    ("Beijing", "北京", 0.03, 0.75),
    ("Guangxi", "广西", 0.04, 1.25),
    ("Yunnan", "云南", 0.03, 1.25),
    ("Jiangxi", "江西", 0.04, 1.10),
    ("Liaoning", "辽宁", 0.03, 1.20),
    ("Shaanxi", "陕西", 0.03, 1.00),
    ("Chongqing", "重庆", 0.02, 1.05),
    ("Guizhou", "贵州", 0.02, 1.30),
)

# Risk grades: lower bound of the credit score for each grade (A best), annual rate by grade.
GRADES = ("A", "B", "C", "D", "E")
GRADE_SCORE_FLOOR = (700, 660, 620, 580)  # A >= 700, B >= 660, C >= 620, D >= 580, else E
GRADE_APR = (0.12, 0.155, 0.19, 0.22, 0.24)  # within the 24% cap of the Chinese courts

BORROWER_TYPE_ZH = {"new": "新客", "repeat": "复贷"}
REPEAT_SHARE = 0.35
FIN_EDU_SHARE = 0.30
FIN_EDU_PROTECTION = 0.82  # modest: financial education cuts hazards by about a fifth
REPEAT_PROTECTION = 0.70

# --- Collections ------------------------------------------------------------------------------
# Third-party agencies for M3+: (name, share of cases, cure factor in M3, recovery probability
# after write-off, commission rate, complaint probability per action, after-hours share,
# emergency-contact share). 速达信息 is the one that misbehaves.
AGENCIES = (
    ("华信催收", 0.40, 1.25, 0.34, 0.28, 0.0006, 0.0, 0.02),
    ("安和资产", 0.35, 1.00, 0.24, 0.22, 0.0010, 0.0, 0.03),
    ("速达信息", 0.25, 0.80, 0.16, 0.25, 0.0110, 0.18, 0.16),
)
BAD_AGENCY = "速达信息"
