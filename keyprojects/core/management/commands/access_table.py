"""Writes the role × action table of every model into docs/access.md, between its markers, from
the models' own `rights` and the declared verbs: the document cannot drift from the code (a
test compares them)."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import get_resolver
from django.utils import translation

from keyprojects.core.access import CITY_WIDE, Action, Role, allowed_roles, rights_of

START, END = "<!-- rights:start -->", "<!-- rights:end -->"
DOC = Path(settings.BASE_DIR) / "docs" / "access.md"


def declared_verbs() -> dict:
    """model -> its declared verbs, from the page declarations (loaded with the URLconf)."""
    from keyprojects.core.views import REGISTRY

    get_resolver().url_patterns  # noqa: B018 (importing the URLconf registers the declarations)
    return {declaration.model: declaration.verbs for declaration in REGISTRY.values() if declaration.verbs}


def reaches(scope, role, action=None) -> bool:
    """Whether a role's memberships reach any row of a model with this scope at all (for
    `action`: a public model's rows are read by everyone its view right names)."""
    if scope.reference or role in CITY_WIDE or (scope.public and action == Action.VIEW):
        return True
    return bool(
        {
            Role.REGION_STAFF: scope.region,
            Role.DISPATCHER: scope.region,
            Role.DEPARTMENT_STAFF: scope.department,
            Role.OFFICE_STAFF: scope.office or scope.office_remit,
            Role.LEADER: scope.leader,
            Role.SERVICE_OFFICER: scope.service_officer,
            Role.ENTERPRISE: scope.enterprise_user,
            Role.ATTRACTION: scope.member,
        }.get(role)
    )


def rights_markdown() -> str:
    """One table per model: rows are actions and verbs (with the verb's label), columns the
    roles, ✔ where the role may, on the rows its scope reaches (a role the model's scope does
    not reach at all gets none)."""
    verbs = declared_verbs()
    lines = []
    with translation.override("zh-hans"):
        models = sorted(
            (m for m in apps.get_models() if getattr(m, "scope", None) is not None and m.__module__.startswith("keyp")),
            key=lambda m: m._meta.label,
        )
        header = "| action | " + " | ".join(f"`{r.value}`" for r in Role) + " |"
        rule = "|---|" + "---|" * len(Role)
        for model in models:
            scope = model.scope
            if scope.owner and not scope.region:
                continue  # personal rows (jobs, saved views): their owner's alone
            names = list(Action.values) + [verb.right for verb in verbs.get(model, ())]
            names += [name for name in rights_of(model) if name not in names]
            labels = {verb.right: str(verb.label) for verb in verbs.get(model, ())}
            kind = " (reference catalogue)" if scope.reference else " (published)" if scope.public else ""
            lines += ["", f"### {model._meta.label} · {model._meta.verbose_name}{kind}", "", header, rule]
            for name in dict.fromkeys(names):
                allowed = {r for r in allowed_roles(model, name) if reaches(scope, r, name)}
                label = f"`{name}`" + (f" {labels[name]}" if name in labels else "")
                lines.append(f"| {label} | " + " | ".join("✔" if r in allowed else "—" for r in Role) + " |")
    return "\n".join(lines).strip() + "\n"


def render_document(text: str) -> str:
    before, _start, rest = text.partition(START)
    _table, _end, after = rest.partition(END)
    return f"{before}{START}\n{rights_markdown()}{END}{after}"


class Command(BaseCommand):
    help = "Regenerate the role × action table in docs/access.md from the models' rights."

    def handle(self, *args, **options):
        DOC.write_text(render_document(DOC.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"Wrote {DOC}")
