"""Input methods of the on-screen keyboard: how keys become Korean and Chinese text.

Why here, apart from flows and UI: a kiosk has no OS input method (no window manager, no
ibus), so the kiosk composes text itself. Each method is plain Python (no Kivy) that the
staff flow drives key by key, so tests type whole words without a window:
- hangul.py: the 2-set keyboard's jamo composed into syllables by Unicode arithmetic;
- pinyin.py: Latin letters turned into Chinese words from candidates (pinyin_lexicon.py,
  data/pinyin_lexicon.tsv.gz, built by scripts/build_pinyin_lexicon.py).
"""
