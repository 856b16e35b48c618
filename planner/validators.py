"""Checks on free text that people type and that other people, or an operator, read back."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Unicode categories with nothing to see: controls (ESC, BEL, CR, LF…), format characters
# (zero-width space, bidi overrides), unassigned and private-use code points.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs"})


def _is_invisible(char: str) -> bool:
    return unicodedata.category(char) in _INVISIBLE_CATEGORIES


def validate_plain_text(value: str) -> None:
    """A one-line name: no control characters, and something a reader can see."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(
            _(
                "Use letters, digits and punctuation only: this contains a control character "
                "such as a line break or a tab."
            ),
            code="control_character",
        )
    if not any(not char.isspace() and not _is_invisible(char) for char in value):
        raise ValidationError(
            _("Enter a name with at least one visible character."), code="blank_looking"
        )


# A block of text keeps its line breaks and tabs; nothing else invisible that moves a cursor.
_BLOCK_WHITESPACE = frozenset("\n\r\t")


def validate_text_block(value: str) -> None:
    """Several lines, such as notes: line breaks and tabs, but no other control character."""
    if any(unicodedata.category(char) == "Cc" and char not in _BLOCK_WHITESPACE for char in value):
        raise ValidationError(
            _(
                "Use letters, digits, punctuation and line breaks only: this contains a control "
                "character."
            ),
            code="control_character",
        )
    if value and not any(not char.isspace() and not _is_invisible(char) for char in value):
        raise ValidationError(
            _("Enter text with at least one visible character, or leave it empty."),
            code="blank_looking",
        )


def for_terminal(value: object) -> str:
    """``value`` as text that cannot drive a terminal: invisible characters as escapes."""
    return "".join(
        char.encode("unicode_escape").decode("ascii") if _is_invisible(char) else char
        for char in str(value)
    )
