"""The book build: chapters/*.md, labs/*/README.md and figures/*.dot rendered with
pandoc and Graphviz into build/book/ (a multi-page offline HTML site, one EPUB, one PDF).

Entry point: `python3 -m runner.book build|check|serve|links` (see __main__.py).
Standard library only; the external tools are pandoc, dot and weasyprint (Debian).
"""
