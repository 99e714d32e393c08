"""Roles and bodies read from the descriptions news copy gives a person."""
from __future__ import annotations

import pytest

from service.domain.extraction.titles import Title, implied_body_noun, read_title


@pytest.mark.parametrize(("alias", "name", "expected"), [
    ("Eastline Rail chief executive Gordon Hale", "Gordon Hale", Title("chief executive", "Eastline Rail")),
    ("Fire chief Owen Barclay", "Owen Barclay", Title("fire chief")),
    ("Detective Superintendent Carla Mendes", "Carla Mendes", Title("Detective Superintendent")),
    ("Commission chair Ruth Adeyemi", "Ruth Adeyemi", Title("chair", body_noun="commission")),
    ("Marta Lindqvist, the chief operating officer of Northfield Paper Company", "Marta Lindqvist",
     Title("chief operating officer", "Northfield Paper Company")),
    ("Hugo Brandt, a lawyer for the Friends of the Anne Valley, which brought the case", "Hugo Brandt",
     Title("lawyer", "Friends of the Anne Valley")),
    ("Cedric Moll, the Progressive Party candidate who lost the seat", "Cedric Moll",
     Title("candidate", "Progressive Party")),
    ("Nadia Rourke, Brightway's head of product safety", "Nadia Rourke",
     Title("head of product safety", "Brightway")),
    ("Greta Holm, the federation's president", "Greta Holm", Title("president", body_noun="federation")),
    ("The company's managing director, Paul Wendt", "Paul Wendt",
     Title("managing director", body_noun="company")),
    ("The winning candidate, Isabel Ferrante", "Isabel Ferrante", Title("candidate")),
    ("Its director, Ines Barrow", "Ines Barrow", Title("director", its=True)),
    ("Foreign Minister Lukas Brenner of Aldovia", "Lukas Brenner", Title("Foreign Minister", "Aldovia")),
    ("Marta Lindqvist", "Marta Lindqvist", Title()),
    ("Marta Lindqvist, who left in May", "Marta Lindqvist", Title()),
])
def test_read_title(alias: str, name: str, expected: Title) -> None:
    assert read_title(alias, name) == expected


def test_a_title_implies_the_kind_of_body() -> None:
    assert implied_body_noun("Councillor") == "council"
    assert implied_body_noun("Detective Superintendent") == "police"
    assert implied_body_noun("spokesman") is None
    assert implied_body_noun("Economy Minister") == "government"
