"""Personal numbers in text: validators and a scanner that returns masked hits only.

What counts (each rule cites its source):

* 公民身份号码: 18 characters per GB 11643-1999, the last one the ISO 7064 MOD 11-2
  check character (``X`` for 10); characters 7-14 a real calendar date from 1900 to the
  inspection date; the first two digits a province code of GB/T 2260 (plus 81/82/83 of
  the 2018 港澳台居民居住证 numbers). 15-digit numbers of the 1985 scheme carry no
  check character and are not reported: too many serials look like them.
* 手机号码: 11 digits with a prefix that MIIT has assigned to mobile networks, optionally
  after +86/0086/86 and with single spaces or hyphens in 3-4-4 groups. A digit run of any
  other length is not a mobile number, so landlines, document numbers, dates and serials
  never match.
* 银行卡号: 16-19 digits (contiguous, or 4-digit groups split by one space or hyphen),
  Luhn-valid (ISO/IEC 7812-1), with an issuer prefix seen on cards held in China
  (UnionPay 62/60, Visa 4, Mastercard 51-55 and 2221-2720, the old domestic 9558/95599),
  and not a valid resident ID number.

Context (a decision of this project): a mobile number printed as an office's contact is
public, not a leak. A mobile number is skipped when, on the same line and within the 12
characters before it, a contact label stands (联系电话, 咨询电话, 投诉电话, 监督电话,
办公电话, 举报电话, 值班电话, 服务热线, 热线, 电话：) and nothing but punctuation, spaces
and bracketed words separates the two (so a table header followed by a person's name does
not excuse that person's number). Telephone numbers (landline or mobile) standing between
the label and the number, joined by 、 ， / 或, do not count towards the 12 characters, so in
"咨询电话：0554-6671234、138…" the mobile is excused too. A notice's contact person is
public as well: after 联系人：/联系方式： (项目联系人, 采购人联系方式, 代理机构联系方式, the
labels of 政府采购公告和公示信息格式规范 (财政部 2020) sections "凡对本次采购提出询问") a
mobile is excused when only one to three short names (王工, 李女士) stand between, and the
label carries its colon (a bare table header 联系方式 followed by a name does not excuse).

Numbers that are not personal (issue 8): a number labelled as a filing, licence, postal,
fax or organisation code (公网安备, ICP备/ICP证, 备案号, 等保/等级保护, 许可证, 邮编/邮政编码,
传真, 统一社会信用代码, 组织机构代码, 网站标识码, 纳税人识别号) is never a leak of any kind,
when only punctuation, codes and 号/编号 stand between label and number. Digits glued to more
digits, letters, ``_`` or a ``-``/``.`` joined digit never form a mobile number (a
14-digit 公网安备 number split by markup, a serial). A number inside a URL or file name
(``http://``, ``/upload/...``, ``....pdf``, ``?id=``) is a reference, not published text; the
URL masking in checks/privacy.py asks for those explicitly (``urls=True``).

Masking: ID ``340403********1234`` (first 6, last 4), phone ``138****1234`` (first 3,
last 4), card ``6222 **** **** 1234`` (first 4, last 4). Full numbers never leave this
module: hits carry the masked form and positions only, and nothing here logs.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "PiiHit",
    "id_check_char",
    "luhn_ok",
    "mask",
    "scan_text",
    "valid_card",
    "valid_id",
    "valid_mobile",
]

Kind = Literal["id_card", "phone", "bank_card"]

# GB/T 2260 province-level codes; 81/82/83: 港澳台居民居住证 (公安部令 2018, 公民身份号码 format).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
# GB 11643-1999 / ISO 7064 MOD 11-2: weight 2^(17-i) mod 11 for character i.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# Mobile prefixes assigned by MIIT (电信网码号资源管理, as of 2019 plus 192/196/197).
_MOBILE_TAIL = r"(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])"  # the two digits after the 1
_MOBILE_PREFIX = r"1" + _MOBILE_TAIL

# Full-width digits and marks as typed with a Chinese IME; one character for one, so
# positions in the normalised text are positions in the original.
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ－＋\u3000", "0123456789Xx-+ ")

# Digit boundaries: never part of a longer run, nor of a decimal like 0.13805541234.
# The patterns start with the number's first character and check what precedes it from there
# (``\d(?<!\d\d)`` is ``(?<!\d)\d``): a pattern that starts with a character class lets the
# regex engine skip in C to the next digit instead of trying the lookbehinds at every character.
_ID_RE = re.compile(r"\d(?<!\d\d)(?<!\d\.\d)\d{16}[\dXx](?!\d)(?!\.\d)", re.ASCII)
# A mobile number, perhaps after +86, 0086 or 86: each branch starts with its first character
# and then checks what precedes the number, as ``(?<![\dA-Za-z_])(?<!\d[-.])`` would before it.
_PHONE_EDGE = r"(?<![\dA-Za-z_].)(?<!\d[-.].)"
_PHONE_RE = re.compile(
    rf"(?:\+{_PHONE_EDGE}86[- ]?1|0{_PHONE_EDGE}086[- ]?1|8{_PHONE_EDGE}6[- ]?1|1{_PHONE_EDGE})"
    rf"(?P<a>{_MOBILE_TAIL})"
    r"(?P<s>[- ]?)(?P<b>\d{4})(?P=s)(?P<c>\d{4})(?![\dA-Za-z_])(?![-.]\d)",
    re.ASCII,
)
_CARD_RE = re.compile(
    r"\d(?:(?<![\dA-Za-z]\d)(?<!\d\.\d)\d{15,18}(?![\dA-Za-z])(?!\.\d)"
    r"|(?<![\dA-Za-z][- ]\d)(?<![\dA-Za-z]\d)\d{3}(?P<s>[- ])\d{4}(?P=s)\d{4}(?P=s)\d{4}(?:(?P=s)\d{1,3})?"
    r"(?![- ]?[\dA-Za-z]))",
    re.ASCII,
)
# Every ID, card and mobile number holds four digits, perhaps a space or hyphen, and four
# more (a mobile's last eight), starting at most ``_GATE_LEAD`` characters after the number
# starts (after "+86 1xx-"): no such run, no number; otherwise scanning starts just before
# the first run (in most pages the footer's filing numbers, near the end).
_GATE = re.compile(r"\d{4}[- ]?\d{4}", re.ASCII)
_GATE_LEAD = 9
# Any character that ``_FULLWIDTH`` changes: most pages have none and skip the translation.
_WIDE = re.compile("[０-９Ｘｘ－＋\u3000]")

_CONTACT_WINDOW = 12
_CONTACT_LABEL = re.compile(
    r"(?:联系|咨询|投诉|监督|办公|举报|值班)电话|服务热线|热线|电话\s*[:：]"
)
_BRACKETED = re.compile(r"[(（【\[][^)）】\]]{0,8}[)）】\]]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LABEL_WORDS = re.compile(r"电话|号码|手机|热线")
# A telephone number (landline or mobile) and its joiner, read backwards from a number:
# skipped when looking for the label, so "咨询电话：0554-6671234、138..." excuses the mobile.
_NUMBER_BEFORE_REVERSED = re.compile(r"[\s、,，/;；或及]*[)）]?\d[\d\-  ()（）]{5,}\d[(（]?\+?")
_LOOKBACK = 80
# A notice's contact person: 联系人：王工 138..., 联系方式：李女士 138... (colon required).
_PERSON_LABEL = re.compile(r"(?:联系人|联系方式)(?:及(?:联系)?(?:电话|方式))?\s*[:：]")
_PERSON_WINDOW = 28
_NAMES = re.compile(r"(?:[\u4e00-\u9fff]{1,4}(?:先生|女士|老师|经理|主任|工)?[\s、,，/和及]*){0,3}")
# Labels of numbers that are not personal: filings, licences, postal, fax and organisation codes.
_CODE_LABEL = re.compile(
    r"公网安备|公备|ICP\s*[备证]|备案|等保|等级保护|许可证|邮编|邮政编码|传真|统一社会信用代码|信用代码"
    r"|组织机构代码|网站标识码|网站识别码|纳税人识别号",
    re.I,
)
_CODE_WINDOW = 24
_CODE_GAP = re.compile(r"[\s:：#№\-—()（）\[\]【】A-Za-z0-9.号码为是第编]*")
# The text around a number up to spaces and Chinese punctuation: a URL or a file name?
_TOKEN_STOP = set(" \t\r\n\u3000，。；、：（）《》“”\"'<>|｜")
_URLISH = re.compile(
    r"://|^www\.|^/|[A-Za-z_][\w-]*/|[?&][\w.]+=|\.(?:s?html?|jsp|aspx?|php|pdf|docx?|xlsx?|wps|et|zip|rar|7z"
    r"|jpe?g|png|gif|bmp|txt|csv|ofd)(?![A-Za-z])",
    re.I,
)


@dataclass(frozen=True, slots=True)
class PiiHit:
    """One personal number found in a text: its kind, masked form and position."""

    kind: Kind
    masked: str
    start: int
    end: int


def id_check_char(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits of an ID number."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def valid_id(number: str, today: date | None = None) -> bool:
    """True for an 18-character resident ID number with a valid region, birth date and check."""
    n = number.upper()
    if len(n) != 18 or not n.isascii() or not n[:17].isdigit() or not (n[17].isdigit() or n[17] == "X"):
        return False
    if n[:2] not in PROVINCES or n[:6] == "000000":
        return False
    try:
        born = date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > (today or date.today()):
        return False
    return id_check_char(n[:17]) == n[17]


def valid_mobile(digits: str) -> bool:
    """True for 11 digits with an assigned mobile prefix."""
    return re.fullmatch(_MOBILE_PREFIX + r"\d{8}", digits, re.ASCII) is not None


def luhn_ok(digits: str) -> bool:
    """True when the digits pass the Luhn (mod 10) check of ISO/IEC 7812-1."""
    if not (digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _issuer_ok(digits: str) -> bool:
    if digits[0] == "4" or digits[:2] in ("51", "52", "53", "54", "55", "60", "62"):
        return True
    return 2221 <= int(digits[:4]) <= 2720 or digits.startswith(("9558", "95599"))


def valid_card(digits: str, today: date | None = None) -> bool:
    """True for 16-19 Luhn-valid digits with a known issuer prefix that are not an ID number."""
    return (
        16 <= len(digits) <= 19
        and digits.isascii()
        and digits.isdigit()
        and _issuer_ok(digits)
        and luhn_ok(digits)
        and not (len(digits) == 18 and valid_id(digits, today))
    )


def mask(kind: Kind, digits: str) -> str:
    """The masked form of a number of the given kind (see the module docstring)."""
    if kind == "id_card":
        return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
    if kind == "phone":
        return digits[:3] + "****" + digits[-4:]
    return f"{digits[:4]} **** **** {digits[-4:]}"


def scan_text(text: str, today: date | None = None, *, urls: bool = False) -> list[PiiHit]:
    """Every personal number in ``text`` as masked hits, in order of position (``urls``: also in URLs)."""
    norm = text.translate(_FULLWIDTH) if _WIDE.search(text) else text
    gate = _GATE.search(norm)
    if gate is None:
        return []
    # Lookbehinds still see the text before ``pos``, so each match is the one a scan from 0 finds.
    pos = max(0, gate.start() - _GATE_LEAD)
    hits: list[PiiHit] = []
    taken: list[tuple[int, int]] = []

    def public(m: re.Match[str]) -> bool:
        """Labelled as a non-personal code, or part of a URL or file name."""
        return _is_code(norm, m.start()) or (not urls and _in_url(norm, m.start(), m.end()))

    for m in _ID_RE.finditer(norm, pos):
        if valid_id(m.group(), today):
            taken.append(m.span())  # taken even when excused: its digits are no phone or card
            if not public(m):
                hits.append(PiiHit("id_card", mask("id_card", m.group().upper()), m.start(), m.end()))
    for m in _CARD_RE.finditer(norm, pos):
        digits = re.sub(r"[- ]", "", m.group())
        if valid_card(digits, today) and not _overlaps(m.span(), taken):
            bisect.insort(taken, m.span())
            if not public(m):
                hits.append(PiiHit("bank_card", mask("bank_card", digits), m.start(), m.end()))
    for m in _PHONE_RE.finditer(norm, pos):
        if _overlaps(m.span(), taken) or _is_contact(norm, m.start()) or public(m):
            continue
        prefix = norm[m.start("s") - 3 : m.start("s")]  # the 1 and the two digits of group a
        digits = prefix + m.group("b") + m.group("c")
        hits.append(PiiHit("phone", mask("phone", digits), m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    return hits


def _is_code(text: str, start: int) -> bool:
    """True when a filing, licence, postal, fax or organisation-code label stands just before ``start``."""
    before = text[max(0, start - _CODE_WINDOW) : start]
    labels = list(_CODE_LABEL.finditer(before))
    return bool(labels) and _CODE_GAP.fullmatch(before[labels[-1].end() :]) is not None


def _in_url(text: str, start: int, end: int) -> bool:
    """True when the number at ``start:end`` is part of a URL or a file name."""
    left = start
    while left > 0 and start - left < 200 and text[left - 1] not in _TOKEN_STOP:
        left -= 1
    right = end
    while right < len(text) and right - end < 200 and text[right] not in _TOKEN_STOP:
        right += 1
    token = text[left:right]
    return token != text[start:end] and _URLISH.search(token) is not None


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    """True when ``span`` overlaps one of the sorted, disjoint spans in ``taken``."""
    i = bisect.bisect_left(taken, span)
    return (i > 0 and taken[i - 1][1] > span[0]) or (i < len(taken) and taken[i][0] < span[1])


def _is_contact(text: str, start: int) -> bool:
    """True when the number at ``start`` is an office's published contact number."""
    lookback = max(0, start - _LOOKBACK)
    before = text[text.rfind("\n", lookback, start) + 1 or lookback : start]
    if _CONTACT_LABEL.search(before) is None and _PERSON_LABEL.search(before) is None:
        return False
    reversed_before, skipped = before[::-1], 0
    while m := _NUMBER_BEFORE_REVERSED.match(reversed_before, skipped):
        skipped = m.end()
    kept = before[: len(before) - skipped]
    window = kept[-_CONTACT_WINDOW:]
    labels = list(_CONTACT_LABEL.finditer(window))
    if labels:
        gap = _LABEL_WORDS.sub("", _BRACKETED.sub("", window[labels[-1].end():]))
        if _CJK.search(gap) is None:
            return True
    window = kept[-_PERSON_WINDOW:]
    people = list(_PERSON_LABEL.finditer(window))
    if not people:
        return False
    gap = _LABEL_WORDS.sub("", _BRACKETED.sub("", window[people[-1].end():]))
    return _NAMES.fullmatch(gap.strip(" :：,，;；(（[【")) is not None
