"""onrecord: who said what, about whom, where and when — attributed quotes from news.

The public Python API is re-exported here; see the README for the command line.
``Record`` (the stored record, ``onrecord.Record("news.db").quotes(speaker=...)``) is
imported on first use, so that ``import onrecord`` stays light.
"""

from typing import TYPE_CHECKING, Any

from onrecord.models import ArticleRecord, Entity, Notice, Quote, RawDocument

if TYPE_CHECKING:
    from onrecord.query.record import Record

__all__ = ["ArticleRecord", "Entity", "Notice", "Quote", "RawDocument", "Record", "__version__"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "Record":
        from onrecord.query.record import Record

        return Record
    raise AttributeError(f"module 'onrecord' has no attribute {name!r}")
