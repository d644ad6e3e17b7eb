"""onrecord: who said what, about whom, where and when — attributed quotes from news.

The public Python API is re-exported here; see the README for the command line.
"""

from onrecord.models import ArticleRecord, Entity, Notice, Quote, RawDocument

__all__ = ["ArticleRecord", "Entity", "Notice", "Quote", "RawDocument", "__version__"]
__version__ = "0.1.0"
