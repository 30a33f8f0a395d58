"""Full-text search vectors that include user content's translations."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorCombinable, SearchVectorField
from django.db.models import Func


class TranslationsSearchVector(SearchVectorCombinable, Func):
    """The words of every text in a modeltrans `i18n` column (`title_fr`, `description_ar` …),
    an empty vector when it is NULL. PostgreSQL's to_tsvector(regconfig, jsonb) reads the
    values, not the keys, and is immutable, so it may be part of a generated column."""

    function = "to_tsvector"
    template = "COALESCE(%(function)s('english'::regconfig, %(expressions)s), ''::tsvector)"
    output_field = SearchVectorField()
