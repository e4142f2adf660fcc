#!/usr/bin/env python3
"""Write the StickerQueries rows of one corpus split, so that the training data contains no validation or test sticker.

Usage: tools/train_queries.py CORPUS OUT [--language en] [--splits train]

CORPUS is a folder written by `gse datasets build emoji`. The split of each sticker comes from its stickers.csv.
"""
import argparse
import csv
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--language", default="en", help="en or zh (default en)")
    parser.add_argument("--splits", default="train", help="comma-separated splits to keep (default train)")
    args = parser.parse_args()

    stickers = args.corpus / "stickers.csv"
    queries = args.corpus / f"queries_{args.language}.csv"
    for path in (stickers, queries):
        if not path.is_file():
            print(f"train_queries: {path} not found; build the corpus with ./gse datasets build emoji", file=sys.stderr)
            return 1

    keep = set(args.splits.split(","))
    with stickers.open(newline="", encoding="utf-8") as f:
        kept_ids = {row["id"] for row in csv.DictReader(f) if row["split"] in keep}

    args.out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with queries.open(newline="", encoding="utf-8") as f, args.out.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["sticker_id", "labeled_queries"])
        for row in csv.DictReader(f):
            if row["sticker_id"] in kept_ids:
                writer.writerow([row["sticker_id"], row["labeled_queries"]])
                written += 1
    print(f"train_queries: wrote {written} stickers of split {args.splits} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
