"""Finding near-duplicate and syndicated copies of one story (the same wire text on many sites).

Owns ``SyndicationIndex``: MinHash signatures of word 5-gram shingles in a MinHash LSH
index (datasketch), and the assignment of each article to a cluster — the cluster of
the most similar earlier article whose text is at least ``threshold`` similar
(estimated Jaccard), or a new one. Identical texts join without hashing. Signatures
serialise to bytes (``signature_bytes``) so that a store can keep them and seed a later
run's index (``add_known``). Does not decide what to do with a copy: the caller re-uses
the first copy's quotes (``nlp.copies``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

DEFAULT_THRESHOLD = 0.8
"""Estimated Jaccard similarity of shingle sets from which two texts are one story."""
NUM_PERM = 128
SHINGLE_WORDS = 5
SCHEME = "affine32"
"""datasketch's hashing scheme; stored signatures are only comparable within one."""
MAX_SHINGLED_CHARS = int(os.environ.get("ONRECORD_MAX_SHINGLED_CHARS", "1000000"))
"""Only the first this many characters of a text are shingled: a longer one would cost
seconds and hundreds of MB to hash, and its first million characters tell a copy well
enough (a setting; signatures of shorter texts do not depend on it)."""
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Cluster:
    """Where one article landed.

    Attributes:
        id: The cluster's identifier (the key of its first article).
        representative: The key of the most similar earlier article when this one is a
            copy; None when this article starts the cluster.
        similarity: Estimated Jaccard similarity to the representative (1.0 for an
            identical text, 0.0 for a new cluster).
    """

    id: str
    representative: str | None
    similarity: float


class SyndicationIndex:
    """Assigns articles to clusters of near-duplicates, in the order they arrive.

    Args:
        threshold: Estimated Jaccard similarity from which a text is a copy.
        num_perm: MinHash permutations (more: finer estimates, slower).
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh: Any = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._signatures: dict[str, Any] = {}
        self._clusters: dict[str, str] = {}
        self._by_exact: dict[str, str] = {}

    def __len__(self) -> int:
        """The number of distinct texts assigned or seeded."""
        return len(self._by_exact)

    def add_known(self, key: str, cluster: str, signature: bytes | None) -> None:
        """Seed the index with an article assigned earlier (by a previous run, say).

        Args:
            key: The article's key (its content hash); identical texts join it.
            cluster: The cluster it belongs to.
            signature: Its ``signature_bytes``, or None for a text too short to hash.
        """
        if key in self._clusters:
            return
        self._clusters[key] = cluster
        self._by_exact[key] = key
        if signature is not None:
            values = signature_from_bytes(signature, self.num_perm)
            if values is not None:
                self._lsh.insert(key, values)
                self._signatures[key] = values

    def assign(self, key: str, text: str, exact_key: str | None = None) -> Cluster:
        """Put one article into a cluster.

        Args:
            key: The article's unique key (its content hash, say).
            text: Its text.
            exact_key: A key equal for identical texts (defaults to ``key``).

        Returns:
            The cluster it joined or started.
        """
        exact = exact_key or key
        if exact in self._by_exact:
            first = self._by_exact[exact]
            return Cluster(self._clusters[first], first, 1.0)
        signature = minhash(text, self.num_perm)
        if signature is not None:
            best: tuple[float, str] | None = None
            for candidate in self._lsh.query(signature):
                similarity = float(signature.jaccard(self._signatures[candidate]))
                if similarity >= self.threshold and (best is None or similarity > best[0]):
                    best = (similarity, candidate)
            if best is not None:
                self._by_exact[exact] = best[1]
                return Cluster(self._clusters[best[1]], best[1], best[0])
            self._lsh.insert(key, signature)
            self._signatures[key] = signature
        self._by_exact[exact] = key
        self._clusters[key] = key
        return Cluster(key, None, 0.0)


def minhash(text: str, num_perm: int = NUM_PERM) -> Any:
    """The MinHash signature of a text's lower-cased word 5-gram shingles.

    Args:
        text: The text; only its first ``MAX_SHINGLED_CHARS`` characters are read.
        num_perm: Number of permutations.

    Returns:
        A ``datasketch.MinHash``, or None for a text shorter than one shingle.
    """
    from datasketch import MinHash

    words = [w.lower() for w in _WORD.findall(text, 0, MAX_SHINGLED_CHARS)]
    if len(words) < SHINGLE_WORDS:
        return None
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    signature = MinHash(num_perm=num_perm, seed=1, scheme=SCHEME)
    signature.update_batch(list(shingles))
    return signature


def signature_bytes(text: str, num_perm: int = NUM_PERM) -> bytes | None:
    """A text's MinHash signature as bytes (little-endian uint32), for storing.

    Args:
        text: The text.
        num_perm: Number of permutations.

    Returns:
        ``4 * num_perm`` bytes, or None for a text shorter than one shingle.
    """
    import numpy as np

    signature = minhash(text, num_perm)
    if signature is None:
        return None
    return bytes(np.asarray(signature.hashvalues, dtype="<u4").tobytes())


def signature_from_bytes(data: bytes, num_perm: int = NUM_PERM) -> Any:
    """Rebuild a MinHash from ``signature_bytes``; None if the bytes do not fit ``num_perm``."""
    import numpy as np
    from datasketch import MinHash

    if len(data) != 4 * num_perm:
        return None
    values = np.frombuffer(data, dtype="<u4").astype(np.uint32)
    return MinHash(num_perm=num_perm, seed=1, hashvalues=values, scheme=SCHEME)
