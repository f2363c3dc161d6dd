"""The ``zwgk`` command line (entry point ``zwgk.cli.app:main``): one module per command group
as ``zwgk --help`` lists them, and what they share (common). Commands parse, call one
application function and print; no rule of the procedure lives here.

May import: anything below it (zwgk.web and zwgk.demo for ``zwgk web`` and ``zwgk demo``).
"""
