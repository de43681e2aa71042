"""The walks over dbt's node graph that the dbt step (kept views' order) and the test batch (what a failed test
stops) share."""

from gongkai.pipeline.dbt_graph import reachable, topological_order

# raw → stg → int → (fct_a, fct_b); a test over fct_a; a lone seed
PARENTS = {
    "source.raw": [], "model.stg": ["source.raw"], "model.int": ["model.stg"],
    "model.fct_a": ["model.int"], "model.fct_b": ["model.int", "seed.codes"], "seed.codes": [],
    "test.not_null_fct_a": ["model.fct_a"],
}
CHILDREN = {"source.raw": ["model.stg"], "model.stg": ["model.int"], "model.int": ["model.fct_a", "model.fct_b"],
            "model.fct_a": ["test.not_null_fct_a"], "seed.codes": ["model.fct_b"]}


def test_reachable_follows_the_edges_given():
    assert reachable("model.fct_b", PARENTS) == {"model.int", "model.stg", "source.raw", "seed.codes"}
    assert reachable("model.stg", CHILDREN) == {"model.int", "model.fct_a", "model.fct_b", "test.not_null_fct_a"}
    assert reachable("seed.codes", PARENTS) == set()


def test_every_node_comes_after_its_parents():
    order = topological_order(PARENTS)
    assert sorted(order) == sorted(PARENTS)
    for node, parents in PARENTS.items():
        assert all(order.index(parent) < order.index(node) for parent in parents), node


def test_the_order_of_some_nodes_includes_their_ancestors_only():
    order = topological_order(PARENTS, ["model.fct_a"])
    assert order == ["source.raw", "model.stg", "model.int", "model.fct_a"]
