# The book: chapters/ + labs/*/README.md + figures/ -> build/book/{html/,book.epub,book.pdf}.
# Included by the top-level Makefile.  The build is runner/book (Python 3, stdlib only)
# driving pandoc, dot and weasyprint from Debian.

# The Debian packages the book needs are the "book" group of packages.txt
# (chromium, for tests/book/test_browser.py, is in "test").
BOOK_OUT ?= build/book
BOOK_PORT ?= 8000

.PHONY: book book-check book-links book-deps book-test book-shots serve

## book: render the HTML site, the EPUB and the PDF into build/book/
book:
	python3 -m runner.book build --out $(BOOK_OUT)

## book-check: citations, cross-references and figures only (no pandoc needed)
book-check:
	python3 -m runner.book check

## book-links: every internal link, anchor and image of the built site resolves
book-links:
	python3 -m runner.book links $(BOOK_OUT)/html

## book-deps: install the Debian packages the book needs
book-deps:
	python3 -m runner.deps book

## book-test: the book's own tests
book-test:
	python3 -m tests book

## serve: serve build/book/html on 127.0.0.1 (builds it first if missing)
serve: $(if $(wildcard $(BOOK_OUT)/html/index.html),,book)
	python3 -m runner.book serve --dir $(BOOK_OUT)/html --port $(BOOK_PORT)

## book-shots: headless-Chromium screenshots of the front page and of every figure in view,
## kept in build/book/shots/ for a person to look at (the browser test takes them)
book-shots:
	BOOK_SHOTS=$(BOOK_OUT)/shots python3 -m tests test_browser
