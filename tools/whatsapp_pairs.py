#!/usr/bin/python3
"""Derive labelled sticker pairs from a WhatsApp sticker-pack folder's contents.json.

Usage:
    /usr/bin/python3 tools/whatsapp_pairs.py [CONTENTS_JSON] [OUT_DIR]

Defaults: ../shared/data/real-stickers/whatsapp/contents.json beside the repository, and
src/test/resources/whatsapp-pairs/. Writes train.csv and test.csv in the Triple-S format
(sticker_id,sticker_id_2,label) plus a column shared_emojis that the reader ignores. Ids are paths relative to
the folder of contents.json, such as 1/01_Cuppy_smile.webp.

Rule (the pack authors' emoji tags stand in for human similarity labels):
  * Each sticker's emojis are normalised by removing the variation selector U+FE0F, so "❤️" and "❤" match.
  * An emoji tagged on more than half of one pack's stickers marks the pack, not the meaning (☕ is on 22 of
    Cuppy's 25 stickers), and is ignored for that pack.
  * Similar (label 1): the two stickers share at least one remaining emoji.
  * Dissimilar (label 0): they share none.
  * Stickers, not pairs, are split: each pack's stickers are shuffled with a fixed seed and the first half goes to
    train, the rest to test, so no sticker is in both files. Pairs are formed within each split only.
  * Negatives are balanced and matched: for every positive pair, one negative is drawn (without replacement, fixed
    seed) from the negatives of the same kind, both stickers from one pack or from two packs, so that pack style
    alone cannot tell the classes apart.
  * Tray icons (tray_image_file) have no emojis and are not stickers; they are left out.
"""
import csv
import itertools
import json
import os
import random
import sys
from collections import Counter

SEED = 20241204
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def load(contents_path):
    with open(contents_path, encoding="utf-8") as f:
        contents = json.load(f)
    stickers = []
    for pack in contents["sticker_packs"]:
        tags = [(s["image_file"], {e.replace("\ufe0f", "") for e in s["emojis"]}) for s in pack["stickers"]]
        counts = Counter(e for _, emojis in tags for e in emojis)
        pack_marks = {e for e, n in counts.items() if n > len(tags) / 2}
        for image_file, emojis in tags:
            stickers.append({"id": pack["identifier"] + "/" + image_file, "pack": pack["identifier"],
                             "emojis": emojis - pack_marks})
    return stickers


def split(stickers, rng):
    train, test = [], []
    for pack in sorted({s["pack"] for s in stickers}):
        members = [s for s in stickers if s["pack"] == pack]
        rng.shuffle(members)
        half = (len(members) + 1) // 2
        train += members[:half]
        test += members[half:]
    return train, test


def pairs(stickers, rng):
    positives, negatives = [], {True: [], False: []}
    for a, b in itertools.combinations(stickers, 2):
        shared = a["emojis"] & b["emojis"]
        if shared:
            positives.append((a, b, shared))
        else:
            negatives[a["pack"] == b["pack"]].append((a, b, set()))
    chosen = []
    for kind in (True, False):
        wanted = sum(1 for a, b, _ in positives if (a["pack"] == b["pack"]) == kind)
        if wanted > len(negatives[kind]):
            raise SystemExit(f"not enough negatives of kind same_pack={kind}: {wanted} wanted")
        chosen += rng.sample(negatives[kind], wanted)
    rows = [(a["id"], b["id"], 1, " ".join(sorted(shared))) for a, b, shared in positives]
    rows += [(a["id"], b["id"], 0, "") for a, b, _ in chosen]
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["sticker_id", "sticker_id_2", "label", "shared_emojis"])
        writer.writerows(rows)


def main():
    contents = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "..", "shared", "data", "real-stickers", "whatsapp", "contents.json")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "src", "test", "resources", "whatsapp-pairs")
    rng = random.Random(SEED)
    stickers = load(contents)
    train, test = split(stickers, rng)
    os.makedirs(out, exist_ok=True)
    for name, members in (("train", train), ("test", test)):
        rows = pairs(members, rng)
        write(os.path.join(out, name + ".csv"), rows)
        print(f"{name}: {len(members)} stickers, {len(rows)} pairs, {sum(r[2] for r in rows)} similar")


if __name__ == "__main__":
    main()
