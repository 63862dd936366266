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
    test_stamp = make[make.index("$(TSTAMP):"):].split("\n\n", 1)[0]
    # `make run`: the runtime dependencies only, each at its locked version; `make test`: the extras on top, same pins
    assert "-c $(LOCK) -e ." in stamp and "[st" not in stamp and "$(LOCK)" in stamp.splitlines()[0]
    assert "-c $(LOCK) -e '.[st,test,scale]'" in test_stamp and "$(LOCK)" in test_stamp.splitlines()[0]
    assert re.search(r"^LOCK\s*:=\s*requirements\.lock", make, re.M)
    assert re.search(r"^run: install\b", make, re.M) and re.search(r"^test: install-test\b", make, re.M)


def test_lock_pins_every_runtime_dependency_of_the_installed_project() -> None:
    """`pip install -c requirements.lock -e .` leaves nothing unpinned: every requirement of every locked
    package (runtime ones included) is itself in the lock."""
    from importlib.metadata import PackageNotFoundError, requires

    pins = _lock()
    missing = []
    for name in pins:
        try:
            reqs = requires(name) or []
        except PackageNotFoundError:
            continue
        for raw in reqs:
            req = Requirement(raw)
            if req.marker and not req.marker.evaluate({"extra": ""}):
                continue
            if _norm(req.name) not in pins and _norm(req.name) != "torch":
                missing.append(f"{name} → {req.name}")
    assert not missing, f"not in requirements.lock: {missing}"


@pytest.mark.parametrize("name", ["fastapi", "starlette", "python-multipart", "gradio", "uvicorn", "h11"])
def test_the_tested_environment_runs_the_pinned_versions(name: str) -> None:
    assert version(name) == _lock()[name]
