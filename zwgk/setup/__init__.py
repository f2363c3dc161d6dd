"""Setting a district up: its profile and issuing organs (district), the people of the
procedure (people), the assessed units (units), the categories assessed by reference with their
catalogs (categories), whether a cycle can start (readiness) and the workbench's logins
(accounts).

May import: zwgk.documents, zwgk.adapters, zwgk.core, models.
"""
