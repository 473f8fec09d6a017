"""The Dask executor: batches go to the workers of an existing cluster, results come back in input order,
and the graph is the one a local run builds."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kgraph.graph import KnowledgeGraph
from kgraph.loaders import iter_documents
from kgraph.model import Document
from kgraph.pipeline import DASK_EXTRA_HINT, build, extract

REPO = Path(__file__).resolve().parents[1]
ARTICLE = REPO / "examples" / "articles" / "kuaishou-gravity-conference-2022.md"

TEXTS = [
    "星河科技有限公司首席执行官张伟在发布会上表示，公司将继续投入研发。",
    "星河科技CEO张伟称，今年营收增长30%。阿里巴巴集团董事长张勇也出席了会议。",
    "5月8日，快手在北京举办了“引力大会”。快手电商负责人笑古表示，将推出“源头好货”计划。",
    "阿里宣布新战略。记者采访了张伟。张伟说，市场很好。",
    "腾讯控股旗下的腾讯云发布新品，腾讯云总裁邱跃鹏出席。",
]


def corpus() -> list[Document]:
    docs = [Document(f"text-{i}", text) for i, text in enumerate(TEXTS)]
    docs += [d for d in iter_documents([str(ARTICLE)]) if isinstance(d, Document)]
    return docs


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install 'kgraph[dask]')")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local_cluster:
        yield local_cluster


def snapshot(kg: KnowledgeGraph):
    g = kg.to_networkx()
    nodes = sorted((n, sorted(d.items())) for n, d in g.nodes(data=True))
    edges = sorted((u, v, k, sorted((a, repr(b)) for a, b in d.items())) for u, v, k, d in g.edges(keys=True, data=True))
    return nodes, edges


def test_dask_build_equals_the_local_build(cluster, tmp_path):
    local = build(corpus())
    remote = build(corpus(), executor="dask", scheduler=cluster.scheduler_address)
    assert local.report.documents == remote.report.documents == len(corpus())
    assert len(local) > 20  # the comparison is about a real graph, not two empty ones
    assert snapshot(remote) == snapshot(local)
    written = {}
    for name, kg in (("local", local), ("dask", remote)):
        (path,) = kg.save(tmp_path / name, ["turtle"])
        written[name] = Path(path).read_bytes()
    assert written["dask"] == written["local"]


def test_results_come_back_in_input_order(cluster):
    from distributed import Client

    docs = corpus() * 3  # more batches than the two workers hold at once
    docs = [Document(f"{i:02d}-{d.id}", d.text) for i, d in enumerate(docs)]
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        ids = [ex.document.id for ex in extract(docs, executor="dask", scheduler=client, batch_size=1)]
        assert ids == [d.id for d in docs]
        # a Client handed in is the caller's: still usable afterwards
        assert client.status == "running"


def test_each_worker_process_builds_the_pipeline_once(cluster):
    from distributed import Client

    def pipeline_builds():
        from kgraph.pipeline import make_nlp

        return make_nlp.cache_info().misses

    with Client(cluster.scheduler_address, set_as_default=False) as client:
        list(extract(corpus() * 2, executor="dask", scheduler=client, batch_size=1))
        builds = client.run(pipeline_builds)
    assert len(builds) == 2 and set(builds.values()) == {1}, builds


def test_dask_needs_a_scheduler():
    with pytest.raises(ValueError, match="scheduler"):
        list(extract(corpus(), executor="dask"))


def test_unknown_executor_is_rejected():
    with pytest.raises(ValueError, match="unknown executor"):
        list(extract(corpus(), executor="spark"))


def test_missing_distributed_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now raises ImportError
    with pytest.raises(ImportError) as caught:
        list(extract(corpus(), executor="dask", scheduler="tcp://127.0.0.1:1"))
    assert str(caught.value) == DASK_EXTRA_HINT and "kgraph[dask]" in DASK_EXTRA_HINT


@pytest.mark.parametrize("store", ["--store", "--no-store"])
def test_cli_build_on_a_dask_cluster_writes_what_a_local_build_writes(cluster, tmp_path, store):
    from click.testing import CliRunner

    from kgraph.cli import main

    runner = CliRunner()
    outputs = {}
    for name, extra in (("local", []), ("dask", ["--executor", "dask", "--scheduler", cluster.scheduler_address])):
        result = runner.invoke(main, ["build", str(ARTICLE), "-o", str(tmp_path / name), "-f", "turtle", store,
                                      "--no-progress", *extra])
        assert result.exit_code == 0, result.output
        outputs[name] = (tmp_path / name / "graph.ttl").read_bytes()
    assert outputs["dask"] == outputs["local"] and b"schema:Person" in outputs["local"]


def test_cli_rejects_a_scheduler_without_the_dask_executor(tmp_path):
    from click.testing import CliRunner

    from kgraph.cli import main

    result = CliRunner().invoke(main, ["build", str(ARTICLE), "-o", str(tmp_path), "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2 and "--executor dask" in result.output


def test_an_unreachable_scheduler_is_a_connection_error():
    pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install 'kgraph[dask]')")
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(ConnectionError, match="tcp://127.0.0.1:1"):
            list(extract(corpus(), executor="dask", scheduler="tcp://127.0.0.1:1"))
