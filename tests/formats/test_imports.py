"""parse_import: choosing the reader, limits, and hostile files of every kind."""

from __future__ import annotations

import pytest

from graph.errors import DataError
from graph.formats import MAX_IMPORT_BYTES, parse_import, to_graphml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">
<node id="a"><data key="d0">&lol3;</data></node></graph></graphml>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE gexf [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2"><graph defaultedgetype="directed">
<nodes><node id="a" label="&secret;"/></nodes></graph></gexf>"""


@pytest.mark.parametrize("extension", [".csv", ".xlsx", ".graphml", ".gexf", ".json"])
def test_empty_file_of_each_kind_is_one_clear_error(extension):
    with pytest.raises(DataError, match="the file is empty"):
        parse_import(b"  \n", f"x{extension}")


@pytest.mark.parametrize("extension", [".xlsx", ".graphml", ".gexf", ".json"])
def test_binary_junk_of_each_kind_is_one_clear_error(extension):
    junk = bytes((index * 37 + 11) % 256 for index in range(4096))
    with pytest.raises(DataError) as caught:
        parse_import(junk, f"junk{extension}")
    assert caught.value.problems[0].file == f"junk{extension}"


def test_unknown_extension_lists_the_ones_it_takes():
    with pytest.raises(DataError, match=r"import one of \.csv, \.xlsx, \.graphml, \.gexf, \.json"):
        parse_import(b"x", "notes.txt")


def test_old_xls_extension_gets_a_hint():
    with pytest.raises(DataError, match=r"save it as \.xlsx"):
        parse_import(b"x", "old.xls")


def test_a_file_over_the_size_limit_is_refused_naming_the_limit():
    with pytest.raises(DataError, match="the file is 11 bytes; the import limit is 10"):
        parse_import(b"Label\nabcde", "x.csv", max_bytes=10)
    assert MAX_IMPORT_BYTES >= 1024 * 1024


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"Label,Refs\n" + b"".join(b"n%d,1\n" % i for i in range(4)), "x.csv"),
        (b'{"nodes": [{}, {}], "edges": [{}, {}]}', "x.json"),
    ],
)
def test_too_many_elements_is_refused_naming_the_limit(data, name):
    with pytest.raises(DataError, match="the import limit is 3"):
        parse_import(data, name, max_elements=3)


def test_too_many_elements_in_graphml_is_refused_before_networkx_reads_it(graph):
    with pytest.raises(DataError, match="the import limit is 5"):
        parse_import(to_graphml(graph), "g.graphml", max_elements=5)


def test_entity_expansion_is_refused():
    with pytest.raises(DataError, match="DOCTYPE or entities is not accepted"):
        parse_import(BILLION_LAUGHS, "lol.graphml")


def test_external_entities_are_refused():
    with pytest.raises(DataError, match="DOCTYPE or entities is not accepted"):
        parse_import(EXTERNAL_ENTITY, "secret.gexf")


def test_truncated_gexf_names_where_it_stops():
    with pytest.raises(DataError, match="not well-formed XML at line"):
        parse_import(b'<gexf xmlns="http://www.gexf.net/1.2draft"><graph><nodes><node id="a"', "cut.gexf")


def test_xml_networkx_cannot_make_sense_of_is_one_clear_error():
    data = (
        b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
        b'<edge source="a" target="b"><data key="undeclared">1</data></edge></graph></graphml>'
    )
    with pytest.raises(DataError, match="not a GraphML file that can be read: Bad GraphML data: no key undeclared"):
        parse_import(data, "odd.graphml")


def test_huge_number_in_graphml_is_one_clear_error():
    data = (
        b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        b'<key id="k" for="node" attr.name="count" attr.type="long"/>'
        b'<graph edgedefault="directed"><node id="a"><data key="k">' + b"9" * 5000 + b"</data></node></graph></graphml>"
    )
    with pytest.raises(DataError, match="not a GraphML file that can be read"):
        parse_import(data, "big.graphml")


def test_infinite_number_in_graphml_is_a_located_problem():
    data = (
        b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        b'<key id="k" for="node" attr.name="score" attr.type="double"/>'
        b'<graph edgedefault="directed"><node id="a"><data key="k">1e999</data></node></graph></graphml>'
    )
    batch = parse_import(data, "inf.graphml")
    assert [(p.element, p.field) for p in batch.problems] == [("node 'a'", "score")]
