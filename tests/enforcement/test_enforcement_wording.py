"""The wording catalogue covers every action, permission, role and refusal rule, and says each
in words (no identifier fragment: the history once showed "interscheduled")."""

from __future__ import annotations

import inspect

from securecomm.enforcement import guards, wording
from securecomm.enforcement.errors import EnforcementError
from securecomm.enforcement.roles import Permission, Role
from securecomm.enforcement.vocabulary import Action


def test_every_identifier_is_in_the_catalogue() -> None:
    assert set(wording.ACTION_WORDS) == set(Action)
    assert set(wording.PERMISSION_WORDS) == set(Permission)
    assert set(wording.ROLE_WORDS) == set(Role)
    guard_names = {
        name
        for name, fn in inspect.getmembers(guards, inspect.isfunction)
        if fn.__module__ == guards.__name__ and "ctx" in inspect.signature(fn).parameters
    }
    assert len(guard_names) >= 20
    assert guard_names <= set(wording.RULE_WORDS), guard_names - set(wording.RULE_WORDS)
    import securecomm.enforcement.errors as errors

    class_rules = {
        cls.rule
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, EnforcementError) and getattr(cls, "rule", "")
    }
    assert class_rules <= set(wording.RULE_WORDS), class_rules - set(wording.RULE_WORDS)


def test_events_and_rules_in_words() -> None:
    assert wording.event_words("interview.scheduled") == "interview scheduled"
    assert wording.event_words("interview.conducted") == "interview conducted"
    assert wording.event_words("case.verify_identity") == "match verified by an officer"
    assert wording.event_words("case.issue_detainer") == "detainer issued"
    assert wording.event_words("cases.listed") == "cases listed", "unknown: plain words"
    assert wording.rule_words("hold_window_open").startswith("the release-eligible time")
    assert wording.role_words("program_manager") == "program manager"
    assert wording.permission_words("read_case") == "read case records"
    for text in (*wording.ACTION_WORDS.values(), *wording.EVENT_WORDS.values(),
                 *wording.PERMISSION_WORDS.values(), *wording.RULE_WORDS.values()):  # fmt: skip
        assert "_" not in text and text == text.strip() and text
