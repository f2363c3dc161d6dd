"""The small base every package builds on: settings, the office's clock and the one check of a
date, who is named as acting, errors and import problems, who may do what (the one permission
rule), safe file names, where files go, and the one retry policy.

May import: models and third-party libraries. Nothing else of zwgk.
"""
