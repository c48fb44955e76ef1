"""pip-audit over the app's installed packages, saying plainly what it could not check.

Usage: python -m scans.pip_audit --tool PATH/TO/pip-audit --venv .venv
pip-audit reads each release's vulnerabilities from PyPI's JSON API. A package it
cannot look up is skipped, and pip-audit still says "No known vulnerabilities found";
here a skip is counted and fails the audit, so an unreachable service is never a pass.
Exit 0: every package checked, none vulnerable; 1: vulnerabilities; 2: not all checked.
"""

import argparse
import json
import subprocess  # noqa: S404 - pip-audit is a program we run
import sys
import sysconfig
from pathlib import Path

SERVICE = "PyPI's JSON API (pip-audit's default vulnerability service)"


def site_packages(venv):
    python = Path(venv) / "bin" / "python"
    return subprocess.run(  # noqa: S603 - the app's own interpreter
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", required=True, help="the pip-audit program")
    parser.add_argument("--venv", default=".venv", help="the environment whose packages are audited")
    args = parser.parse_args(argv)
    path = site_packages(args.venv) if Path(args.venv).exists() else sysconfig.get_paths()["purelib"]
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [
                args.tool,
                "--path",
                path,
                "--skip-editable",
                "--format",
                "json",
                "--progress-spinner",
                "off",
                "--timeout",
                "20",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except subprocess.TimeoutExpired:
        print(f"pip-audit: NOT DONE. {SERVICE} did not answer within 10 minutes.")
        return 2
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit: NOT DONE (exit {done.returncode}); it said:\n{done.stderr.strip()[-2000:]}")
        return 2
    dependencies = report.get("dependencies", [])
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    skipped = [dep for dep in dependencies if "skip_reason" in dep and "editable" not in dep["skip_reason"]]
    checked = sum("skip_reason" not in dep for dep in dependencies)
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed release"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    print(
        f"pip-audit over {path}: {len(dependencies)} packages, {checked} checked, "
        f"{len(vulnerable)} vulnerable, {len(skipped)} could not be checked"
    )
    if skipped:
        print(
            f"NOT CHECKED: {SERVICE} had no data for {len(skipped)} packages; pip-audit said, e.g. "
            f"{skipped[0]['skip_reason']!r}. A network that cannot reach that service (or answers "
            "404 for each release) looks like this."
        )
        print("The audit is incomplete: run it where that service is reachable before relying on it.")
    if vulnerable:
        return 1
    return 2 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
