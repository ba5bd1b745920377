"""Fail when the installed packages do not satisfy rocketmart's requirements (with extras).

`make setup` installs requirements/*.lock with --no-deps for the project itself, so a
dependency added to pyproject.toml without `make lock` would only show up as an import
error somewhere in the tests. Usage: python requirements/check.py [EXTRA ...]
"""

import sys
from importlib.metadata import PackageNotFoundError, requires, version

from packaging.requirements import Requirement

problems = []
for line in requires("rocketmart") or []:
    req = Requirement(line)
    if req.marker and not any(req.marker.evaluate({"extra": e}) for e in ["", *sys.argv[1:]]):
        continue
    try:
        installed = version(req.name)
    except PackageNotFoundError:
        problems.append(f"{req.name} is not installed")
        continue
    if not req.specifier.contains(installed, prereleases=True):
        problems.append(f"{req.name} {installed} is outside {req.specifier}")
if problems:
    detail = "; ".join(problems)
    sys.exit(f"Error: the lock does not match pyproject.toml ({detail}): run `make lock`")
