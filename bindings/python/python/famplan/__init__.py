"""famplan: community population and family-planning services (社区人口计生服务).

A registry built from keepers' events answers for any date: rates against targets, visit
schedules and work lists, verifications. Every result is a :class:`Frame` of columns that
becomes a polars or pandas DataFrame (``.to_polars()``, ``.to_pandas()``) or an Arrow table
(``.to_arrow()``, or any library that reads the Arrow PyCapsule interface).

    >>> import datetime, famplan
    >>> reg = famplan.Registry.example()
    >>> rates = reg.rates(["case_file_rate", "cpr"], by="grid", on=datetime.date(2026, 6, 30))
    >>> rates.column("rate")
    ['100.00%', '0.00%', '100.00%', '-']
"""

from famplan._famplan import (
    ConflictError,
    CustomRate,
    FamplanError,
    Frame,
    InvalidInputError,
    NotFoundError,
    Registry,
    ResidentId,
    RuleSet,
    Store,
    StoreError,
    Target,
    __version__,
    catalogue,
    publicity_plan,
    read_events,
    reduce_partials,
    shard_partials,
    validate_resident_id,
    visits_read,
)

__all__ = [
    "ConflictError",
    "CustomRate",
    "FamplanError",
    "Frame",
    "InvalidInputError",
    "NotFoundError",
    "Registry",
    "ResidentId",
    "RuleSet",
    "Store",
    "StoreError",
    "Target",
    "__version__",
    "catalogue",
    "publicity_plan",
    "read_events",
    "reduce_partials",
    "shard_partials",
    "validate_resident_id",
    "visits_read",
]
