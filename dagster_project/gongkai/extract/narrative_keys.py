"""The keys of the figures a narrative states that other figures refer to: the subjects of year-on-year changes and
the figures a completion percentage (完成年初预算的 X%) qualifies."""

from __future__ import annotations

# Keys a stated year-on-year change can refer to, found from the words of the clause (most specific first).
SUBJECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("三公", ("three_public_total",)),
    ("因公出国", ("three_public_overseas_travel",)),
    ("公务接待", ("three_public_reception",)),
    ("公务用车", ("three_public_vehicle_total",)),
    ("机关运行经费", ("agency_operating_cost",)),
    ("一般公共预算财政拨款", ("general_budget_expenditure",)),
    ("财政拨款收入支出总计", ("appropriation_total",)),
    ("财政拨款", ("appropriation_expenditure",)),
    ("收入支出总计", ("income_total", "expenditure_total")),
    ("结转", ("carryover_end",)),
    ("结余", ("carryover_end",)),
    ("收入", ("income_total",)),
    ("支出", ("expenditure_total",)),
)

CHANGEABLE = frozenset(
    k for _, keys in SUBJECTS for k in keys
) | {"three_public_vehicle_purchase", "three_public_vehicle_operation"}

# Where the percentage of a 完成年初预算的 X% goes, by the key of the figure it qualifies.
COMPLETION_KEYS = {
    "appropriation_expenditure": "appropriation_budget_completion_pct",
    "appropriation_basic": "appropriation_basic_completion_pct",
    "appropriation_project": "appropriation_project_completion_pct",
    "general_budget_expenditure": "general_budget_completion_pct",
    "three_public_total": "three_public_completion_pct",
    "three_public_overseas_travel": "three_public_overseas_travel_completion_pct",
    "three_public_reception": "three_public_reception_completion_pct",
    "three_public_vehicle_total": "three_public_vehicle_total_completion_pct",
    "three_public_vehicle_purchase": "three_public_vehicle_purchase_completion_pct",
    "three_public_vehicle_operation": "three_public_vehicle_operation_completion_pct",
}

LEVEL_KEYS = CHANGEABLE | frozenset(COMPLETION_KEYS)

