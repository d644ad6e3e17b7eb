"""Derive onrecord's first-name gender list from the nomquamgender package (MIT).

Usage: pip install nomquamgender==0.1.4 && python scripts/build_first_names.py

Writes src/onrecord/nlp/data/first_names.tsv: first names seen at least MIN_COUNT times
whose probability of being borne by a woman is at most 0.15 (m) or at least 0.85 (f). The
package's data is read as a file, without importing its module (which needs pandas).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

MIN_COUNT = 300
OUT = Path(__file__).resolve().parents[1] / "src" / "onrecord" / "nlp" / "data" / "first_names.tsv"


def main() -> None:
    spec = importlib.util.find_spec("nomquamgender")
    assert spec and spec.submodule_search_locations, "pip install nomquamgender==0.1.4"
    data_file = Path(next(iter(spec.submodule_search_locations))) / "name_data.json"
    data = json.loads(data_file.read_text(encoding="utf-8"))
    rows = []
    for name, (_sources, count, p_female, *_rest) in data.items():
        if count < MIN_COUNT or not name.isalpha() or not name.isascii():
            continue
        if p_female <= 0.15:
            rows.append((name, "m"))
        elif p_female >= 0.85:
            rows.append((name, "f"))
    header = (
        "# first name<TAB>gender (m/f), derived from nomquamgender 0.1.4 (MIT, (c) 2022 Ian Van Buskirk)\n"
        f"# by scripts/build_first_names.py: names seen >= {MIN_COUNT} times, p(female) <= 0.15 or >= 0.85\n"
    )
    OUT.write_text(header + "".join(f"{n}\t{g}\n" for n, g in sorted(rows)), encoding="utf-8")
    print(f"{len(rows)} names -> {OUT}")


if __name__ == "__main__":
    main()
