"""onrecord: who said what, about whom, where and when — attributed quotes from news.

The public Python API is re-exported here; see the README for the command line.
``Record`` (the stored record, ``onrecord.Record("news.db").quotes(speaker=...)``) is
imported on first use, so that ``import onrecord`` stays light.
"""

import os
from typing import TYPE_CHECKING, Any

from onrecord.models import ArticleRecord, Entity, Notice, Quote, RawDocument

# One thread of linear algebra per process. The extractor scales by processes (one per
# core, ``onrecord batch``); numpy's OpenBLAS threads only spin-wait between its small
# products (py3langid's, thinc's), burning the core another worker needs: measured here,
# a second core kept busy for nothing while one article is extracted. Set before numpy
# is imported; a value the user set wins.
for _setting in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_setting, "1")

if TYPE_CHECKING:
    from onrecord.query.record import Record

__all__ = ["ArticleRecord", "Entity", "Notice", "Quote", "RawDocument", "Record", "__version__"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "Record":
        from onrecord.query.record import Record

        return Record
    raise AttributeError(f"module 'onrecord' has no attribute {name!r}")
