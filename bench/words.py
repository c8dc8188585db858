#!/usr/bin/env python3
"""Wording matcher benchmark: throughput of the lexicon matcher against naive matching.

    python bench/words.py [--mb 20] [--seed 2019] [--naive-mb 20] [--results bench/RESULTS.md]

It generates about ``--mb`` MB (UTF-8) of government-style Chinese text as pages of 2-12 KB,
with known wrong forms planted in it (about one per 40 KB), then times on one core:

  * ``Lexicon.find`` with the full wording lexicons (typo, political, outdated_name, leader:
    entries, variants and guards), the matcher the wording check uses;
  * naive loop: ``str.find`` for every entry word, all occurrences, guards checked at hits;
  * naive regex: one alternation of the entry words, longest first (leftmost-longest, like ours);
  * for reference: pyahocorasick on the raw string (no two-symbol code), and the spam path
    (``normalize_for_spam`` then the hijack lexicon).

It checks that the matcher finds every planted word and agrees exactly with both naive matchers,
prints a table and, with ``--results``, rewrites only the section headed
``## Wording matcher (bench/words.py)`` of that file (created when absent).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import re
import sys
import time
from collections.abc import Callable
from datetime import datetime
from importlib import metadata
from pathlib import Path

import ahocorasick

from govinspect.checks.lexicon import HIJACK, WORDING, Lexicon, _symbols, normalize_for_spam

HEADING = "## Wording matcher (bench/words.py)"

PLACES = ["青山县", "临河区", "东城街道", "白水镇", "南岭乡", "河西村", "新华社区", "城关镇", "北湖区", "石门县"]
UNITS = ["县自然资源局", "县生态环境局", "县农业农村局", "县卫生健康局", "县应急管理局", "县市场监督管理局",
         "县教育局", "县民政局", "县人力资源和社会保障局", "县住房和城乡建设局", "县交通运输局", "县水利局",
         "县文化和旅游局", "县司法局", "县财政局", "县审计局", "县统计局", "县医疗保障局", "县退役军人事务局"]
SENTENCES = [
    "{p}召开{m}，传达学习党的二十大精神和习近平总书记重要讲话精神，研究部署下一阶段重点工作。",
    "会议强调，要坚持以人民为中心的发展思想，统筹推进稳增长、促改革、调结构、惠民生、防风险各项工作。",
    "{u}深入{p}开展专题调研，详细了解基层在推进乡村振兴中遇到的困难和问题，现场协调解决{n}个具体问题。",
    "今年以来，{p}累计完成固定资产投资{n}亿元，同比增长{r}%，规模以上工业增加值增长{r}%。",
    "{u}按照县委、县政府的统一安排部署，组织开展安全生产大检查，共排查一般隐患{n}处，已全部整改到位。",
    "各乡镇、各部门要切实提高政治站位，压紧压实工作责任，确保各项目标任务按期完成。",
    "{d}，{u}组织召开全系统党风廉政建设工作会议，总结去年工作，安排部署今年任务。",
    "县纪委监委坚持严的主基调不动摇，持续纠治“四风”，全年查处违反中央八项规定精神问题{n}起。",
    "农业部门要加强技术指导服务，抓好春耕备耕生产，确保全年粮食播种面积稳定在{n}万亩以上。",
    "评选结果按排名先后在县政府门户网站公示，公示期为{n}个工作日，公示期间如有异议可向县委组织部反映。",
    "县公安局持续加大打击整治力度，积极预防犯罪，全年破获刑事案件{n}起，抓获犯罪嫌疑人{n}名。",
    "{p}以创建全国文明城市为契机，扎实推进城乡环境综合整治，农村人居环境持续改善。",
    "全县城镇新增就业{n}人，城镇登记失业率控制在{r}%以内，城乡居民基本养老保险参保率保持在95%以上。",
    "{u}深化“放管服”改革，企业开办时间压缩至1个工作日以内，“一网通办”事项比例达到{r}%。",
    "县防汛抗旱指挥部办公室要求各地严格落实24小时值班制度，做好防汛物资储备和应急队伍准备。",
    "要严禁露天焚烧秸秆，大力推进秸秆综合利用，推动秸秆肥料化、饲料化、能源化利用。",
    "{p}共有低保对象{n}户，全年发放城乡低保金{n}万元，特困人员救助供养金{n}万元。",
    "学校要加强学生防溺水安全教育，落实家校共管责任，严防溺水事故发生。",
    "{u}开展“双随机、一公开”监管，抽查市场主体{n}户，依法查处违法违规行为{n}起。",
    "县财政局下达资金{n}万元，用于支持{p}农村公路提档升级和农村饮水安全巩固提升工程。",
    "会议要求，要强化底线思维，有效防范化解重大风险，坚决守住不发生规模性返贫的底线。",
    "全县空气质量优良天数比例达到{r}%，细颗粒物平均浓度同比下降{r}%，县级集中式饮用水水源地水质达标率保持100%。",
    "各级党组织要教育引导党员干部严格守法、廉洁奉公，以钉钉子精神抓好各项工作落实。",
    "{d}，{p}召开党委理论学习中心组学习会议，围绕学习贯彻习近平新时代中国特色社会主义思想开展交流研讨。",
    "香港、澳门回归祖国以来，“一国两制”实践取得举世公认的成功，内地与香港的经贸往来日益密切。",
    "我们坚持一个中国原则，推动两岸关系和平发展，欢迎台湾同胞来我县投资兴业。",
    "县卫生健康局组织开展家庭医生签约服务，重点人群签约率达到{r}%，基层诊疗量占比稳步提升。",
    "县医疗保障局持续开展打击欺诈骗取医保基金专项行动，追回医保基金{n}万元。",
    "{u}主要负责同志带队赴{p}督导检查，要求对发现的问题建立台账、限期整改、逐项销号。",
    "县市场监督管理局开展食品安全专项检查，出动执法人员{n}人次，检查经营主体{n}家。",
    "本次招聘共设岗位{n}个，报名时间为{d}至{d}，报名人员须如实填写信息，对提供虚假证明材料的取消资格。",
    "通知公告：为进一步规范政府信息公开工作，现将有关事项通知如下，请各单位认真贯彻执行。",
    "县应急管理局联合县消防救援大队开展消防安全检查，督促整改火灾隐患{n}处。",
    "县文化和旅游局举办“我们的节日·春节”系列活动，开展送文化下乡演出{n}场。",
    "全县义务教育巩固率达到{r}%，新建改扩建中小学校舍{n}平方米，教育教学质量稳步提升。",
    "县交通运输局加快推进国省干线公路建设，全年完成交通投资{n}亿元。",
    "一贯切实抓好粮食生产，巩固拓展脱贫攻坚成果同乡村振兴有效衔接。",
    "县委全面深化改革委员会第{n}次会议审议通过了《关于深化基层政务公开标准化规范化工作的实施方案》。",
    "对工作推进不力、造成严重后果的，将依纪依法严肃追究相关单位和人员的责任。",
    "下一步，我们将再接再厉，锐意进取，奋力谱写高质量发展新篇章。",
]


def make_corpus(mb: float, seed: int, planted_words: list[str]) -> tuple[list[str], list[tuple[int, int, str]]]:
    """Pages of government-style text and the planted wrong forms as (page, start, word)."""
    rnd = random.Random(seed)
    target = int(mb * 1_000_000)
    pages: list[str] = []
    planted: list[tuple[int, int, str]] = []
    size = 0
    since_plant = 0
    while size < target:
        page_target = rnd.randint(2_000, 12_000)
        parts: list[str] = []
        length = 0
        nbytes = 0
        while nbytes < page_target:
            s = rnd.choice(SENTENCES).format(
                p=rnd.choice(PLACES), u=rnd.choice(UNITS), m=rnd.choice(["常务会议", "专题会议", "工作推进会"]),
                n=rnd.randint(2, 9999), r=f"{rnd.uniform(1, 99):.1f}", d=f"{rnd.randint(1, 12)}月{rnd.randint(1, 28)}日",
            )
            since_plant += len(s.encode())
            if since_plant >= 40_000:
                since_plant = 0
                word = rnd.choice(planted_words)
                cut = rnd.randint(1, len(s) - 2)
                while s[cut - 1] in "，。；" or s[cut] in "，。；":
                    cut = rnd.randint(1, len(s) - 2)
                s = f"{s[:cut]}（{word}）{s[cut:]}"
                planted.append((len(pages), length + cut + 1, word))
            parts.append(s)
            length += len(s)
            nbytes += len(s.encode())
        pages.append("".join(parts))
        size += nbytes
    return pages, planted


def timed(fn: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """Best CPU time of ``repeat`` runs (this process, one core) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.process_time()
        result = fn()
        best = min(best, time.process_time() - t0)
    return best, result


def words_of(lexicon: Lexicon) -> list[str]:
    """Every word the matcher knows: entries, variants and their guard words."""
    guards = {g for e in lexicon.entries for g in e.guards}
    return [e.word for e in lexicon.entries] + sorted(guards - {e.word for e in lexicon.entries})


def machine() -> str:
    """CPU model, CPU count, OS, Python and pyahocorasick versions."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, pyahocorasick {metadata.version('pyahocorasick')}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=20.0, help="corpus size in MB of UTF-8 text (default 20)")
    ap.add_argument("--naive-mb", type=float, default=None, help="run the naive baselines on the first N MB only")
    ap.add_argument("--seed", type=int, default=2019)
    ap.add_argument("--repeat", type=int, default=3, help="runs of the fast matchers; the best counts")
    ap.add_argument("--results", type=Path, help="write the section of this markdown file")
    args = ap.parse_args(argv)

    lexicon = Lexicon.load(WORDING)
    words = words_of(lexicon)
    wrong = [e.word for e in lexicon.entries]
    pages, planted = make_corpus(args.mb, args.seed, wrong)
    total = sum(len(p.encode()) for p in pages) / 1e6
    chars = sum(len(p) for p in pages)
    print(f"corpus: {len(pages)} pages, {total:.1f} MB UTF-8, {chars / 1e6:.2f} M chars, {len(planted)} planted", file=sys.stderr)

    def ours() -> list[list[tuple[int, int, str]]]:
        return [[(m.start, m.end, m.word) for m in lexicon.find(p)] for p in pages]

    t_ours, found = timed(ours, args.repeat)
    missing = [(i, s, w) for i, s, w in planted if (s, s + len(w), w) not in set(found[i])]  # type: ignore[index]
    assert not missing, f"planted words not found: {missing[:5]}"

    naive_pages = pages
    if args.naive_mb:
        naive_pages, acc = [], 0.0
        for p in pages:
            if acc >= args.naive_mb:
                break
            naive_pages.append(p)
            acc += len(p.encode()) / 1e6
    naive_mb = sum(len(p.encode()) for p in naive_pages) / 1e6

    # Both naive matchers give the same answer as the matcher: every entry word, then the
    # entry's guards checked around each hit, leftmost-longest without overlaps.
    shields = {e.word: [(g, k) for g in e.guards for k in range(len(g)) if g.startswith(e.word, k)] for e in lexicon.entries}

    def guarded(p: str, start: int, word: str) -> bool:
        return any(k <= start and p.startswith(g, start - k) for g, k in shields[word])

    def naive_find() -> list[list[tuple[int, int, str]]]:
        out = []
        for p in naive_pages:
            hits = []
            for w in wrong:
                i = p.find(w)
                while i >= 0:
                    if not guarded(p, i, w):
                        hits.append((i, -len(w), w))
                    i = p.find(w, i + 1)
            hits.sort()
            page, pos = [], 0
            for start, neg, w in hits:
                if start >= pos:
                    pos = start - neg
                    page.append((start, pos, w))
            out.append(page)
        return out

    alternation = re.compile("|".join(re.escape(w) for w in sorted(wrong, key=len, reverse=True)))

    def naive_regex() -> list[list[tuple[int, int, str]]]:
        return [[(m.start(), m.end(), m.group()) for m in alternation.finditer(p) if not guarded(p, m.start(), m.group())]
                for p in naive_pages]

    raw = ahocorasick.Automaton()
    for i, w in enumerate(wrong):
        raw.add_word(w, (len(w), i))
    raw.make_automaton()

    def raw_str() -> int:
        return sum(1 for p in pages for _ in raw.iter(p))

    spam = Lexicon.load((HIJACK,))

    def spam_path() -> int:
        return sum(1 for p in pages for _ in spam.find(normalize_for_spam(p)[0]))

    naive_repeat = min(args.repeat, 3)
    t_find, find_found = timed(naive_find, naive_repeat)
    t_regex, regex_found = timed(naive_regex, naive_repeat)
    assert find_found == found[: len(naive_pages)], "the str.find loop and the matcher disagree"  # type: ignore[index]
    assert regex_found == found[: len(naive_pages)], "the regex and the matcher disagree"  # type: ignore[index]
    t_raw, _ = timed(raw_str)

    def scan_only() -> int:
        automaton = lexicon._automaton  # the floor: pyahocorasick's own pass over the coded text
        return sum(1 for p in pages for _ in automaton.iter(_symbols(p)))

    t_scan, _ = timed(scan_only, args.repeat)
    t_spam, _ = timed(spam_path, args.repeat)

    rate = total / t_ours
    rows = [
        ("`Lexicon.find` (two-symbol code, verified candidates)", total, t_ours, rate),
        ("naive: `str.find` for every entry, guards checked at hits", naive_mb, t_find, naive_mb / t_find),
        ("naive: one regex alternation of the entries, longest first", naive_mb, t_regex, naive_mb / t_regex),
        ("pyahocorasick on the raw `str` (for reference)", total, t_raw, total / t_raw),
        ("coding + pyahocorasick scan alone, no candidate checks (the floor)", total, t_scan, total / t_scan),
        ("spam path: `normalize_for_spam` + hijack lexicon", total, t_spam, total / t_spam),
    ]
    ratio_find, ratio_regex = rate / rows[1][3], rate / rows[2][3]
    counts = lexicon.counts()
    met = "met" if rate >= 50 and ratio_find >= 20 else "NOT met"
    lines = [
        HEADING,
        "",
        f"- date: {datetime.now():%Y-%m-%d %H:%M}",
        f"- command: `{' '.join(['python', 'bench/words.py', *(argv if argv is not None else sys.argv[1:])])}`",
        f"- machine: {machine()}; the machine was shared with other work, so figures are CPU time of "
        f"this process, best of {args.repeat} runs ({naive_repeat} for the naive rows)",
        f"- corpus: {len(pages)} generated pages of government-style text, {total:.1f} MB UTF-8 "
        f"({chars / 1e6:.2f} M characters), {len(planted)} wrong forms planted, all found; seed {args.seed}",
        f"- lexicons: the full wording set, {len(lexicon)} entries ({', '.join(f'{k} {v}' for k, v in counts.items())}) "
        f"with {len(words) - len(lexicon)} guard words; the naive matchers search the {len(wrong)} entry words and check guards at each hit",
        "",
        "| matcher | MB | CPU s | MB/s per core |",
        "|---|---:|---:|---:|",
        *[f"| {name} | {mb:.1f} | {t:.2f} | {r:.1f} |" for name, mb, t, r in rows],
        "",
        f"Result: **{rate:.0f} MB/s per core**, **{ratio_find:.1f}x the `str.find` loop** and {ratio_regex:.1f}x the "
        f"regex alternation. Target (>= 50 MB/s, >= 20x the naive `str.find` loop): {met}. The matcher "
        "and both naive matchers return identical matches on every page."
        + (" The `str.find` ratio sits close to the 20x line and moved by about 1x between runs on this shared machine."
           if 18 <= ratio_find < 23 else ""),
        "",
        *([f"Against the regex the ratio stays below 20x: pyahocorasick's own pass over the coded text "
           f"(the floor row, {total / t_scan:.0f} MB/s) already costs more than 1/20 of the regex time, "
           "and every character has to be scanned; the candidate checks add the rest.", ""]
          if ratio_regex < 20 else []),
        "Why the two-symbol code: pyahocorasick scans a node's children linearly, and the wording "
        "lists start with hundreds of distinct characters, so every character of raw text costs "
        "hundreds of comparisons at the root (the reference row). Coding each character as two "
        "symbols of 16 values bounds every node at 16 children; candidates are checked against the "
        "text with `str.startswith`, so a code collision never yields a wrong match.",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if args.results:
        write_section(args.results, report)
        print(f"wrote {args.results}", file=sys.stderr)
    return 0


def write_section(path: Path, section: str) -> None:
    """Replace this benchmark's section of ``path`` (or append it), leaving the rest alone."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if HEADING in text:
        head, rest = text.split(HEADING, 1)
        nxt = re.search(r"^## ", rest, re.M)
        tail = rest[nxt.start() :] if nxt else ""
        text = head + section + ("\n" + tail if tail else "")
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + section
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
