"""The compiled module of famplan (pyo3). Import from `famplan`, not from here.

Every date is a `datetime.date` (a `str` raises `TypeError`). Every result table is a
`Frame`: Arrow columns that polars, pandas and pyarrow read without a Python object per row.
"""

import datetime
import os
import pathlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypeAlias, final

__all__ = [
    "FamplanError",
    "InvalidInputError",
    "NotFoundError",
    "ConflictError",
    "StoreError",
    "Frame",
    "Registry",
    "Store",
    "RuleSet",
    "CustomRate",
    "Target",
    "ResidentId",
    "catalogue",
    "validate_resident_id",
    "read_events",
    "publicity_plan",
    "reduce_partials",
    "shard_partials",
    "shard_partials_columns",
    "visits_read",
    "__version__",
]

__version__: str

_By: TypeAlias = Literal["community", "zone", "grid", "group", "keeper"]
"""What rates are grouped by: an area level, or the grid keeper."""

_RateCode: TypeAlias = Literal[
    "case_file_rate",
    "case_file_rate_verified",
    "population_record_rate",
    "accuracy_rate",
    "followup_rate",
    "home_visit_rate",
    "key_population_followup_rate",
    "supply_followup_rate",
    "supply_use_rate",
    "supply_effective_rate",
    "cpr",
    "timely_contraception_rate",
    "contraceptive_effective_rate",
    "floating_check_rate",
    "reconciliation_rate",
    "method_mix",
    "only_child_certificate_rate",
    "birth_rate",
    "general_fertility_rate",
    "sex_ratio_at_birth",
    "screening_rate",
    "satisfaction_rate",
    "policy_awareness_rate",
    "policy_compliance_rate",
]
"""The catalogue rates of DOMAIN §7 (see `catalogue()`)."""

_Rate: TypeAlias = _RateCode | str | CustomRate
"""A catalogue code, or a user-defined rate."""

_Period: TypeAlias = str | tuple[datetime.date, datetime.date]
"""`"2026-Q2"`, `"2026-06"`, `"2026"`, `"S2026"` (statistical year to September),
`"2026-04-01..2026-06-30"`, or a `(start, end)` tuple; both ends included."""

_Method: TypeAlias = Literal[
    "vasectomy", "tubal_sterilization", "sterilization", "iud", "implant", "injectable",
    "pill", "condom", "spermicide", "other", "none",
]
"""A contraceptive method (DOMAIN §4)."""

_Events: TypeAlias = str | os.PathLike[str] | Iterable[Mapping[str, Any]]
"""A `.jsonl` / `.csv` events file, or event dicts in the JSON Lines form (dates may be
`datetime.date`)."""

class FamplanError(Exception):
    """The base of every famplan error."""

class InvalidInputError(FamplanError):
    """Bad input: a malformed value, with its place (`persons.csv:14: birth_date: reason`)."""

class NotFoundError(FamplanError):
    """An unknown id, or a missing file or directory."""

class ConflictError(FamplanError):
    """An event that contradicts the registry (nothing was changed), or a snapshot into a
    store that has one."""

class StoreError(FamplanError):
    """The store file itself: busy, damaged, not a famplan store, written by a newer famplan."""

@final
class Frame:
    """A table of results: named, typed columns of equal length (Arrow inside).

    Nulls are `None`; dates are `datetime.date`. Convert with `to_polars()`, `to_pandas()`,
    `to_arrow()`, or hand it to anything that reads the Arrow PyCapsule interface
    (`polars.DataFrame(frame)`, `pyarrow.table(frame)`).
    """

    def __len__(self) -> int:
        """The number of rows."""
    @property
    def column_names(self) -> list[str]:
        """The column names, in order."""
    def column(self, name: str) -> list[Any]:
        """One column as a list of Python values. Raises `InvalidInputError` for an unknown name."""
    def to_dict(self) -> dict[str, list[Any]]:
        """Every column as a list, by name."""
    def rows(self) -> list[dict[str, Any]]:
        """The rows as dicts (for small results)."""
    def __arrow_c_schema__(self) -> object:
        """The Arrow schema as a PyCapsule."""
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """The table as an Arrow stream PyCapsule; `requested_schema` is ignored."""
    def to_polars(self) -> Any:
        """A `polars.DataFrame` (needs polars)."""
    def to_arrow(self) -> Any:
        """A `pyarrow.Table` (needs pyarrow)."""
    def to_pandas(self) -> Any:
        """A `pandas.DataFrame` (needs pandas; in columns through pyarrow when installed)."""

@final
class Registry:
    """The registry of a community: events applied, every question answered for a date.

    `as_of`, when given at load, is the default reference date `on` of every question.
    Rates take `on` (reference date D; default `as_of`, else the period's end), `period`
    (P; default the month of `on`) and `as_of` (A: only events dated on or before it are
    seen; default `on`).
    """

    def __new__(cls, *, as_of: datetime.date | None = None) -> Registry:
        """An empty registry."""
    @staticmethod
    def example(*, as_of: datetime.date | None = None) -> Registry:
        """The small example community of the documentation (grids g1, g2; persons p1–p3)."""
    @staticmethod
    def from_snapshot(
        path: str | os.PathLike[str], *, as_of: datetime.date | None = None, keep_going: bool = False
    ) -> Registry:
        """Reads a snapshot directory (`areas.csv`, `households.csv`, `persons.csv`, `visits.csv`,
        optional `events.jsonl`/`events.csv`) or a snapshot workbook (`.xlsx`: a sheet per file,
        Chinese sheet names, headers and values accepted; bad cells as `persons!E12: column:
        reason`). A bad row fails the import with every problem
        (`InvalidInputError`, `file:line: column: reason`), unless `keep_going`: then good rows
        are kept and the refused ones listed in `import_summary["rejects"]`."""
    @staticmethod
    def from_events(events: _Events, *, as_of: datetime.date | None = None) -> Registry:
        """A registry built from events, in date order; those that do not apply are conflicts."""
    @property
    def as_of(self) -> datetime.date | None:
        """The default reference date of every question."""
    @property
    def import_summary(self) -> dict[str, Any] | None:
        """What the snapshot import took in: areas, households, persons, visits, events,
        undated (facts without a date), warnings, rejects. None when not from a snapshot."""
    @property
    def household_count(self) -> int:
        """Households ever registered."""
    def __len__(self) -> int:
        """Persons ever registered."""
    def apply(self, event: Mapping[str, Any]) -> None:
        """Applies one event. Raises `ConflictError` when it contradicts the registry (nothing
        changes) and `InvalidInputError` for a malformed dict (`event:1: field: reason`)."""
    def merge(self, events: _Events) -> dict[str, Any]:
        """Merges another device's events: the union by id. Returns `applied`, `duplicates` and
        `conflicts` (a list of `(event id, reason)`)."""
    def events(self) -> list[dict[str, Any]]:
        """Every event of the log, as dicts."""
    def conflicts(self) -> Frame:
        """Events kept in the log that do not apply: event, date, kind, reason."""
    def partials(
        self,
        rates: _Rate | tuple[_Rate, _Period] | Sequence[_Rate | tuple[_Rate, _Period]],
        by: _By = "grid",
        *,
        on: datetime.date | None = None,
        period: _Period | None = None,
        as_of: datetime.date | None = None,
        basis: Literal["on_date", "as_recorded"] = "on_date",
    ) -> Frame:
        """The partial rows of rates (a `(rate, period)` tuple gives a rate its own period):
        `rate, level, unit, numerator, denominator, start, end`, the input of
        `reduce_partials` (docs/scale-out.md)."""
    def rates(
        self,
        codes: _Rate | Sequence[_Rate],
        by: _By = "grid",
        *,
        on: datetime.date | None = None,
        period: _Period | None = None,
        as_of: datetime.date | None = None,
        method: _Method | None = None,
        respondent: Literal["registered", "floating"] | None = None,
        basis: Literal["on_date", "as_recorded"] = "on_date",
        province: int | None = None,
    ) -> Frame:
        """Rates grouped by `by`, all computed in one pass: one row per rate and unit with
        `code, key, numerator, denominator, start, end, value, rate`. `value` is in the
        rate's display unit (%, ‰ or ×100) and null when the denominator is 0; `rate` is
        the published text (`66.67%`, `-`). `start`/`end` are the populations of the
        mean-population rates. `method` narrows `method_mix`; `respondent` the survey rates.
        `basis` is which state of a person the conditions read: the one in effect on the date
        asked (`on_date`), or the one recorded on `as_of` (`as_recorded`, like a spreadsheet
        extract). `province` (two digits) picks the province whose rules judge
        `policy_compliance_rate` (default: the registry's policy's own, else national)."""
    def report_xlsx(
        self,
        path: str | os.PathLike[str],
        codes: str | Sequence[str],
        by: _By = "grid",
        *,
        on: datetime.date | None = None,
        period: _Period | None = None,
        as_of: datetime.date | None = None,
        basis: Literal["on_date", "as_recorded"] = "on_date",
    ) -> None:
        """Writes the report workbook to `path`: a summary (汇总), a sheet per rate by unit with
        Chinese and English headers, its default target and met / not met, and a list sheet
        per rate of the subjects behind it. Catalogue codes only."""
    def report_fhir(
        self,
        codes: str | Sequence[str],
        by: _By = "grid",
        *,
        on: datetime.date | None = None,
        period: _Period | None = None,
        as_of: datetime.date | None = None,
        basis: Literal["on_date", "as_recorded"] = "on_date",
        subject_list: bool = False,
    ) -> dict[str, Any]:
        """The report as a FHIR R4 Bundle (type `collection`): a Measure per rate, then a
        MeasureReport per rate and unit and one for the total, with `denominator` and
        `numerator` populations and `measureScore`; with `subject_list`, the subjects of each
        population as contained Lists. Catalogue codes only."""
    def drill_down(
        self,
        code: _Rate,
        key: str,
        by: _By = "grid",
        *,
        on: datetime.date | None = None,
        period: _Period | None = None,
        as_of: datetime.date | None = None,
        method: _Method | None = None,
        respondent: Literal["registered", "floating"] | None = None,
        basis: Literal["on_date", "as_recorded"] = "on_date",
    ) -> Frame:
        """The subjects behind one cell: `unit, person, subject, counted` and, for those not
        counted, the reason `rule, missing, detail, due, window_start, window_end`."""
    def population_by_grid(self, on: datetime.date | None = None) -> Frame:
        """`grid, resident, wra, married_wra` on a date."""
    def stock(self, on: datetime.date | None = None) -> Frame:
        """Stock on hand on a date (药具台账): `point, item, lot, expires, quantity`."""
    def supply_cover(self, on: datetime.date | None = None) -> Frame:
        """Days of cover on a date: `point, item, on_hand, used, days` (`used` in the 90
        days ending on the date; `days` null when nothing was used)."""
    def expiring_supplies(self, on: datetime.date | None = None, *, within: int = 90) -> Frame:
        """Lots on hand that expire within `within` days: `point, item, lot, expires, quantity`."""
    def applications(self, on: datetime.date | None = None, *, overdue: bool = False) -> Frame:
        """One-stop applications known on a date: `person, kind, applied_on, state,
        changed_on, due, overdue, valid_until` (only the overdue ones with `overdue=True`)."""
    def service_requests(self, on: datetime.date | None = None) -> Frame:
        """Service requests logged by a date: `request, date, channel, topic, person, answered_on`."""
    def set_policy(self, text: str, *, file: str = "policy.toml") -> None:
        """Sets the community's birth policy from TOML text (as `rules/policy.toml`): the
        compliance rate, new applications' eligibility and `eligibility_flags` judge by it.
        A bad file raises `InvalidInputError` (`file:line: field: reason`) and changes nothing."""
    @property
    def policy_province(self) -> str | None:
        """The province of the registry's policy (`None`: the national rules)."""
    def eligibility_flags(self, on: datetime.date | None = None) -> Frame:
        """Applications the facts and the policy known now make ineligible on their
        application date: `person, kind, applied_on, state, event, reason`."""
    def reward_payments(self, period: _Period, *, province: str | None = None) -> Frame:
        """Reward payments of one holder due in `period` under the registry's policy:
        `scheme, due, amount_fen`."""
    def disclosure_page(
        self,
        on: datetime.date | None = None,
        *,
        format: Literal["md", "html"] = "md",
        board: str = "community",
        notices: str | None = None,
        legal_basis: str | None = None,
        legal_basis_by: str | None = None,
    ) -> str:
        """The public-disclosure notice page of `board` (`community`, `zone:ID`, `grid:ID`)
        on a date, as Markdown or HTML: the five categories, dynamic notices from the registry,
        personal data masked, counts under 5 shown as `<5`. `notices` is TOML text (default:
        the shipped notices); the list of reward recipients needs `legal_basis` and
        `legal_basis_by`."""
    def persons(self, on: datetime.date | None = None) -> Frame:
        """One row per person registered on a date: `person, household, grid, sex, age,
        residency, marital, method, method_since, case_file_open, pregnant, last_birth,
        wra, resident_wra, married_wra`."""
    def schedule(
        self,
        person: str,
        on: datetime.date | None = None,
        *,
        period: _Period | None = None,
        rules: RuleSet | None = None,
    ) -> Frame:
        """One person's visit obligations due in `period` (default: the year before `on` to the
        year after), states on `on`. Columns as `obligations`. `NotFoundError` for an unknown person."""
    def obligations(
        self, period: _Period, *, as_of: datetime.date | None = None, rules: RuleSet | None = None
    ) -> Frame:
        """Every obligation due in `period`, states on `as_of`: `rule, person, household, grid,
        assignee, due, window_start, window_end, state, why, trigger_date, fulfilled_on,
        fulfilled_by, cancelled_on, cancelled_by`. `state` is one of upcoming, due, overdue,
        done, missed, cancelled."""
    def work_list(
        self,
        grid: str,
        on: datetime.date | None = None,
        *,
        rules: RuleSet | None = None,
        horizon: _Period | None = None,
    ) -> Frame:
        """A grid's work list on a date: due and overdue obligations, priority clients first,
        then by window close. Columns as `obligations`, plus `priority_client`. The schedule
        (default horizon: the year before `on` to the year after) is kept for the next call
        until an event is applied. `NotFoundError` for an unknown grid."""
    def keeper_work_list(
        self,
        keeper: str,
        on: datetime.date | None = None,
        *,
        rules: RuleSet | None = None,
        horizon: _Period | None = None,
    ) -> Frame:
        """A keeper's work list: the grids the staff member keeps, merged."""
    def verify(self, period: _Period, *, as_of: datetime.date | None = None) -> Frame:
        """Every verification in `period` compared with the registry: `event, date, household,
        person, outcome (matched, mismatched, unfiled, not_found), items, wra, case_file`."""
    def assess(self, targets: Sequence[Target], custom: Sequence[CustomRate] = ...) -> Frame:
        """Assesses targets (actual over each target's period, with D = A = its end): `rate,
        level, unit, start, end, cmp, target, weight, numerator, denominator, actual,
        rate_shown, met, gap, score, rank, siblings`."""
    def allocate(
        self,
        target: Target,
        to: _By,
        how: Literal["same", "by_denominator"] = "same",
        custom: Sequence[CustomRate] = ...,
    ) -> list[Target]:
        """Allocates a target to the units of level `to` below its unit."""

@final
class Store:
    """The store: one SQLite file with the event log and the snapshot rows. Every write is
    one transaction, checked by the core first."""

    def __new__(cls, path: str | os.PathLike[str]) -> Store:
        """Opens the store at `path`, creating it when the file does not exist."""
    @property
    def path(self) -> pathlib.Path:
        """The file the store lives in."""
    def registry(self, *, as_of: datetime.date | None = None) -> Registry:
        """The registry as stored (a copy)."""
    def record(self, event: Mapping[str, Any]) -> None:
        """Records one event of this device; a refused event writes nothing (`ConflictError`)."""
    def append(self, events: _Events) -> dict[str, Any]:
        """Appends this device's events: all are written or none."""
    def merge(self, events: _Events) -> dict[str, Any]:
        """Merges another device's events; those that do not fit are kept as conflicts."""
    def import_snapshot(self, path: str | os.PathLike[str], *, keep_going: bool = False) -> dict[str, Any]:
        """Imports a snapshot directory or workbook (`.xlsx`) into a store that holds none yet
        (`ConflictError` otherwise)."""
    def export_snapshot(self, path: str | os.PathLike[str]) -> None:
        """Writes the store out as a snapshot directory plus `events.jsonl`."""
    def status(self, on: datetime.date | None = None) -> dict[str, Any]:
        """What the store holds: on, households, persons, case_files, events, conflicts,
        schema_version, last_event_date, watermark."""
    def set_policy(self, text: str, *, file: str = "policy.toml") -> None:
        """Keeps TOML text as the community's birth policy: every registry loaded from the
        store judges by it. A bad file raises and changes nothing."""
    def policy_text(self) -> str | None:
        """The community's policy text kept in the store, `None` for the built-in rules."""
    def clear_policy(self) -> None:
        """Forgets the community's policy: the built-in rules apply again."""

@final
class RuleSet:
    """Visit rules (DOMAIN §6) as data."""

    @staticmethod
    def default() -> RuleSet:
        """The built-in rules (`rules/default.toml`)."""
    @staticmethod
    def from_toml(text: str, file: str = "rules.toml") -> RuleSet:
        """Rules written in TOML (`[[rule]]` tables); `file` names the source in errors."""
    @staticmethod
    def from_json(text: str, file: str = "rules.json") -> RuleSet:
        """Rules written in JSON (`{"rule": [...]}` or a bare array)."""
    @staticmethod
    def read(path: str | os.PathLike[str]) -> RuleSet:
        """Reads a rules file (`.json` as JSON, anything else as TOML)."""
    @property
    def ids(self) -> list[str]:
        """The rule ids, in file order."""
    def __len__(self) -> int: ...
    def to_toml(self) -> str:
        """The rules as TOML, in the format `from_toml` reads."""

@final
class CustomRate:
    """A user-defined rate (population filters, follow-up rules)."""

    @staticmethod
    def from_toml(text: str) -> CustomRate:
        """Reads a rate definition written in TOML."""
    @property
    def code(self) -> str:
        """The rate's code."""
    @property
    def name(self) -> str:
        """The rate's name."""
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickling (Spark ships the rates asked to its workers): through the JSON form."""
    @staticmethod
    def _from_json(text: str) -> CustomRate:
        """The inverse of pickling's JSON form."""

@final
class Target:
    """A target: `{rate, unit (area or keeper), period, >= or <=, value, weight}`."""

    @staticmethod
    def from_toml(text: str) -> list[Target]:
        """Reads `[[target]]` tables from TOML."""
    @staticmethod
    def from_csv(text: str) -> list[Target]:
        """Reads `targets.csv` text (`rate,level,unit,start,end,cmp,value,weight`)."""
    @property
    def rate(self) -> str: ...
    @property
    def level(self) -> _By: ...
    @property
    def unit(self) -> str: ...
    @property
    def start(self) -> datetime.date: ...
    @property
    def end(self) -> datetime.date: ...
    @property
    def cmp(self) -> Literal[">=", "<="]: ...
    @property
    def value(self) -> float:
        """The target in the rate's display unit."""
    @property
    def weight(self) -> float: ...

@final
class ResidentId:
    """A checked resident ID number (公民身份号码, GB 11643-1999)."""

    @property
    def number(self) -> str:
        """The normalised 18-character number."""
    @property
    def area_code(self) -> str: ...
    @property
    def birth_date(self) -> datetime.date: ...
    @property
    def sex(self) -> Literal["F", "M"]: ...
    def disagreements(self, birth_date: datetime.date, sex: Literal["F", "M"]) -> list[str]:
        """The items (`birth_date`, `sex`) that disagree with a person's record."""

def catalogue() -> Frame:
    """The rates of DOMAIN §7: code, zh, en, numerator, denominator, when, scale,
    default_target, mean_population."""

def validate_resident_id(number: str, today: datetime.date | None = None) -> ResidentId:
    """Checks a resident ID number (18 characters, or a legacy 15 converted). Raises
    `InvalidInputError` naming the wrong part (`resident_id: `…`: check character is `X`,
    expected `3``); with `today`, a birth date after it is refused too."""

def read_events(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Reads an events file (`.jsonl` or `.csv`) into event dicts."""

def publicity_plan(
    year: int,
    on: datetime.date,
    activities: str | os.PathLike[str] | None = None,
    service_events: int = 2,
    festival_window_days: int = 7,
) -> Frame:
    """The year's publicity plan on a date against an activity log (CSV `date,kind,...`):
    `due, kind, title, window_start, window_end, state, done_on`; state is done, due, late or
    upcoming."""
def shard_partials(
    areas: bytes,
    households: bytes,
    persons: bytes,
    visits: bytes,
    rates: _Rate | tuple[_Rate, _Period] | Sequence[_Rate | tuple[_Rate, _Period]],
    by: _By = "grid",
    *,
    on: datetime.date,
    period: _Period | None = None,
    as_of: datetime.date | None = None,
    basis: Literal["on_date", "as_recorded"] = "on_date",
    name: str = "",
) -> Frame:
    """One shard's snapshot tables as CSV text (`name` goes before each file name in
    messages) to its partial rows: `rate, level, unit, numerator, denominator, start, end`."""

def shard_partials_columns(
    areas: Sequence[tuple[str, bytes, bytes | None, bytes | None, int, int, bool]],
    households: Sequence[tuple[str, bytes, bytes | None, bytes | None, int, int, bool]],
    persons: Sequence[tuple[str, bytes, bytes | None, bytes | None, int, int, bool]],
    visits: Sequence[tuple[str, bytes, bytes | None, bytes | None, int, int, bool]],
    rates: _Rate | tuple[_Rate, _Period] | Sequence[_Rate | tuple[_Rate, _Period]],
    by: _By = "grid",
    *,
    on: datetime.date,
    period: _Period | None = None,
    as_of: datetime.date | None = None,
    basis: Literal["on_date", "as_recorded"] = "on_date",
    name: str = "",
) -> Frame:
    """One shard's snapshot tables as Arrow text columns to its partial rows, as
    `shard_partials` gives for the same text as CSV. Each column is `(name, offsets, data,
    validity, offset, length, large)`: the buffers of a pyarrow `string` (32-bit offsets) or
    `large_string` array (`validity` None: no nulls); a null is read as an empty field."""

def reduce_partials(
    partials: dict[str, Sequence[Any]],
    areas: Registry | dict[str, Sequence[Any]],
    rates: _Rate | tuple[_Rate, _Period] | Sequence[_Rate | tuple[_Rate, _Period]],
    by: _By = "grid",
    *,
    on: datetime.date,
    period: _Period | None = None,
    as_of: datetime.date | None = None,
    basis: Literal["on_date", "as_recorded"] = "on_date",
    targets: Sequence[Target] = ...,
) -> Frame:
    """The partial rows of every shard (columns as `shard_partials` gives, concatenated in
    any order) reduced to the final table: one row per rate and unit of `by` and one total
    row per rate, with `code, key, total, numerator, denominator, start, end, value, rate,
    target, cmp, default_target, met, gap`. The target is the one given for the rate, level,
    unit and period, else the catalogue default."""

def visits_read(
    rates: _Rate | tuple[_Rate, _Period] | Sequence[_Rate | tuple[_Rate, _Period]],
    *,
    on: datetime.date,
    period: _Period | None = None,
    as_of: datetime.date | None = None,
    basis: Literal["on_date", "as_recorded"] = "on_date",
) -> list[tuple[str, datetime.date, datetime.date]] | None:
    """The visits the rates can read with these parameters (`famplan::VisitsRead`): `None`
    when every visit may be read, else `(kind, first day, last day)` triples. Dropping every
    other visit leaves the rates' numbers as they are (docs/scale-out.md)."""
