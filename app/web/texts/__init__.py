"""The pages' texts, one module per language; each has every key (tests/unit/test_page_texts.py
and the pages' tests check)."""
