"""Cursor pagination: stable while records are added, no COUNT over the table, opaque cursors.

DRF's cursors are base64 of the last row's position (here an ``updated_at``), which would
hand every partner the exact time of change: a key to join two partners' files. Cursors
here are enciphered (an HMAC keystream) and signed, so they reveal nothing and cannot be
forged; a tampered cursor is a 404 like any unknown page. A cursor also carries the list and
the order it was made for (``bind``): handed to another list or another ``ordering``, its
position would be read as another field's value (a 500) or start the page in the wrong place,
so it is refused as a tampered one is.
"""

from urllib import parse

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination, _positive_int
from rest_framework.utils.urls import replace_query_param

from displacement.selectors.filters.base import PageWindow
from displacement.selectors.sync_tokens import seal, unseal


class UpdatedCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("updated_at", "id")
    offset_cutoff = 1000
    #: The list and order this page's cursors belong to (``bind``); None refuses every cursor.
    scope: str | None = None

    def bind(self, request, view) -> None:
        """Cursors made or read from now on belong to ``view``'s list in the order asked."""
        ordering = ",".join(self.get_ordering(request, None, view))
        self.scope = f"{getattr(view, 'kind', '') or request.path}|{ordering}"

    def encode_cursor(self, cursor):
        tokens = {"s": self.scope}
        if cursor.offset != 0:
            tokens["o"] = str(cursor.offset)
        if cursor.reverse:
            tokens["r"] = "1"
        if cursor.position is not None:
            tokens["p"] = cursor.position
        return replace_query_param(self.base_url, self.cursor_query_param, seal(parse.urlencode(tokens, doseq=True)))

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            tokens = parse.parse_qs(unseal(encoded), keep_blank_values=True)
            offset = _positive_int(tokens.get("o", ["0"])[0], cutoff=self.offset_cutoff)
            reverse = bool(int(tokens.get("r", ["0"])[0]))
            position = tokens.get("p", [None])[0]
            scope = tokens.get("s", [None])[0]
        except (signing.BadSignature, TypeError, ValueError, UnicodeError):
            raise NotFound(self.invalid_cursor_message) from None
        if self.scope is None or scope != self.scope:
            raise NotFound(self.invalid_cursor_message)
        return Cursor(offset=offset, reverse=reverse, position=position)

    def paginate_queryset(self, queryset, request, view=None):
        self.bind(request, view)
        try:
            page = super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, TypeError, ValueError):
            cursor = getattr(self, "cursor", None)
            if cursor is None or cursor.position is None:
                raise
            # A position the ordering's field cannot read: a cursor no page of this list made.
            raise NotFound(self.invalid_cursor_message) from None
        # A filter that read only a page's first candidates (``PageWindow``) marks the query: if
        # the page came out short, others may have filtered some of them out, and the page is
        # read again from every candidate. A full page is right as it is (``api.filters``).
        if getattr(queryset.query, "window_bounded", False) and not self._followed():
            request.unbounded_window = True
            page = super().paginate_queryset(view.filter_queryset(view.get_queryset()), request, view)
        return page

    def _followed(self) -> bool:
        """Did the last query give a row past the page (so that the page is whole)?"""
        return self.has_previous if self.cursor is not None and self.cursor.reverse else self.has_next


#: The page orders that ``page_window`` describes.
_WINDOW_ORDERS = {("updated_at", "id"): False, ("-updated_at", "-id"): True}


def page_window(request, view) -> PageWindow | None:
    """The window of the page ``request`` asks ``view`` for, or None: not a cursor page in
    ``updated_at`` order (another order, an export, a read of the page again in full)."""
    paginator = getattr(view, "paginator", None)
    if not isinstance(paginator, UpdatedCursorPagination) or getattr(request, "unbounded_window", False):
        return None
    if request.query_params.get("format") == "csv":
        return None
    descending = _WINDOW_ORDERS.get(tuple(paginator.get_ordering(request, None, view)))
    if descending is None:
        return None
    paginator.bind(request, view)
    cursor = paginator.decode_cursor(request)  # a bad cursor is the 404 the page gives anyway
    offset, reverse, position = cursor if cursor is not None else (0, False, None)
    return PageWindow(
        after=position, descending=descending != reverse, rows=offset + paginator.get_page_size(request) + 1
    )
