"""Errors that carry a message fit to show a user (CLI one-liner, HTTP 4xx detail)."""
from __future__ import annotations


class GazetteError(Exception):
    """A problem with the user's input or data, explained in one line. Never shown with a traceback."""


class InputFileError(GazetteError):
    """A source file is missing, empty, not UTF-8, or holds no recognisable document."""


class IndexError_(GazetteError):
    """An index folder is missing, partial, or built with another embedder."""


class QueryError(GazetteError):
    """A query is empty, punctuation only, or too long."""
