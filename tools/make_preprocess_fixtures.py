#!/usr/bin/python3
"""Builds images and the pixel tensors Hugging Face's CLIPImageProcessor makes of them, for ClipImageProcessorTest.

transformers is not installed here, so the script follows the steps of CLIPImageProcessor.preprocess
(image_processing_clip.py and image_transforms.py) with PIL and numpy, in the same order and dtypes:

  0. alpha: PIL's convert("RGB") (what do_convert_rgb does; AlphaPolicy "drop"), or Image.alpha_composite over
     an opaque white image and then convert("RGB") (AlphaPolicy "white", our default);
  1. resize: output size by get_resize_output_image_size (shortest edge: new_long = int(size * long / short),
     or a fixed height/width), then PIL Image.resize(resample=..., reducing_gap=None) on the uint8 RGB image;
  2. center crop: top = (h - crop_h) // 2, left = (w - crop_w) // 2 (floor division), zero padding where the
     crop window leaves the image, as image_transforms.center_crop pads;
  3. rescale: image.astype(float64) * rescale_factor, then astype(float32);
  4. normalise: (image - float32(mean)) / float32(std) in float32;
  5. channels first (3, H, W).

Outputs, under src/test/resources/clip/preprocess/:
  <image>.png                      the input images (RGBA or RGB), written by PIL without colour chunks
  <case>.npy                       expected pixel values, float32 (3, H, W)
  <case>_resized.npy               the uint8 (H, W, 3) image after step 1 (absent when do_resize is off)
  <case>_cropped.npy               the uint8 (H, W, 3) image after step 2 (absent when equal to _resized)
  cases.json                       one entry per case: image, alpha policy, preprocessor config (null means
                                   none, i.e. the defaults), output shapes, Pillow version
  resize_sweep.bin                 many small random resizes with every supported filter, Pillow's output
                                   for each (format in write_sweep)

Run: /usr/bin/python3 tools/make_preprocess_fixtures.py
     /usr/bin/python3 tools/make_preprocess_fixtures.py --sweep-only N MAX_IN MAX_OUT SEED FILE
       (a larger sweep outside the repository; ClipImageProcessorTest reads it when -Dgse.resizeSweep=FILE)
"""

import json
import struct
import sys
import math
import pathlib

import numpy as np
import PIL
from PIL import Image, ImageDraw

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "test" / "resources" / "clip" / "preprocess"

OPENAI_CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
DEFAULTS = {
    "do_resize": True, "size": {"shortest_edge": 224}, "resample": 3, "do_center_crop": True,
    "crop_size": {"height": 224, "width": 224}, "do_rescale": True, "rescale_factor": 1 / 255,
    "do_normalize": True, "image_mean": OPENAI_CLIP_MEAN, "image_std": OPENAI_CLIP_STD, "do_convert_rgb": True,
}


# --- images ---------------------------------------------------------------------------------------------------

def image_rgba_37x53(rng):
    """Noise with every alpha level, and colour stored under fully transparent pixels (drop shows it)."""
    h, w = 53, 37
    arr = rng.randint(0, 256, size=(h, w, 4)).astype(np.uint8)
    arr[:10, :, 3] = 0
    arr[10:20, :, 3] = 255
    arr[20:, :, 3] = (np.arange(h - 20)[:, None] * 255 // (h - 21)).astype(np.uint8)
    return Image.fromarray(arr, "RGBA")


def image_sticker_512():
    """A sticker-like drawing: soft-edged face on a transparent background, stored colour zero there."""
    size = 512
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    arr = np.zeros((size, size, 4), np.float64)
    # Face: yellow disc with a 3 px soft dark outline.
    r = np.hypot(xx - 256, yy - 250)
    face = np.clip(200 - r, 0, 1)
    outline = np.clip(212 - r, 0, 1)
    arr[..., :3] = np.where(face[..., None] > 0, [255, 214, 64], [40, 30, 20])
    arr[..., 3] = outline * 255
    # Eyes and mouth.
    for cx in (190, 322):
        eye = np.hypot(xx - cx, (yy - 200) * 0.7) < 26
        arr[eye, :3] = [30, 30, 30]
    mouth = (np.abs(np.hypot(xx - 256, yy - 250) - 120) < 9) & (yy > 290)
    arr[mouth, :3] = [160, 20, 40]
    # Tears: translucent blue drops.
    for cx in (170, 342):
        tear = np.hypot((xx - cx) * 1.4, yy - 280) < 30
        arr[tear, :3] = [60, 140, 255]
        arr[tear, 3] = 170
    img = Image.fromarray(np.round(arr).astype(np.uint8), "RGBA")
    # Hard-edged text-like strokes, as stickers often carry a caption.
    draw = ImageDraw.Draw(img)
    draw.rectangle([120, 440, 392, 470], fill=(250, 250, 250, 255), outline=(0, 0, 0, 255), width=4)
    for i in range(8):
        draw.line([140 + i * 30, 448, 155 + i * 30, 462], fill=(20, 20, 20, 255), width=5)
    return img


def image_rgb_300x200(rng):
    h, w = 200, 300
    yy, xx = np.mgrid[0:h, 0:w]
    arr = np.stack([xx * 255 // (w - 1), yy * 255 // (h - 1), (xx + yy) % 256], axis=-1)
    arr[20:70, 20:70] += rng.randint(-40, 41, size=(50, 50, 3))   # a noisy patch; the rest stays compressible
    arr[60:140, 100:110] = [255, 255, 255]   # a sharp bar, so the cubic kernel overshoots and clips
    arr[60:140, 110:120] = [0, 0, 0]
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def image_rgba_20x20(rng):
    arr = rng.randint(0, 256, size=(20, 20, 4)).astype(np.uint8)
    arr[5:15, 5:15, 3] = 255
    return Image.fromarray(arr, "RGBA")


def image_rgb(rng, w, h):
    return Image.fromarray(rng.randint(0, 256, size=(h, w, 3)).astype(np.uint8), "RGB")


# --- Hugging Face's steps -------------------------------------------------------------------------------------

def flatten(img, policy):
    if policy == "drop":
        return img.convert("RGB")
    if policy == "white":
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, img.convert("RGBA")).convert("RGB")
    raise ValueError(policy)


def size_dict(value, default_to_square):
    """get_size_dict for the forms a preprocessor_config.json holds: int, [h, w] or a dict."""
    if isinstance(value, int):
        return {"height": value, "width": value} if default_to_square else {"shortest_edge": value}
    if isinstance(value, list):
        return {"height": value[0], "width": value[1]}
    return dict(value)


def resize_output_size(height, width, size):
    if "shortest_edge" in size:
        short, long = (width, height) if width <= height else (height, width)
        new_short = size["shortest_edge"]
        new_long = int(new_short * long / short)
        return (new_long, new_short) if width <= height else (new_short, new_long)
    return size["height"], size["width"]


def center_crop(arr, crop_h, crop_w):
    h, w = arr.shape[:2]
    top = (h - crop_h) // 2
    left = (w - crop_w) // 2
    if top >= 0 and left >= 0 and top + crop_h <= h and left + crop_w <= w:
        return arr[top:top + crop_h, left:left + crop_w]
    new_h, new_w = max(crop_h, h), max(crop_w, w)
    canvas = np.zeros((new_h, new_w) + arr.shape[2:], arr.dtype)
    top_pad = math.ceil((new_h - h) / 2)
    left_pad = math.ceil((new_w - w) / 2)
    canvas[top_pad:top_pad + h, left_pad:left_pad + w] = arr
    top += top_pad
    left += left_pad
    return canvas[max(0, top):min(new_h, top + crop_h), max(0, left):min(new_w, left + crop_w)]


def preprocess(img, policy, config):
    cfg = dict(DEFAULTS)
    cfg.update(config or {})
    size = size_dict(cfg["size"], default_to_square=False)
    crop = size_dict(cfg["crop_size"], default_to_square=True)
    mean = cfg["image_mean"] if isinstance(cfg["image_mean"], list) else [cfg["image_mean"]] * 3
    std = cfg["image_std"] if isinstance(cfg["image_std"], list) else [cfg["image_std"]] * 3

    arr = np.asarray(flatten(img, policy))
    resized = None
    if cfg["do_resize"]:
        out_h, out_w = resize_output_size(arr.shape[0], arr.shape[1], size)
        pil = Image.fromarray(arr)
        arr = np.asarray(pil.resize((out_w, out_h), resample=cfg["resample"], reducing_gap=None))
        resized = arr
    if cfg["do_center_crop"]:
        arr = center_crop(arr, crop["height"], crop["width"])
    cropped = np.ascontiguousarray(arr)
    if cfg["do_rescale"]:
        arr = (arr.astype(np.float64) * cfg["rescale_factor"]).astype(np.float32)
    if cfg["do_normalize"]:
        if not np.issubdtype(arr.dtype, np.floating):
            arr = arr.astype(np.float32)
        arr = (arr - np.array(mean, dtype=arr.dtype)) / np.array(std, dtype=arr.dtype)
    arr = np.ascontiguousarray(arr.transpose(2, 0, 1)).astype(np.float32)
    return arr, resized, cropped


# --- resize sweep --------------------------------------------------------------------------------------------

SWEEP_FILTERS = [1, 2, 3, 4, 5]   # lanczos, bilinear, bicubic, box, hamming


def sweep_image(rng, w, h):
    kind = rng.randint(3)
    if kind == 0:   # noise
        return rng.randint(0, 256, size=(h, w, 3)).astype(np.uint8)
    if kind == 1:   # black and white only: the cubic and lanczos lobes overshoot, so clipping is exercised
        return (rng.randint(0, 2, size=(h, w, 3)) * 255).astype(np.uint8)
    yy, xx = np.mgrid[0:h, 0:w]   # smooth ramps
    arr = np.stack([xx * 255 // max(w - 1, 1), yy * 255 // max(h - 1, 1), (xx * 7 + yy * 13) % 256], -1)
    return arr.astype(np.uint8)


def write_sweep(path, count, max_in, max_out, seed):
    """Binary, little-endian: b"PILRESZ1", int32 count, then per case int32 in_w, in_h, out_w, out_h, filter
    (Pillow's number), in_w*in_h*3 input bytes and out_w*out_h*3 bytes of Pillow's output, both RGB row-major."""
    rng = np.random.RandomState(seed)
    with open(path, "wb") as f:
        f.write(b"PILRESZ1")
        f.write(struct.pack("<i", count))
        for i in range(count):
            in_w, in_h = rng.randint(1, max_in + 1, size=2)
            out_w, out_h = rng.randint(1, max_out + 1, size=2)
            resample = SWEEP_FILTERS[i % len(SWEEP_FILTERS)]
            arr = sweep_image(rng, int(in_w), int(in_h))
            out = np.asarray(Image.fromarray(arr, "RGB").resize((int(out_w), int(out_h)), resample=resample,
                                                                 reducing_gap=None))
            f.write(struct.pack("<5i", int(in_w), int(in_h), int(out_w), int(out_h), resample))
            f.write(arr.tobytes())
            f.write(np.ascontiguousarray(out).tobytes())


# --- cases ----------------------------------------------------------------------------------------------------

def small(extra=None, edge=64):
    config = {"size": {"shortest_edge": edge}, "crop_size": {"height": edge, "width": edge}}
    config.update(extra or {})
    return config


def main():
    rng = np.random.RandomState(20240601)
    images = {
        "rgba_37x53": image_rgba_37x53(rng),
        "sticker_512": image_sticker_512(),
        "rgb_300x200": image_rgb_300x200(rng),
        "rgba_20x20": image_rgba_20x20(rng),
        "rgb_45x33": image_rgb(rng, 45, 33),
        "rgb_90x9": image_rgb(rng, 90, 9),
        "rgb_100x30": image_rgb(rng, 100, 30),
    }
    cases = [
        # name, image, policy, config (None: no preprocessor_config.json, the defaults)
        ("rgba_37x53_white", "rgba_37x53", "white", small()),
        ("rgba_37x53_drop", "rgba_37x53", "drop", small()),
        ("sticker_512_white_default", "sticker_512", "white", None),
        ("sticker_512_drop", "sticker_512", "drop", small()),
        ("rgb_300x200", "rgb_300x200", "white", small()),
        ("rgba_20x20_upscale", "rgba_20x20", "white", small()),
        ("rgba_20x20_drop_int_sizes", "rgba_20x20", "drop", {"size": 64, "crop_size": 64}),
        ("rgb_90x9_extreme", "rgb_90x9", "white", small(edge=32)),
        ("rgba_20x20_pad", "rgba_20x20", "white", small({"do_resize": False})),
        ("rgb_100x30_crop_and_pad", "rgb_100x30", "white", small({"do_resize": False})),
        ("rgb_45x33_fixed_hw", "rgb_45x33", "white",
         {"size": {"height": 50, "width": 20}, "crop_size": {"height": 40, "width": 16}}),
        ("rgb_45x33_list_size", "rgb_45x33", "white", {"size": [20, 50], "crop_size": [16, 40]}),
        ("rgb_45x33_bilinear", "rgb_45x33", "white", small({"resample": 2}, edge=24)),
        ("rgb_45x33_box", "rgb_45x33", "white", small({"resample": 4}, edge=24)),
        ("rgb_45x33_hamming", "rgb_45x33", "white", small({"resample": 5}, edge=24)),
        ("rgb_45x33_lanczos", "rgb_45x33", "white", small({"resample": 1}, edge=24)),
        ("rgb_45x33_lanczos_up", "rgb_45x33", "white", small({"resample": 1}, edge=70)),
        ("rgb_300x200_no_crop", "rgb_300x200", "white", small({"do_center_crop": False}, edge=32)),
        ("rgb_300x200_no_rescale", "rgb_300x200", "white", small({"do_rescale": False})),
        ("rgb_300x200_no_normalize", "rgb_300x200", "white", small({"do_normalize": False})),
        ("rgb_300x200_scalar_mean", "rgb_300x200", "white",
         small({"image_mean": 0.5, "image_std": 0.25, "rescale_factor": 0.5 / 255})),
    ]

    OUT.mkdir(parents=True, exist_ok=True)
    for name, img in images.items():
        img.save(OUT / f"{name}.png", optimize=False)
    entries = []
    for name, image_name, policy, config in cases:
        # Read the PNG back, so the Java side and this script start from the same file.
        with Image.open(OUT / f"{image_name}.png") as png:
            png.load()
            expected, resized, cropped = preprocess(png, policy, config)
        np.save(OUT / f"{name}.npy", expected)
        if resized is not None:
            np.save(OUT / f"{name}_resized.npy", np.ascontiguousarray(resized))
        if resized is None or not np.array_equal(resized, cropped):
            np.save(OUT / f"{name}_cropped.npy", cropped)
        entries.append({"name": name, "image": f"{image_name}.png", "alpha": policy, "config": config,
                        "shape": list(expected.shape),
                        "resized_shape": None if resized is None else list(resized.shape)})
    with open(OUT / "cases.json", "w", encoding="utf-8") as f:
        json.dump({"pillow_version": PIL.__version__, "numpy_version": np.__version__, "cases": entries}, f,
                  indent=1)
        f.write("\n")
    write_sweep(OUT / "resize_sweep.bin", count=150, max_in=20, max_out=28, seed=7)
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{len(entries)} cases, {total / 1024:.0f} KiB, Pillow {PIL.__version__} -> {OUT}")


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "--sweep-only":
        n, max_in, max_out, seed = (int(v) for v in sys.argv[2:6])
        write_sweep(sys.argv[6], n, max_in, max_out, seed)
    else:
        main()
