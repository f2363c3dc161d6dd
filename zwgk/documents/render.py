"""Rendering .docx templates fast: each template is prepared once per process.

Preparing a template reads its zip, lets docxtpl clean the Word XML of every part that may hold
tags (document, headers, footers) so that jinja2 understands it, and compiles those parts once
with an autoescaping environment; every other part is compressed once, then. Rendering a document
only runs the compiled templates, compresses their output and writes the zip around the parts
compressed beforehand, with fixed timestamps so that the same context always gives a
byte-identical file. This is the "floor" path of DESIGN.md §6;
docxtpl's own ``render()`` re-parses the template for every document.
"""

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, Template, meta
from pydantic import BaseModel

from zwgk.core.settings import get_settings

TEMPLATED_PART = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")
# The earliest date a zip can hold: no render writes the time of day into the file.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)


def environment() -> Environment:
    """The jinja2 environment of every document: XML-escaping, and loud about missing names."""
    return Environment(autoescape=True, undefined=StrictUndefined)


@dataclass(frozen=True)
class Packed:
    """One zip member, compressed (raw deflate) with what its headers record."""

    name: str
    crc: int
    size: int
    data: bytes

    @classmethod
    def of(cls, name: str, data: bytes) -> "Packed":
        """Compress ``data`` as zipfile's ZIP_DEFLATED does by default (level 6)."""
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        return cls(name, zlib.crc32(data), len(data), compressor.compress(data) + compressor.flush())


def write_zip(members: list[Packed]) -> bytes:
    """A zip archive of members compressed beforehand (what zipfile writes, minus the
    compressing): local headers and data, the central directory, its end record."""
    dos_time, dos_date = 0, (FIXED_DATE_TIME[0] - 1980) << 9 | FIXED_DATE_TIME[1] << 5 | FIXED_DATE_TIME[2]
    body, directory = io.BytesIO(), io.BytesIO()
    for member in members:
        name = member.name.encode("utf-8")
        flags = 0 if member.name.isascii() else 0x800  # bit 11: the name is UTF-8
        offset = body.tell()
        common = (flags, zipfile.ZIP_DEFLATED, dos_time, dos_date, member.crc, len(member.data),
                  member.size, len(name))
        body.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, *common, 0))
        body.write(name)
        body.write(member.data)
        directory.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 3 << 8 | 20, 20, *common, 0, 0, 0, 0,
                                    0o644 << 16, offset))
        directory.write(name)
    listing = directory.getvalue()
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(listing),
                      body.tell(), 0)
    return body.getvalue() + listing + end


@dataclass(frozen=True)
class PreparedTemplate:
    """A template ready to render: the zip's parts in order, templated ones compiled, the
    others already compressed."""

    name: str
    parts: tuple[tuple[str, Packed | Template], ...]
    sources: Mapping[str, str]  # patched XML of the templated parts, for variable checks

    def render_parts(self, context: Mapping[str, Any]) -> dict[str, bytes]:
        """The templated parts' XML for ``context``, by part name."""
        return {name: part.render(context).encode("utf-8") for name, part in self.parts
                if isinstance(part, Template)}

    def render(self, context: Mapping[str, Any]) -> bytes:
        """The .docx file for ``context`` as bytes."""
        rendered = self.render_parts(context)
        return write_zip([part if isinstance(part, Packed) else Packed.of(name, rendered[name])
                          for name, part in self.parts])

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
    parts: list[tuple[str, Packed | Template]] = []
    sources: dict[str, str] = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            if TEMPLATED_PART.fullmatch(info.filename):
                source = cleaner.patch_xml(data.decode("utf-8"))
                sources[info.filename] = source
                parts.append((info.filename, env.from_string(source)))
            else:
                parts.append((info.filename, Packed.of(info.filename, data)))
    return PreparedTemplate(name=name, parts=tuple(parts), sources=sources)


def as_context(model: BaseModel) -> dict[str, Any]:
    """A context model's top-level fields as the mapping templates render from."""
    return dict(model)


def render_docx(template_name: str, context: BaseModel | Mapping[str, Any],
                templates_dir: Path | None = None) -> bytes:
    """Render the template ``template_name`` with ``context`` into .docx bytes."""
    values = as_context(context) if isinstance(context, BaseModel) else context
    return prepare(template_name, templates_dir).render(values)


