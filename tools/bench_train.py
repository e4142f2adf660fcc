#!/usr/bin/python3
"""The PyTorch side of `gse bench train`: the same head-only epoch and full fine-tuning step, in plain PyTorch.

Run with the Debian interpreter, which has torch: /usr/bin/python3 tools/bench_train.py [--pairs N --batch N --runs N]
It reuses the CLIP module of tools/clip_reference.py (random weights at the ViT-B/32 shape) and prints one JSON
object. Both sides use the same loss (CLIP's symmetric InfoNCE), AdamW (weight decay 0.1 on matrices only) and
global-norm clipping at 1.0.
"""

import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_reference  # noqa: E402


def info_nce(a, b, temperature):
    a = a / a.norm(dim=-1, keepdim=True)
    b = b / b.norm(dim=-1, keepdim=True)
    logits = a @ b.t() / temperature
    labels = torch.arange(a.shape[0])
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2


def clip_loss(image, text, logit_scale):
    image = image / image.norm(dim=-1, keepdim=True)
    text = text / text.norm(dim=-1, keepdim=True)
    logits = logit_scale.exp() * image @ text.t()
    labels = torch.arange(image.shape[0])
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2


def head_epoch(pairs, batch):
    generator = torch.Generator().manual_seed(1)
    cached = torch.randn(2 * pairs, 768, generator=generator)
    head = torch.nn.Linear(768, 512, bias=False)
    optimizer = torch.optim.AdamW(head.parameters(), lr=1e-3, weight_decay=0.1)
    steps = pairs // batch
    start = time.perf_counter()
    for step in range(steps):
        rows = torch.arange(step * batch, (step + 1) * batch)
        loss = info_nce(head(cached[2 * rows]), head(cached[2 * rows + 1]), 0.05)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(head.parameters(), 1.0)
        optimizer.step()
    return {"pairs": pairs, "batch": batch, "steps": steps, "seconds": round(time.perf_counter() - start, 3)}


def full_step(batch, runs):
    config = clip_reference.vit_b_32_config()
    model = clip_reference.build_model(config, seed=1).train()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=1e-5)
    generator = torch.Generator().manual_seed(1)
    size = config["vision_config"]["image_size"]
    pixels = torch.randn(batch, 3, size, size, generator=generator)
    vocab = config["text_config"]["vocab_size"]
    ids = clip_reference.random_input_ids(config["text_config"], vocab - 2, vocab - 1, batch, generator)
    forward_backward, update = 0.0, 0.0
    for run in range(runs + 1):
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = clip_loss(model.image_features(pixels), model.text_features(ids), model.logit_scale)
        loss.backward()
        middle = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100))
        end = time.perf_counter()
        print(f"full step {run}: forward+backward {middle - start:.3f} s, update {end - middle:.3f} s",
              file=sys.stderr)
        if run > 0:
            forward_backward += middle - start
            update += end - middle
    return {"batch": batch, "runs": runs, "forward_backward_seconds": round(forward_backward / runs, 3),
            "update_seconds": round(update / runs, 3), "total_seconds": round((forward_backward + update) / runs, 3)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(),
              "head_epoch": head_epoch(args.pairs, args.batch), "full_step": full_step(args.batch, args.runs)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
