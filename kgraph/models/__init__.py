"""Trained models shipped with kgraph: ``ner_zh``, the statistical Chinese NER model (see its MODEL_CARD.md)."""
