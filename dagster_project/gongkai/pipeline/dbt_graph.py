"""Walks over the node graph of dbt's manifest.json (its ``parent_map`` and ``child_map``: node → the nodes it reads,
node → the nodes that read it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def reachable(uid: str, edges: Mapping[str, Sequence[str]]) -> set[str]:
    """Every node reached from ``uid`` along ``edges`` (the parent map: its ancestors; the child map: its
    descendants), ``uid`` itself left out."""
    seen: set[str] = set()
    stack = list(edges.get(uid, []))
    while stack:
        other = stack.pop()
        if other not in seen:
            seen.add(other)
            stack.extend(edges.get(other, []))
    return seen


def topological_order(parent_map: Mapping[str, Sequence[str]], nodes: Iterable[str] | None = None) -> list[str]:
    """``nodes`` (default: every node of ``parent_map``) and their ancestors, each after every node it depends on
    (ties in the order of their ids)."""
    done: list[str] = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in seen:
            return
        seen.add(uid)
        for parent in parent_map.get(uid, []):
            visit(parent)
        done.append(uid)

    for uid in sorted(parent_map if nodes is None else nodes):
        visit(uid)
    return done
