"""schema.org ClaimReview JSON-LD in and out: parsing what fact-checkers publish, and the Claim of a statement.

Accepts the shapes fact-check tools exchange: schema.org `ClaimReview` objects as fact-checkers embed them in their
pages, and the `Claim` objects of Google's Fact Check Tools `claims:search` (`text`, `claimant`, `claimDate`,
`claimReview[]` with `publisher`, `url`, `title`, `reviewDate`, `textualRating`, `languageCode`).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from service.domain.entities import Document, FactCheck, SpeakerKind, Statement

MAX_CLAIM_CHARS = 5_000
MAX_URL_CHARS = 2_000


def is_encodable(text: str) -> bool:
    """False for strings UTF-8 cannot hold (lone surrogates, which JSON's \\ud800 escapes can produce)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class ClaimReviewError(ValueError):
    """One ClaimReview object is not acceptable: `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def parse_fact_checks(item: Any) -> list[FactCheck]:
    """Parse one JSON object: a schema.org ClaimReview, or a Google `claims:search` Claim (one per review)."""
    if not isinstance(item, Mapping):
        raise ClaimReviewError({"_schema": ["A ClaimReview must be a JSON object."]})
    if "claimReview" in item and "claimReviewed" not in item:
        return _parse_google_claim(item)
    return [_parse_claim_review(item)]


def _parse_claim_review(item: Mapping[str, Any]) -> FactCheck:
    errors: dict[str, list[str]] = {}
    kind = item.get("@type", "ClaimReview")
    if not _has_type(kind, "ClaimReview"):
        errors["@type"] = [f"Expected ClaimReview, got {kind!r}."]
    url = _url(item.get("url"), "url", errors, required=True)
    claim = _text(item.get("claimReviewed"), "claimReviewed", errors, required=True, limit=MAX_CLAIM_CHARS)
    rating = item.get("reviewRating")
    rating = rating[0] if isinstance(rating, list) and rating else rating
    rating = rating if isinstance(rating, Mapping) else {}
    reviewed = item.get("itemReviewed")
    reviewed = reviewed if isinstance(reviewed, Mapping) else {}
    author = _name_and_site(item.get("author")) or _name_and_site(item.get("publisher"))
    review_date = _date(item.get("datePublished"), "datePublished", errors)
    claim_date = _date(reviewed.get("datePublished"), "itemReviewed.datePublished", errors)
    rating_value = _number(rating.get("ratingValue"), "reviewRating.ratingValue", errors)
    best = _number(rating.get("bestRating"), "reviewRating.bestRating", errors)
    worst = _number(rating.get("worstRating"), "reviewRating.worstRating", errors)
    if errors:
        raise ClaimReviewError(errors)
    assert url is not None and claim is not None
    publisher, site = author or (None, None)
    return FactCheck(
        url=url, claim=claim, title=_plain(item.get("headline")) or _plain(item.get("name")),
        rating=_plain(rating.get("alternateName")) or _plain(rating.get("name")), rating_value=rating_value,
        best_rating=best, worst_rating=worst, publisher=publisher, publisher_site=site or _host(url),
        review_date=review_date, claimant=(_name_and_site(reviewed.get("author")) or (None, None))[0],
        claimant_type=_author_type(reviewed.get("author")),
        claim_date=claim_date, language=_language(item.get("inLanguage")),
        appearance_url=_appearance_url(reviewed.get("appearance") or reviewed.get("firstAppearance")),
        source_jsonld=json.dumps(item, ensure_ascii=True, separators=(",", ":")),
    )


def _parse_google_claim(item: Mapping[str, Any]) -> list[FactCheck]:
    errors: dict[str, list[str]] = {}
    claim = _text(item.get("text"), "text", errors, required=True, limit=MAX_CLAIM_CHARS)
    claim_date = _date(item.get("claimDate"), "claimDate", errors)
    reviews = item.get("claimReview")
    if not isinstance(reviews, list) or not reviews:
        errors["claimReview"] = ["Must be a non-empty list of reviews."]
        reviews = []
    checks: list[FactCheck] = []
    for n, review in enumerate(reviews):
        if not isinstance(review, Mapping):
            errors[f"claimReview.{n}"] = ["Must be an object."]
            continue
        url = _url(review.get("url"), f"claimReview.{n}.url", errors, required=True)
        review_date = _date(review.get("reviewDate"), f"claimReview.{n}.reviewDate", errors)
        publisher, site = _name_and_site(review.get("publisher")) or (None, None)
        if url is None or claim is None:
            continue
        checks.append(FactCheck(
            url=url, claim=claim, title=_plain(review.get("title")), rating=_plain(review.get("textualRating")),
            publisher=publisher, publisher_site=site or _host(url), review_date=review_date,
            claimant=_plain(item.get("claimant")), claim_date=claim_date,
            language=_language(review.get("languageCode")),
        ))
    if errors:
        raise ClaimReviewError(errors)
    return checks


def _has_type(kind: Any, expected: str) -> bool:
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] == expected for k in kinds)


def _plain(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping):
        value = value.get("name") or value.get("@value")
    if not isinstance(value, str) or not is_encodable(value):
        return None
    text = " ".join(value.replace("\x00", "").split())
    return text[:1_000] or None


def _text(value: Any, field: str, errors: dict[str, list[str]], *, required: bool, limit: int) -> str | None:
    if value is None:
        if required:
            errors[field] = ["Missing data for required field."]
        return None
    if not isinstance(value, str) or not is_encodable(value):
        errors[field] = ["Not a valid string."]
        return None
    text = " ".join(value.replace("\x00", "").split())
    if required and not text:
        errors[field] = ["Must not be empty."]
    elif len(text) > limit:
        errors[field] = [f"Longer than {limit} characters."]
    return text or None


def _url(value: Any, field: str, errors: dict[str, list[str]], *, required: bool) -> str | None:
    if value is None:
        if required:
            errors[field] = ["Missing data for required field."]
        return None
    if not isinstance(value, str) or len(value) > MAX_URL_CHARS or not is_encodable(value):
        errors[field] = ["Not a valid URL."]
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value.strip()):
        errors[field] = ["Not a valid http(s) URL."]
        return None
    return value.strip()


_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def _date(value: Any, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    """Accept `YYYY-MM-DD` and ISO datetimes (`2020-03-01T12:00:00Z`): the date part is kept."""
    if value is None or value == "":
        return None
    match = _DATE_PREFIX.match(value) if isinstance(value, str) else None
    if match:
        with contextlib.suppress(ValueError):
            return dt.date(*(int(g) for g in match.groups()))
    errors[field] = ["Not a valid date (YYYY-MM-DD or an ISO 8601 datetime)."]
    return None


def _number(value: Any, field: str, errors: dict[str, list[str]]) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[field] = ["Not a valid number."]
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors[field] = ["Not a valid number."]
        return None
    if number != number or abs(number) > 1e9:
        errors[field] = ["Not a valid number."]
        return None
    return number


AUTHOR_TYPES = ("Person", "Organization")


def _author_type(value: Any) -> str | None:
    """The schema.org type of an author object when it is one of the two a claimant can be."""
    if isinstance(value, list):
        value = value[0] if value else None
    kind = value.get("@type") if isinstance(value, Mapping) else None
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if not isinstance(kind, str):
        return None
    kind = kind.removeprefix("http://schema.org/").removeprefix("https://schema.org/").removeprefix("schema:")
    return kind if kind in AUTHOR_TYPES else None


def _name_and_site(value: Any) -> tuple[str | None, str | None] | None:
    """An author or publisher: a name string, or an object with `name` and `url` (or Google's `site`)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return (_plain(value), None) if _plain(value) else None
    if not isinstance(value, Mapping):
        return None
    name = _plain(value.get("name"))
    site = _plain(value.get("site")) or _host(value.get("url"))
    return (name, site) if name or site else None


def _host(url: Any) -> str | None:
    if not isinstance(url, str) or not is_encodable(url):
        return None
    return urlsplit(url.strip()).netloc.lower() or None


def _language(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("alternateName") or value.get("name")
    return value.strip()[:35] if isinstance(value, str) and value.strip() and is_encodable(value) else None


def _appearance_url(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping):
        value = value.get("url")
    if not isinstance(value, str) or not is_encodable(value):
        return None
    return value.strip() if urlsplit(value.strip()).scheme in ("http", "https") else None


def claim_review_jsonld(check: FactCheck, *, with_context: bool = True) -> dict[str, Any]:
    """The schema.org ClaimReview of a stored fact-check: the object as imported when it came as one (its own
    `@context` kept, or schema.org's added), else one built from the stored fields."""
    if check.source_jsonld is not None:
        imported = json.loads(check.source_jsonld)
        context = imported.pop("@context", "https://schema.org")
        return {"@context": context, **imported} if with_context else imported
    review: dict[str, Any] = {"@type": "ClaimReview", "url": check.url, "claimReviewed": check.claim}
    if with_context:
        review = {"@context": "https://schema.org", **review}
    if check.title:
        review["headline"] = check.title
    if check.review_date:
        review["datePublished"] = check.review_date.isoformat()
    if check.publisher or check.publisher_site:
        author: dict[str, Any] = {"@type": "Organization"}
        if check.publisher:
            author["name"] = check.publisher
        if check.publisher_site:
            author["url"] = f"https://{check.publisher_site}"
        review["author"] = author
    if check.rating or check.rating_value is not None:
        rating: dict[str, Any] = {"@type": "Rating"}
        for key, value in (("alternateName", check.rating), ("ratingValue", check.rating_value),
                           ("bestRating", check.best_rating), ("worstRating", check.worst_rating)):
            if value is not None:
                rating[key] = value
        review["reviewRating"] = rating
    item: dict[str, Any] = {"@type": "Claim"}
    if check.claimant:
        # the type the import said, else Person: schema.org wants one of the two, and most claimants are people
        item["author"] = {"@type": check.claimant_type or "Person", "name": check.claimant}
    if check.claim_date:
        item["datePublished"] = check.claim_date.isoformat()
    if check.appearance_url:
        item["appearance"] = {"@type": "CreativeWork", "url": check.appearance_url}
    review["itemReviewed"] = item
    if check.language:
        review["inLanguage"] = check.language
    return review


def claim_jsonld(statement: Statement, document: Document, reviews: Sequence[FactCheck] = (), *,
                 identifier: str | None = None) -> dict[str, Any]:
    """The schema.org Claim of one stored statement, with the ClaimReviews known to review it.

    With an `identifier` the Claim is an item of a list: it carries the identifier and no `@context` of its own.
    """
    speaker = statement.speaker
    author: dict[str, Any] = {
        "@type": "Person" if speaker.kind is SpeakerKind.PERSON else "Organization", "name": speaker.name,
    }
    if speaker.affiliation:
        author["affiliation" if speaker.kind is SpeakerKind.PERSON else "parentOrganization"] = {
            "@type": "Organization", "name": speaker.affiliation}
    if speaker.role:
        author["jobTitle"] = speaker.role
    appearance: dict[str, Any] = {"@type": "NewsArticle"}
    for key, value in (("url", document.url), ("headline", document.title),
                       ("datePublished", document.published_at and document.published_at.isoformat())):
        if value:
            appearance[key] = value
    if document.publisher:
        appearance["publisher"] = {"@type": "Organization", "name": document.publisher}
    claim: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Claim", "text": statement.claim, "author": author,
        "appearance": appearance,
    }
    if statement.date is not None:
        claim["datePublished"] = statement.date.isoformat()
    # schema.org links a Claim to the reviews of it through `subjectOf` (a ClaimReview's `itemReviewed` back)
    claim["subjectOf"] = [claim_review_jsonld(r, with_context=False) for r in reviews]
    if identifier is not None:
        del claim["@context"]
        claim["identifier"] = identifier
    return claim


def claims_itemlist_jsonld(name: str, identifier: str, description: str,
                           sides: Sequence[tuple[str, Sequence[dict[str, Any]]]]) -> dict[str, Any]:
    """A schema.org ItemList of sides, each a named ItemList of Claims (from `claim_jsonld` with an identifier)."""
    items = []
    for number, (label, claims) in enumerate(sides, start=1):
        listed = [{"@type": "ListItem", "position": position, "item": claim}
                  for position, claim in enumerate(claims, start=1)]
        items.append({"@type": "ListItem", "position": number, "item": {
            "@type": "ItemList", "name": label, "numberOfItems": len(listed), "itemListElement": listed}})
    return {"@context": "https://schema.org", "@type": "ItemList", "name": name, "identifier": identifier,
            "description": description, "numberOfItems": len(items), "itemListElement": items}
