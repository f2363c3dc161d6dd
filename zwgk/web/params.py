"""What a path may hold: a year the procedure can have, an id a table can hold. Anything else
(``/units/abc``, ``/cycles/99999999999999999999``) is a page that does not exist (404), never a
database error."""

from typing import Annotated

from fastapi import Form, Path, Query

Year = Annotated[int, Path(ge=2000, le=2100)]
# Ids are 32-bit on PostgreSQL (and SQLite refuses integers past 64 bits).
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
# The year a form or a link names, when it may name none (the unit's newest cycle then).
YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]
YearField = Annotated[int | None, Form(ge=2000, le=2100)]
