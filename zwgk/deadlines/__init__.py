"""Deadlines in Chinese working days and what enforces them: the deadline rows (rows), the daily
sweep that plans and claims reminder slots (sweep), the notices it issues and delivers by email
and work chat with the escalation's daily-assessment record (notices), and its report (report).

May import: zwgk.setup, zwgk.documents, zwgk.adapters, zwgk.core, models.
"""
