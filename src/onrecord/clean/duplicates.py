"""Finding near-duplicate and syndicated copies of one story (the same wire text on many sites).

Owns ``SyndicationIndex``: MinHash signatures of word 5-gram shingles in a MinHash LSH
index (datasketch), and the assignment of each article to a cluster — the cluster of
the first earlier article whose text is at least ``threshold`` similar (estimated
Jaccard), or a new one. Identical texts join without hashing. Does not decide what to
do with a copy: the caller re-uses the first copy's quotes (``nlp.copies``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

DEFAULT_THRESHOLD = 0.8
"""Estimated Jaccard similarity of shingle sets from which two texts are one story."""
NUM_PERM = 128
SHINGLE_WORDS = 5
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Cluster:
    """Where one article landed.

    Attributes:
        id: The cluster's identifier (the key of its first article).
        representative: The key of the cluster's first article when this one is a copy
            of it; None when this article starts the cluster.
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
        self._by_exact: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._signatures) + len(self._by_exact)

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
            return Cluster(first, first, 1.0)
        signature = minhash(text, self.num_perm)
        if signature is not None:
            best: tuple[float, str] | None = None
            for candidate in self._lsh.query(signature):
                similarity = float(signature.jaccard(self._signatures[candidate]))
                if similarity >= self.threshold and (best is None or similarity > best[0]):
                    best = (similarity, candidate)
            if best is not None:
                self._by_exact[exact] = best[1]
                return Cluster(best[1], best[1], best[0])
            self._lsh.insert(key, signature)
            self._signatures[key] = signature
        self._by_exact[exact] = key
        return Cluster(key, None, 0.0)


def minhash(text: str, num_perm: int = NUM_PERM) -> Any:
    """The MinHash signature of a text's lower-cased word 5-gram shingles.

    Args:
        text: The text.
        num_perm: Number of permutations.

    Returns:
        A ``datasketch.MinHash``, or None for a text shorter than one shingle.
    """
    from datasketch import MinHash

    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < SHINGLE_WORDS:
        return None
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    signature = MinHash(num_perm=num_perm, seed=1)
    signature.update_batch(list(shingles))
    return signature
