"""The results (articles 10(4), 12, 13): scores, grades and ranks (ranking), the decided figures
sealed into the audit chain (sealing), the target-performance export and the commendation
proposal (exports), and the results for the cadre department (cadre).

May import: zwgk.rectification and the feature packages below it, zwgk.documents, zwgk.adapters,
zwgk.core, models.
"""
