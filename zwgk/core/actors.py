"""Who is named in the audit log and on records: a person acts under their own name (``--by
NAME`` on the command line, by default ``ZWGK_ACTOR`` or the system login name; their login in
the workbench); the steps the procedure takes by itself are taken in the office's name."""

import getpass
import os

#: The name under which the procedure's own steps are recorded (stage moves, documents issued,
#: overdue marking, the missing self-check records): they are taken in the office's name.
OFFICE_ACTOR = "领导小组办公室"


def operator() -> str:
    """The person running this command, for the audit log: ZWGK_ACTOR, else the system login name."""
    return os.environ.get("ZWGK_ACTOR") or getpass.getuser()
