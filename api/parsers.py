"""JSON parsing that turns pathological bodies into a 400, never a 500."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON nested too deeply.") from None
        if not _is_unicode(data):
            # JSON may escape half of a surrogate pair ("\ud886"): no text can hold it, and an
            # answer that quotes it (an unknown field's name) could not be written out.
            raise ParseError("JSON holds a lone surrogate (\\ud800-\\udfff), which is not text.")
        return data


def _is_unicode(data) -> bool:
    """Whether every string in ``data`` (keys too) can be written as UTF-8; iterative, as the
    nesting may be as deep as the parser allowed."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return True
