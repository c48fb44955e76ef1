"""Compare the pins in pyproject.toml with what pip reports installed.

Usage: pip list --format=freeze | python scripts/audit_dependencies.py pyproject.toml
Prints one line per pinned dependency and exits 1 when any is missing or differs.
"""

import re
import sys
import tomllib


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(pyproject):
    project = tomllib.load(pyproject)["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements.extend(extra)
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        yield canonical(re.sub(r"\[.*\]", "", name).strip()), name.strip(), version.strip()


def main(pyproject_path):
    installed = {}
    for line in sys.stdin:
        name, _, version = line.strip().partition("==")
        if version:
            installed[canonical(name)] = version
    with open(pyproject_path, "rb") as pyproject:
        pinned = list(pins(pyproject))
    problems = 0
    for key, name, version in pinned:
        found = installed.get(key)
        state = "ok" if found == version else "MISMATCH"
        problems += found != version
        print(f"{name:<24} pinned {version:<12} installed {found or 'missing':<12} {state}")
    print(f"{len(pinned)} pinned dependencies, {problems} not matching")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
