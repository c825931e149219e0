"""The pinyin composer and its dictionary (kiosk/input_methods/pinyin*.py), no window."""

from __future__ import annotations

import gzip
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.input_methods.pinyin import (
    PAGE_SIZE,
    Candidate,
    PinyinComposer,
    candidates_for,
    is_pinyin_letter,
    split_syllables,
)
from kiosk.input_methods.pinyin_lexicon import DATA, LexiconError, PinyinLexicon, default_lexicon
from kiosk.input_methods.pinyin_user import MAX_ENTRIES, UserWords


@pytest.fixture(scope="module")
def lexicon() -> PinyinLexicon:
    return default_lexicon()


def typed(letters: str) -> PinyinComposer:
    composer = PinyinComposer()
    for ch in letters:
        composer.type(ch)
    return composer


# -- the dictionary ------------------------------------------------------------------------


def test_the_packaged_dictionary_is_simplified_chinese_sorted_by_frequency(lexicon):
    assert len(lexicon.keys) > 50_000
    assert {"a", "zhuang", "lv", "nv", "er"} <= lexicon.syllables
    assert 400 <= len(lexicon.syllables) <= 420  # the Mandarin syllabary, toneless
    for key in ("de", "xian", "quan", "kafei"):
        freqs = [f for _, f in lexicon.words(key)]
        assert freqs == sorted(freqs, reverse=True)
    every_word = "".join(w for k in lexicon.keys[::50] for w, _ in lexicon.words(k))
    every_word.encode("gb2312")  # raises on a traditional or Japanese form (樂, 楽)
    assert all(unicodedata.name(ch).startswith("CJK UNIFIED") for ch in set(every_word))


@pytest.mark.parametrize(
    ("key", "word"),
    [("le", "了"), ("liao", "了"), ("hang", "行"), ("xing", "行"), ("yinhang", "银行")],
)
def test_a_character_is_found_under_each_of_its_readings(lexicon, key, word):
    assert word in [w for w, _ in lexicon.words(key)]


def test_a_polyphone_ranks_by_how_it_is_read(lexicon):
    # 了 is read "le" far more often than "liao": it leads "le" by far more
    le = dict(lexicon.words("le"))["了"]
    liao = dict(lexicon.words("liao"))["了"]
    assert le > liao


def test_shop_words_missing_from_the_news_corpus_are_there(lexicon):
    for key, word in [("youhuiquan", "优惠券"), ("miandan", "免单"), ("maiyisongyi", "买一送一")]:
        assert lexicon.words(key)[0][0] == word


def test_completions_are_the_most_common_words_starting_with_the_letters(lexicon):
    found = lexicon.completions("shengr", 3)
    assert found[0][:1] == ("生日",) and all(k.startswith("shengr") for _, _, k in found)
    assert [w for w, _, _ in lexicon.completions("s", 2)] == ["是", "上"]


def test_a_broken_dictionary_file_says_which_file(tmp_path):
    bad = tmp_path / "lex.tsv.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(LexiconError, match="lex.tsv.gz"):
        PinyinLexicon.from_file(bad)
    empty = tmp_path / "empty.tsv.gz"
    with gzip.open(empty, "wt") as fh:
        fh.write("# only a comment\n")
    with pytest.raises(LexiconError, match="empty"):
        PinyinLexicon.from_file(empty)


def test_the_data_file_is_in_the_package():
    assert DATA.is_file() and DATA.stat().st_size > 100_000


# -- candidates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("letters", "first"),
    [
        ("mianfeikafei", "免费咖啡"),  # the whole phrase from two words
        ("shengriliwu", "生日礼物"),
        ("zhongqiujiekuaile", "中秋节快乐"),
        ("xiexiehuigu", "谢谢惠顾"),
        ("peichangquan", "赔偿券"),
        ("kafei", "咖啡"),
        ("nihao", "你好"),
        ("lvcha", "绿茶"),  # ü typed as v
        ("de", "的"),
        ("shengr", "生日"),  # an unfinished last syllable completes to a word
        ("mianfeikaf", "免费咖啡"),
    ],
)
def test_the_first_candidate_is_what_people_mean(lexicon, letters, first):
    cands = candidates_for(letters, lexicon)
    assert cands[0].text == first
    assert cands[0].letters == len(letters)


def test_later_candidates_cover_only_the_first_letters_longest_first(lexicon):
    cands = candidates_for("shengriliwu", lexicon)
    partial = [c for c in cands if c.letters < len("shengriliwu")]
    assert partial[0].text == "生日" and partial[0].letters == len("shengri")
    assert [c.letters for c in partial] == sorted((c.letters for c in partial), reverse=True)
    assert "生" in [c.text for c in partial if c.letters == len("sheng")]
    texts = [c.text for c in cands]
    assert len(texts) == len(set(texts))  # no repeats


def test_letters_that_read_as_nothing_give_no_candidates(lexicon):
    assert candidates_for("vvv", lexicon) == []


@pytest.mark.parametrize(
    ("letters", "syllables"),
    [
        ("shengriliwu", ["sheng", "ri", "li", "wu"]),
        ("xiang", ["xiang"]),  # longest first
        ("xianggang", ["xiang", "gang"]),
        ("fangan", ["fang", "an"]),
        ("shengr", ["sheng", "r"]),  # an unfinished syllable kept as typed
        ("zh", ["zh"]),
        ("vv", ["v", "v"]),  # no syllable: every letter still shown
    ],
)
def test_letters_are_shown_split_into_syllables(lexicon, letters, syllables):
    assert split_syllables(letters, lexicon.syllables) == syllables


# -- the composer ------------------------------------------------------------------------------


def test_picking_candidates_turns_the_letters_into_characters_piece_by_piece():
    composer = typed("shengriliwu")
    assert composer.text == "shengriliwu" and composer.preedit() == "sheng'ri'li'wu"
    second = [c.text for c in composer.page_candidates()].index("生日")
    assert composer.choose(second) == "生日liwu"
    assert not composer.finished
    assert composer.page_candidates()[0].text == "礼物"
    assert composer.choose(0) == "生日礼物"
    assert composer.finished and composer.commit() == "生日礼物"
    assert not composer.active and composer.text == ""


def test_backspace_drops_letters_then_picked_characters():
    composer = typed("kafeiy")
    assert composer.backspace() == "kafei"
    composer.choose(0)
    assert composer.text == "咖啡" and composer.finished
    assert composer.backspace() == "咖"
    assert composer.backspace() == "" and not composer.active


def test_commit_keeps_letters_nobody_converted():
    composer = typed("wifi")
    assert composer.commit() == "wifi"


def test_pages_of_candidates():
    composer = typed("shi")
    first = composer.page_candidates()
    assert len(first) == PAGE_SIZE and composer.has_more()
    composer.turn_page(1)
    second = composer.page_candidates()
    assert second and not set(c.text for c in first) & set(c.text for c in second)
    composer.choose(0)
    assert composer.text == second[0].text  # the index is on the page shown
    composer.turn_page(-5)
    assert composer.page == 0


def test_a_new_letter_goes_back_to_the_first_page():
    composer = typed("shi")
    composer.turn_page(2)
    composer.type("j")
    assert composer.page == 0 and composer.page_candidates()[0].text == "世界"


def test_only_lower_case_latin_letters_compose():
    assert is_pinyin_letter("a") and is_pinyin_letter("v")
    for ch in ("A", "1", " ", "ü", "-", "ab", ""):
        assert not is_pinyin_letter(ch)
    with pytest.raises(ValueError):
        PinyinComposer().type("A")


def test_choosing_out_of_range_changes_nothing():
    composer = typed("ka")
    composer.choose(99)
    assert composer.text == "ka"


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=14), st.data())
def test_any_letters_and_any_picks_end_in_text_without_lost_or_stray_letters(letters, data):
    """Whatever is typed and picked, the text is picked characters + the letters left."""
    composer = typed(letters)
    consumed = 0
    while composer.letters and composer.page_candidates():
        shown = composer.page_candidates()
        i = data.draw(st.integers(0, len(shown) - 1))
        cand = shown[i]
        assert 1 <= cand.letters <= len(composer.letters)
        before = composer.picked
        composer.choose(i)
        consumed += cand.letters
        assert composer.picked == before + cand.text
        assert composer.letters == letters[consumed:]
    text = composer.commit()
    assert text.endswith(letters[consumed:])
    assert all(not ch.isascii() for ch in text[: len(text) - len(letters[consumed:])])


def test_the_preedit_shows_u_umlaut_for_v():
    assert typed("lvcha").preedit() == "lü'cha"
    assert typed("nv").preedit() == "nü"


# -- first letters of syllables (abbreviations) ----------------------------------------------


@pytest.mark.parametrize(
    ("letters", "first"),
    [("srlw", "生日礼物"), ("xxhg", "谢谢惠顾"), ("xnkl", "新年快乐"), ("yhq", "优惠券")],
)
def test_first_letters_of_the_syllables_type_a_word(lexicon, letters, first):
    cands = candidates_for(letters, lexicon)
    assert cands[0].text == first and cands[0].letters == len(letters)


def test_abbreviations_never_outrank_words_spelled_in_full(lexicon):
    assert candidates_for("da", lexicon)[0].text == "大"
    assert candidates_for("nihao", lexicon)[0].text == "你好"
    nh = [c.text for c in candidates_for("nh", lexicon)]
    assert "女孩" in nh and "嗯和" not in nh  # no guess made of a lone syllable and a letter


def test_a_phrase_by_first_letters_can_be_picked_word_by_word():
    composer = typed("mfkf")
    partial = [c for c in composer.candidates() if c.letters == 2]
    assert "免费" in [c.text for c in partial]
    while "免费" not in [c.text for c in composer.page_candidates()]:
        composer.turn_page(1)
    composer.choose([c.text for c in composer.page_candidates()].index("免费"))
    assert composer.letters == "kf"
    assert "咖啡" in [c.text for c in composer.candidates()[:PAGE_SIZE]]


# -- words this kiosk's staff picked before -------------------------------------------------


def pick_text(composer: PinyinComposer, word: str) -> None:
    while word not in [c.text for c in composer.page_candidates()]:
        assert composer.has_more(), f"{word} not offered"
        composer.turn_page(1)
    composer.choose([c.text for c in composer.page_candidates()].index(word))


def test_a_phrase_picked_in_pieces_comes_first_next_time(tmp_path):
    path = tmp_path / "state" / "pinyin_words.json"
    composer = PinyinComposer(user=UserWords(path))
    for ch in "mfkf":
        composer.type(ch)
    assert composer.candidates()[0].text != "免费咖啡"  # the corpus thinks otherwise
    pick_text(composer, "免费")
    pick_text(composer, "咖啡")
    assert composer.commit() == "免费咖啡"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    again = PinyinComposer(user=UserWords(path))  # a restarted kiosk reads the file
    for ch in "mfkf":
        again.type(ch)
    assert again.candidates()[0] == Candidate("免费咖啡", 4)


def test_a_word_picked_from_a_later_page_moves_up(tmp_path):
    words = UserWords(tmp_path / "w.json")
    composer = PinyinComposer(user=words)
    for ch in "quan":
        composer.type(ch)
    assert composer.page_candidates()[0].text != "券"
    pick_text(composer, "券")
    composer.commit()
    for ch in "quan":
        composer.type(ch)
    assert composer.page_candidates()[0].text == "券"


def test_an_edited_phrase_or_a_search_teaches_nothing(tmp_path):
    words = UserWords(tmp_path / "w.json")
    composer = PinyinComposer(user=words)
    for ch in "shengrili":
        composer.type(ch)
    pick_text(composer, "生日")
    for _ in range(3):  # l, i, then 日: the phrase is edited, not picked
        composer.backspace()
    assert composer.commit() == "生"
    composer.learning = False  # what the form does for the customer search
    for ch in "wang":
        composer.type(ch)
    composer.choose(0)
    assert words.words("shengri") == [] and words.words("wang") == []
    assert not (tmp_path / "w.json").exists()


def test_the_word_list_is_bounded_and_survives_damage(tmp_path, caplog):
    path = tmp_path / "w.json"
    words = UserWords(path)
    for i in range(MAX_ENTRIES + 10):
        words.learn(f"k{i}", "字")
    reread = UserWords(path)
    assert reread.words("k0") == [] and reread.words(f"k{MAX_ENTRIES + 9}") == ["字"]
    path.write_text("{not json", encoding="utf-8")
    damaged = UserWords(path)
    assert damaged.words("k12") == [] and not path.exists()
    assert any("unreadable" in r.getMessage() for r in caplog.records)
    assert list(tmp_path.glob("w.json.damaged-*"))


def test_a_read_only_state_dir_keeps_typing_and_learning_in_memory(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        words = UserWords(ro / "w.json")
        words.learn("mfkf", "免费咖啡")
        assert words.words("mfkf") == ["免费咖啡"]
    finally:
        ro.chmod(0o700)
