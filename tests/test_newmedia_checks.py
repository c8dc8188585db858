"""Account checks on hand-built posts and messages: each finding, its thresholds, clean controls."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from govinspect.newmedia import checks
from govinspect.newmedia.files import MessagesResult
from govinspect.newmedia.sources import Post, SourceResult
from govinspect.newmedia.summary import summary
from govinspect.registry import AccountEntry, MessageRecord, SourceSpec, load_messages
from govinspect.rules import NewMediaRules, UnansweredRules, load_rules

AS_OF = date(2019, 10, 20)  # a Sunday
RULES = load_rules().newmedia
FIXTURES = Path(__file__).parent / "fixtures" / "newmedia"


def posts(*days_ago: int) -> SourceResult:
    return SourceResult([Post(datetime.combine(AS_OF - timedelta(days=d), datetime.min.time()) +
                              timedelta(hours=9), f"第{n}条") for n, d in enumerate(days_ago)])


def codes(findings) -> dict[str, str]:
    return {f.code: f.severity for f in findings}


def message(mid: str, received: datetime, reply: str = "", reply_time: datetime | None = None) -> MessageRecord:
    return MessageRecord(id=mid, received=received, content="请问如何办理？", reply=reply, reply_time=reply_time)


def at(days_ago: int, hour: int = 10, second: int = 0) -> datetime:
    return datetime.combine(AS_OF - timedelta(days=days_ago), datetime.min.time()).replace(hour=hour, second=second)


# --- posts: stale, dormant, low frequency

def test_an_active_account_is_clean():
    assert checks.post_findings(posts(0, 3, 6, 9, 12, 20), AS_OF, RULES) == []


def test_stale_after_fourteen_days_is_a_veto():
    found = checks.post_findings(posts(20, 25, 40), AS_OF, RULES)
    assert codes(found) == {"newmedia.stale": "veto"}
    assert found[0].evidence == {"last_post": date(2019, 9, 30), "days": 20, "threshold": 14}
    assert found[0].to_dict()["evidence"]["last_post"] == "2019-09-30"
    assert found[0].url is None


def test_fourteen_days_is_not_yet_stale():
    assert "newmedia.stale" not in codes(checks.post_findings(posts(14, 15, 16, 17), AS_OF, RULES))


def test_posts_after_the_inspection_date_do_not_count():
    found = checks.post_findings(posts(-3, 20), AS_OF, RULES)
    assert found[0].evidence["last_post"] == date(2019, 9, 30)


def test_no_posts_ever_is_stale_with_no_last_post():
    found = checks.post_findings(SourceResult(), AS_OF, RULES)
    assert codes(found) == {"newmedia.stale": "veto", "newmedia.dormant": "notice"}
    assert found[0].evidence["last_post"] is None and found[0].evidence["days"] is None


def test_dormant_after_ninety_days():
    found = checks.post_findings(posts(120, 150), AS_OF, RULES)
    assert codes(found) == {"newmedia.stale": "veto", "newmedia.dormant": "notice"}
    assert found[1].evidence["days"] == 120


def test_low_frequency_is_a_deduction():
    found = checks.post_findings(posts(6, 19, 45), AS_OF, RULES)
    assert codes(found) == {"newmedia.low_frequency": "deduct"}
    assert found[0].evidence["posts"] == 2 and found[0].evidence["min_posts"] == 4


def test_low_frequency_follows_the_rules():
    rules = NewMediaRules(frequency={"window_days": 30, "min_posts": 2})
    assert checks.post_findings(posts(6, 19, 45), AS_OF, rules) == []


def test_a_stale_account_is_not_also_low_frequency():
    assert "newmedia.low_frequency" not in codes(checks.post_findings(posts(20), AS_OF, RULES))


def test_a_source_error_is_a_notice_not_a_veto():
    found = checks.post_findings(SourceResult(error="订阅源不是有效的 XML"), AS_OF, RULES)
    assert codes(found) == {"newmedia.stale": "notice"}
    assert found[0].evidence["error"] == "订阅源不是有效的 XML"


def test_a_feed_whose_dates_are_all_unreadable_is_a_notice():
    found = checks.post_findings(SourceResult(skipped=4), AS_OF, RULES)
    assert codes(found) == {"newmedia.stale": "notice"}
    assert "4 条" in found[0].evidence["error"]


def test_closed_accounts():
    entry = AccountEntry(name="x", platform="douyin", source=SourceSpec("rss", url="http://x/"),
                         status="closed", closed_on=date(2019, 9, 1))
    assert checks.is_closed(entry, AS_OF)
    assert not checks.is_closed(entry, date(2019, 8, 1))  # closed later than the inspection date


# --- messages: unanswered

def test_messages_answered_in_time_are_clean():
    msgs = [message("1", at(10), "已处理", at(9)), message("2", at(2))]  # the second is not yet late
    assert checks.message_findings(MessagesResult(msgs), AS_OF, RULES) == []


def test_unanswered_past_the_reply_period():
    msgs = [message("1", at(6)), message("2", at(20, 14)), message("3", at(3)), message("4", at(9), "好的", at(8))]
    found = checks.message_findings(MessagesResult(msgs), AS_OF, RULES)
    assert codes(found) == {"newmedia.unanswered": "deduct"}
    assert found[0].evidence == {"received": "2019-09-30 14:00:00", "days": 20, "count": 2, "threshold": 5,
                                 "ids": ["2", "1"]}


def test_an_answer_dated_after_the_inspection_date_did_not_exist_yet():
    msgs = [message("1", at(10), "已处理", at(-2))]
    assert codes(checks.message_findings(MessagesResult(msgs), AS_OF, RULES)) == {"newmedia.unanswered": "deduct"}


def test_unanswered_for_three_months_is_a_veto():
    found = checks.message_findings(MessagesResult([message("1", at(100))]), AS_OF, RULES)
    assert codes(found) == {"newmedia.unanswered": "veto"}


def test_messages_older_than_the_lookback_are_ignored():
    assert checks.message_findings(MessagesResult([message("1", at(400))]), AS_OF, RULES) == []


def test_working_days():
    rule = UnansweredRules(reply_days=5, working_days=True, veto_days=None)
    # Received Friday 11 October: Mon 14 - Fri 18 are five working days, not more.
    assert checks.waiting_days(date(2019, 10, 11), AS_OF, True) == 5
    assert checks.unanswered([message("1", datetime(2019, 10, 11, 9))], AS_OF, rule) is None
    assert checks.unanswered([message("1", datetime(2019, 10, 10, 9))], AS_OF, rule) is not None


def test_an_unreadable_messages_file_is_a_notice():
    found = checks.message_findings(MessagesResult(error="互动留言文件有 2 处错误", problems=["a", "b"]), AS_OF, RULES)
    assert codes(found) == {"newmedia.unanswered": "notice"}
    assert found[0].evidence["problems"] == ["a", "b"]


def test_no_messages_file_no_findings():
    assert checks.message_findings(None, AS_OF, RULES) == []


# --- messages: auto-replies

def test_auto_replies_from_a_platform_export():
    msgs = load_messages(FIXTURES / "messages_auto.json")
    found = checks.message_findings(MessagesResult(msgs), AS_OF, RULES)
    assert codes(found) == {"newmedia.auto_reply": "deduct"}
    e = found[0].evidence
    assert e["ratio"] == 0.8 and e["count"] == 4 and e["answered"] == 5
    assert e["sample"] == "您好！您的留言已收到，我们将尽快处理，感谢您的关注！"


def test_human_answers_are_not_auto_replies():
    msgs = [message(str(n), at(n + 2, 9), f"您好，关于第{n}个问题，已转交{unit}办理。", at(n + 2, 9, 30))
            for n, unit in enumerate(["城管局", "教育局", "人社局", "医保局", "住建局"])]
    # Answered within seconds but each one different.
    assert all(abs(m.reply_time - m.received).seconds <= 60 for m in msgs)
    assert checks.message_findings(MessagesResult(msgs), AS_OF, RULES) == []


def test_the_same_text_answered_days_later_is_not_an_auto_reply():
    msgs = [message(str(n), at(n + 2), "已收悉，正在办理。", at(n + 1)) for n in range(5)]
    assert checks.auto_reply(msgs, AS_OF, RULES.auto_reply) is None


def test_auto_replies_below_the_ratio_are_not_reported():
    auto = [message(f"a{n}", at(n + 2, 9), "留言已收到", at(n + 2, 9, 5)) for n in range(3)]
    human = [message(f"h{n}", at(n + 2), f"人工答复{n}号问题的具体办理情况", at(n + 1)) for n in range(3)]
    assert checks.auto_reply(auto + human, AS_OF, RULES.auto_reply) is None


def test_too_few_auto_replies_are_not_reported():
    auto = [message(f"a{n}", at(n + 2, 9), "留言已收到", at(n + 2, 9, 5)) for n in range(2)]
    assert checks.auto_reply(auto, AS_OF, RULES.auto_reply) is None


def test_date_only_exports_say_nothing_about_seconds():
    day = [message(str(n), datetime(2019, 10, 10 + n), "已收到", datetime(2019, 10, 10 + n)) for n in range(5)]
    assert checks.auto_reply(day, AS_OF, RULES.auto_reply) is None


def test_reply_normalisation():
    assert checks.normalise_reply("您好！您的留言 已收到。Thanks") == checks.normalise_reply("您好!您的留言已收到,thanks")


# --- duplicates

def entry(name: str, unit: str | None, platform: str, **kw) -> AccountEntry:
    return AccountEntry(name=name, platform=platform, unit=unit, source=SourceSpec("rss", url="http://x/"), **kw)


def test_duplicate_accounts_of_one_unit_on_one_platform():
    accounts = [
        entry("淮南教育发布", "淮南市教育局", "wechat"), entry("淮南教育", "淮南市教育局", "wechat"),
        entry("淮南教育", "淮南市教育局", "weibo"),  # same name, other platform: not a duplicate
        entry("淮南教育抖音", "淮南市教育局", "douyin"),
        entry("旧号", "淮南市教育局", "wechat", status="closed", closed_on=date(2019, 1, 1)),
        entry("快手号", "淮南市教育局", "other"), entry("视频号", "淮南市教育局", "other"),
        entry("无单位一", None, "weibo"), entry("无单位二", None, "weibo"),
    ]
    found = checks.duplicate_findings(accounts, AS_OF, RULES)
    assert set(found) == {("wechat", "淮南教育发布"), ("wechat", "淮南教育")}
    f = found[("wechat", "淮南教育")][0]
    assert (f.code, f.severity) == ("newmedia.duplicate", "notice")
    assert f.evidence == {"unit": "淮南市教育局", "platform": "wechat", "others": ["淮南教育发布"]}


# --- summary for 附件2

def test_summary_texts():
    assert summary([], RULES) == "正常"
    stale = checks.post_findings(posts(20), AS_OF, RULES)
    late = checks.message_findings(MessagesResult([message(str(n), at(8 + n)) for n in range(3)]), AS_OF, RULES)
    assert summary(stale + late, RULES) == "超过2周未更新；3条留言未回复"
    dormant = checks.post_findings(posts(120), AS_OF, RULES)
    assert summary(dormant, RULES) == "120天未更新，应整改或关停"
    assert summary(checks.post_findings(SourceResult(), AS_OF, RULES), RULES) == "无发布记录"
    assert summary(checks.post_findings(SourceResult(error="x"), AS_OF, RULES), RULES) == "未能读取发布信息"
