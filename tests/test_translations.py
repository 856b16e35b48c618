"""Every user-visible string is marked for translation, and the Polish catalogue is complete.

The templates are read with Django's own lexer: what is left of a page once its tags,
comments and translated blocks are taken out must have no words in it, either as text or
in an attribute a person reads (a tooltip, a label for screen readers, a placeholder, a
confirmation). The catalogue is compared with what `makemessages` would extract now, so a
new string without its Polish fails here rather than showing up in English.
"""

import ast
import os
import re
import shutil
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.template.base import DebugLexer, TokenType

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
PO = ROOT / "locale" / "pl" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# Words that are the same in every language, each with its reason.
ALLOWED_WORDS = {
    "CSV",  # a file format's name
    "XLSX",  # a file format's name
    "ISO",  # the standard currency codes come from (ISO 4217)
    "FY",  # "FY2027 Q1": quarter labels are stable keys, also in URLs and exports
}
# Attributes a person reads or hears.
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "hx-confirm")
HIDDEN = "\x00"  # stands for a template tag or variable: never a word
ATTRIBUTE = re.compile(rf"\b({'|'.join(READ_ATTRIBUTES)})\s*=\s*(\"[^\"]*\"|'[^']*')")


def _untranslated_skeleton(source: str) -> str:
    """The template with every tag and variable replaced by HIDDEN, and without comments,
    the text of translated blocks, scripts and styles: what is left is shown as written."""
    parts = []
    hidden_depth = 0
    for token in DebugLexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in {"blocktranslate", "blocktrans", "comment"}:
                hidden_depth += 1
            elif name in {"endblocktranslate", "endblocktrans", "endcomment"}:
                hidden_depth -= 1
            parts.append(HIDDEN)
        elif token.token_type == TokenType.VAR:
            parts.append(HIDDEN)
        elif token.token_type == TokenType.TEXT and not hidden_depth:
            parts.append(source[token.position[0] : token.position[1]])
    skeleton = "".join(parts)
    skeleton = re.sub(r"<!--.*?-->", "", skeleton, flags=re.S)
    return re.sub(r"<(script|style)\b.*?</\1>", "", skeleton, flags=re.S | re.I)


def _words(text: str) -> list[str]:
    text = re.sub(r"&#?\w+;", " ", text).replace(HIDDEN, " ")
    return [word for word in re.findall(r"[^\W\d_]+", text) if word not in ALLOWED_WORDS]


def untranslated_in_template(source: str) -> list[str]:
    """The words a reader would see in English whatever language they chose."""
    skeleton = _untranslated_skeleton(source)
    found = []
    for tag in re.findall(r"<[^>]*>", skeleton):
        for name, value in ATTRIBUTE.findall(tag):
            found += [f"{name}: {word}" for word in _words(value[1:-1])]
    for text in re.split(r"<[^>]*>", skeleton):
        found += _words(text)
    return found


def test_the_template_check_finds_text_and_attributes_left_in_english():
    assert untranslated_in_template("<p>Save the plan</p>") == ["Save", "the", "plan"]
    assert untranslated_in_template('<a title="Open it" href="{% url "x" %}">') == [
        "title: Open",
        "title: it",
    ]
    assert untranslated_in_template("<p>{% if a %}Yes{% endif %}</p>") == ["Yes"]
    assert (
        untranslated_in_template(
            '{% load i18n %}<p title="{% translate "Open" %}">{% translate "Save" %}'
            "{% blocktranslate %}Due {{ q }}{% endblocktranslate %} {{ name }} CSV</p>"
            "{# a note #}{% comment %}Words{% endcomment %}<!-- words -->"
        )
        == []
    )


@pytest.mark.parametrize(
    "template",
    sorted(
        str(p.relative_to(TEMPLATES))
        for pattern in ("*.html", "*.txt")  # pages, and the e-mails' subjects and bodies
        for p in TEMPLATES.rglob(pattern)
    ),
)
def test_every_template_marks_its_text_for_translation(template):
    assert untranslated_in_template((TEMPLATES / template).read_text()) == []


# --- The Polish catalogue ---------------------------------------------------------------


def _catalogue():
    with PO.open("rb") as po:
        return read_po(po, locale="pl")


def test_the_polish_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = _catalogue()
    untranslated = [
        message.id
        for message in catalogue
        if message.id and (not message.string or any(not s for s in _strings(message)))
    ]
    fuzzy = [message.id for message in catalogue if message.id and message.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_polish_plurals_have_the_three_forms():
    catalogue = _catalogue()
    assert catalogue.num_plurals == 3
    plurals = [m for m in catalogue if m.id and isinstance(m.id, tuple)]
    assert plurals, "Polish needs plural forms"
    assert [m.id for m in plurals if len(m.string) != 3] == []


def test_placeholders_survive_translation():
    mismatched = []
    for message in _catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[-1]))
        strings = _strings(message)
        # The form for exactly one may leave the count out ("Fix this problem"); the others
        # must keep every placeholder, and none may invent one.
        if any(set(re.findall(r"%\(\w+\)[sd]", s)) - wanted for s in strings) or any(
            set(re.findall(r"%\(\w+\)[sd]", s)) != wanted for s in strings[len(ids) > 1 :]
        ):
            mismatched.append(message.id)
    assert mismatched == []


def _messages(catalogue) -> dict:
    def hashable(value):
        # babel pads plural forms up to CLDR's count for Polish, msgfmt to the header's.
        if isinstance(value, list | tuple):
            return tuple(form for form in value if form)
        return value

    return {(hashable(m.id), m.context): hashable(m.string) for m in catalogue if m.id}


def test_the_compiled_catalogue_is_up_to_date_with_the_po_file():
    """Compile the .po and compare messages with the committed .mo (a fresh clone needs
    no gettext): run `manage.py compilemessages` after editing the .po."""
    with PO.open("rb") as po:
        compiled = BytesIO()
        write_mo(compiled, read_po(po, locale="pl"))
    compiled.seek(0)
    expected = _messages(read_mo(compiled))
    with MO.open("rb") as mo:
        committed = _messages(read_mo(mo))
    assert committed == expected


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs gettext")
def test_makemessages_finds_no_string_missing_from_the_catalogue(tmp_path):
    """Extract the strings as they are now into a copy, and compare the sets of msgids."""
    copy = tmp_path / "project"
    for name in ("planner", "templates", "enablement", "manage.py"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale=pl", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DEBUG": "true"},
    )
    with (copy / "locale" / "pl" / "LC_MESSAGES" / "django.po").open("rb") as po:
        extracted = {m.id for m in read_po(po) if m.id}
    committed = {m.id for m in _catalogue() if m.id}
    assert extracted - committed == set()


# --- Python: user-visible literals are wrapped in gettext --------------------------------

PLANNER = ROOT / "planner"
TRANSLATORS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
# Keyword arguments a person reads: a field's label and help, a model's names.
SHOWN_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
# Calls whose first argument is a message a person reads.
SHOWN_FIRST_ARGUMENT = {"ValidationError", "Reason", "Refusal", "_Refused", "BackupError"}
# Modules whose messages are read by an operator in a terminal, never in the interface.
OPERATOR_ONLY = {
    "backup.py": "the messages of `manage.py export_org` and `import_org`",
}
SHOWN_META = {"labels", "help_texts", "error_messages"}
# Module-level dictionaries whose values are names or words shown on pages.
SHOWN_DICT_SUFFIXES = (
    "_NAMES",
    "_WORDS",
    "_LABELS",
    "_REASONS",
    "_MEANINGS",
    "_FOCUSES",
    "_STATUSES",
    "_FILTERS",
    "_TITLES",
)


def _name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _has_words(node) -> bool:
    """A literal (or an f-string or a sum of them) with words in it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[^\W\d_]{2,}", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _has_words(node.left) or _has_words(node.right)
    return False


def _shown_values(tree):
    """Each expression a person reads, as the code gives it."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in SHOWN_KEYWORDS:
                    yield keyword.value
                if keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                    yield from keyword.value.values
            name = _name(node.func)
            if name in SHOWN_FIRST_ARGUMENT and node.args:
                yield node.args[0]
                if isinstance(node.args[0], ast.Dict):  # ValidationError({"field": "…"})
                    yield from node.args[0].values
            if (
                isinstance(node.func, ast.Attribute)
                and _name(node.func.value) == "messages"
                and len(node.args) >= 2
            ):
                yield node.args[1]
        elif isinstance(node, ast.ClassDef) and any(
            _name(base).endswith("Choices") for base in node.bases
        ):
            for item in node.body:
                if isinstance(item, ast.Assign) and isinstance(item.value, ast.Tuple):
                    yield item.value.elts[-1]
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            targets = [_name(t) for t in node.targets]
            # A form's Meta.labels and Meta.help_texts, and the named dictionaries above.
            if any(t.endswith(SHOWN_DICT_SUFFIXES) or t in SHOWN_META for t in targets):
                yield from node.value.values


def untranslated_in_python(source: str) -> list[str]:
    """Literals shown to people and not passed through gettext, with their line."""
    found = []
    for value in _shown_values(ast.parse(source)):
        if _has_words(value):
            found.append((value.lineno, f"{value.lineno}: {ast.unparse(value)[:80]}"))
    return [text for _line, text in sorted(found)]


def test_the_python_check_finds_literals_shown_unwrapped():
    source = """
from django.utils.translation import gettext_lazy as _
class Status(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", _("Done")
name = forms.CharField(label="Name", help_text=_("Your name"))
raise ValidationError(f"Too many: {n}")
messages.success(request, _("Saved."))
ROLE_NAMES = {"a": "Alpha", "b": _("Beta")}
raise ValidationError({"role": "Choose a role."})
class Meta:
    labels = {"notes": "Notes"}
"""
    assert untranslated_in_python(source) == [
        "4: 'Open'",
        "6: 'Name'",
        "7: f'Too many: {n}'",
        "9: 'Alpha'",
        "10: 'Choose a role.'",
        "12: 'Notes'",
    ]


@pytest.mark.parametrize(
    "module",
    sorted(
        str(p.relative_to(PLANNER))
        for p in PLANNER.rglob("*.py")
        if "migrations" not in p.parts and "management" not in p.parts
    ),
)
def test_every_python_string_shown_to_people_is_marked_for_translation(module):
    if module in OPERATOR_ONLY:
        pytest.skip(OPERATOR_ONLY[module])
    assert untranslated_in_python((PLANNER / module).read_text()) == []
