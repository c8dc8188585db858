"""The extract stage: a fetched page's HTML -> links, text, list items, dates and columns."""

from .columns import build_columns, categorize, clean_column_name, column_name, is_known_column
from .dates import DateMatch, find_dates, parse_date
from .html import extract_page

__all__ = [
    "DateMatch",
    "build_columns",
    "categorize",
    "clean_column_name",
    "column_name",
    "extract_page",
    "find_dates",
    "is_known_column",
    "parse_date",
]
