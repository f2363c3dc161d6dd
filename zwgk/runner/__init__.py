"""Starting and resuming annual runs: through a Prefect deployment when a server is configured,
in this process otherwise (runs); waking the runs whose wait is over (wake); the server's REST
calls without importing Prefect (prefect_api); and serving everything on one machine (serve).
The only package that starts or resumes runs.

May import: flows, tasks, the feature packages, zwgk.documents, zwgk.adapters, zwgk.core, models.
"""
