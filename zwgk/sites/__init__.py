"""Website monitoring (日常监测, issue 22): every unit's public website checked against the national
lines of 国办秘函〔2019〕19号, findings fed into the daily assessment (article 10(1)).

Modules, from the bottom up:

- ``dates``, ``urls``, ``lists``, ``pages``: reading one HTML page — dates as sites write them,
  addresses, the list items and their dates, then the page (encoding, meta tags, links,
  pagination, stub front pages); pure, selectolax only.
- ``rules``: what a unit's pages showed → findings with their severity; pure.
- ``fetch``: polite HTTP (httpx): one request at a time per host, a pause between them, many
  hosts side by side, bounded time, body size and redirects; the evidence files.
- ``survey``: one unit's round: fetch its pages, follow pagination, interpretations and links.
- ``registry``: importing and listing the monitored pages.
- ``findings``: opening, updating and closing findings; listing them.
- ``rounds``: a probe round and a check round over every unit, stored.
- ``notices``: warnings and new vetoes told to the unit once (email, work chat).
- ``confirm``: findings confirmed into daily-assessment records.
- ``charts`` and ``overview``: the workbench's per-unit figures as server-rendered SVG.
- ``report``: the monthly monitoring circular (通报).
- ``staff``: who may act (zwgk.permissions).

May import models, zwgk's application and adapter modules (settings, clock, db, tabular,
inputs, lookup, daily, mail, webhooks, documents, permissions); never flows, tasks, the CLI or
the workbench.
"""
