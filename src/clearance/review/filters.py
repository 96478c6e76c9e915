"""The queue's filters: what the query string carries, and the SQL they become on ``q``."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

#: the filter value that stands for an empty column (no license)
NONE_VALUE = "(none)"
#: filters on ENUM columns of ``q`` (the ENUM type of each is ``<name>_t``)
FILTERED = ("status", "source", "license", "rule", "kind", "signal")
LIST_COLUMNS = {"rule": "rules", "kind": "kinds", "signal": "signals"}


@dataclass(frozen=True)
class Filters:
    """The queue's filters, as the query string carries them; empty means any."""

    status: str = ""
    source: str = ""
    rule: str = ""
    license: str = ""
    kind: str = ""
    signal: str = ""
    search: str = ""

    @classmethod
    def from_params(cls, params: Any) -> Filters:
        return cls(**{f.name: str(params.get(f.name) or "")[:200] for f in fields(cls)})

    def as_params(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def where(
        self,
        members: dict[str, frozenset[str]],
        skip: str = "",
        bits: dict[str, dict[str, int]] | None = None,
    ) -> tuple[str, list[Any]]:
        """SQL conditions on ``q`` (all but ``skip``) and their parameters. A value that is
        not in the run at all matches nothing (and is never cast to the column's ENUM)."""
        sql: list[str] = []
        args: list[Any] = []
        for name in FILTERED:
            value = getattr(self, name)
            if not value or name == skip:
                continue
            if name == "license" and value == NONE_VALUE:
                value = ""
            if value not in members[name]:
                sql.append("FALSE")
            elif bits and name in bits:
                sql.append(f"({name}_bits & ?::UBIGINT) <> 0")
                args.append(1 << bits[name][value])
            elif name == "signal":
                sql.append("n IN (SELECT n FROM sigidx WHERE signal = ?::signal_t)")
                args.append(value)
            elif name in LIST_COLUMNS:
                sql.append(f"list_contains({LIST_COLUMNS[name]}, ?::{name}_t)")
                args.append(value)
            else:
                sql.append(f"{name} = ?::{name}_t")
                args.append(value)
        if self.search:
            # a prefix: ``q`` is stored in item-id order, so DuckDB's min/max zone maps
            # skip every row group outside the range
            sql.append("item_id >= ? AND item_id < ?")
            args += [self.search, self.search + "\U0010ffff"]
        return (" AND ".join(sql) or "TRUE"), args


__all__ = ["FILTERED", "LIST_COLUMNS", "NONE_VALUE", "Filters"]
