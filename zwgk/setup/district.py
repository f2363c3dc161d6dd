"""The district profile: reading it from YAML, storing it, and the one function that reads it."""

from pathlib import Path

import yaml
from sqlmodel import Session

from models.audit import record
from models.district import (
    DEFAULT_DECIDERS,
    LEADING_GROUP_POSITIONS,
    DistrictProfile,
    Organ,
    OrganKey,
    Profile,
    district_profile,
)
from models.text import TextRefused, clean_text
from zwgk.adapters.files import checked_input
from zwgk.core.errors import ImportRejected

ORGAN_FIELDS = ("name", "mark", "prefix")
ORGAN_LABELS = {OrganKey.LEADING_GROUP: "领导小组", OrganKey.OFFICE: "领导小组办公室"}
FIELD_LABELS = {"name": "机关全称", "mark": "发文机关标志", "prefix": "发文字号机关代字"}
# Columns of the stored profile as the user reads them.
PROFILE_LABELS = {"district": "区县名称", "measures": "考核办法",
                  **{f"{key}_{f}": f"{ORGAN_LABELS[key]}{FIELD_LABELS[f]}"
                     for key in OrganKey for f in ORGAN_FIELDS},
                  "deciders": "领导小组中作出审定决定的职务"}


def parse_profile(path: Path) -> Profile:
    """Read a district YAML file with exactly the keys ``district``, ``measures`` and
    ``organs.{leading_group,office}.{name,mark,prefix}``, and optionally ``deciders`` (the
    leading-group roles that decide at its gates); raise ImportRejected listing
    every missing, unknown or empty key. Every value is normalised like any text handed in
    (models.text.clean_text): one with a control or direction character is refused, naming its key."""
    try:
        data = yaml.safe_load(checked_input(path).read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ImportRejected([f"{path.name}: 不是有效的 UTF-8 YAML 文件 (not valid YAML: {exc})"]) from None
    problems: list[str] = []
    texts: dict[str, str] = {}

    def take(mapping: object, keys: tuple[str, ...], where: str) -> dict[str, object]:
        if not isinstance(mapping, dict):
            problems.append(f"{path.name} {where or '文件'}：应为键值表，含 {', '.join(keys)}")
            return {}
        for key in mapping.keys() - set(keys):
            problems.append(f"{path.name} {where}{'.' if where else ''}{key}：不认识的键 (unknown key)")
        for key in keys:
            if key not in mapping:
                problems.append(f"{path.name} {where}{'.' if where else ''}{key}：缺少 (missing)")
        return {k: v for k, v in mapping.items() if k in keys}

    def text(value: object, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{path.name} {where}：应为非空文字 (must be non-empty text)")
            return ""
        try:
            return clean_text(value, where=f"{path.name} {where}")
        except TextRefused as exc:
            problems.append(str(exc))
            return ""

    deciders = _deciders(data.pop("deciders", None) if isinstance(data, dict) else None, path.name, problems)
    top = take(data, ("district", "measures", "organs"), "")
    for key in ("district", "measures"):
        if key in top:
            texts[key] = text(top[key], key)
    organs: dict[OrganKey, Organ] = {}
    if "organs" in top:
        raw_organs = take(top["organs"], tuple(OrganKey), "organs")
        for key in OrganKey:
            if key in raw_organs:
                fields = take(raw_organs[key], ORGAN_FIELDS, f"organs.{key}")
                values = {f: text(fields[f], f"organs.{key}.{f}（{ORGAN_LABELS[key]}{FIELD_LABELS[f]}）")
                          for f in ORGAN_FIELDS if f in fields}
                if len(values) == len(ORGAN_FIELDS):
                    organs[key] = Organ(**values)
    measures = texts.get("measures", "").strip("《》")
    if problems:
        raise ImportRejected(problems)
    return Profile(district=texts["district"], measures=measures, organs=organs, deciders=deciders)


def _deciders(value: object, file: str, problems: list[str]) -> tuple[str, ...]:
    """The optional ``deciders`` key: which leading-group roles decide at its gates (a list of
    组长, 副组长, 成员; by default 组长 and 副组长)."""
    if value is None:
        return DEFAULT_DECIDERS
    roles = [value] if isinstance(value, str) else value
    if not isinstance(roles, list) or not roles or any(r not in LEADING_GROUP_POSITIONS for r in roles):
        problems.append(f"{file} deciders：应为 {'、'.join(LEADING_GROUP_POSITIONS)} 中的一个或几个，"
                        f"收到 {value!r} (deciders must name leading-group roles)")
        return DEFAULT_DECIDERS
    return tuple(r for r in LEADING_GROUP_POSITIONS if r in roles)


def save_profile(session: Session, profile: Profile, *, actor: str) -> list[str]:
    """Store ``profile`` (replacing the previous one) and audit it; commits.

    Returns what changed, one line per field, for the user to read ([] when nothing did).
    """
    before = district_profile(session)
    new = DistrictProfile.from_profile(profile)
    old = DistrictProfile.from_profile(before)
    changes = [f"{label}：{getattr(old, field)} → {getattr(new, field)}"
               for field, label in PROFILE_LABELS.items() if getattr(old, field) != getattr(new, field)]
    if before.is_default:
        changes = changes or ["（与默认值相同，已保存）"]
    if not changes:
        return []
    session.merge(new)
    record(session, actor=actor, action="district.import", detail="；".join(changes))
    session.commit()
    return changes
