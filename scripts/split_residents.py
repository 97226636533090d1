"""Split `communitygate.residents` into four apps: registry, matters, disputes, programmes.

Run from the repository root on a clean tree (it uses `git mv`):

    .venv/bin/python scripts/split_residents.py          # do it
    .venv/bin/python scripts/split_residents.py --dry-run  # only print the plan

What it does, mechanically:

1. Moves every file of `src/communitygate/residents/` to its new app (`git mv`) by the MOVES
   table (modules), TEMPLATE_RULES (templates by file-name prefix), TEST_RULES (tests by
   file-name prefix). A file no rule places is listed at the end and left where it is.
2. Splits the modules that hold more than one domain (SPLITS: models.py by class, the scope
   helpers, the glance selectors) by top-level definition, copying the imports to every part and
   importing from a sibling part what a part uses but no longer defines. Names no table lists go
   to the SPLIT's default part (and are printed, so that a new class can be checked).
3. Writes each app's `apps.py`, `urls.py` (and `public_urls.py`), package `__init__.py`s, and
   deletes the residents app's old ones and its migrations.
4. Rewrites, in src/, tests/, docs/, README.md and pyproject.toml:
   - imports and dotted paths `communitygate.residents.X[.name]` → the new module (a
     `from … import a, b` naming things that now live in several modules becomes several
     imports);
   - template and static paths `residents/<file>` → `<app>/<file>`;
   - URL names `residents:<name>` / `residents_public:<name>` → `<app>:<name>` /
     `<app>_public:<name>` (the namespace of the views module that declares the name);
   - model labels `residents.<model>` (audit object types, string references, sealed-column
     keys) and table names `residents_<model>` → `<app>.<model>` / `<app>_<model>`;
   - the app in INSTALLED_APPS, the no-store middleware's path, the root URLconf and API.
5. Runs `ruff check --fix` (unused imports the split leaves, import order) and `ruff format`,
   then regenerates one `0001_initial` per new app with `makemigrations`.

It prints what it could not place or rewrite. It does not make judgement calls: see
docs/architecture.md ("The residents' platform: four apps") for the manual steps after it.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "communitygate"
OLD = SRC / "residents"
APPS = ("registry", "matters", "disputes", "programmes")

# Modules (relative to residents/, without .py) → new module (relative to communitygate/).
MOVES: dict[str, str] = {
    # registry
    "exports": "registry.exports",
    "tasks": "registry.tasks",
    "api.registry": "registry.api.registry",
    "forms.registry": "registry.forms.registry",
    "forms.importing": "registry.forms.importing",
    "forms.visits": "registry.forms.visits",
    "forms.widgets": "registry.forms.widgets",
    "selectors.registry": "registry.selectors.registry",
    "services.registry": "registry.services.registry",
    "services.importing": "registry.services.importing",
    "services.visits": "registry.services.visits",
    "views.registry": "registry.views.registry",
    "views.importing": "registry.views.importing",
    "management.commands.import_residents": "registry.management.commands.import_residents",
    # matters
    "admin": "matters.admin",
    "builtins": "matters.builtins",
    "workflow": "matters.workflow",
    "receivers": "matters.receivers",
    "throttling": "matters.throttling",
    "open311": "matters.open311",
    "api.matters": "matters.api.matters",
    "api.public": "matters.api.public",
    "forms.matters": "matters.forms.matters",
    "forms.public": "matters.forms.public",
    "selectors.matters": "matters.selectors.matters",
    "services.matters": "matters.services.matters",
    "views.matters": "matters.views.matters",
    "views.public": "matters.views.public",
    "views.glance": "matters.views.glance",
    "management.commands.escalate_overdue_matters": (
        "matters.management.commands.escalate_overdue_matters"
    ),
    # disputes
    "printing": "disputes.printing",
    "forms.disputes": "disputes.forms.disputes",
    "selectors.disputes": "disputes.selectors.disputes",
    "services.disputes": "disputes.services.disputes",
    "views.disputes": "disputes.views.disputes",
    # programmes
    "api.programmes": "programmes.api.programmes",
    "forms.programmes": "programmes.forms.programmes",
    "selectors.programmes": "programmes.selectors.programmes",
    "services.programmes": "programmes.services.programmes",
    "views.programmes": "programmes.views.programmes",
    # the no-store middleware reads every app's URLs and API routers: the top layer.
    "middleware": "web.middleware",
}

# Modules split by top-level name: source → (default part, {part: names}).
SPLITS: dict[str, tuple[str, dict[str, set[str]]]] = {
    "models": (
        "registry.models",
        {
            "registry.models": {
                "USER",
                "ADDRESS_KIND",
                "community_key",
                "Building",
                "Unit",
                "Room",
                "HouseholdKinds",
                "Household",
                "CareTag",
                "Sexes",
                "PopulationKinds",
                "Relations",
                "Resident",
                "Volunteer",
                "VolunteerService",
                "Visit",
                "ImportStatuses",
                "ResidentImport",
            },
            "matters.models": {
                "MatterCategory",
                "MatterChannels",
                "MatterStatuses",
                "Ratings",
                "Matter",
                "MatterPhoto",
            },
            "disputes.models": {
                "DisputeKinds",
                "DisputeOutcomes",
                "Dispute",
                "PartyRoles",
                "DisputeParty",
                "MediationSession",
            },
            "programmes.models": {
                "Activity",
                "Programme",
                "ProgrammeSession",
                "EnrolmentStatuses",
                "Enrolment",
                "Attendance",
            },
        },
    ),
    # The scope helpers are used by all four apps: the lowest holds them; the one about a
    # matter's phone needs the Matter model.
    "permissions": (
        "registry.permissions",
        {"matters.permissions": {"can_reveal_matter_phone"}},
    ),
    # The glance counts registry and matters (matters); what the visits' rules need of it is
    # the registry's.
    "selectors.glance": (
        "matters.selectors.glance",
        {
            "registry.selectors.visits": {
                "VISIT_INTERVAL_DAYS",
                "TODAYS_VISITS_SHOWN",
                "care_tags_active",
                "current_households",
                "current_residents",
                "households_due_for_visit",
                "_recently_visited",
                "household_address",
                "VISITS_LISTED",
                "VisitLists",
                "community_visits",
                "household_at",
                "household_residents",
                "natural_key",
                "_NUMBER_RUN",
            }
        },
    ),
}

# The docstring of each part of a split module (a part not listed keeps the original's).
PART_DOCSTRINGS: dict[str, str] = {
    "registry.models": (
        "民情零距离 — the residents' registry: a community's buildings → units → rooms →\n"
        "households → residents, with care tags, volunteers, home visits and registry imports.\n\n"
        "Personal information is sealed: an ID number or a phone is stored as ciphertext (a\n"
        "`SealedTextField` naming its kind, the cipher in `core.crypto`), a keyed digest for\n"
        "exact-match search, and its mask for display. Nothing here holds a full ID number or\n"
        "phone in plaintext. `community_key` and `USER` are shared by the other residents' apps."
    ),
    "matters.models": (
        "Residents' matters (民情事项): categories with their answer-by working days, matters\n"
        "received by staff or filed by the public (tracking code, sealed phone) and their photos."
    ),
    "disputes.models": (
        "Dispute mediation (矛盾纠纷调解): a dispute, its parties (a registered resident or a\n"
        "named outsider, phone sealed) and its mediation sessions."
    ),
    "programmes.models": (
        "Activities and programmes (活动与课程): one-off activities, programmes with sessions,\n"
        "enrolments (from staff, the API or the public sign-up; phone sealed) and attendance."
    ),
    "matters.permissions": (
        "Who may see a matter's full phone: the scope rules of the residents' platform are in\n"
        "`registry.permissions`; this is the one that needs the Matter model."
    ),
    "registry.selectors.visits": (
        "The registry's reads for home visits and the glance: current households and residents,\n"
        "active care tags, the households due for a visit, a community's visit lists. The glance\n"
        "itself (it counts matters too) is `matters.selectors.glance`."
    ),
}

# Files the script writes anew (the old ones are deleted).
REPLACED = {"apps", "urls", "public_urls", "api.__init__", "tests.__init__"}

TEMPLATE_RULES: list[tuple[str, str]] = [
    ("registry_", "registry"),
    ("import_", "registry"),
    ("matter_", "matters"),
    ("answer_by", "matters"),
    ("rates", "matters"),
    ("glance_", "matters"),
    ("visit_", "matters"),
    ("public_programme_", "programmes"),
    ("public_", "matters"),
    ("dispute_", "disputes"),
    ("activity_", "programmes"),
    ("programme_", "programmes"),
]
STATIC_RULES: list[tuple[str, str]] = [("import-", "registry")]
TEST_RULES: list[tuple[str, str, str]] = [
    # (file-name prefix, app, new file name or "" to keep it)
    ("test_glance_no_store", "web", "test_no_store.py"),
    ("grid_glance", "matters", ""),
    ("grid_import", "registry", ""),
    ("grid_matters", "matters", ""),
    ("grid_programmes", "programmes", ""),
    ("grid_public", "matters", ""),
    ("grid_registry", "registry", ""),
    ("importing_files", "registry", ""),
    ("test_activities", "programmes", ""),
    ("test_disputes", "disputes", ""),
    ("test_forms_dates", "disputes", ""),
    ("test_glance", "matters", ""),
    ("test_import", "registry", ""),
    ("test_matters", "matters", ""),
    ("test_open311", "matters", ""),
    ("test_programmes", "programmes", ""),
    ("test_public", "matters", ""),
    ("test_registry", "registry", ""),
    ("test_sealed_columns", "registry", ""),
    ("test_visits_services", "registry", ""),
    ("test_visits_pages", "matters", ""),
]

APP_CONFIG = {
    "registry": ("Registry", "Residents' registry (居民档案)"),
    "matters": ("Matters", "Residents' matters (民情诉求)"),
    "disputes": ("Disputes", "Dispute mediation (矛盾调解)"),
    "programmes": ("Programmes", "Activities and programmes (活动与课程)"),
}

unplaced: list[str] = []
notes: list[str] = []


def run(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, check=check, text=True, capture_output=True)  # noqa: S603


def rel_module(path: Path) -> str:
    """residents/forms/matters.py → "forms.matters"."""
    return ".".join(path.relative_to(OLD).with_suffix("").parts)


def module_path(module: str) -> Path:
    return SRC.joinpath(*module.split(".")).with_suffix(".py")


# 1. The plan ------------------------------------------------------------------------------------


def plan() -> tuple[dict[Path, Path], dict[str, str]]:
    """Every file's destination, and the old → new dotted module map (packages included)."""
    moves: dict[Path, Path] = {}
    modules: dict[str, str] = {}
    for path in sorted(OLD.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(OLD)
        parts = relative.parts
        if path.suffix == ".py":
            module = rel_module(path)
            if module in MOVES:
                moves[path] = module_path(MOVES[module])
                modules[module] = MOVES[module]
            elif module in SPLITS or module in REPLACED or parts[0] == "migrations":
                continue
            elif module.endswith("__init__"):
                continue  # written per app
            elif parts[0] == "tests":
                target = test_target(parts[-1])
                if target is None:
                    unplaced.append(str(relative))
                    continue
                moves[path] = target
                modules[module] = ".".join(target.relative_to(SRC).with_suffix("").parts)
            else:
                unplaced.append(str(relative))
        elif parts[0] == "templates":
            app = by_prefix(parts[-1], TEMPLATE_RULES)
            if app is None:
                unplaced.append(str(relative))
                continue
            moves[path] = SRC / app / "templates" / app / Path(*parts[2:])
        elif parts[0] == "static":
            app = by_prefix(parts[-1], STATIC_RULES)
            if app is None:
                unplaced.append(str(relative))
                continue
            moves[path] = SRC / app / "static" / app / Path(*parts[2:])
        else:
            unplaced.append(str(relative))
    return moves, modules


def by_prefix(name: str, rules: list[tuple[str, str]]) -> str | None:
    return next((app for prefix, app in rules if name.startswith(prefix)), None)


def test_target(name: str) -> Path | None:
    for prefix, app, renamed in TEST_RULES:
        if name.startswith(prefix):
            return SRC / app / "tests" / (renamed or name)
    return None


# 2. Splitting a module by top-level name --------------------------------------------------------


def defined_names(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    if isinstance(node, ast.TypeAlias) and isinstance(node.name, ast.Name):
        return {node.name.id}
    return set()


def split_module(source_module: str) -> dict[str, str]:
    """Write the parts of a split module; the name → new module map of what it defined."""
    default, table = SPLITS[source_module]
    path = OLD.joinpath(*source_module.split(".")).with_suffix(".py")
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    tree = ast.parse(text)
    body = tree.body
    first = next(
        i
        for i, node in enumerate(body)
        if not isinstance(node, ast.Import | ast.ImportFrom)
        and not (i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    )
    header_end = body[first - 1].end_lineno or 0
    header = "".join(lines[:header_end])
    docstring = body[0] if isinstance(body[0], ast.Expr) else None
    docstring_end = docstring.end_lineno if docstring is not None else 0
    owner_of: dict[str, str] = {}
    for part, names in table.items():
        for name in names:
            owner_of[name] = part
    chunks: dict[str, list[str]] = defaultdict(list)
    where: dict[str, str] = {}
    previous_end = header_end
    for node in body[first:]:
        end = node.end_lineno or node.lineno
        # Comments and blank lines above a definition travel with it.
        chunk = "".join(lines[previous_end:end])
        previous_end = end
        names = defined_names(node)
        parts = {owner_of[name] for name in names if name in owner_of}
        part = parts.pop() if len(parts) == 1 else default
        if names and not names & owner_of.keys():
            notes.append(f"{source_module}: {', '.join(sorted(names))} → {part} (not in the table)")
        chunks[part].append(chunk)
        for name in names:
            where[name] = part
    # What each part uses of its siblings.
    for part, part_chunks in chunks.items():
        code = "".join(part_chunks)
        used = {node.id for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Name)}
        own = {name for name, owner in where.items() if owner == part}
        needed: dict[str, set[str]] = defaultdict(set)
        for name in used - own:
            if name in where:
                needed[where[name]].add(name)
        imports = "".join(
            f"from communitygate.{other} import {', '.join(sorted(names))}\n"
            for other, names in sorted(needed.items())
        )
        target = module_path(part)
        target.parent.mkdir(parents=True, exist_ok=True)
        part_header = header
        if part in PART_DOCSTRINGS and docstring_end:
            part_header = f'"""{PART_DOCSTRINGS[part]}\n"""\n' + "".join(
                lines[docstring_end:header_end]
            )
        target.write_text(part_header + imports + "".join(part_chunks).rstrip() + "\n")
    return where


# 3. New app files -------------------------------------------------------------------------------


def write_app_files(url_modules: dict[str, list[str]], public: dict[str, list[str]]) -> None:
    for app in APPS:
        base = SRC / app
        for package in (
            "",
            "api",
            "forms",
            "selectors",
            "services",
            "views",
            "tests",
            "management",
            "management/commands",
            "migrations",
        ):
            folder = base / package
            if folder.is_dir() or package in ("", "tests", "migrations"):
                folder.mkdir(parents=True, exist_ok=True)
                init = folder / "__init__.py"
                if not init.exists():
                    init.write_text("")
        class_name, verbose = APP_CONFIG[app]
        ready = ""
        if app == "matters":
            ready = (
                "\n    def ready(self) -> None:\n"
                "        from communitygate.matters.builtins import builtins_ensure\n"
                "        from communitygate.matters.receivers import"
                " recount_answer_by_on_year_entered\n"
                "        from communitygate.workcalendar.signals import calendar_year_entered\n\n"
                "        post_migrate.connect(builtins_ensure, sender=self)\n"
                "        calendar_year_entered.connect(\n"
                "            recount_answer_by_on_year_entered,"
                ' dispatch_uid="matters.recount_answer_by"\n'
                "        )\n"
            )
        (base / "apps.py").write_text(
            "from django.apps import AppConfig\n"
            + ("from django.db.models.signals import post_migrate\n" if ready else "")
            + "from django.utils.translation import gettext_lazy as _\n\n\n"
            f"class {class_name}Config(AppConfig):\n"
            f'    name = "communitygate.{app}"\n'
            f'    label = "{app}"\n'
            f'    verbose_name = _("{verbose}")\n' + ready
        )
        views = url_modules.get(app, [])
        if views:
            (base / "urls.py").write_text(
                f'"""Staff pages of the residents\' platform ({app}), under /residents/."""\n\n'
                f"from communitygate.{app}.views import {', '.join(sorted(views))}\n\n"
                f'app_name = "{app}"\n'
                "urlpatterns = [\n"
                + "".join(f"    *{view}.urlpatterns,\n" for view in views)
                + "]\n"
            )
        if public.get(app):
            (base / "public_urls.py").write_text(
                f'"""Public pages of the residents\' platform ({app}), under /public/: no'
                ' sign-in."""\n\n'
                f"from communitygate.{app}.views import {', '.join(sorted(set(public[app])))}\n\n"
                f'app_name = "{app}_public"\n'
                f"urlpatterns = [{', '.join(public_patterns(app))}]\n"
            )


def public_patterns(app: str) -> list[str]:
    return {
        "matters": ["*public.urlpatterns"],
        "programmes": ["*programmes.public_urlpatterns"],
    }[app]


# 4. Rewriting -----------------------------------------------------------------------------------

FROM_IMPORT = re.compile(
    r"^(?P<indent>[ \t]*)from communitygate\.residents(?P<mod>(?:\.\w+)*) import "
    r"(?:\((?P<paren>[^)]*)\)|(?P<plain>[^\n(]+))",
    re.M,
)
DOTTED = re.compile(r"communitygate\.residents((?:\.\w+)*)")


class Rewriter:
    def __init__(
        self,
        modules: dict[str, str],
        split_names: dict[str, dict[str, str]],
        templates: dict[str, str],
        statics: dict[str, str],
        url_names: dict[tuple[str, str], str],
        models: dict[str, str],
        paths: dict[str, str],
    ) -> None:
        self.paths = paths
        self.modules = modules
        self.split_names = split_names
        self.templates = templates
        self.statics = statics
        self.url_names = url_names
        self.models = models

    def module_for(self, old: str, name: str | None) -> str | None:
        """The new home of `old` (relative to residents; "" is the package) or of
        `old.name`."""
        if name is not None:
            sub = f"{old}.{name}" if old else name
            if sub in self.modules:
                return None  # `from package import module`: handled by the caller
            if old in self.split_names:
                part = self.split_names[old].get(name)
                if part is None:
                    unplaced.append(f"name {old}.{name}")
                return part
        return self.modules.get(old)

    def from_import(self, match: re.Match[str]) -> str:
        old = match["mod"].lstrip(".")
        raw = match["paren"] if match["paren"] is not None else match["plain"]
        raw = re.sub(r"#[^\n]*", "", raw)
        names = [n.strip() for n in raw.replace("\n", " ").split(",") if n.strip()]
        groups: dict[str, list[str]] = defaultdict(list)
        for entry in names:
            name = entry.split(" as ")[0].strip()
            sub = f"{old}.{name}" if old else name
            if sub in self.modules:  # a module imported from its package
                package, _, module = self.modules[sub].rpartition(".")
                groups[package].append(
                    entry if module == name else f"{module} as {entry.split(' as ')[-1]}"
                )
                continue
            target = self.module_for(old, name)
            if target is None:
                unplaced.append(f"import {name} from communitygate.residents.{old}")
                target = f"residents.{old}"
            groups[target].append(entry)
        indent = match["indent"]
        return "\n".join(
            f"{indent}from communitygate.{target} import {', '.join(entries)}"
            for target, entries in groups.items()
        )

    def dotted(self, match: re.Match[str]) -> str:
        path = match[1].lstrip(".")
        if not path:
            return match[0]  # the package itself: settings, handled apart
        parts = path.split(".")
        for cut in range(len(parts), 0, -1):
            head, rest = ".".join(parts[:cut]), parts[cut:]
            if head in self.modules:
                return ".".join(["communitygate", self.modules[head], *rest])
            if head in self.split_names:
                if not rest:  # the module itself: its default part
                    return ".".join(["communitygate", SPLITS[head][0]])
                if rest[0] in self.split_names[head]:
                    return ".".join(["communitygate", self.split_names[head][rest[0]], *rest])
                unplaced.append(f"dotted path communitygate.residents.{path}")
                return match[0]
        unplaced.append(f"dotted path communitygate.residents.{path}")
        return match[0]

    def doc_text(self, text: str) -> str:
        """Documentation also names files by path (`residents/views/glance.py`) and modules
        without the package (`residents.tasks.run_resident_import`)."""
        text = re.sub(
            r"(?<![\w/])residents/((?:[\w-]+/)*[\w.-]+\.(?:py|js|html))",
            lambda m: self.paths.get(m[1], m[0]),
            text,
        )

        def short(match: re.Match[str]) -> str:
            rewritten = self.dotted(match)
            return rewritten.removeprefix("communitygate.") if rewritten != match[0] else match[0]

        return re.sub(r"(?<![\w.])residents((?:\.[a-z_]\w*)+)", short, text)

    def text(self, text: str) -> str:
        text = FROM_IMPORT.sub(self.from_import, text)
        text = DOTTED.sub(self.dotted, text)
        text = re.sub(
            r"(?<![\w/])residents/([\w.-]+\.html)",
            lambda m: f"{self.templates[m[1]]}/{m[1]}" if m[1] in self.templates else m[0],
            text,
        )
        text = re.sub(
            r"(?<![\w/])residents/([\w.-]+\.js)",
            lambda m: f"{self.statics[m[1]]}/{m[1]}" if m[1] in self.statics else m[0],
            text,
        )
        text = re.sub(r"\b(residents(?:_public)?):(\w+)", self.url_name, text)
        text = re.sub(
            r"/admin/residents/(\w+)/",
            lambda m: f"/admin/{self.models[m[1]]}/{m[1]}/" if m[1] in self.models else m[0],
            text,
        )
        text = re.sub(
            r"\bresidents([._])(\w+)\b",
            lambda m: (
                f"{self.models[m[2].lower()]}{m[1]}{m[2]}"
                if m[2].lower() in self.models and (m[1] == "." or m[2].islower())
                else m[0]
            ),
            text,
        )
        return text

    def url_name(self, match: re.Match[str]) -> str:
        namespace, name = match[1], match[2]
        app = self.url_names.get((namespace, name))
        if app is None:
            unplaced.append(f"URL name {namespace}:{name}")
            return match[0]
        return f"{app}_public:{name}" if namespace == "residents_public" else f"{app}:{name}"


def url_names_of(
    modules: dict[str, str],
) -> tuple[dict[tuple[str, str], str], dict[str, list[str]]]:
    """(namespace, name) → app, from the `urlpatterns` / `public_urlpatterns` of every views
    module; and each app's staff views modules in the order the residents' urls listed them."""
    names: dict[tuple[str, str], str] = {}
    order = re.findall(r"\*(\w+)\.urlpatterns", (OLD / "urls.py").read_text())
    staff_views: dict[str, list[str]] = defaultdict(list)
    for view in order:
        staff_views[modules[f"views.{view}"].split(".")[0]].append(view)
    for old, new in modules.items():
        if not old.startswith("views."):
            continue
        app = new.split(".")[0]
        text = (
            module_path(new).read_text()
            if module_path(new).exists()
            else (OLD.joinpath(*old.split(".")).with_suffix(".py").read_text())
        )
        blocks = re.split(r"^(\w*urlpatterns)\b[^=\n]*=", text, flags=re.M)
        for label, block in zip(blocks[1::2], blocks[2::2], strict=True):
            public = old == "views.public" or label.startswith("public")
            namespace = "residents_public" if public else "residents"
            for name in re.findall(r"name=\"(\w+)\"", block.split("\n]\n")[0]):
                if (namespace, name) in names and names[namespace, name] != app:
                    notes.append(f"URL name {namespace}:{name} declared in two apps")
                names[namespace, name] = app
    return names, staff_views


# 5. Edits of single files ------------------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    if old not in text:
        unplaced.append(f"{path.relative_to(ROOT)}: did not find {old.strip()[:60]!r}")
        return
    path.write_text(text.replace(old, new, 1))


def edit_project_files() -> None:
    settings = SRC / "settings.py"
    edit(
        settings,
        '    "communitygate.residents",\n',
        "".join(f'    "communitygate.{app}",\n' for app in APPS),
    )
    urls = SRC / "urls.py"
    edit(
        urls,
        '    path("residents/", include("communitygate.residents.urls")),\n'
        '    path("public/", include("communitygate.residents.public_urls")),\n'
        '    path("open311/v2/", include("communitygate.residents.open311")),\n',
        '    path("residents/", include("communitygate.matters.urls")),\n'
        '    path("residents/", include("communitygate.registry.urls")),\n'
        '    path("residents/", include("communitygate.disputes.urls")),\n'
        '    path("residents/", include("communitygate.programmes.urls")),\n'
        '    path("public/", include("communitygate.matters.public_urls")),\n'
        '    path("public/", include("communitygate.programmes.public_urls")),\n'
        '    path("open311/v2/", include("communitygate.matters.open311")),\n',
    )
    api = SRC / "api.py"
    edit(
        api,
        "from communitygate.residents.api import router as residents_router\n",
        "from communitygate.matters.api.matters import router as matters_router\n"
        "from communitygate.matters.api.public import router as matters_public_router\n"
        "from communitygate.programmes.api.programmes import router as programmes_router\n"
        "from communitygate.registry.api.registry import router as registry_router\n",
    )
    edit(
        api,
        'api.add_router("", residents_router)\n',
        'api.add_router("", registry_router)\n'
        'api.add_router("", matters_router)\n'
        'api.add_router("", programmes_router)\n'
        'api.add_router("", matters_public_router)\n',
    )
    pyproject = ROOT / "pyproject.toml"
    edit(
        pyproject,
        '    "communitygate.dispatch | communitygate.residents",\n',
        '    "communitygate.dispatch : communitygate.registry : communitygate.matters'
        ' : communitygate.disputes : communitygate.programmes",\n',
    )
    edit(pyproject, "dispatch, residents <- web", "dispatch, the residents' apps <- web")
    text = pyproject.read_text()
    if "residents' apps: disputes -> matters -> registry" not in text:
        pyproject.write_text(text.rstrip("\n") + "\n" + CONTRACTS)


CONTRACTS = """
[[tool.importlinter.contracts]]
name = "The residents' apps: disputes -> matters -> registry"
type = "layers"
layers = [
    "communitygate.disputes",
    "communitygate.matters",
    "communitygate.registry",
]
ignore_imports = [
    "communitygate.*.tests.** -> communitygate.**",
]

[[tool.importlinter.contracts]]
name = "The residents' apps: programmes stand apart (they may read the registry only)"
type = "forbidden"
source_modules = ["communitygate.programmes"]
forbidden_modules = ["communitygate.matters", "communitygate.disputes"]
ignore_imports = [
    "communitygate.*.tests.** -> communitygate.**",
]

[[tool.importlinter.contracts]]
name = "The residents' apps: nothing below reads the programmes"
type = "forbidden"
source_modules = ["communitygate.registry", "communitygate.matters", "communitygate.disputes"]
forbidden_modules = ["communitygate.programmes"]
ignore_imports = [
    "communitygate.*.tests.** -> communitygate.**",
]

[[tool.importlinter.contracts]]
name = "Dispatch and the residents' apps do not read each other"
type = "forbidden"
source_modules = ["communitygate.dispatch"]
forbidden_modules = [
    "communitygate.registry",
    "communitygate.matters",
    "communitygate.disputes",
    "communitygate.programmes",
]
ignore_imports = [
    "communitygate.*.tests.** -> communitygate.**",
]

[[tool.importlinter.contracts]]
name = "The residents' apps do not read dispatch"
type = "forbidden"
source_modules = [
    "communitygate.registry",
    "communitygate.matters",
    "communitygate.disputes",
    "communitygate.programmes",
]
forbidden_modules = ["communitygate.dispatch"]
ignore_imports = [
    "communitygate.*.tests.** -> communitygate.**",
]
"""


# Main -------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true")
    options = parser.parse_args()
    if not OLD.is_dir():
        print("src/communitygate/residents is gone already: nothing to do.")
        return 1
    moves, modules = plan()
    if options.dry_run:
        for source, target in moves.items():
            print(f"{source.relative_to(SRC)} → {target.relative_to(SRC)}")
        for module, (default, table) in SPLITS.items():
            print(f"{module}.py split: {', '.join(sorted(table))} (default {default})")
        print("\nNot placed:", *unplaced, sep="\n  ")
        return 0

    # Split first (it reads the old files), then move.
    split_names = {module: split_module(module) for module in SPLITS}
    for module in SPLITS:
        run("git", "rm", "-q", str(OLD.joinpath(*module.split(".")).with_suffix(".py")))
    for source, target in moves.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        run("git", "mv", str(source), str(target))
    url_names, staff_views = url_names_of(modules)
    public_views: dict[str, list[str]] = {"matters": ["public"], "programmes": ["programmes"]}
    write_app_files(staff_views, public_views)

    models = {
        name.lower(): part.split(".")[0]
        for name, part in split_names["models"].items()
        if name[:1].isupper() and name not in {"USER", "ADDRESS_KIND"}
    }
    templates = {
        target.name: target.parent.name
        for source, target in moves.items()
        if "templates" in source.relative_to(OLD).parts
    }
    statics = {
        target.name: target.parent.name
        for source, target in moves.items()
        if "static" in source.relative_to(OLD).parts
    }
    paths = {
        str(source.relative_to(OLD)): str(target.relative_to(SRC))
        for source, target in moves.items()
    } | {
        f"{module.replace('.', '/')}.py": f"{default.replace('.', '/')}.py"
        for module, (default, _table) in SPLITS.items()
    }
    rewriter = Rewriter(modules, split_names, templates, statics, url_names, models, paths)

    edit_project_files()
    files = [
        p
        for folder in (ROOT / "src", ROOT / "tests", ROOT / "docs", ROOT / "bench")
        if folder.exists()
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix in {".py", ".html", ".js", ".md", ".txt", ".toml"}
        and "__pycache__" not in p.parts
        and "migrations" not in p.parts
        and p != Path(__file__).resolve()
    ] + [ROOT / "README.md", ROOT / "pyproject.toml"]
    for path in files:
        if not path.exists():
            continue
        before = path.read_text()
        after = rewriter.text(before)
        if path.suffix == ".md":
            after = rewriter.doc_text(after)
        if after != before:
            path.write_text(after)

    # What is left of the old package: its migrations and the files written anew go; a file
    # no rule placed (another branch's new module, say) stays where it is and is listed.
    leftovers: list[str] = []
    for path in sorted(OLD.rglob("*")) if OLD.exists() else []:
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(OLD)
        known = (
            relative.parts[0] == "migrations"
            or path.name == "__init__.py"
            or (path.suffix == ".py" and rel_module(path) in REPLACED)
        )
        if known:
            run("git", "rm", "-q", "-f", "--ignore-unmatch", str(path))
            path.unlink(missing_ok=True)
        else:
            leftovers.append(str(path.relative_to(ROOT)))
    if not leftovers and OLD.exists():
        import shutil

        shutil.rmtree(OLD)
    unplaced.extend(f"left in place: {p}" for p in leftovers)

    venv = ROOT / ".venv" / "bin"
    run(
        str(venv / "ruff"),
        "check",
        "--fix",
        "--select",
        "F401,I",
        "-q",
        "src",
        "tests",
        "bench",
        check=False,
    )
    run(str(venv / "ruff"), "format", "-q", "src", "tests", "bench", check=False)
    # One app at a time, lowest first: each gets one 0001_initial that depends on the ones below.
    for app in APPS:
        made = run(str(venv / "communitygate"), "makemigrations", app, check=False)
        print(made.stdout[-1500:], made.stderr[-1500:], sep="\n")
    run(str(venv / "ruff"), "format", "-q", "src", check=False)
    run("git", "add", "-A", "src", "tests", "docs", "bench", "README.md", "pyproject.toml")

    remaining = run(
        "git",
        "grep",
        "-n",
        "-E",
        r"communitygate\.residents|residents(_public)?:\w+[\"']|/admin/residents/|residents\.(models|views)",
        "--",
        "src",
        "tests",
        "docs",
        check=False,
    )
    print("\nNotes:", *notes, sep="\n  ")
    print("\nCould not place or rewrite:", *sorted(set(unplaced)), sep="\n  ")
    print("\nStill naming the residents app (check by hand):\n" + remaining.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
