"""docs/security.md names the test behind each control; each named test must exist."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_test_the_threat_model_names_exists():
    references = REFERENCE.findall(DOC.read_text())
    assert len(references) > 40
    missing = [
        f"{module}::{name}"
        for module, name in references
        if not (ROOT / module).is_file() or (name and name not in _test_names(ROOT / module))
    ]
    assert missing == []


def test_every_control_names_its_test():
    """Each bullet under "Controls" cites at least one test module."""
    controls = DOC.read_text().split("## Controls", 1)[1].split("## Out of scope", 1)[0]
    bullets = re.split(r"\n- ", controls)[1:]
    assert bullets
    assert [bullet[:60] for bullet in bullets if "`tests/" not in bullet] == []
