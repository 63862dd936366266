"""The corpus manifest: which source files make up the corpus, and what each document is.

`data/corpus/manifest.json` (paths relative to the manifest's folder):

    {"name": "...",
     "sources": [{"path": "chongqing-gazette-2024-06.txt", "type": "gazette_notice"},
                 {"path": "chongqing-regulations/*.txt", "type": "local_regulation"},
                 {"path": "more/*.txt"}],
     "documents": {"重庆市失业保险条例": {"type": "local_regulation", "issuer": "…", "adopted": "2003-09-26",
                                        "amended": ["2010-07-23", "2011-11-25"]}, …}}

A source's `type` / `issuer` apply to every document parsed from it; a `documents` entry (keyed by the
document key: its number, else its title) sets type, issuer, adoption/amendment dates and English title of one
document. Both override what the parser read from the text. Adding a corpus is adding a `sources` entry;
`python -m index.corpus --refresh [MANIFEST]` rewrites the `documents` section from the current parse.
A document found in two sources (the same key) is kept once, from the first.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.clause import Clause, Document
from index.doc_meta import DOC_TYPES
from index.errors import InputFileError
from index.parser import parse_file

DEFAULT_MANIFEST = Path(__file__).resolve().parents[1] / "data" / "corpus" / "manifest.json"
_DOC_FIELDS = ("type", "issuer", "adopted", "amended", "title_en")


@dataclass
class Source:
    """One `sources` entry: a file or a glob, with defaults for its documents."""

    path: str
    type: str | None = None
    issuer: str | None = None


@dataclass
class CorpusManifest:
    """The parsed manifest file."""

    path: Path
    name: str
    sources: list[Source]
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.path.parent

    def files(self) -> list[Path]:
        """Every source file, in manifest order (globs sorted); raises when an entry matches nothing."""
        out: list[Path] = []
        for src in self.sources:
            if any(ch in src.path for ch in "*?["):
                matches = sorted(p for p in self.root.glob(src.path) if p.is_file())
            else:
                matches = [self.root / src.path] if (self.root / src.path).is_file() else []
            if not matches:
                raise InputFileError(f"{self.path}: source {src.path!r} matches no file")
            out.extend(m for m in matches if m not in out)
        return out

    def source_of(self, file: Path) -> Source | None:
        for src in self.sources:
            if file in (sorted(self.root.glob(src.path)) if any(ch in src.path for ch in "*?[")
                        else [self.root / src.path]):
                return src
        return None


@dataclass
class Corpus:
    """Everything a build needs: the files, their documents (metadata applied) and clauses."""

    files: list[Path]
    documents: list[Document]
    skipped: list[str] = field(default_factory=list)   # "KEY (FILE): also in FILE"

    @property
    def clauses(self) -> list[Clause]:
        return [c for d in self.documents for c in d.clauses]


def read_manifest(path: Path | str = DEFAULT_MANIFEST) -> CorpusManifest:
    """Load and check a manifest file; a clear `InputFileError` for every problem."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputFileError(f"no corpus manifest at {path}") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"{path}: not a readable JSON corpus manifest ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list) or not data["sources"]:
        raise InputFileError(f"{path}: a corpus manifest needs a non-empty 'sources' list")
    sources = []
    for n, entry in enumerate(data["sources"], 1):
        if isinstance(entry, str):
            entry = {"path": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise InputFileError(f"{path}: source {n} needs a 'path'")
        if entry.get("type") not in (None, *DOC_TYPES):
            raise InputFileError(f"{path}: source {entry['path']!r} has type {entry['type']!r}; "
                                 f"use one of {', '.join(DOC_TYPES)}")
        sources.append(Source(entry["path"], entry.get("type"), entry.get("issuer")))
    documents = data.get("documents") or {}
    if not isinstance(documents, dict):
        raise InputFileError(f"{path}: 'documents' must map document keys to their metadata")
    for key, meta in documents.items():
        bad = [k for k in meta if k not in _DOC_FIELDS] if isinstance(meta, dict) else ["(not an object)"]
        if bad:
            raise InputFileError(f"{path}: document {key!r}: unknown field(s) {', '.join(bad)}")
        if meta.get("type") not in (None, *DOC_TYPES):
            raise InputFileError(f"{path}: document {key!r} has type {meta['type']!r}")
    return CorpusManifest(path, str(data.get("name") or path.parent.name), sources, documents)


def apply_metadata(doc: Document, source: Source | None, meta: dict[str, Any] | None) -> None:
    """Source defaults, then the document's own manifest entry; copied onto every clause."""
    if source is not None:
        doc.doc_type = source.type or doc.doc_type
        doc.issuer = doc.issuer or source.issuer
    for key, value in (meta or {}).items():
        if key == "type":
            doc.doc_type = value
        elif key == "amended":
            doc.amended = list(value)
        else:
            setattr(doc, key, value)
    doc.date = doc.date or doc.adopted
    for c in doc.clauses:
        c.doc_type, c.doc_issuer, c.doc_date = doc.doc_type, doc.issuer, doc.version_date
        c.doc_adopted, c.doc_amended = doc.adopted, list(doc.amended)
        c.doc_title_en = doc.title_en or c.doc_title_en


def load_corpus(manifest: CorpusManifest | Path | str = DEFAULT_MANIFEST, progress: bool = False) -> Corpus:
    """Parse every source file of the manifest and apply its metadata; duplicates are kept once."""
    if not isinstance(manifest, CorpusManifest):
        manifest = read_manifest(manifest)
    files = manifest.files()
    corpus = Corpus(files=files, documents=[])
    seen: dict[str, str] = {}
    iterator: Any = files
    if progress:
        from tqdm import tqdm

        iterator = tqdm(files, desc="parsing", unit="file", file=sys.stderr)
    for file in iterator:
        source = manifest.source_of(file)
        for doc in parse_file(file).documents:
            if doc.key in seen:
                corpus.skipped.append(f"{doc.key} ({file.name}): also in {seen[doc.key]}")
                continue
            seen[doc.key] = file.name
            apply_metadata(doc, source, manifest.documents.get(doc.key))
            corpus.documents.append(doc)
    return corpus


def refresh_documents(manifest_path: Path | str = DEFAULT_MANIFEST) -> int:
    """Rewrite the manifest's `documents` section from the parse (keeping hand-set values); returns the count."""
    manifest = read_manifest(manifest_path)
    corpus = load_corpus(manifest)
    entries: dict[str, dict[str, Any]] = {}
    for doc in corpus.documents:
        entry = {"type": doc.doc_type, "issuer": doc.issuer, "adopted": doc.adopted, "amended": doc.amended,
                 "title_en": doc.title_en}
        entries[doc.key] = {k: v for k, v in entry.items() if v not in (None, [])}
    data = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    data["documents"] = entries
    Path(manifest_path).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(entries)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(next((a for a in args if not a.startswith("--")), DEFAULT_MANIFEST))
    if "--refresh" in args:
        print(f"{path}: {refresh_documents(path)} document(s) written")
        return 0
    corpus = load_corpus(path)
    print(f"{path}: {len(corpus.files)} files, {len(corpus.documents)} documents, {len(corpus.clauses)} clauses")
    for s in corpus.skipped:
        print(f"  skipped duplicate {s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
