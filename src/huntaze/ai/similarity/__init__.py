"""Similar past replies and captions of a creator, found by embeddings (DESIGN.md §4 "embeddings").

``service.similarity`` is the face: add examples with their outcome, search the creator's own
examples most like a text. ``embedder`` loads all-MiniLM-L6-v2 from its PyPI package, offline;
``lexical`` ranks by BM25 when that model is unavailable.
"""
