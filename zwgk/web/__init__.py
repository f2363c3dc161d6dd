"""The workbench (工作台): the procedure's people act in a browser, each under their own login.
The application (app), sessions and the permission check of every route (auth), pages (render),
the read models the pages show (read_models), the runs carried on in the background
(background), the upload limit (limits) and one routes module per area.

May import: zwgk.runner and everything below it.
"""
