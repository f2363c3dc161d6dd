"""The annual cycle itself (articles 8, 10, 12): its steps over the database (steps), the three
gates where people decide (gates), where a cycle stands (status, as data) and what a waiting
cycle waits for (waits).

May import: every feature package below it (intake … setup), zwgk.documents, zwgk.adapters,
zwgk.core, models. Never starts or resumes a run (that is zwgk.runner).
"""
