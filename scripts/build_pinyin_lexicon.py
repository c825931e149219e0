"""Build kiosk/input_methods/data/pinyin_lexicon.tsv.gz, the dictionary of the pinyin keyboard.

Run by a developer when the word list should change, never by the kiosk:

    python -m venv /tmp/lex && /tmp/lex/bin/pip install jieba pypinyin
    /tmp/lex/bin/python scripts/build_pinyin_lexicon.py

Why generated and committed: the kiosk needs readings (pinyin) and how common each word is.
jieba's dictionary (MIT) has ~350k words with frequencies counted in a large corpus; pypinyin
(MIT) has the readings of characters and phrases (it knows 银行 is yin'hang, not yin'xing).
Together they are ~40 MB of packages and seconds of work on a Pi; the kiosk only needs the
~10k common characters and ~90k common words, a 1 MB file it reads in a fraction of that.

Output: a gzip'd UTF-8 text; '#' lines are comments; each other line is
    <pinyin letters, no tones, ü as v>\t<word> <freq>[,<word> <freq>...]
sorted by key, the words of one key by falling frequency; then lines for typing a word by
the first letters of its syllables (srlw -> 生日礼物), their key marked with '=':
    =<initials>\t<word> <freq>[,...]   (words of 2-4 characters, the 80 most common)
"""

from __future__ import annotations

import argparse
import gzip
import re
from collections import defaultdict
from pathlib import Path

import jieba
from pypinyin import Style, lazy_pinyin, pinyin

HAN = re.compile(r"^[\u4e00-\u9fff]+$")
# Words a shop types on vouchers that a news corpus rarely has (优惠券 is counted 9 times,
# 免单 not at all): added with SHOP_WORD_FREQ unless the corpus already counts them higher.
SHOP_WORDS = """
优惠券 代金券 兑换券 礼品券 赔偿券 体验券 抵用券 折扣券 现金券 饮品券 蛋糕券 咖啡券
免单 买一送一 第二杯半价 半价 会员 会员日 会员卡 积分 集章 集点 盖章 满减 免费 免费续杯
咖啡 拿铁 美式 卡布奇诺 摩卡 浓缩 奶茶 果汁 蛋糕 甜点 面包 早餐 午餐 晚餐 套餐 饮品 特饮
今日特饮 生日快乐 生日礼物 节日快乐 新年快乐 春节快乐 中秋快乐 圣诞快乐 谢谢惠顾 欢迎光临
开业 周年庆 店庆 邀请函 新品 试吃 试饮 赠品 礼品 小礼物 合作伙伴 员工 顾客 补偿 致歉
外带 堂食 打折 八折 九折 七折 五折 限时 限量 有效期 兑换 领取 一杯 一份 下次光临
开业大吉 庆典 周年庆典 限时优惠 冰美式 抹茶 鲜榨 老顾客 专享 久等 大杯 中杯 小杯 升级
""".split()  # noqa: SIM905 (a word list reads best as text)
SHOP_WORD_FREQ = 1000
OUT = Path(__file__).resolve().parents[1] / "kiosk/input_methods/data/pinyin_lexicon.tsv.gz"


def _simplified(word: str) -> bool:
    """GB2312 is the common simplified set (6763 characters); it keeps 閭 樂 楽 out of zh."""
    try:
        word.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def read_jieba(min_word_freq: int, min_char_freq: int) -> dict[str, int]:
    """Common Han words (2-4 characters) and characters with their corpus frequencies."""
    path = Path(jieba.__file__).with_name("dict.txt")
    kept: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split(" ")
        if not HAN.match(word) or not _simplified(word):
            continue
        floor = min_char_freq if len(word) == 1 else min_word_freq
        if len(word) <= 4 and int(freq) >= floor:
            kept[word] = max(kept.get(word, 0), int(freq))
    return kept


def reading_shares(words: dict[str, int]) -> dict[tuple[str, str], int]:
    """How often each character is read each way, weighted by the words it appears in.

    Why: a character with several readings (了 le/liao, 行 xing/hang) has one frequency in
    the corpus; splitting it by how the words read it ranks 了 first for 'le' and later for
    'liao', as people expect.
    """
    shares: dict[tuple[str, str], int] = defaultdict(int)
    for word, freq in words.items():
        if len(word) < 2:
            continue
        for ch, syllable in zip(word, lazy_pinyin(word, style=Style.NORMAL), strict=False):
            shares[(ch, syllable)] += freq
    return shares


def entries(words: dict[str, int]) -> dict[str, list[tuple[str, int]]]:
    """Key (toneless pinyin letters) -> [(word, freq)]: every reading of a character."""
    shares = reading_shares(words)
    by_key: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for word, freq in words.items():
        if len(word) == 1:
            readings = list(dict.fromkeys(pinyin(word, style=Style.NORMAL, heteronym=True)[0]))
            weights = [
                shares.get((word, r), 0) + (2 if i == 0 else 1) for i, r in enumerate(readings)
            ]
            total = sum(weights)
            for reading, weight in zip(readings, weights, strict=True):
                if reading.isascii() and reading.isalpha():
                    by_key[reading].append((word, max(1, freq * weight // total)))
        else:
            key = "".join(lazy_pinyin(word, style=Style.NORMAL))
            if key.isascii() and key.isalpha():
                by_key[key].append((word, freq))
    return by_key


INITIALS_PER_KEY = 80


def initials(words: dict[str, int]) -> dict[str, list[tuple[str, int]]]:
    """First letters of each syllable -> words: how phone keyboards take 'srlw' for 生日礼物."""
    by_key: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for word, freq in words.items():
        if 2 <= len(word) <= 4:
            key = "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))
            if key.isascii() and key.isalpha() and len(key) == len(word):
                by_key["=" + key].append((word, freq))
    return {
        k: sorted(v, key=lambda wf: (-wf[1], wf[0]))[:INITIALS_PER_KEY] for k, v in by_key.items()
    }


def write(by_key: dict[str, list[tuple[str, int]]], out: Path) -> None:
    lines = [
        "# Stamp Kiosk pinyin lexicon: generated by scripts/build_pinyin_lexicon.py; do not edit.",
        "# Words and frequencies: jieba dict.txt (MIT). Readings: pypinyin (MIT).",
    ]
    for key in sorted(by_key):
        ranked = sorted(by_key[key], key=lambda wf: (-wf[1], wf[0]))
        lines.append(key + "\t" + ",".join(f"{w} {f}" for w, f in ranked))
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(out, "wb", mtime=0) as fh:  # mtime=0: the same input gives the same bytes
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-word-freq", type=int, default=10)
    parser.add_argument("--min-char-freq", type=int, default=3)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    words = read_jieba(args.min_word_freq, args.min_char_freq)
    for word in SHOP_WORDS:
        words[word] = max(words.get(word, 0), SHOP_WORD_FREQ)
    by_key = entries(words) | initials(words)
    write(by_key, args.out)
    n_words = sum(len(v) for v in by_key.values())
    print(f"{len(by_key)} keys, {n_words} entries, {args.out.stat().st_size} bytes -> {args.out}")


if __name__ == "__main__":
    main()
