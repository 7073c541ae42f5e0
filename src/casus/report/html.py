"""Render a replay document to one self-contained HTML file: no scripts, fonts or requests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("casus", "report/templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["label"] = lambda s: str(s).replace("_", " ")
    return env


def render_report(doc: dict[str, Any]) -> str:
    """The replay's report, with its pictures (the timeline, the vote boards, the force chart)
    drawn inline from `casus.report.pictures`."""
    from casus.report.pictures import pictures

    return _environment().get_template("replay.html.j2").render(doc=doc, pictures=pictures(doc))


def render_deployments(rows: list[dict[str, Any]]) -> str:
    """Deployments side by side, one self-contained page (`casus deployments --report`)."""
    return _environment().get_template("deployments.html.j2").render(rows=rows)


def write_whole(text: str, target: Path) -> Path:
    """Write a file so that it appears whole or not at all (written beside, then renamed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target


def write_report(doc: dict[str, Any], target: Path) -> Path:
    """Write the replay's report, whole or not at all."""
    return write_whole(render_report(doc), target)


def render_after_action(doc: dict[str, Any]) -> str:
    """An exercise's after-action report (the service's `getExerciseReport` document), one
    self-contained page."""
    return _environment().get_template("after_action.html.j2").render(doc=doc)
