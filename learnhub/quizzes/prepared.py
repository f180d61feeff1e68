"""Statements compiled once per dialect and sent as the driver's SQL: the exam's hot paths.

SQLAlchemy caches compiled statements already, but every execution still derives the
statement's cache key, builds an execution context and processes its parameters and rows
generically; for the few statements a crowd of exam takers sends thousands of times a minute
(the start's reads and insert, the autosave's write) that was most of their cost: two thirds of
an autosave's write on SQLite. A `Prepared` keeps, per dialect, the SQL string, its parameters'
order and the columns' own bind and result processors (the same conversions SQLAlchemy applies),
and runs it with `Connection.exec_driver_sql`: engine events (query counters), the session's
transaction and SQLAlchemy's error wrapping all still apply.

Parameters are named with `bindparam(name)` and given to `execute` as a dict; a literal in the
statement keeps its value.
"""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass


@dataclass(frozen=True)
class _Compiled:
    sql: str
    order: tuple[str, ...] | None      # positional paramstyles (SQLite's qmark); None: named
    binds: tuple                       # (name, processor or None, the literal's value)
    row: type | None                   # namedtuple of the selected or returned columns
    results: tuple                     # processor or None, per column


class Prepared:
    """One statement, compiled on first use for each dialect it runs on."""

    def __init__(self, statement) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = self._compile(dialect)
        return compiled

    def _compile(self, dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        binds = tuple((name, bind.type.dialect_impl(dialect).bind_processor(dialect), bind.value)
                      for name, bind in compiled.binds.items())
        columns = list(self.statement.exported_columns)  # a SELECT's columns, or what RETURNING returns
        row = namedtuple("Row", [c.key for c in columns], rename=True) if columns else None
        results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
        order = tuple(compiled.positiontup) if compiled.positiontup is not None else None
        return _Compiled(compiled.string, order, binds, row, results)

    def execute(self, connection, params: dict):
        """The driver's result (rowcount, unprocessed rows): for writes."""
        compiled = self._for(connection.dialect)
        values = {}
        for name, process, literal in compiled.binds:
            value = params.get(name, literal)
            values[name] = process(value) if process is not None else value
        if compiled.order is not None:
            values = tuple(values[name] for name in compiled.order)
        return connection.exec_driver_sql(compiled.sql, values)

    def rows(self, connection, params: dict) -> list:
        """The rows, each a namedtuple of the columns' values as SQLAlchemy would return them."""
        compiled = self._for(connection.dialect)
        processors = compiled.results
        return [compiled.row._make([value if process is None else process(value)
                                    for process, value in zip(processors, raw, strict=True)])
                for raw in self.execute(connection, params).fetchall()]

    def first(self, connection, params: dict):
        rows = self.rows(connection, params)
        return rows[0] if rows else None
