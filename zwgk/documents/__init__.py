"""Official documents in the national format GB/T 9704-2012: the templates' contexts, rendering,
the register that numbers and keeps them, PDF copies, the public results page, and in ``issue``
one module per stage's documents.

May import: zwgk.adapters, zwgk.core, models. Never a feature package: features call documents.
"""
