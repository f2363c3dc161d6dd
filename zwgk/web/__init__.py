"""The workbench (工作台): the procedure's people act in a browser, each under their own login."""
