"""Themes in free-text answers: word-overlap clustering, for the admin to read. Pure functions.

No external service: each answer becomes its set of content words (lower case, at least four
letters, Dutch and English stop words left out); two answers are linked when their word sets
overlap by at least `min_overlap` (Jaccard: shared words / all words); a theme is a connected
group of at least `min_size` linked answers, named by its most frequent words.
"""

import re
from collections import Counter
from dataclasses import dataclass

STOP_WORDS = frozenset(
    [
        "aan",
        "alle",
        "alles",
        "als",
        "altijd",
        "ander",
        "andere",
        "beter",
        "bij",
        "binnen",
        "daar",
        "daarom",
        "dan",
        "dat",
        "deze",
        "die",
        "dit",
        "doen",
        "door",
        "echt",
        "een",
        "eens",
        "elk",
        "elke",
        "even",
        "geen",
        "goed",
        "heeft",
        "hebben",
        "heel",
        "hier",
        "hoe",
        "iedereen",
        "iets",
        "jullie",
        "kan",
        "kunnen",
        "laat",
        "maar",
        "meer",
        "met",
        "mijn",
        "moet",
        "moeten",
        "naar",
        "niet",
        "niets",
        "nog",
        "onze",
        "ook",
        "over",
        "veel",
        "voor",
        "waar",
        "wanneer",
        "want",
        "wat",
        "weer",
        "welke",
        "wij",
        "worden",
        "wordt",
        "zelf",
        "zich",
        "zijn",
        "zodat",
        "zoals",
        "about",
        "also",
        "because",
        "being",
        "both",
        "could",
        "does",
        "each",
        "from",
        "have",
        "into",
        "just",
        "like",
        "make",
        "more",
        "most",
        "much",
        "must",
        "only",
        "other",
        "over",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "very",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "your",
    ]
)
WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in (m.lower() for m in WORD.findall(text)) if w not in STOP_WORDS)


@dataclass(frozen=True)
class Theme:
    words: tuple[str, ...]  # the most frequent words, most frequent first
    members: tuple[int, ...]  # indices into the input, in input order


def themes(texts: list[str], *, min_overlap: float = 0.25, min_size: int = 2, label_words: int = 3) -> list[Theme]:
    """Group answers that share words; the largest theme first. Answers that share too
    little with any other belong to no theme."""
    sets = [content_words(t) for t in texts]
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            union = sets[i] | sets[j]
            if union and len(sets[i] & sets[j]) / len(union) >= min_overlap:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(root(i), []).append(i)
    found = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        counts = Counter(w for i in members for w in sets[i])
        words = tuple(w for w, _n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:label_words])
        found.append(Theme(words, tuple(members)))
    return sorted(found, key=lambda theme: (-len(theme.members), theme.members[0]))
