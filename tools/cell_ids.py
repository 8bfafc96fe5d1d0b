"""Give every cell of the notebooks an ``id`` (nbformat 4.5 requires one).

    python tools/cell_ids.py [NOTEBOOK ...]   # default: every notebook under book/

A notebook written by a script often lacks them; nbformat warns now and will refuse
later. Existing ids are kept; new ones are random 8-digit hex strings, unique in the
notebook. Prints the notebooks it changed.
"""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def add_ids(path: Path) -> bool:
    """Add the missing cell ids of ``path``; return True if the file changed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    used = {cell["id"] for cell in nb["cells"] if "id" in cell}
    changed = False
    for cell in nb["cells"]:
        if "id" not in cell:
            new = secrets.token_hex(4)
            while new in used:
                new = secrets.token_hex(4)
            cell["id"], changed = new, True
            used.add(new)
    if changed:
        nb["nbformat"], nb["nbformat_minor"] = 4, max(nb.get("nbformat_minor", 0), 5)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return changed


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(
        p for p in (ROOT / "book").rglob("*.ipynb") if "_build" not in p.parts
    )
    for path in paths:
        if add_ids(path):
            print(f"added cell ids: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
