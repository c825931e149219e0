"""Pinyin input figures: dictionary load time and memory, the work per keystroke, and how
many touches real voucher titles take (letters + candidate picks + page turns).

Run: .venv/bin/python bench/pinyin.py   (no window: the composer is plain Python)

The titles below are what shops write on goodwill vouchers; their pinyin was made with
pypinyin, not by the kiosk, so the hit rate is measured against an outside reading.
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/kiosk.py shadows kiosk/

from kiosk.input_methods.pinyin import PAGE_SIZE, PinyinComposer, split_syllables
from kiosk.input_methods.pinyin_lexicon import PinyinLexicon

# Titles whose misses shaped the shop word list (scripts/build_pinyin_lexicon.py): optimistic.
TITLES = [
    ("生日礼物", "shengriliwu"),
    ("免费咖啡一杯", "mianfeikafeiyibei"),
    ("第二杯半价", "dierbeibanjia"),
    ("会员日特惠", "huiyuanritehui"),
    ("谢谢惠顾", "xiexiehuigu"),
    ("新年快乐", "xinniankuaile"),
    ("中秋节快乐", "zhongqiujiekuaile"),
    ("圣诞快乐", "shengdankuaile"),
    ("开业大吉", "kaiyedaji"),
    ("周年庆典", "zhounianqingdian"),
    ("买一送一", "maiyisongyi"),
    ("免费升级大杯", "mianfeishengjidabei"),
    ("招牌奶茶", "zhaopainaicha"),
    ("手工蛋糕", "shougongdangao"),
    ("早餐套餐", "zaocantaocan"),
    ("午餐优惠", "wucanyouhui"),
    ("下次光临免单", "xiaciguanglinmiandan"),
    ("感谢您的耐心", "ganxienindenaixin"),
    ("对不起让您久等了", "duibuqirangninjiudengle"),
    ("赔偿券", "peichangquan"),
    ("饮品兑换券", "yinpinduihuanquan"),
    ("合作伙伴礼品", "hezuohuobanlipin"),
    ("员工福利", "yuangongfuli"),
    ("新品试饮", "xinpinshiyin"),
    ("限时优惠", "xianshiyouhui"),
    ("欢迎新会员", "huanyingxinhuiyuan"),
    ("积分兑换", "jifenduihuan"),
    ("满五十减十", "manwushijianshi"),
    ("免费甜点", "mianfeitiandian"),
    ("热巧克力", "reqiaokeli"),
    ("冰美式", "bingmeishi"),
    ("拿铁咖啡", "natiekafei"),
    ("抹茶蛋糕", "mochadangao"),
    ("水果沙拉", "shuiguoshala"),
    ("鲜榨果汁", "xianzhaguozhi"),
    ("节日礼品", "jierilipin"),
    ("活动邀请", "huodongyaoqing"),
    ("感恩回馈", "ganenhuikui"),
    ("老顾客专享", "laogukezhuanxiang"),
    ("春节快乐", "chunjiekuaile"),
]

# Titles written after that tuning and never used to change words or weights: the honest rate.
HELD_OUT = [
    ("感谢光临", "ganxieguanglin"),
    ("店庆特惠", "dianqingtehui"),
    ("双倍积分", "shuangbeijifen"),
    ("儿童节快乐", "ertongjiekuaile"),
    ("母亲节礼物", "muqinjieliwu"),
    ("情人节特饮", "qingrenjieteyin"),
    ("端午节快乐", "duanwujiekuaile"),
    ("国庆节优惠", "guoqingjieyouhui"),
    ("新店开张", "xindiankaizhang"),
    ("好友推荐奖励", "haoyoutuijianjiangli"),
    ("会员生日礼", "huiyuanshengrili"),
    ("满一百送二十", "manyibaisongershi"),
    ("早鸟优惠", "zaoniaoyouhui"),
    ("下午茶套餐", "xiawuchataocan"),
    ("蛋糕兑换券", "dangaoduihuanquan"),
    ("咖啡豆九折", "kafeidoujiuzhe"),
    ("意见反馈礼品", "yijianfankuilipin"),
    ("服务补偿券", "fuwubuchangquan"),
    ("欢迎再次光临", "huanyingzaiciguanglin"),
    ("免费加一份小料", "mianfeijiayifenxiaoliao"),
    ("今天的咖啡请您喝", "jintiandekafeiqingninhe"),
    ("多谢支持", "duoxiezhichi"),
    ("外卖满减", "waimaimanjian"),
    ("季节限定", "jijiexianding"),
    ("温馨提示", "wenxintishi"),
]


def rss_mib() -> float:
    """Resident memory now (VmRSS), not the peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load() -> PinyinLexicon:
    before = rss_mib()
    t0 = time.perf_counter()
    lexicon = PinyinLexicon.from_file()
    took = time.perf_counter() - t0
    print(
        f"load: {took * 1000:.0f} ms, {len(lexicon.keys)} keys, "
        f"RSS +{rss_mib() - before:.1f} MiB ({before:.0f} -> {rss_mib():.0f})"
    )
    tracemalloc.start()
    second = PinyinLexicon.from_file()
    heap = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    del second
    print(f"  Python heap of one dictionary (tracemalloc): {heap:.1f} MiB")
    return lexicon


def type_title(lexicon: PinyinLexicon, title: str, letters: str) -> tuple[int | None, list[float]]:
    """Type `letters`, then pick the longest candidate that is the next part of `title`,
    turning pages as a person would. Returns (touches or None if it cannot be typed so,
    per-keystroke ms)."""
    composer = PinyinComposer(lambda: lexicon)
    touches, times = 0, []
    for ch in letters:
        t0 = time.perf_counter()
        composer.type(ch)
        composer.page_candidates()
        times.append((time.perf_counter() - t0) * 1000)
        touches += 1
    while composer.letters:
        done = composer.picked
        want = title[len(done) :]
        for _ in range(20):
            shown = [c.text for c in composer.page_candidates()]
            fits = [i for i, t in enumerate(shown) if want.startswith(t)]
            if fits:
                composer.choose(max(fits, key=lambda i: len(shown[i])))
                touches += 1
                break
            if not composer.has_more():
                return None, times
            composer.turn_page(1)
            touches += 1
    assert composer.commit() == title, title
    return touches, times


def measure(lexicon: PinyinLexicon, name: str, titles: list[tuple[str, str]]) -> list[float]:
    extra, times, first_hits, missing = [], [], 0, []
    for title, letters in titles:
        composer = PinyinComposer(lambda: lexicon)
        for ch in letters:
            composer.type(ch)
        first_hits += composer.candidates()[0].text == title
        n, t = type_title(lexicon, title, letters)
        times += t
        if n is None:
            missing.append(title)
            continue
        extra.append(n - len(letters))
    print(
        f"{name}: {len(titles)} voucher titles, the whole title is the first candidate for "
        f"{first_hits}/{len(titles)}; picks + page turns after the letters: "
        f"mean {statistics.mean(extra):.2f}, max {max(extra)} (page size {PAGE_SIZE})"
        + (f"; cannot be typed this way: {' '.join(missing)}" if missing else "")
    )
    return times


def abbreviated(lexicon: PinyinLexicon, titles: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The same titles typed by the first letter of each syllable (srlw for 生日礼物)."""
    out = []
    for title, letters in titles:
        syllables = split_syllables(letters, lexicon.syllables)
        if len(syllables) == len(title):  # skip the rare title the split reads differently
            out.append((title, "".join(s[0] for s in syllables)))
    return out


def main() -> None:
    lexicon = load()
    times = measure(lexicon, "tuning set", TITLES) + measure(lexicon, "held-out set", HELD_OUT)
    measure(lexicon, "held-out set by first letters", abbreviated(lexicon, HELD_OUT))
    times.sort()
    print(
        f"per keystroke (candidates for the new letters): p50 {statistics.median(times):.2f} ms,"
        f" p99 {times[int(len(times) * 0.99)]:.2f} ms, max {times[-1]:.2f} ms"
    )


if __name__ == "__main__":
    main()
