"""What apps contribute to core's pages and commands, registered from their AppConfig.ready()
the way Django's admin autodiscovers: core names no app.

- demo steps: `demo_step(fn, order=…)`, run by `manage.py seed_demo` in order (idempotent steps);
- home sections: `home_section(template, context, order=…)`, a block of the 工作台 for the users
  `context(request)` returns something for (a leader's own projects, red first);
- detail-page panels: `panel("projects.Project", "entries", _("Batch entries"), template, context)`
  gives a model's page a tab from another app (the project page gets the campaign's entries
  without `projects` importing `campaigns`; the problem ledger will add its tab the same way);
- ledger columns: `import_columns("projects.Project", Extension)` lets another app read columns
  of a model's ledger into its own records (the campaign reads 期次 + 类别 of the project ledger
  into batch entries). An extension class takes the importing user and has `columns`, `key`,
  `read(texts) -> (value, errors)`, `review(form) -> [(field, message, level)]` and
  `write(forms, objects)`, called inside the import's transaction.

Home-page items register with `core.attention.provider`, menu entries with
`core.context_processors.nav`, search with each app's `search.py`, notification kinds with
each app's `notifications.py` (`core.notifications.register_kind`), scheduled jobs with
`core.schedule`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

_DEMO: list[tuple[int, Callable[..., Any]]] = []
_PANELS: dict[str, list["Panel"]] = {}
_HOME: list[tuple[int, str, Callable[..., Any]]] = []
_IMPORT_COLUMNS: dict[str, list[type]] = {}


def demo_step(fn: Callable[..., Any], *, order: int) -> Callable[..., Any]:
    """A step of the demo data; steps run by `order` (an app's after those it builds on)."""
    if fn not in [f for _o, f in _DEMO]:
        _DEMO.append((order, fn))
    return fn


def demo_steps() -> list[Callable[..., Any]]:
    return [fn for _order, fn in sorted(_DEMO, key=lambda item: item[0])]


@dataclass(frozen=True)
class Panel:
    """A tab of a model's detail page contributed by another app. `context(request, obj)`
    returns the template's context, or None when the panel has nothing to show this user."""

    name: str
    label: str | Promise
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int = 100


def panel(model_label: str, name: str, label, template: str, context, *, order: int = 100) -> Panel:
    found = Panel(name, label, template, context, order)
    panels = _PANELS.setdefault(model_label, [])
    if all(p.name != name for p in panels):
        panels.append(found)
        panels.sort(key=lambda p: p.order)
    return found


def panels_for(request, obj) -> list[dict]:
    """The panels of this object's page, each with its context, for this user."""
    shown = []
    for item in _PANELS.get(obj._meta.label, ()):
        context = item.context(request, obj)
        if context is not None:
            shown.append({"name": item.name, "label": item.label, "template": item.template, "context": context})
    return shown


def home_section(template: str, context: Callable[[Any], dict | None], *, order: int = 100) -> None:
    if all(t != template for _o, t, _c in _HOME):
        _HOME.append((order, template, context))
        _HOME.sort(key=lambda item: item[0])


def home_sections(request) -> list[dict]:
    shown = []
    for _order, template, context in _HOME:
        found = context(request)
        if found is not None:
            shown.append({"template": template, "context": found})
    return shown


def import_columns(model_label: str, extension: type) -> type:
    extensions = _IMPORT_COLUMNS.setdefault(model_label, [])
    if extension not in extensions:
        extensions.append(extension)
    return extension


def import_extensions(model_label: str) -> list[type]:
    return list(_IMPORT_COLUMNS.get(model_label, ()))
