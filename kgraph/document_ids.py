"""A document's id when it comes from a file: the same however the path was spelled and wherever kgraph ran."""
from __future__ import annotations

import os


def document_id(path: str, base: str) -> str:
    """The id of the document in the file ``path``: its path relative to the folder ``base``, with ``/``
    between folders, once ``.``, ``..`` and symbolic links are resolved; the absolute path of a file outside
    ``base``. So however the path is spelled and wherever the command runs, a file has one id, and the ids
    stay the same when ``base`` and the files are moved together."""
    real, root = os.path.realpath(path), os.path.realpath(base)
    try:
        relative = os.path.relpath(real, root)
    except ValueError:  # another drive (Windows)
        relative = os.pardir
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        relative = real
    return relative.replace(os.sep, "/")


__all__ = ["document_id"]
