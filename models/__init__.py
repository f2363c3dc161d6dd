"""The domain: tables, the procedure's state machine and the pure rules.

Imports neither prefect nor docx. Importing this package registers every table.
"""

from models import (  # noqa: F401
    accounts,
    assessment,
    audit,
    calendar,
    catalog,
    chat,
    cycle,
    deadlines,
    district,
    documents,
    evaluations,
    group_records,
    rectification,
    reports,
    sites,
    units,
    uploads,
)
