"""The lexicon files, the Aho-Corasick matcher and the spam normalisation with its index map."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govinspect.checks.lexicon import (
    HIJACK,
    WORDING,
    Entry,
    Lexicon,
    SpamRule,
    _symbols,
    context,
    data_file,
    find_spam,
    normalize_for_spam,
    original_span,
    parse_entries,
)

from .test_checks_wording import CLEAN

KINDS = {"typo", "political", "outdated_name", "leader"}


def lex(*words: str, guards: tuple[str, ...] = ()) -> Lexicon:
    return Lexicon([Entry(w, "typo", w + "!", guards=tuple(g for g in guards if w in g)) for w in words])


def spans(lexicon: Lexicon, text: str) -> list[tuple[str, int, int]]:
    return [(m.word, m.start, m.end) for m in lexicon.find(text)]


# --- the data files


@pytest.mark.parametrize("name", [*WORDING, HIJACK])
def test_every_file_is_versioned_and_every_entry_sourced(name):
    data = data_file(name)
    assert data["version"] and isinstance(data["date"], date)
    entries = parse_entries(data, name)
    assert entries and all(e.source for e in entries)
    for raw in data["entries"]:
        assert raw["source"] in data["sources"]
        for guard in raw.get("guards", []):
            assert raw["word"] in guard, f"guard {guard} does not contain {raw['word']}"


@pytest.mark.parametrize("name", WORDING)
def test_wording_entries_carry_kind_and_suggestion(name):
    for raw in data_file(name)["entries"]:
        assert raw["kind"] in KINDS and raw["kind"] == data_file(name)["kind"]
        assert raw["suggestion"] and raw["suggestion"] != raw["word"]
        assert raw.get("severity") in (None, "veto", "deduct")


def test_wording_files_do_not_repeat_a_word():
    words = Counter(e.word for n in WORDING for e in parse_entries(data_file(n), n))
    assert [w for w, c in words.items() if c > 1] == []


def test_lexicon_sizes_per_kind():
    counts = Lexicon.load(WORDING).counts()
    assert counts["typo"] >= 300 and counts["political"] >= 40
    assert counts["outdated_name"] >= 80 and counts["leader"] >= 15


def test_outdated_names_and_history_opt_ins_are_dated():
    for name in WORDING:
        for e in parse_entries(data_file(name), name):
            dated = e.kind == "outdated_name" or "history" in e.context
            assert (e.since is not None) == dated, e.word


def test_unknown_source_is_rejected():
    with pytest.raises(ValueError, match="unknown source"):
        parse_entries({"sources": {"a": "x"}, "entries": [{"word": "甲乙", "source": "b"}]})


def test_load_is_cached_per_set_of_names():
    assert Lexicon.load(WORDING) is Lexicon.load(list(WORDING))
    assert Lexicon.load(WORDING) is not Lexicon.load((HIJACK,))


# --- matching


def test_finds_words_with_their_spans_and_entries():
    text = "县政府要按排好工作，再接再励，中华人民共合国。"
    found = {m.word: m for m in Lexicon.load(WORDING).find(text)}
    assert set(found) == {"按排", "再接再励", "中华人民共合国"}
    m = found["再接再励"]
    assert text[m.start : m.end] == "再接再励" and m.entry.suggestion == "再接再厉"
    assert found["中华人民共合国"].entry.severity == "veto"


def test_longest_match_wins_and_matches_do_not_overlap():
    lexicon = lex("共合国", "人民共合国", "合国家", "国家")
    assert spans(lexicon, "人民共合国家") == [("人民共合国", 0, 5)]
    assert spans(lexicon, "共合国家的国家") == [("共合国", 0, 3), ("国家", 5, 7)]


def test_a_guard_hides_only_its_own_word():
    lexicon = Lexicon([Entry("按排", "typo", guards=("按排名",)), Entry("排名", "typo")])
    assert spans(lexicon, "按排名") == [("排名", 1, 3)]
    assert spans(lexicon, "按排 按排名") == [("按排", 0, 2), ("排名", 4, 6)]


def test_the_wording_guards_hide_correct_words():
    lexicon = Lexicon.load(WORDING)
    assert spans(lexicon, "考核结果按排名先后公示，预防犯罪，严防犯人脱逃") == []
    assert spans(lexicon, "按排专人负责") == [("按排", 0, 2)]
    assert spans(lexicon, "各级农业部门") == [] and spans(lexicon, "原农业部") == [("农业部", 1, 4)]


def test_guard_starting_before_the_word_also_hides_it():
    lexicon = lex("部暑", guards=("全部暑",))
    assert spans(lexicon, "全部暑期安排") == []
    assert spans(lexicon, "工作部暑") == [("部暑", 2, 4)]


def _with_symbols(wanted, skip=""):
    """A CJK character whose two-symbol code matches ``wanted`` (None: any symbol)."""
    for cp in range(0x4E00, 0xA000):
        code = _symbols(chr(cp))
        if chr(cp) not in skip and all(w is None or w == c for w, c in zip(wanted, code, strict=True)):
            return chr(cp)
    raise AssertionError(wanted)


def test_code_collisions_are_not_matches():
    lexicon = lex("按排")
    twins = "".join(_with_symbols(_symbols(ch), skip=ch) for ch in "按排")
    assert _symbols(twins) == _symbols("按排") and twins != "按排"
    assert spans(lexicon, twins * 3) == []
    assert spans(lexicon, twins + "按排") == [("按排", 2, 4)]


def test_codes_matching_across_character_boundaries_are_not_matches():
    lexicon = lex("按排")
    a1, a2, b1, b2 = _symbols("按排")
    shifted = _with_symbols((None, a1)) + _with_symbols((a2, b1)) + _with_symbols((b2, None))
    assert _symbols("按排") in _symbols(shifted)
    assert spans(lexicon, shifted) == []


def test_positions_hold_after_astral_characters_and_lone_surrogates():
    lexicon = lex("按排")
    assert spans(lexicon, "😀𠀀按排") == [("按排", 2, 4)]
    assert spans(lexicon, "\ud800按排") == [("按排", 1, 3)]


def test_latin_words_must_be_whole_tokens():
    lexicon = Lexicon([Entry("bjl", "gambling"), Entry("bet365", "gambling")])
    assert spans(lexicon, "bjl 与 bet365") == [("bjl", 0, 3), ("bet365", 6, 12)]
    assert spans(lexicon, "abjl bet3650 bjlx") == []
    assert spans(lexicon, "百家乐bjl官网") == [("bjl", 3, 6)]


def test_empty_text_and_empty_lexicon():
    assert list(Lexicon.load(WORDING).find("")) == []
    assert list(Lexicon([]).find("按排")) == []


def test_context_snippet_marks_cuts():
    text = "一二三四五六七八九十按排一二三四五六七八九十"
    assert context(text, 10, 12, width=3) == "…八九十按排一二三…"
    assert context("按排好", 0, 2) == "按排好"


@pytest.mark.parametrize("name", sorted(set(CLEAN) - {"reform"}))
def test_clean_government_text_has_no_wording_match(name):
    assert spans(Lexicon.load(WORDING), CLEAN[name]) == []


def test_reform_text_matches_only_former_names_the_check_excuses():
    text = CLEAN["reform"]
    found = list(Lexicon.load(WORDING).find(text))
    assert len(found) == 4
    assert all(m.entry.kind == "outdated_name" and text[m.start - 2 : m.start] == "原县" for m in found)


# --- normalisation for spam


def test_normalisation_folds_width_case_homoglyphs_and_traditional():
    normalized, index = normalize_for_spam("ＢＥＴ３６５ Bеt 澳門娛樂")  # Cyrillic е
    assert normalized == "bet365 bet 澳门娱乐"
    assert isinstance(index, range) and len(index) == len(normalized) + 1


def test_separators_between_cjk_are_dropped_and_positions_map_back():
    text = "首页 澳 门*葡·京 官网 a b c，百家乐"
    normalized, index = normalize_for_spam(text)
    assert normalized == "首页澳门葡京官网 a b c，百家乐"  # full-width punctuation stays
    start = normalized.index("澳门葡京")
    a, b = original_span(index, start, start + 4)
    assert text[a:b] == "澳 门*葡·京"
    assert text[index[normalized.index("百")]] == "百"


def test_long_runs_and_chinese_punctuation_are_kept():
    assert normalize_for_spam("澳门    博彩")[0] == "澳门    博彩"
    assert normalize_for_spam("澳门。博彩")[0] == "澳门。博彩"


def test_invisible_characters_are_dropped_anywhere():
    text = "b\u200bj\u200dl 时\ufeff时彩"
    normalized, index = normalize_for_spam(text)
    assert normalized == "bjl 时时彩"
    assert original_span(index, 0, 3) == (0, 5)


@given(st.text(alphabet="澳门博彩ab ＡＢ*·\u200b。", max_size=40))
def test_index_map_points_at_the_source_of_every_character(text):
    normalized, index = normalize_for_spam(text)
    assert len(index) == len(normalized) + 1 and index[-1] == len(text)
    assert list(index) == sorted(set(index))
    for i, ch in enumerate(normalized):
        assert normalize_for_spam(text[index[i]])[0] == ch


# --- the spam rule (used by the hijack check)

SPAM = "澳门葡京 百家乐 真人视讯 开户送彩金 ＢＥＴ３６５ 时时彩 北京赛车pk10 高清无码"


def test_planted_spam_block_fires():
    found = find_spam("关于做好防汛工作的通知。" + SPAM)
    words = {m.entry.word for m in found}
    assert {"澳门葡京", "百家乐", "真人视讯", "开户送彩金", "bet365", "北京赛车pk10"} <= words
    assert SpamRule.load().fires(found)
    assert all(m.word for m in found)


def test_disguised_spam_fires():
    found = find_spam("澳 门 葡 京｜百*家*乐｜開戶送彩金")
    assert {m.entry.word for m in found} == {"澳门葡京", "百家乐", "开户送彩金"}
    assert SpamRule.load().fires(found)


def test_enforcement_and_warning_text_does_not_fire():
    text = (
        "县公安局近日开展专项整治行动，严厉打击六合彩、百家乐、老虎机等赌博违法犯罪活动，"
        "查获老虎机8台。警方提醒：警惕裸聊敲诈、刷单返利等新型网络诈骗，远离网络赌博。"
        "对“开户送彩金”等网络赌博广告，请及时向公安机关举报。"
    )
    found = find_spam(text)
    assert found == [] and not SpamRule.load().fires(found)


def test_neutral_words_and_single_terms_do_not_fire():
    text = "老年活动中心设有棋牌室、阅览室。金沙江沿岸的金沙县太阳城小区。澳门博彩业收入同比增长。"
    assert find_spam(text) == []
    one = find_spam("本站提供北京赛车开奖直播")
    assert [m.entry.word for m in one] == ["北京赛车"] and not SpamRule.load().fires(one)
    assert SpamRule.load().fires(one, in_link_text=True)


def test_counter_words_do_not_reach_across_sentences():
    found = find_spam("依法打击违法犯罪。澳门葡京娱乐城 百家乐")
    assert {m.entry.word for m in found} == {"澳门葡京", "娱乐城", "百家乐"}


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_government_text_does_not_fire_spam(name):
    assert not SpamRule.load().fires(find_spam(CLEAN[name]))
