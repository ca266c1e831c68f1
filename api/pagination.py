"""Cursor pagination: stable while records are added, and no COUNT over the table."""

from rest_framework.pagination import CursorPagination


class UpdatedCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("updated_at", "id")
