"""What a pull brought back: one document in the shape the file readers take, and the
watermark to keep once it is imported."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass
class Fetched:
    document: dict  # KoboToolbox: {"results": [...]}; ODK Central: {"@odata.context", "value": [...]}
    watermark: dict  # the connection's watermark once this is imported
    pages: int = 0
    size: int = 0  # bytes received
    digest: hashlib._Hash = field(default_factory=hashlib.sha256, repr=False)

    def page(self, body: bytes) -> None:
        self.pages += 1
        self.size += len(body)
        self.digest.update(body)

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()

    @property
    def count(self) -> int:
        return len(self.document.get("results") or self.document.get("value") or [])
