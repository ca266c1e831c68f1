import pytest

from tests.support.duplicates import register


@pytest.fixture
def registered():
    """A household registered with its contact details and first displacement."""
    return register
