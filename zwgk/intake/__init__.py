"""What units and the group hand in (article 10(3), 10(4)): the self-check forms, the group's
score workbook, what the two share (forms), the workbench's submissions and the uploaded files
kept by SHA-256 (uploads).

May import: zwgk.assessment and the feature packages below it, zwgk.documents, zwgk.adapters,
zwgk.core, models.
"""
