"""Spreadsheets handed in and written: the checks an .xlsx passes before it is parsed (safety),
reading a CSV or the first sheet as rows with numbers (tables), and writing and reading .xlsx
cells (xlsx).

May import: zwgk.core, zwgk.adapters.files, models.
"""
