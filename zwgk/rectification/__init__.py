"""Feedback and rectification (article 11): the items opened from the problems found, the plan
and report received, the office's verification, and whether the cycle's rectification is done.

May import: zwgk.deadlines, zwgk.setup, zwgk.documents, zwgk.adapters, zwgk.core, models.
"""
