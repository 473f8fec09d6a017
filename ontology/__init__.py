"""kgraph's ontology, SHACL shapes and lexicons, installed as the data package ``kgraph.ontology``."""
