from __future__ import annotations

from collections.abc import Iterator

import pytest

from parsers import isolate


@pytest.fixture(autouse=True, scope="session")
def _stop_reader_worker() -> Iterator[None]:
    yield
    isolate.shutdown()
