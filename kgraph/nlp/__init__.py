"""kgraph's spaCy components and the extraction rules behind them."""
