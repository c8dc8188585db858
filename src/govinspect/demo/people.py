"""Synthetic personal data for privacy defects: checksum-valid ID, mobile and bank card numbers.

The numbers are made up but well formed, as a real leak would be: resident ID numbers follow
GB 11643-1999 (area code of GB/T 2260, birth date, sequence, ISO 7064 MOD 11-2 check
character), mobile numbers use prefixes assigned to mobile networks, and bank card numbers
are 19-digit UnionPay debit numbers with a valid Luhn digit (ISO/IEC 7812-1).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from govinspect.demo.text import person

# GB/T 2260 codes of 淮南市 and its counties (寿县 since 2016).
AREAS = {"田家庵区": "340403", "大通区": "340402", "谢家集区": "340404", "八公山区": "340405",
         "潘集区": "340406", "凤台县": "340421", "寿县": "340422", "毛集实验区": "340421"}
MOBILE_PREFIXES = ("134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158",
                   "159", "182", "187", "188", "130", "131", "132", "155", "156", "185", "186",
                   "133", "153", "180", "181", "189", "177")
# Debit card BINs of banks that pay out social assistance in Anhui (建行, 农行, 邮储, 农商行).
CARD_BINS = {"中国建设银行": "621700", "中国农业银行": "622848", "中国邮政储蓄银行": "621799",
             "安徽农村商业银行": "623058"}
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(rng: random.Random, area: str, born: date) -> str:
    """An 18-character resident ID number with a correct check character."""
    head = f"{area}{born:%Y%m%d}{rng.randint(10, 999):03d}"
    total = sum(int(d) * w for d, w in zip(head, _WEIGHTS, strict=True))
    return head + "10X98765432"[total % 11]


def mobile(rng: random.Random) -> str:
    """An 11-digit mainland mobile number."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 10**8 - 1):08d}"


def bank_card(rng: random.Random, bank_bin: str) -> str:
    """A 19-digit card number of ``bank_bin`` ending in its Luhn check digit."""
    body = bank_bin + "".join(str(rng.randint(0, 9)) for _ in range(18 - len(bank_bin)))
    total = 0
    for n, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if n % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


@dataclass(frozen=True, slots=True)
class Household:
    """One 低保 household as a civil-affairs roster lists it."""

    name: str
    id_number: str
    phone: str
    bank: str
    card: str
    members: int
    amount: int
    area: str


def households(rng: random.Random, areas: list[str], as_of: date, count: int) -> list[Household]:
    """``count`` households spread over ``areas`` (names of 淮南市 counties or districts)."""
    out = []
    for _ in range(count):
        area = rng.choice(areas)
        born = as_of - timedelta(days=rng.randint(22 * 365, 78 * 365))
        bank = rng.choice(list(CARD_BINS))
        members = rng.randint(1, 5)
        out.append(Household(
            name=person(rng), id_number=id_number(rng, AREAS.get(area, "340403"), born),
            phone=mobile(rng), bank=bank, card=bank_card(rng, CARD_BINS[bank]),
            members=members, amount=members * rng.choice([320, 350, 380, 410]), area=area,
        ))
    return out
