#!/usr/bin/python3
"""Builds a small CLIP-style tokenizer and the token ids it must produce, for ClipTokenizerTest.

We cannot download the real CLIP vocabulary (49408 entries), so this script makes a miniature one with the same
construction and the same Hugging Face tokenizer.json layout:

  1. the byte-level base alphabet: the 256 characters of CLIP's bytes_to_unicode() table, ids 0..255;
  2. the same 256 characters with the end-of-word suffix "</w>", ids 256..511;
  3. one entry per learned merge, in merge order, ids 512..;
  4. <|startoftext|> and <|endoftext|> last, as in CLIP (49406 and 49407 in the real vocabulary).

The merges are learned here from a small English and Chinese corpus by plain BPE training. The most frequent
adjacent pair is merged first, ties are broken by the pair's text, and the late merges have frequency 1. So the
file has realistic multi-byte and end-of-word merges.

Expected ids come from an independent plain-Python implementation of CLIP's tokenizer as Hugging Face's
CLIPTokenizerFast applies it (normaliser: NFC, runs of whitespace to one space, lower case; pre-tokeniser: CLIP's
split pattern; byte-level mapping; BPE with merge ranks and "</w>" on the last symbol of a word; <|startoftext|>
... <|endoftext|> around the sequence; truncation to the context length keeping <|endoftext|> last). The
pattern is evaluated by a hand-written scanner over Unicode categories, so no third-party module is needed.

Outputs, under src/test/resources/clip/tokenizer/:
  tokenizer.json  the miniature tokenizer in Hugging Face tokenizers format (no padding/truncation section,
                  like the real openai/clip-vit-*-patch* files)
  cases.json      [{"name", "text", "tokens" (BPE strings, without specials), "ids" (context_length ids,
                  padded with pad_id), "eos_position", "length"}], plus context_length, pad_id, bos_id, eos_id

Run: /usr/bin/python3 tools/make_tokenizer_fixtures.py
"""

import collections
import json
import pathlib
import unicodedata

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "test" / "resources" / "clip" / "tokenizer"

NUM_MERGES = 320
CONTEXT_LENGTH = 77
BOS = "<|startoftext|>"
EOS = "<|endoftext|>"
# Hugging Face's CLIPTokenizer pads with its pad_token, "<|endoftext|>"; the expected ids use that id.
# The split pattern of CLIP, as in the real tokenizer.json (the Java side may read it from there).
SPLIT_PATTERN = (r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+")

CORPUS = """
The quick brown fox jumps over the lazy dog. I'm so tired today, I don't want to work anymore.
Good morning! Have a nice day. Thank you so much, you're the best. We'll see you tomorrow.
This sticker is funny: the cat is laughing and the dog is crying. They've gone home already.
I love you. I miss you. Happy birthday to you! Congratulations on your new job.
What are you doing? Nothing much, just eating noodles and drinking tea. It's raining again.
Please don't be angry with me. I'd like a cup of coffee. She's happy, he's sad, and we're fine.
Let's go shopping this weekend. The weather is nice and the sun is shining. Exhausted, exhausted, exhausted.
OK okay ok! LOL haha hahaha. Good night and sweet dreams. Stickers make chatting more fun.
我太累了 我好累 今天好累啊 哈哈哈 哈哈哈哈 笑死我了 我爱你 我想你 早上好 晚安 谢谢你
你在干什么 我在吃饭 不要生气 对不起 没关系 好的好的 太好了 加油 生日快乐 新年快乐
这个表情包太可爱了 小猫在笑 小狗在哭 我们一起去玩吧 今天天气很好 明天见
"""

TEST_CASES = [
    ("english", "a photo of a cat"),
    ("sentence", "The quick brown fox jumps over the lazy dog."),
    ("apostrophe_m", "I'm exhausted"),
    ("apostrophe_t", "don't"),
    ("contractions", "they've we'll she'd you're it's"),
    ("upper_case", "HELLO World, GOOD Morning"),
    ("chinese_tired", "我太累了"),
    ("chinese_laugh", "哈哈哈"),
    ("chinese_mixed", "今天好累啊 haha 笑死我了!!"),
    ("emoji", "so funny 😂😂 👍🏽 ❤️"),
    ("punctuation", "wait... what?! (really) #1 -- 100% ok"),
    ("digits", "call 911 in 2024"),
    ("extra_whitespace", "  lots \t of\n\n   spaces   "),
    ("accents_nfc", "cafe\u0301 na\u00efve"),
    ("html_entity", "tom &amp; jerry"),
    ("special_in_text", "hello <|endoftext|> world"),
    ("empty", ""),
    ("only_spaces", "   "),
    ("long_truncated", " ".join(["the quick brown fox jumps over the lazy dog"] * 12)),
    ("long_chinese", "我太累了" * 40),
]


def bytes_to_unicode():
    """CLIP's (and GPT-2's) reversible map from the 256 byte values to printable unicode characters."""
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
                 + list(range(ord("®"), ord("ÿ") + 1)))
    codes = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            codes.append(256 + extra)
            extra += 1
    return dict(zip(printable, [chr(c) for c in codes]))


BYTE_ENCODER = bytes_to_unicode()


def is_letter(ch):
    return unicodedata.category(ch).startswith("L")


def is_number(ch):
    return unicodedata.category(ch).startswith("N")


def is_space(ch):
    return ch.isspace()


def normalize(text):
    """Hugging Face CLIPTokenizerFast normaliser: NFC, every run of whitespace to one space, lower case."""
    text = unicodedata.normalize("NFC", text)
    out = []
    in_space = False
    for ch in text:
        if is_space(ch):
            if not in_space:
                out.append(" ")
            in_space = True
        else:
            out.append(ch)
            in_space = False
    return "".join(out).lower()


def pre_tokenize(text):
    """The CLIP split pattern, evaluated left to right like a regex with ordered alternatives."""
    pieces = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        special = next((s for s in (BOS, EOS) if text.startswith(s, i)), None)
        if special:
            pieces.append(special)
            i += len(special)
        elif ch == "'" and any(text.startswith(c, i + 1) for c in ("s", "t", "re", "ve", "m", "ll", "d")):
            suffix = next(c for c in ("s", "t", "re", "ve", "m", "ll", "d") if text.startswith(c, i + 1))
            pieces.append("'" + suffix)
            i += 1 + len(suffix)
        elif is_letter(ch):
            j = i
            while j < n and is_letter(text[j]):
                j += 1
            pieces.append(text[i:j])
            i = j
        elif is_number(ch):
            pieces.append(ch)
            i += 1
        elif is_space(ch):
            i += 1
        else:
            j = i
            while j < n and not (is_letter(text[j]) or is_number(text[j]) or is_space(text[j])):
                j += 1
            pieces.append(text[i:j])
            i = j
    return pieces


def word_symbols(piece):
    """A pre-token's initial BPE symbols: one byte-level character per UTF-8 byte, '</w>' on the last."""
    chars = [BYTE_ENCODER[b] for b in piece.encode("utf-8")]
    return chars[:-1] + [chars[-1] + "</w>"]


def train_merges(corpus, count):
    words = collections.Counter()
    for piece in pre_tokenize(normalize(corpus)):
        if piece not in (BOS, EOS):
            words[tuple(word_symbols(piece))] += 1
    vocab = set(BYTE_ENCODER.values()) | {c + "</w>" for c in BYTE_ENCODER.values()}
    merges = []
    while len(merges) < count:
        pairs = collections.Counter()
        for symbols, freq in words.items():
            for a, b in zip(symbols, symbols[1:]):
                pairs[(a, b)] += freq
        # Most frequent first, ties by text. A pair whose result already exists is skipped, because the CLIP
        # construction gives every merge exactly one new vocabulary id.
        candidates = sorted((p for p in pairs.items() if p[0][0] + p[0][1] not in vocab),
                            key=lambda kv: (-kv[1], kv[0]))
        if not candidates:
            break
        best = candidates[0][0]
        merges.append(best)
        vocab.add(best[0] + best[1])
        merged = collections.Counter()
        for symbols, freq in words.items():
            merged[tuple(merge_pair(list(symbols), best))] += freq
        words = merged
    return merges


def merge_pair(symbols, pair):
    out = []
    i = 0
    while i < len(symbols):
        if i < len(symbols) - 1 and symbols[i] == pair[0] and symbols[i + 1] == pair[1]:
            out.append(pair[0] + pair[1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def bpe(piece, ranks):
    """CLIP's SimpleTokenizer.bpe: repeatedly merge every occurrence of the lowest-ranked adjacent pair."""
    symbols = word_symbols(piece)
    while len(symbols) > 1:
        pairs = set(zip(symbols, symbols[1:]))
        best = min(pairs, key=lambda p: ranks.get(p, float("inf")))
        if best not in ranks:
            break
        symbols = merge_pair(symbols, best)
    return symbols


def decode(tokens):
    """CLIP's SimpleTokenizer.decode: byte-level characters back to bytes, '</w>' back to a space."""
    text = "".join(tokens).replace("</w>", " ")
    out = bytearray()
    for special in (BOS, EOS):
        text = text.replace(special, special + " ")
    i = 0
    while i < len(text):
        special = next((s for s in (BOS, EOS) if text.startswith(s, i)), None)
        if special:
            out.extend(special.encode("utf-8"))
            i += len(special)
        elif text[i] == " ":
            out.append(0x20)
            i += 1
        else:
            out.append(BYTE_DECODER[text[i]])
            i += 1
    return out.decode("utf-8")


def encode(text, encoder, ranks):
    tokens = []
    for piece in pre_tokenize(normalize(text)):
        if piece in (BOS, EOS):
            tokens.append(piece)
        else:
            tokens.extend(bpe(piece, ranks))
    ids = [encoder[t] for t in tokens]
    return tokens, ids


def main():
    merges = train_merges(CORPUS, NUM_MERGES)
    base = list(BYTE_ENCODER.values())
    vocab_list = base + [c + "</w>" for c in base] + [a + b for a, b in merges] + [BOS, EOS]
    assert len(set(vocab_list)) == len(vocab_list), "duplicate vocabulary entries"
    encoder = {token: i for i, token in enumerate(vocab_list)}
    ranks = {pair: i for i, pair in enumerate(merges)}
    bos_id, eos_id = encoder[BOS], encoder[EOS]
    pad_id = eos_id

    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": bos_id, "content": BOS, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": True, "special": True},
            {"id": eos_id, "content": EOS, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": True, "special": True},
        ],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFC"},
            {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
            {"type": "Lowercase"},
        ]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": SPLIT_PATTERN}, "behavior": "Removed", "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        ]},
        "post_processor": {"type": "RobertaProcessing", "sep": [EOS, eos_id], "cls": [BOS, bos_id],
                           "trim_offsets": False, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": EOS, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "</w>", "fuse_unk": False, "byte_fallback": False,
                  "vocab": encoder, "merges": [a + " " + b for a, b in merges]},
    }

    cases = []
    for name, text in TEST_CASES:
        tokens, ids = encode(text, encoder, ranks)
        body = ids[:CONTEXT_LENGTH - 2]
        sequence = [bos_id] + body + [eos_id]
        length = len(sequence)
        padded = sequence + [pad_id] * (CONTEXT_LENGTH - length)
        # Hugging Face pools at the first <|endoftext|>; with one in the text that is earlier than the last.
        eos_position = sequence.index(eos_id)
        # Byte-level round trip: the tokens decode back to the pre-tokens, one space after each word.
        decoded = decode(tokens)
        expected_text = "".join(p + " " for p in pre_tokenize(normalize(text)))
        assert decoded == expected_text, (name, decoded, expected_text)
        cases.append({"name": name, "text": text, "tokens": tokens, "ids": padded,
                      "eos_position": eos_position, "length": length, "decoded": decoded, "truncated": len(ids) > CONTEXT_LENGTH - 2})

    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "tokenizer.json", "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(OUT / "cases.json", "w", encoding="utf-8") as f:
        json.dump({"context_length": CONTEXT_LENGTH, "bos_id": bos_id, "eos_id": eos_id, "pad_id": pad_id,
                   "vocab_size": len(vocab_list), "num_merges": len(merges), "cases": cases},
                  f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(merges)} merges, vocabulary {len(vocab_list)}, {len(cases)} cases -> {OUT}")


BYTE_DECODER = {v: k for k, v in BYTE_ENCODER.items()}

if __name__ == "__main__":
    main()
