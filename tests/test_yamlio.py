"""YAML through libyaml: the same data as PyYAML's Python loader, the same errors."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from govinspect.yamlio import SafeLoader, safe_load


def _packaged() -> list[str]:
    root = resources.files("govinspect.data")
    out = []
    stack = [root]
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                stack.append(entry)
            elif entry.name.endswith(".yaml"):
                out.append(entry.read_text(encoding="utf-8"))
    return out


def test_libyaml_is_used_where_pyyaml_has_it():
    assert SafeLoader is (yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)


def test_every_packaged_file_reads_the_same_as_with_the_python_loader():
    texts = _packaged()
    assert len(texts) >= 8  # rules, columns, the word lists, the hijack keywords
    for text in texts:
        assert safe_load(text) == yaml.safe_load(text)


def test_chinese_scalars_dates_and_flow_style_read_alike():
    text = "名称: 淮南市人民政府\n日期: 2019-10-08\n词: [网站, 政务公开]\n是否: yes\n数: 0x1F\n"
    assert safe_load(text) == yaml.safe_load(text)


def test_bad_yaml_raises_a_yaml_error_and_no_tag_builds_objects():
    with pytest.raises(yaml.YAMLError):
        safe_load("a: [1, 2\nb: 3\n")
    with pytest.raises(yaml.YAMLError):
        safe_load("!!python/object/apply:os.system ['true']\n")
