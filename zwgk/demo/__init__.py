"""``zwgk demo``: the fictional demo district (district), the scripted, deterministic annual
cycle on it (script), and the scripted people who fill in forms as units and the group would
(filler; tests and benchmarks use it too).

May import: zwgk.runner and everything below it.
"""
