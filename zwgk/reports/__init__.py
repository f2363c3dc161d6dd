"""Annual reports on government information disclosure (政府信息公开工作年度报告), checked the day
they arrive in the national format's own arithmetic (国办公开办函〔2021〕30号).

What it holds, from the pure core outwards:

- ``format``      the national format as data: the six parts, the rows and columns of 表二/表三/表四;
- ``text``        normalising labels and reading numbers (full-width digits, 中文数字, "—" as 0);
- ``safety``      what a handed-in file must pass before it is parsed (zip bombs, XML declarations,
                  deep HTML, files of another type renamed);
- ``read_docx``, ``read_html``  a .docx or a saved web page → blocks (paragraphs and table grids);
- ``tables``      grids → the three tables' figures, located by their content, continued tables merged;
- ``reading``     blocks → one ``Reading`` (title, text, parts, figures, notes);
- ``claims``      numbers quoted in the text and the table cells they must equal;
- ``checks``      pure rules → findings; ``similarity`` texts largely the same;
- ``due``         the due date (a district setting) and the deadline rows the sweep reminds;
- ``findings``    findings refreshed into the database, and the district's table;
- ``handin``      importing a version (refused in one line, or accepted with its findings);
- ``confirm``     findings → daily-assessment records against the 年报 criterion;
- ``circular``    the 年报审查情况通报.

The modules up to ``similarity`` are pure: no database session, no document rendering, no I/O
but reading the file handed to them; they import ``models`` (for the rule names), the settings (for
the limits), two pure helpers (``zwgk.intake.uploads.sniff``, ``zwgk.documents.contexts.cn_date``)
and each other. The others may also import the application modules of ``zwgk``
(deadlines, daily, district, lookup, inputs, uploads, unique_rows, documents). Nothing here imports
Prefect. Entry points: ``zwgk.cli.reports`` and ``zwgk.web.routes.reports``.
"""
