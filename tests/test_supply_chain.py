"""Issue 14 item 10: safe lower bounds for the web stack, one lock file that `make run` and `make test` install."""
from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
#: First releases without the known advisories (multipart/form DoS, file write, request smuggling, sandbox escape).
SAFE = {"starlette": "1.3.1", "python-multipart": "0.0.27", "fastapi": "0.135.3", "h11": "0.16.0",
        "jinja2": "3.1.6"}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _requirements(extras: tuple[str, ...] = ("st", "test", "scale")) -> list[Requirement]:
    project = _project()
    reqs = list(project["dependencies"])
    for extra in extras:
        reqs += project["optional-dependencies"][extra]
    return [Requirement(r) for r in reqs]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, ver = line.partition("==")
            assert sep and ver, f"requirements.lock: {line!r} is not pinned with =="
            pins[_norm(name)] = ver
    return pins


@pytest.mark.parametrize("name", sorted(SAFE))
def test_pyproject_lower_bounds_exclude_vulnerable_releases(name: str) -> None:
    reqs = {_norm(r.name): r for r in _requirements(())}
    assert name in reqs, f"{name} needs a direct lower bound in pyproject.toml"
    floors = [Version(s.version) for s in reqs[name].specifier if s.operator in (">=", "==", "~=")]
    assert floors and min(floors) >= Version(SAFE[name]), f"{reqs[name]} admits releases before {SAFE[name]}"


def test_lock_pins_every_dependency_within_pyproject() -> None:
    pins = _lock()
    for req in _requirements():
        name = _norm(req.name)
        if name == "torch":                 # installed on its own (CPU wheel), pinned exactly in pyproject
            continue
        assert name in pins, f"{name} is not in requirements.lock (run `make lock`)"
        assert req.specifier.contains(pins[name], prereleases=True), f"lock has {name}=={pins[name]}, not {req}"
    for name, floor in SAFE.items():
        assert Version(pins[name]) >= Version(floor)


def test_make_run_and_make_test_install_the_lock() -> None:
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    stamp = make[make.index("$(STAMP):"):].split("\n\n", 1)[0]
    assert "-r $(LOCK)" in stamp and "--no-deps -e ." in stamp
    assert re.search(r"^LOCK\s*:=\s*requirements\.lock", make, re.M)
    assert re.search(r"^run: install", make, re.M) and re.search(r"^test: install", make, re.M)


@pytest.mark.parametrize("name", ["fastapi", "starlette", "python-multipart", "gradio", "uvicorn", "h11"])
def test_the_tested_environment_runs_the_pinned_versions(name: str) -> None:
    assert version(name) == _lock()[name]
