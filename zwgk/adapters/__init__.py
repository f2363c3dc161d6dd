"""The outside world the procedure talks to: the database (engines, schema, unique inserts),
email, work-chat robots, JSON over HTTP, files handed in (checks, SHA-256, atomic writes),
spreadsheets (the checks before parsing, tables with row numbers, xlsx writing) and backups.

May import: zwgk.core, models. Nothing that knows the procedure's stages.
"""
