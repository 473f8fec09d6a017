"""Document loaders: formats, encodings, broken inputs, folders, stdin, and the clean text offsets refer to."""
from __future__ import annotations

import html
import io
import json
import sys

import pytest
from conftest import SEED

from kgraph import decoding, loaders
from kgraph.loaders import (
    LOADERS,
    SUPPORTED_EXTENSIONS,
    document_from_text,
    iter_documents,
    read_document,
    register_loader,
)
from kgraph.model import Document, LoadError
from kgraph.text import closing_credit, html_to_text, markdown_to_text, normalise_date

SEED_BODY_START = "5月13日，快手电商在北京举办了2022的“引力大会”"


def write(path, content, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def load_one(path, **kwargs):
    """The single item iter_documents yields for one file."""
    items = list(iter_documents([path], **kwargs))
    assert len(items) == 1, items
    return items[0]


def load_error(path, **kwargs) -> LoadError:
    item = load_one(path, **kwargs)
    assert isinstance(item, LoadError), item
    assert item.source == str(path)
    return item


# -- plain text -----------------------------------------------------------------------------------

def test_text_keeps_the_text_and_takes_a_short_first_line_as_title(tmp_path):
    path = write(tmp_path / "a.txt", "   星河科技发布繁星计划\r\n\r\n　　5月8日，星河科技在上海举办大会。\r\n")
    doc = read_document(path)
    assert doc.title == "星河科技发布繁星计划"
    assert doc.text == "   星河科技发布繁星计划\n\n　　5月8日，星河科技在上海举办大会。\n"
    assert doc.id == doc.source == str(path)


@pytest.mark.parametrize("first_line", [
    "星河科技今天在上海举办了开发者大会。",          # a sentence
    "星河科技会开发者大会吗？",                    # ends like a sentence
    "星" * 61,                                      # too long for a title
])
def test_text_first_line_that_is_not_a_title(tmp_path, first_line):
    doc = read_document(write(tmp_path / "a.txt", first_line + "\n正文第二行。"))
    assert doc.title is None
    assert doc.text.startswith(first_line)


def test_text_of_one_line_has_no_title(tmp_path):
    assert read_document(write(tmp_path / "a.text", "只有一行")).title is None


def test_text_closing_credit_sets_publisher(tmp_path):
    doc = read_document(write(tmp_path / "a.txt", "标题\n正文。\n（来源：新华社）\n"))
    assert doc.publisher == "新华社"


# -- HTML -----------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head>
<title>星河科技发布繁星计划 - 示例新闻网</title>
<meta property="og:site_name" content="示例新闻网">
<meta property="article:published_time" content="2022-05-09 08:00:00 +0800">
<link rel="canonical" href="https://example.com/a/1">
<style>p { color: red }</style><script>var x = "<p>不是正文</p>";</script>
</head><body>
<noscript>请启用脚本</noscript><template><p>模板</p></template>
<h1>星河科技发布“繁星计划”</h1>
<div class="lead">5月8日，星河科技在上海举办了<b>开发者</b>大会。</div>
<p>董事长&nbsp;张三&amp;李四   表示：<br>公司将推出   “繁星计划”。</p>
<ul><li>第一条</li><li>第二条</li></ul>
<table><tr><td>营收</td><td>增长35%</td></tr></table>
</body></html>"""


def test_html_is_reduced_to_clean_lines_with_metadata(tmp_path):
    doc = read_document(write(tmp_path / "page.html", PAGE))
    assert doc.text.split("\n") == [
        "星河科技发布“繁星计划”",
        "5月8日，星河科技在上海举办了开发者大会。",
        "董事长 张三&李四 表示：",
        "公司将推出 “繁星计划”。",
        "第一条",
        "第二条",
        "营收 增长35%",
    ]
    assert doc.title == "星河科技发布繁星计划 - 示例新闻网"
    assert doc.url == "https://example.com/a/1"
    assert doc.date == "2022-05-09T08:00:00+08:00"
    assert doc.publisher == "示例新闻网"


def test_html_title_falls_back_to_first_h1_and_og_url(tmp_path):
    page = '<meta property="og:url" content="https://example.com/b"><h1>第一个 标题</h1><h1>第二个</h1><p>正文</p>'
    doc = read_document(write(tmp_path / "b.htm", page))
    assert (doc.title, doc.url) == ("第一个 标题", "https://example.com/b")


@pytest.mark.parametrize("markup, expected", [
    ("<html><body><p>第一段<p>第二段<div>第三段", ["第一段", "第二段", "第三段"]),        # unclosed tags
    ("</div></span><p>正文</p></div></div>", ["正文"]),                                  # stray end tags
    ("<p>完整的一段。</p><p>被截断的一段<a href=\"http://exa", ["完整的一段。", "被截断的一段"]),  # truncated
    ("<head><title>t</title><p>没有关闭的 head 之后的正文</p>", ["没有关闭的 head 之后的正文"]),
    ("<p>正文</p><!-- 没有结束的注释", ["正文"]),
])
def test_broken_html_still_gives_its_text(tmp_path, markup, expected):
    doc = read_document(write(tmp_path / "broken.html", markup))
    assert doc.text.split("\n") == expected


def test_html_without_text_is_a_load_error(tmp_path):
    error = load_error(write(tmp_path / "empty.html", "<html><head><title>t</title></head><body><script>x()</script>"
                                                      "<img src=a.png></body></html>"))
    assert error.problem == "no text content (broken or empty HTML)"


# -- Markdown -------------------------------------------------------------------------------------

ARTICLE_MD = """---
title: "星河科技发布“繁星计划”"
date: 2022-05-09 08:00:00 +0800
categories: tech
tags: [星河, 发布会]
layout: post
---
# 星河科技发布会

<p>5月8日，<strong>星河科技</strong>在上海举办了大会。</p>
 <p>董事长张三表示，公司将推出“繁星计划”。</p>

**加粗**和*强调*以及[链接文字](https://example.com/x (1).html)。
![配图](http://img.example.com/download (10).png)
- 列表项
> 引用的话

| 指标 | 数值 |
|------|------|
| 营收 | 35% |

<p class="em_media">（文章来源：示例新闻网）</p>

<https://example.com/source/1>

[返回示例新闻](//example.com/news.html)｜[返回首页](//example.com/)
"""


def test_markdown_front_matter_and_mixed_body(tmp_path):
    doc = read_document(write(tmp_path / "a.md", ARTICLE_MD))
    assert doc.title == "星河科技发布“繁星计划”"
    assert doc.date == "2022-05-09T08:00:00+08:00"
    assert doc.url == "https://example.com/source/1"
    assert doc.publisher == "示例新闻网"
    assert doc.meta_dict() == {"categories": "tech", "tags": ("星河", "发布会"), "layout": "post"}
    assert doc.text.split("\n") == [
        "星河科技发布会",
        "5月8日，星河科技在上海举办了大会。",
        "董事长张三表示，公司将推出“繁星计划”。",
        "加粗和强调以及链接文字。",
        "列表项",
        "引用的话",
        "指标 数值",
        "营收 35%",
        "（文章来源：示例新闻网）",
    ]
    hash(doc)  # meta is frozen: documents stay hashable


def test_markdown_front_matter_url_publisher_aliases_and_date_only(tmp_path):
    text = ("---\ntitle: 标题\ndate: 2025-12-14\nsource_url: https://example.com/s\nauthor: 扶摇资讯\n"
            "summary: 摘要\n---\n正文。\n\n<https://example.com/other>\n")
    doc = read_document(write(tmp_path / "b.markdown", text))
    assert (doc.date, doc.url, doc.publisher) == ("2025-12-14", "https://example.com/s", "扶摇资讯")
    assert doc.meta_dict() == {"summary": "摘要"}
    assert doc.text == "正文。"  # the trailing source line is removed even when front matter names the url


def test_markdown_reference_autolinks_are_text_not_the_source(tmp_path):
    text = "正文。\n\n参考：\n<https://example.com/1>\n\n<https://example.com/2>\n\n<https://example.com/3>\n"
    doc = read_document(write(tmp_path / "c.md", text))
    assert doc.url is None
    assert doc.text.split("\n") == ["正文。", "参考：", "https://example.com/1", "https://example.com/2",
                                    "https://example.com/3"]


def test_markdown_unreadable_date_stays_in_meta(tmp_path):
    doc = read_document(write(tmp_path / "d.md", "---\ndate: 去年秋天\n---\n正文\n"))
    assert doc.date is None
    assert doc.meta_dict() == {"date": "去年秋天"}


@pytest.mark.parametrize("content, expected", [
    ('---\ntitle: "没有闭合的引号\ndate: 2022-05-16\n---\n正文\n', "invalid YAML front matter at line"),
    ("---\ntitle: a: b\n---\n正文\n", "invalid YAML front matter at line 2: mapping values are not allowed here"),
    ("---\ntitle: 标题\n正文没有结束的 front matter\n", "never closed"),
    ("---\n- 一个列表\n- 不是映射\n---\n正文\n", "front matter is not a mapping of fields but a list"),
])
def test_broken_front_matter_is_a_load_error(tmp_path, content, expected):
    error = load_error(write(tmp_path / "bad.md", content))
    assert expected in error.problem
    assert str(error).startswith(str(tmp_path / "bad.md") + ": ")


@pytest.mark.parametrize("content, where", [
    ("---\ntitle: 标题\ntags: [a, b\n---\n正文\n", "at line 3: "),
    ('---\ntitle: "没有闭合的引号\ndate: 2022-05-16\n---\n正文\n', "at line 2: "),
])
def test_front_matter_error_names_the_yaml_line(tmp_path, content, where):
    error = load_error(write(tmp_path / "bad.md", content))
    line_number = int(where.split()[2].rstrip(":"))
    assert where in error.problem
    assert error.problem.endswith(repr(content.split("\n")[line_number - 1]))  # the line itself is quoted


def test_markdown_with_front_matter_only_is_empty(tmp_path):
    error = load_error(write(tmp_path / "e.md", "---\ntitle: 只有标题\n---\n\n"))
    assert error.problem.startswith("empty document")


def test_seed_article_loads_as_expected():
    if not SEED.exists():
        pytest.skip(f"shared seed article not found at {SEED}")
    doc = read_document(SEED)
    assert doc.title == "快手电商“引力大会2022”：深度构建“信任电商”"
    assert doc.date == "2022-05-16T10:35:15+08:00"
    assert doc.url == "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202205162380118934"
    assert doc.publisher == "中国发展网"
    assert doc.meta_dict()["categories"] == "zhongguofazhanwang"
    assert doc.meta_dict()["tags"] == "中国发展网新闻"
    assert doc.text.startswith(SEED_BODY_START)
    assert "<" not in doc.text and ">" not in doc.text
    assert "返回首页" not in doc.text and "finews.zning.xyz" not in doc.text
    lines = doc.text.split("\n")
    assert all(line == line.strip() and line for line in lines)
    assert lines[-1] == "（文章来源：中国发展网）"
    assert "大搞信任电商：以直播间为超级节点，由信任驱动的体验型电商" in lines


# -- JSON Lines -----------------------------------------------------------------------------------

def test_jsonl_bad_lines_become_errors_and_the_rest_load(tmp_path):
    lines = [
        json.dumps({"id": "a-1", "text": "第一篇。", "title": "一", "url": "https://e.com/1",
                    "date": "2022-05-09", "publisher": "示例", "category": "财经"}, ensure_ascii=False),
        "{不是 JSON",
        json.dumps({"title": "没有正文"}, ensure_ascii=False),
        "",
        json.dumps(["不是", "对象"], ensure_ascii=False),
        json.dumps({"text": "第二篇。"}, ensure_ascii=False),
    ]
    path = write(tmp_path / "corpus.jsonl", "\n".join(lines) + "\n")
    items = list(iter_documents([path]))
    assert [type(item) for item in items] == [Document, LoadError, LoadError, LoadError, Document]
    first, bad_json, no_text, not_object, second = items
    assert (first.id, first.title, first.url, first.date, first.publisher) == (
        "a-1", "一", "https://e.com/1", "2022-05-09", "示例")
    assert first.meta_dict() == {"category": "财经"}
    assert first.source == f"{path}:1"
    assert bad_json.source == f"{path}:2" and "invalid JSON" in bad_json.problem
    assert no_text.source == f"{path}:3" and "text" in no_text.problem
    assert not_object.source == f"{path}:5" and "not a JSON object" in not_object.problem
    assert second.id == second.source == f"{path}:6"


def test_jsonl_oversized_line_is_skipped(tmp_path):
    path = write(tmp_path / "c.ndjson", json.dumps({"text": "长" * 200}) + "\n" + json.dumps({"text": "短"}) + "\n")
    items = list(iter_documents([path], max_bytes=100))
    assert isinstance(items[0], LoadError) and "line too large" in items[0].problem
    assert isinstance(items[1], Document) and items[1].text == "短"


def test_read_document_refuses_jsonl(tmp_path):
    with pytest.raises(LoadError, match="iter_documents"):
        read_document(write(tmp_path / "c.jsonl", '{"text": "x"}\n'))


# -- encodings ------------------------------------------------------------------------------------

CHINESE = "星河科技发布繁星计划\n5月8日，星河科技在上海举办了开发者大会，董事长张三出席。\n"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gb_encoded_text_is_decoded(tmp_path, encoding):
    text = CHINESE + ("生僻字䶮与𠀀见于GB18030。\n" if encoding == "gb18030" else "")
    path = write(tmp_path / "gb.txt", text, encoding=encoding)
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    assert read_document(path).text == text


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-16-le"])
def test_byte_order_marks(tmp_path, encoding):
    data = CHINESE.encode(encoding)
    if encoding in ("utf-16-be", "utf-16-le"):  # these codecs write no BOM of their own
        data = "\ufeff".encode(encoding) + data
    doc = read_document(write(tmp_path / "bom.txt", data))
    assert doc.text == CHINESE
    assert doc.title == "星河科技发布繁星计划"


# -- files that cannot be read --------------------------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n ", "\ufeff \n".encode("utf-8"), "\ufeff\n".encode("utf-16-le")])
def test_empty_document(tmp_path, content):
    assert load_error(write(tmp_path / "empty.txt", content)).problem == "empty document"


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(1, 8)) * 40])
def test_binary_file(tmp_path, content):
    assert load_error(write(tmp_path / "image.txt", content)).problem == "binary file, not text"


def test_undecodable_text(tmp_path):
    error = load_error(write(tmp_path / "latin.txt", "Café crème brûlée, naïve façade.", encoding="cp1252"))
    assert error.problem.startswith("cannot decode text: not UTF-8 or GB18030")


def test_file_too_large(tmp_path):
    error = load_error(write(tmp_path / "big.md", "长" * 100), max_bytes=50)
    assert error.problem == "file too large: 300 bytes, limit 50"


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path / "secret.txt", "内容")

    def refuse(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(decoding, "open", refuse, raising=False)  # runs as root too, unlike chmod
    assert load_error(path).problem == "cannot read file: permission denied"


def test_missing_path_and_unknown_type(tmp_path):
    missing = tmp_path / "nope.txt"
    unknown = write(tmp_path / "table.csv", "a,b\n")
    first, second = iter_documents([missing, unknown])
    assert (first.source, first.problem) == (str(missing), "no such file or directory")
    assert second.problem.startswith("unsupported file type '.csv'")


def test_a_failing_loader_never_aborts_the_run(tmp_path, monkeypatch):
    def explode(path, *, max_bytes):
        raise RuntimeError("bug in a plugin")

    monkeypatch.setitem(LOADERS, ".boom", explode)
    bad = write(tmp_path / "x.boom", "x")
    good = write(tmp_path / "y.txt", "正文")
    error, doc = iter_documents([bad, good])
    assert isinstance(error, LoadError) and "RuntimeError: bug in a plugin" in error.problem
    assert isinstance(doc, Document) and doc.text == "正文"


# -- folders, laziness, registry ------------------------------------------------------------------

def test_folder_walk_is_recursive_sorted_and_skips_hidden_and_unknown(tmp_path):
    root = tmp_path / "corpus"
    for name in ["b.txt", "a/z.md", "a/y/x.html", "c.jsonl", "notes.csv", ".hidden.txt", ".git/config.txt",
                 "a/.cache/q.txt"]:
        content = '{"text": "j"}\n' if name.endswith(".jsonl") else "<p>h</p>" if name.endswith(".html") else "t"
        write(root / name, content)
    ids = [item.id for item in iter_documents([str(root)], base=tmp_path)]
    assert ids == ["corpus/a/y/x.html", "corpus/a/z.md", "corpus/b.txt", "corpus/c.jsonl:1"]


def test_ids_do_not_depend_on_how_the_path_is_spelled(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "news" / "a.txt", "正文")
    assert [doc.id for doc in iter_documents(["news/"])] == ["news/a.txt"]
    assert [doc.id for doc in iter_documents(["./news/a.txt"])] == ["news/a.txt"]
    assert [doc.id for doc in iter_documents([tmp_path / "news" / "a.txt"])] == ["news/a.txt"]
    monkeypatch.chdir(tmp_path / "news")
    assert [doc.id for doc in iter_documents(["a.txt"], base=tmp_path)] == ["news/a.txt"]
    assert [doc.source for doc in iter_documents(["a.txt"], base=tmp_path)] == ["a.txt"]  # where it was read


def test_documents_are_read_lazily(tmp_path, monkeypatch):
    for name in ("a.txt", "b.txt", "c.txt"):
        write(tmp_path / name, name)
    reads = []
    real = loaders.read_bytes
    monkeypatch.setattr(loaders, "read_bytes", lambda path, limit: reads.append(path) or real(path, limit))
    stream = iter_documents([tmp_path])
    assert next(stream).text == "a.txt"
    assert reads == [str(tmp_path / "a.txt")]


def test_a_single_path_is_not_iterated_as_characters(tmp_path):
    path = write(tmp_path / "a.txt", "正文")
    assert [doc.text for doc in iter_documents(str(path))] == ["正文"]


def test_register_loader_by_function_and_by_name(tmp_path, request):
    snapshot = dict(LOADERS)
    request.addfinalizer(lambda: (LOADERS.clear(), LOADERS.update(snapshot)))

    def load_reversed(path, *, max_bytes):
        return document_from_text(open(path, encoding="utf-8").read()[::-1], id=path, source=path)

    register_loader("REV", load_reversed)
    register_loader(".txt2", "kgraph.loaders:load_text")
    assert {".rev", ".txt2"} <= set(SUPPORTED_EXTENSIONS)  # a live view of the registry
    docs = list(iter_documents([write(tmp_path / "a.rev", "cba"), write(tmp_path / "b.txt2", "正文")]))
    assert [doc.text for doc in docs] == ["abc", "正文"]
    assert LOADERS[".txt2"] is loaders.load_text  # resolved on first use
    with pytest.raises(TypeError):
        register_loader(".bad", "not a loader")


def test_builtin_extensions():
    assert set(SUPPORTED_EXTENSIONS) >= {".txt", ".text", ".html", ".htm", ".md", ".markdown", ".jsonl", ".ndjson"}


# -- stdin ----------------------------------------------------------------------------------------

def feed_stdin(monkeypatch, data: bytes, with_buffer: bool = True):
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8") if with_buffer else io.StringIO(data.decode())
    monkeypatch.setattr(sys, "stdin", stream)


@pytest.mark.parametrize("data, title, text", [
    ("---\ntitle: 标题\n---\n<p>正文</p>\n", "标题", "正文"),
    ("  <html><title>网页</title><p>网页正文</p>", "网页", "网页正文"),
    ("标题行\n正文。\n", "标题行", "标题行\n正文。\n"),
])
def test_stdin_formats_are_sniffed(monkeypatch, data, title, text):
    feed_stdin(monkeypatch, data.encode("utf-8"))
    (doc,) = iter_documents(["-"])
    assert (doc.id, doc.source, doc.title, doc.text) == ("<stdin>", "<stdin>", title, text)


def test_stdin_jsonl_and_text_stream(monkeypatch):
    feed_stdin(monkeypatch, b'{"text": "one"}\n{"id": "x", "text": "two"}\n', with_buffer=False)
    assert [(doc.id, doc.text) for doc in iter_documents(["-"])] == [("<stdin>:1", "one"), ("x", "two")]


def test_stdin_gbk_bytes(monkeypatch):
    feed_stdin(monkeypatch, CHINESE.encode("gbk"))
    (doc,) = iter_documents(["-"])
    assert doc.text == CHINESE


def test_stdin_jsonl_larger_than_max_bytes_streams(monkeypatch):
    records = [json.dumps({"text": f"第{i}篇"}, ensure_ascii=False) for i in range(20)]
    feed_stdin(monkeypatch, ("\n".join(records) + "\n").encode("utf-8"))
    docs = list(iter_documents(["-"], max_bytes=64))
    assert [doc.text for doc in docs] == [f"第{i}篇" for i in range(20)]


def test_stdin_text_larger_than_max_bytes(monkeypatch):
    feed_stdin(monkeypatch, "长".encode() * 40)
    (error,) = iter_documents(["-"], max_bytes=64)
    assert isinstance(error, LoadError) and error.problem.startswith("input too large")


# -- the text offsets refer to ---------------------------------------------------------------------

def test_document_text_is_exactly_the_reduced_text(tmp_path):
    """Offsets index Document.text: loaders must store what html_to_text/markdown_to_text return."""
    html_path = write(tmp_path / "p.html", PAGE)
    assert read_document(html_path).text == html_to_text(PAGE)[0]
    md_path = write(tmp_path / "a.md", ARTICLE_MD)
    body = ARTICLE_MD.split("---\n", 2)[2]
    assert read_document(md_path).text == markdown_to_text(body)[0]
    if SEED.exists():
        seed_body = SEED.read_text(encoding="utf-8").split("---\n", 2)[2]
        assert read_document(SEED).text == markdown_to_text(seed_body)[0]
    text, _ = html_to_text(PAGE)
    start = text.index("张三")
    assert text[start:start + 2] == "张三"


def test_html_to_text_is_stable_on_its_own_lines():
    text, _ = html_to_text(PAGE)
    assert html_to_text("".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n")))[0] == text


# -- helpers ---------------------------------------------------------------------------------------

def test_document_from_text():
    doc = document_from_text("标题\r\n正文。", id="t1", url="https://e.com", meta={"k": [1, 2]})
    assert (doc.id, doc.text, doc.title, doc.url, doc.meta) == ("t1", "标题\n正文。", "标题", "https://e.com",
                                                                (("k", (1, 2)),))
    assert document_from_text("正文", title="给定").title == "给定"
    with pytest.raises(LoadError, match="empty document"):
        document_from_text("  \n")
    with pytest.raises(TypeError):
        document_from_text("正文", headline="x")


@pytest.mark.parametrize("stated, iso", [
    ("2022-05-16 10:35:15 +0800", "2022-05-16T10:35:15+08:00"),
    ("2022-05-16", "2022-05-16"),
    ("2022/5/6", "2022-05-06"),
    ("2022年5月16日 10:35", "2022-05-16T10:35:00"),
    ("2022-05-16T02:35:15Z", "2022-05-16T02:35:15+00:00"),
    ("2022-05-16T10:35:15.250-05:00", "2022-05-16T10:35:15.250000-05:00"),
    ("2022-13-01", None),
    ("去年秋天", None),
])
def test_normalise_date(stated, iso):
    assert normalise_date(stated) == iso


@pytest.mark.parametrize("text, publisher", [
    ("正文。\n（文章来源：中国发展网）", "中国发展网"),
    ("正文。\n来源：新华社\n责任编辑：张三", "新华社"),
    ("来源：新华社\n第一段。\n第二段。\n第三段。", None),   # not among the last lines
    ("正文。\n数据来源：国家统计局", None),
    ("正文。\n来源：华西都市报 记者 张三", "华西都市报"),
    ("正文。\n来源：界面 作者：杨芮10月16日，支付宝推了一款全新健康保障服务，上线仅9天用户就突破了100万", None),  # glued
])
def test_closing_credit(text, publisher):
    assert closing_credit(text) == publisher


def test_jsonl_invalid_json_message_names_file_line_column_and_problem(tmp_path):
    bad = '{"id": "x", "text": "第一段\t第二段"}'  # a raw tab inside a string: JSON wants \t
    path = write(tmp_path / "corpus.jsonl", json.dumps({"text": "好的。"}, ensure_ascii=False) + "\n" + bad + "\n"
                 + '{"text": "未完\n')
    errors = [item for item in iter_documents([path]) if isinstance(item, LoadError)]
    assert [str(e) for e in errors] == [
        f"{path}:2: invalid JSON at column 25: control character U+0009 inside a string (write it escaped, as \\t)",
        f"{path}:3: invalid JSON at column 10: unterminated string",
    ]
