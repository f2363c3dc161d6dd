"""Rendering .docx templates fast: each template is prepared once per process.

Preparing a template reads its zip, lets docxtpl clean the Word XML of every part that may hold
tags (document, headers, footers) so that jinja2 understands it, and compiles those parts once
with an autoescaping environment. Rendering a document then only runs the compiled templates and
writes a new zip that copies every other part's bytes unchanged, with fixed timestamps so that the
same context always gives a byte-identical file. This is the "floor" path of DESIGN.md §6;
docxtpl's own ``render()`` re-parses the template for every document.
"""

import io
import re
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, Template, meta
from pydantic import BaseModel

from zwgk.settings import get_settings

TEMPLATED_PART = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")
# The earliest date a zip can hold: no render writes the time of day into the file.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)


def environment() -> Environment:
    """The jinja2 environment of every document: XML-escaping, and loud about missing names."""
    return Environment(autoescape=True, undefined=StrictUndefined)


@dataclass(frozen=True)
class PreparedTemplate:
    """A template ready to render: the zip's parts in order, templated ones compiled."""

    name: str
    parts: tuple[tuple[str, bytes | Template], ...]
    sources: Mapping[str, str]  # patched XML of the templated parts, for variable checks

    def render_parts(self, context: Mapping[str, Any]) -> list[tuple[str, bytes]]:
        """Every part's bytes for ``context`` (templated parts rendered, others as stored)."""
        return [
            (name, part if isinstance(part, bytes) else part.render(context).encode("utf-8"))
            for name, part in self.parts
        ]

    def render(self, context: Mapping[str, Any]) -> bytes:
        """The .docx file for ``context`` as bytes."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.render_parts(context):
                info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        return buffer.getvalue()

    def variables(self) -> set[str]:
        """Top-level names the template uses (what its context must provide)."""
        env = environment()
        names: set[str] = set()
        for source in self.sources.values():
            names |= meta.find_undeclared_variables(env.parse(source))
        return names


def template_path(name: str, templates_dir: Path | None = None) -> Path:
    """Where the template ``name`` (file name with extension) lives."""
    return (templates_dir or get_settings().templates_dir) / name


@lru_cache(maxsize=64)
def prepare(name: str, templates_dir: Path | None = None) -> PreparedTemplate:
    """Load, clean and compile the template ``name`` (once per process and folder)."""
    path = template_path(name, templates_dir)
    if not path.is_file():
        raise FileNotFoundError(f"找不到公文模板 {path} (document template missing)")
    # Imported here: python-docx and docxtpl cost a command that issues no document ~0.2 s.
    from docxtpl import DocxTemplate

    cleaner = DocxTemplate(path)
    env = environment()
    parts: list[tuple[str, bytes | Template]] = []
    sources: dict[str, str] = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            if TEMPLATED_PART.fullmatch(info.filename):
                source = cleaner.patch_xml(data.decode("utf-8"))
                sources[info.filename] = source
                parts.append((info.filename, env.from_string(source)))
            else:
                parts.append((info.filename, data))
    return PreparedTemplate(name=name, parts=tuple(parts), sources=sources)


def as_context(model: BaseModel) -> dict[str, Any]:
    """A context model's top-level fields as the mapping templates render from."""
    return dict(model)


def render_docx(template_name: str, context: BaseModel | Mapping[str, Any],
                templates_dir: Path | None = None) -> bytes:
    """Render the template ``template_name`` with ``context`` into .docx bytes."""
    values = as_context(context) if isinstance(context, BaseModel) else context
    return prepare(template_name, templates_dir).render(values)


def bench(template_name: str, context: BaseModel, repeat: int = 20,
          templates_dir: Path | None = None) -> dict[str, float]:
    """Milliseconds per document: jinja alone (the floor), our full render, docxtpl's render.

    For the benchmark issue; prepares the template first so that only per-document work counts.
    """
    from docxtpl import DocxTemplate

    prepared = prepare(template_name, templates_dir)
    values = as_context(context)

    def per_doc(work: Any) -> float:
        start = time.perf_counter()
        for _ in range(repeat):
            work()
        return (time.perf_counter() - start) * 1000 / repeat

    def docxtpl_render() -> None:
        document = DocxTemplate(template_path(template_name, templates_dir))
        document.render(values, environment(), autoescape=True)
        document.save(io.BytesIO())

    return {
        "jinja_only_ms": per_doc(lambda: prepared.render_parts(values)),
        "render_docx_ms": per_doc(lambda: prepared.render(values)),
        "docxtpl_ms": per_doc(docxtpl_render),
    }
