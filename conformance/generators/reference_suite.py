"""What the reference generators (pickle_cpython.py, protobuf_python.py)
share: the suite header, a case builder that checks the schema's rules, and
deterministic output. They run under the reference venv's python
(conformance/testees/python/setup)."""

import json
import os
import re
import sys

GENERATORS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(GENERATORS))
TESTEE = os.path.join(REPO, "conformance", "testees", "python")
sys.path[:0] = [GENERATORS, TESTEE]

_ID = re.compile(r"^[A-Za-z0-9._/+_-]+$")


class Suite:
    def __init__(self, name, description, source, generator, packages):
        from importlib.metadata import version

        self.name = name
        self.header = {
            "suite": name,
            "description": description,
            "source": source,
            "generator": f"conformance/generators/{generator}",
            "generated_with": {"python": sys.version.split()[0], **{p: version(p) for p in packages}},
        }
        self.cases = []
        self._ids = set()

    def add(self, id, **fields):
        case_id = f"{self.name}/{id}"
        if not _ID.match(case_id) or case_id in self._ids:
            raise ValueError(f"case id {case_id!r} is malformed or repeated")
        self._ids.add(case_id)
        case = {"id": case_id, **fields}
        for k in ("input",):
            if k in case:
                case[k] = bytes(case[k]).hex()
        if "encodings" in case:
            case["encodings"] = [bytes(e).hex() for e in case["encodings"]]
        if "canonical" in case:
            case["canonical"] = bytes(case["canonical"]).hex()
        self.cases.append(case)
        return case

    def write(self):
        path = os.path.join(REPO, "conformance", "suites", f"{self.name}.json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            json.dump({**self.header, "cases": self.cases}, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"{os.path.relpath(path, REPO)}: {len(self.cases)} cases", file=sys.stderr)
