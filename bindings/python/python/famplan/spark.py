"""famplan on Apache Spark: the same rates over hundreds of communities (docs/scale-out.md).

The snapshot tables (DOMAIN §15: ``areas``, ``households``, ``persons``, ``visits``) are Spark
DataFrames. Every row goes to its community (a person by her grid, a visit by its person);
the communities are computed by famplan on the workers (``repartition(community)
.mapInArrow``, or one call per community with ``per="community"``), as partial rows that
merge exactly; the driver reduces them to the final table with targets::

    import datetime, famplan
    from famplan import spark as fs

    table = fs.rates(areas, households, persons, visits, ["case_file_rate", "cpr"], by="zone",
                     on=datetime.date(2026, 6, 30), period="2026-Q2")
    table.to_pandas()

Only the visits the rates can read are routed (``famplan.visits_read``): a visit no rate reads
is dropped before the join with the persons, unchecked; ``keep_visits="all"`` routes every
visit, so that every bad visit is reported as on one machine (DESIGN.md).

Only this module needs pyspark (``pip install famplan[spark]``); ``import famplan`` does not.
A rate is a catalogue code, a :class:`famplan.CustomRate`, or a ``(rate, period)`` tuple that
gives it its own period.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Literal, Mapping, Sequence

import famplan
from famplan import _famplan

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

__all__ = ["COMMUNITY", "partials", "rates", "read_visits", "reduce", "shard_rows"]

#: The column that says which community (shard) a row belongs to.
COMMUNITY = "__community"
_TABLE = "__table"

# The columns of each snapshot table, as the core reads them (famplan.io); optional person
# columns are carried when the DataFrame has them.
_AREAS = ["grid_id", "zone_id", "community_id"]
_HOUSEHOLDS = ["household_id", "grid_id", "kind"]
_PERSONS = [
    "person_id", "household_id", "grid_id", "sex", "birth_date", "marital_status", "residency", "case_file",
    "contraceptive_method", "method_start", "last_birth_date",
]
_PERSONS_OPTIONAL = [
    "name", "id_number", "phone", "marital_since", "residency_since", "case_file_opened", "tags",
]
_VISITS = ["visit_id", "person_id", "date", "kind"]


def _partial_schema() -> Any:
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    text = [StructField(c, StringType(), False) for c in ("rate", "level", "unit")]
    counts = [StructField(c, LongType(), False) for c in ("numerator", "denominator", "start", "end")]
    return StructType(text + counts)


def _person_columns(persons: DataFrame) -> list[str]:
    return _PERSONS + [c for c in _PERSONS_OPTIONAL if c in persons.columns]


def shard_rows(areas: DataFrame, households: DataFrame, persons: DataFrame, visits: DataFrame) -> DataFrame:
    """The four tables as one DataFrame of text columns ``__community, __table, c0, c1 …``:
    each row tagged with its table (``a``, ``h``, ``p``, ``v``) and its community (areas by
    ``community_id``, households and persons by their grid, visits by their person), its
    values in the order of its table's columns (areas ``grid_id, zone_id, community_id``;
    households ``household_id, grid_id, kind``; persons the columns of ``PERSON_COLUMNS`` it
    has; visits ``visit_id, person_id, date, kind``). A row is as wide as the widest table, not
    as all four together: less to shuffle and to hand to the workers. A row whose grid or
    person is unknown gets no community: its shard then fails with the core's message, as on
    one machine."""
    from pyspark.sql import functions as F

    def text(df: DataFrame, cols: list[str]) -> DataFrame:
        return df.select(*[F.col(c).cast("string") for c in cols])

    def packed(df: DataFrame, cols: list[str], tag: str) -> DataFrame:
        return df.select(COMMUNITY, F.lit(tag).alias(_TABLE), *[F.col(c).alias(f"c{i}") for i, c in enumerate(cols)])

    at = text(areas, _AREAS).withColumn(COMMUNITY, F.col("community_id"))
    grid_community = at.select("grid_id", COMMUNITY)
    h = packed(text(households, _HOUSEHOLDS).join(grid_community, "grid_id", "left"), _HOUSEHOLDS, "h")
    person_cols = _person_columns(persons)
    pj = text(persons, person_cols).join(grid_community, "grid_id", "left")
    vj = text(visits, _VISITS).join(pj.select("person_id", COMMUNITY), "person_id", "left")
    parts = [packed(at, _AREAS, "a"), h, packed(pj, person_cols, "p"), packed(vj, _VISITS, "v")]
    out = parts[0]
    for part in parts[1:]:
        out = out.unionByName(part, allowMissingColumns=True)
    return out


def read_visits(
    visits: DataFrame,
    rates: Sequence[Any],
    *,
    on: datetime.date,
    period: Any = None,
    as_of: datetime.date | None = None,
    basis: Literal["on_date", "as_recorded"] = "on_date",
) -> DataFrame:
    """The visits the rates can read with these parameters (``famplan.visits_read``: for each
    visit kind, the dates that can change a number), the others dropped; every visit when the
    core cannot bound them. A visit of a kind read whose date is not ``YYYY-MM-DD`` (or is
    missing) is kept, so that the core reports it as on one machine."""
    from pyspark.sql import functions as F

    read = _famplan.visits_read(rates, on=on, period=period, as_of=as_of, basis=basis)
    if read is None:
        return visits
    kind, date = F.col("kind").cast("string"), F.col("date").cast("string")
    unreadable = date.isNull() | ~date.rlike(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    by_kind: dict[str, Any] = {}
    for k, start, end in read:
        # ISO dates compare as text: no parsing on the Spark side.
        inside = date.between(start.isoformat(), end.isoformat())
        by_kind[k] = by_kind[k] | inside if k in by_kind else inside
    keep = F.lit(False)
    for k, inside in by_kind.items():
        keep = keep | ((kind == F.lit(k)) & (unreadable | inside))
    return visits.filter(keep)


def _text_columns(table: Any, tag: str, cols: list[str]) -> list[tuple[Any, ...]]:
    """The rows of one table (``tag``) of :func:`shard_rows` as Arrow text columns named
    ``cols``, for the core's column reader: per column the buffers of one string array (no
    CSV text, no Python object per value)."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    part = table.filter(pc.equal(table.column(_TABLE), tag)).select([f"c{i}" for i in range(len(cols))])
    out = []
    for name, col in zip(cols, part.columns):
        arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            arr = arr.cast(pa.string())  # a string view, or a column Spark did not give as text
        large = pa.types.is_large_string(arr.type)
        validity, offsets, data = arr.buffers()
        out.append(
            (
                name,
                bytes(8 if large else 4) if offsets is None else offsets.to_pybytes(),
                None if data is None else data.to_pybytes(),
                None if validity is None or arr.null_count == 0 else validity.to_pybytes(),
                arr.offset,
                len(arr),
                large,
            )
        )
    return out


def _shard_job(
    rates: Sequence[Any],
    by: Literal["community", "zone", "grid"],
    on: datetime.date,
    period: Any,
    as_of: Any,
    basis: Literal["on_date", "as_recorded"],
    person_cols: list[str],
) -> Any:
    """The function each worker runs on the rows of :func:`shard_rows` of one or more
    communities (``person_cols``: the persons' columns, in order): famplan reads them as a
    snapshot, from their Arrow buffers, and gives the partial rows."""

    def run(table: Any) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        communities = pc.unique(table.column(COMMUNITY)).to_pylist() if table.num_rows else []
        community = communities[0] if len(communities) == 1 else ", ".join(sorted(map(str, communities)))
        frame = _famplan.shard_partials_columns(
            _text_columns(table, "a", _AREAS),
            _text_columns(table, "h", _HOUSEHOLDS),
            _text_columns(table, "p", person_cols),
            _text_columns(table, "v", _VISITS),
            list(rates),
            by,
            on=on,
            period=period,
            as_of=as_of,
            basis=basis,
            name=f"community {community}: ",
        )
        out = pa.table(frame)
        return pa.table(
            {
                **{c: out.column(c).cast(pa.string()) for c in ("rate", "level", "unit")},
                **{c: out.column(c).cast(pa.int64()) for c in ("numerator", "denominator", "start", "end")},
            }
        )

    return run


def partials(
    areas: DataFrame,
    households: DataFrame,
    persons: DataFrame,
    visits: DataFrame,
    rates: Sequence[Any],
    by: Literal["community", "zone", "grid"] = "grid",
    *,
    on: datetime.date,
    period: Any = None,
    as_of: datetime.date | None = None,
    basis: Literal["on_date", "as_recorded"] = "on_date",
    per: str = "partition",
    keep_visits: Literal["read", "all"] = "read",
) -> DataFrame:
    """The partial rows of every community, as a Spark DataFrame (``rate, level, unit,
    numerator, denominator, start, end``), computed on the workers; lazy until read.

    ``keep_visits="read"`` (the default) routes only the visits the rates can read
    (:func:`read_visits`): the same numbers as on one machine for valid input, and much less
    to shuffle, but a bad visit no rate reads (an unknown person, a date before her birth, a
    repeated id) is not seen. ``keep_visits="all"`` routes every visit: every bad row is
    reported, as on one machine.

    ``per="partition"`` (the default) runs famplan once per Spark partition, on all the
    communities it holds (``repartition(community).mapInArrow``: no sort, fewer and larger
    calls, but each worker holds many communities at once); ``per="community"`` once per
    community (``groupBy(community).applyInArrow``). Both give the same rows, in about the
    same time on 1M persons here (docs/scale-out.md)."""
    rates = list(rates) if not isinstance(rates, (str, tuple)) else [rates]
    job = _shard_job(rates, by, on, period, as_of, basis, _person_columns(persons))
    if keep_visits == "read":
        visits = read_visits(visits, rates, on=on, period=period, as_of=as_of, basis=basis)
    elif keep_visits != "all":
        raise ValueError(f"keep_visits: `{keep_visits}` is not one of read, all")
    rows = shard_rows(areas, households, persons, visits)
    if per == "community":
        return rows.groupBy(COMMUNITY).applyInArrow(job, _partial_schema())
    if per != "partition":
        raise ValueError(f"per: `{per}` is not one of community, partition")

    def whole_partition(batches: Any) -> Any:
        import pyarrow as pa

        full = [b for b in batches if b.num_rows]
        if full:
            yield from job(pa.Table.from_batches(full)).to_batches()

    return rows.repartition(COMMUNITY).mapInArrow(whole_partition, _partial_schema())


def reduce(
    partial_rows: DataFrame | Any | Mapping[str, Sequence[Any]],
    areas: DataFrame | Mapping[str, Sequence[Any]] | famplan.Registry,
    rates: Sequence[Any],
    by: Literal["community", "zone", "grid"] = "grid",
    *,
    on: datetime.date,
    period: Any = None,
    as_of: datetime.date | None = None,
    basis: Literal["on_date", "as_recorded"] = "on_date",
    targets: Sequence[famplan.Target] = (),
) -> famplan.Frame:
    """The final rate table from the partial rows of every shard (merged by famplan on the
    driver): one row per rate and unit of ``by``, one total row per rate, each with its
    target (given for the rate, level, unit and period, else the catalogue default)."""
    rates = list(rates) if not isinstance(rates, (str, tuple)) else [rates]
    cols = _columns(partial_rows)
    tree: famplan.Registry | dict[str, Sequence[Any]]
    if isinstance(areas, famplan.Registry):
        tree = areas
    elif isinstance(areas, Mapping):
        tree = dict(areas)
    else:
        from pyspark.sql import functions as F

        tree = _columns(areas.select(*[F.col(c).cast("string") for c in _AREAS]))
    return _famplan.reduce_partials(
        cols, tree, rates, by, on=on, period=period, as_of=as_of, basis=basis, targets=list(targets)
    )


def _columns(x: Any) -> dict[str, Sequence[Any]]:
    if isinstance(x, Mapping):
        return dict(x)
    if hasattr(x, "toArrow"):  # a Spark DataFrame: collected to the driver in Arrow batches
        x = x.toArrow()
    return dict(x.to_pydict())


def rates(
    areas: DataFrame,
    households: DataFrame,
    persons: DataFrame,
    visits: DataFrame,
    rates: Sequence[Any],
    by: Literal["community", "zone", "grid"] = "grid",
    *,
    on: datetime.date,
    period: Any = None,
    as_of: datetime.date | None = None,
    basis: Literal["on_date", "as_recorded"] = "on_date",
    targets: Sequence[famplan.Target] = (),
    per: str = "partition",
    keep_visits: Literal["read", "all"] = "read",
) -> famplan.Frame:
    """One call: the rates of every community computed on the Spark workers, reduced on the
    driver to the final table with targets (columns ``code, key, total, numerator,
    denominator, start, end, value, rate, target, cmp, default_target, met, gap``).
    ``per`` and ``keep_visits`` as in :func:`partials`."""
    parts = partials(
        areas, households, persons, visits, rates, by, on=on, period=period, as_of=as_of, basis=basis, per=per,
        keep_visits=keep_visits,
    )
    return reduce(parts, areas, rates, by, on=on, period=period, as_of=as_of, basis=basis, targets=targets)
