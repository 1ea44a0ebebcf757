"""The README stays true: its vocabulary tables are the models', its commands are CI's."""

import re

from graph.schema import vocabulary_markdown
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_vocabulary_is_generated_from_the_models():
    block = re.search(r"<!-- vocabulary:start -->\n(.*?)<!-- vocabulary:end -->", README, re.S)
    assert block, "the README lost its vocabulary markers"
    assert block.group(1) == vocabulary_markdown(), "README vocabulary is stale: paste `python -m graph vocabulary`"


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```bash\n# 2\..*?\n(.*?)\n```", README, re.S)
    assert commands, "the README's second command is missing"
    assert commands[0] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
