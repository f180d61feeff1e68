import pytest

from tests.support.grading_completion import CompletionClass


@pytest.fixture
def cc(app, make_user, make_class, monkeypatch):
    """A class for completion and certificates with faked grade sources (CompletionClass)."""
    return CompletionClass(app, make_user, make_class, monkeypatch)
