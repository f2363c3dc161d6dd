"""What the assessment rests on besides the forms (article 10): the daily-assessment records,
the group's activities at units, outside evaluations and the special items of the annex tables
(with the falsification finding of article 14).

May import: zwgk.results and the feature packages below it, zwgk.documents, zwgk.adapters,
zwgk.core, models.
"""
