"""A PDF's pages as pdfminer finds them (its page tree's leaves, whatever /Count says), without building pdfminer's
``PDFPage`` of each (which parses the page's contents, boxes and labels): for counting pages and reading their
resources.
"""

from __future__ import annotations

from collections.abc import Iterator

_INHERITED = ("Resources",)


def page_dicts(document) -> Iterator[dict]:
    """Each page's dictionary in a pdfminer ``PDFDocument``, with the resources it inherits, in the order of
    pdfminer's ``PDFPage.create_pages``: the page tree walked depth first (each node once), or, without a tree that
    holds a page, every object of type /Page. Raises what pdfminer raises on a file it cannot read."""
    from pdfminer.psparser import LIT

    page, pages = LIT("Page"), LIT("Pages")
    found = False
    if "Pages" in document.catalog:
        for leaf in _leaves(document, document.catalog["Pages"], document.catalog, set(), (page, pages)):
            found = True
            yield leaf
    if not found:
        yield from _typed_pages(document, page)


def _leaves(document, node, parent: dict, visited: set, types: tuple) -> Iterator[dict]:
    from pdfminer.pdftypes import dict_value, list_value

    if isinstance(node, int):
        object_id, properties = node, dict_value(document.getobj(node))
    else:
        object_id, properties = node.objid, dict_value(node)
    if object_id in visited:
        return
    visited.add(object_id)
    inherited = {key: parent[key] for key in _INHERITED if key in parent and key not in properties}
    if inherited:
        properties = {**properties, **inherited}
    kind = properties.get("Type")
    if kind is None:
        kind = properties.get("type")
    page, pages = types
    if kind is pages and "Kids" in properties:
        for child in list_value(properties["Kids"]):
            yield from _leaves(document, child, properties, visited, types)
    elif kind is page:
        yield properties


def _typed_pages(document, page) -> Iterator[dict]:
    from pdfminer.pdftypes import PDFObjectNotFound

    for xref in document.xrefs:
        for object_id in xref.get_objids():
            try:
                obj = document.getobj(object_id)
            except PDFObjectNotFound:
                continue
            if isinstance(obj, dict) and obj.get("Type") is page:
                yield obj
