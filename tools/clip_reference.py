#!/usr/bin/python3
"""Plain-PyTorch reference of Hugging Face CLIP, and the generator of the checkpoint fixtures.

Install (Debian 12 / 13, no pip, no `transformers`, no network access needed):

    apt-get install python3-torch python3-numpy python3-pil

Run with the system interpreter, /usr/bin/python3 (the Debian torch is not visible to other interpreters):

    /usr/bin/python3 tools/clip_reference.py --tiny                     # rewrites src/test/resources/clip/tiny/
    /usr/bin/python3 tools/clip_reference.py --shape vit-b-32 --out target/clip-vit-b-32
    /usr/bin/python3 tools/clip_reference.py --bench [--shape vit-b-32 | --model DIR] [--threads 2]

What it implements (checked against HF `transformers/models/clip/modeling_clip.py`, written from scratch here):

* vision tower: Conv2d patch embedding without bias; `class_embedding` prepended; learned position embedding;
  `pre_layrnorm` (HF's spelling); N pre-norm encoder layers (layer_norm1 -> self-attention with biased q/k/v/out
  projections, scores = q k^T * head_dim^-0.5, softmax in float32 -> residual; layer_norm2 -> fc1 -> act -> fc2 ->
  residual); `post_layernorm` applied to the class token only; `visual_projection` (no bias).
* text tower: token + position embedding; the same encoder layers with a causal mask (no padding mask: CLIPModel is
  called without attention_mask, padding only sits after the pooled token); `final_layer_norm`; pooled at the first
  position whose id equals `eos_token_id`, except the legacy rule: when `eos_token_id == 2` (the value in the
  original openai/clip-vit-* config.json files) pooled at argmax(input_ids), i.e. the first occurrence of the
  highest id, which is the end-of-text token 49407 of the real vocabulary. (Recent HF versions test instead whether
  every row's max id is 49407; for real tokenizer output all three rules pick the same position.)
  `text_projection` (no bias).
* activations: quick_gelu = x * sigmoid(1.702 x); gelu = the exact erf GELU (HF's "gelu").
* logits_per_image = exp(logit_scale) * normalise(image_features) @ normalise(text_features).T

The reference outputs are computed in float64 from the float32 weights and stored as float32, so they are the
"true" values that a float32 engine should approach (expect |diff| around 1e-5 relative).

Files written for the tiny model (src/test/resources/clip/tiny/, all < 1 MB together):

    config.json                          HF CLIPConfig layout
    model.safetensors                    float32, header order = state_dict order, with __metadata__
    model.fp16.safetensors               the same weights rounded to float16
    sharded/config.json, sharded/model-0000{1,2}-of-00002.safetensors, sharded/model.safetensors.index.json
                                         (the shards also hold the int64 `position_ids` buffers, as old HF
                                         conversions of openai/clip-vit-* do)
    pytorch_model.bin                    torch.save(state_dict) with the position_ids buffers (zip format)
    gse.pt                               torch.save({"model_state_dict": sd, "epoch": 3, "optimizer_state_dict": ...})
    expected/pixel_values.npy            float32 [N,3,S,S], random (not from images)
    expected/image_features.npy          float32 [N,projection_dim], visual_projection output, not normalised
    expected/input_ids.npy               int64 [T,77], bos ... eos then padding (eos-padded and 0-padded rows)
    expected/text_features.npy           float32 [T,projection_dim], not normalised
    expected/logits_per_image.npy        float32 [N,T]
    expected/image_features_fp16.npy     image features of the float16-rounded weights (computed in float64)
    ../pickle/malicious.pt               a torch-zip whose data.pkl calls os.system via GLOBAL + REDUCE (must be
                                         rejected, never run)
    ../pickle/legacy.pt                  a state dict in the pre-1.6 non-zip torch format
    ../pickle/strided.pt                 views with storage offsets, transposed strides and a shared storage
    ../pickle/strided_expected.safetensors  their values, contiguous float32
    ../safetensors/dtypes.safetensors    F16 and BF16 tensors with special values beside torch's float32 widening
"""

import argparse
import io
import json
import math
import os
import pickle
import struct
import sys
import time
import zipfile
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ----------------------------------------------------------------------------------------------------------------
# Configurations
# ----------------------------------------------------------------------------------------------------------------

TINY_CONFIG = {
    "architectures": ["CLIPModel"],
    "model_type": "clip",
    "projection_dim": 16,
    "logit_scale_init_value": 2.6592,
    "initializer_factor": 1.0,
    "torch_dtype": "float32",
    "vision_config": {
        "model_type": "clip_vision_model",
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_channels": 3,
        "image_size": 32,
        "patch_size": 8,
        "hidden_act": "quick_gelu",
        "layer_norm_eps": 1e-05,
        "attention_dropout": 0.0,
        "initializer_range": 0.02,
        "initializer_factor": 1.0,
        "projection_dim": 16,
    },
    "text_config": {
        "model_type": "clip_text_model",
        "vocab_size": 128,
        "hidden_size": 24,
        "intermediate_size": 48,
        "num_hidden_layers": 3,
        "num_attention_heads": 3,
        "max_position_embeddings": 77,
        "hidden_act": "gelu",
        "layer_norm_eps": 1e-05,
        "attention_dropout": 0.0,
        "initializer_range": 0.02,
        "initializer_factor": 1.0,
        # The original openai/clip-vit-* configs say bos 0, eos 2, pad 1: eos 2 selects the legacy argmax pooling.
        "bos_token_id": 0,
        "eos_token_id": 2,
        "pad_token_id": 1,
        "projection_dim": 16,
    },
}
# The tokenizer-side ids of the tiny vocabulary (like 49406/49407 of the real one): the two highest ids.
TINY_BOS = 126
TINY_EOS = 127


def vit_b_32_config():
    """The shape of openai/clip-vit-base-patch32's config.json (values as in that file)."""
    return {
        "architectures": ["CLIPModel"],
        "model_type": "clip",
        "projection_dim": 512,
        "logit_scale_init_value": 2.6592,
        "initializer_factor": 1.0,
        "torch_dtype": "float32",
        "vision_config": {
            "model_type": "clip_vision_model", "hidden_size": 768, "intermediate_size": 3072,
            "num_hidden_layers": 12, "num_attention_heads": 12, "num_channels": 3, "image_size": 224,
            "patch_size": 32, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-05, "attention_dropout": 0.0,
            "initializer_range": 0.02, "initializer_factor": 1.0, "projection_dim": 512,
        },
        "text_config": {
            "model_type": "clip_text_model", "vocab_size": 49408, "hidden_size": 512, "intermediate_size": 2048,
            "num_hidden_layers": 12, "num_attention_heads": 8, "max_position_embeddings": 77,
            "hidden_act": "quick_gelu", "layer_norm_eps": 1e-05, "attention_dropout": 0.0,
            "initializer_range": 0.02, "initializer_factor": 1.0, "bos_token_id": 0, "eos_token_id": 2,
            "pad_token_id": 1, "projection_dim": 512,
        },
    }


def vit_l_14_config():
    """The shape of openai/clip-vit-large-patch14, the base of GSE."""
    config = vit_b_32_config()
    config["projection_dim"] = 768
    config["vision_config"].update(hidden_size=1024, intermediate_size=4096, num_hidden_layers=24,
                                   num_attention_heads=16, patch_size=14, projection_dim=768)
    config["text_config"].update(hidden_size=768, intermediate_size=3072, num_attention_heads=12,
                                 projection_dim=768)
    return config


SHAPES = {"vit-b-32": vit_b_32_config, "vit-l-14": vit_l_14_config}

# ----------------------------------------------------------------------------------------------------------------
# The model, with module names that give exactly HF CLIPModel.state_dict() keys
# ----------------------------------------------------------------------------------------------------------------


def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


def activation(name):
    if name == "quick_gelu":
        return quick_gelu
    if name == "gelu":
        return lambda x: nn.functional.gelu(x)  # exact (erf) form, HF's "gelu"
    raise ValueError("unsupported hidden_act " + repr(name))


class Attention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        if hidden % heads:
            raise ValueError("hidden size %d not divisible by %d heads" % (hidden, heads))
        self.heads = heads
        self.head_dim = hidden // heads
        self.scale = self.head_dim ** -0.5
        self.k_proj = nn.Linear(hidden, hidden)
        self.v_proj = nn.Linear(hidden, hidden)
        self.q_proj = nn.Linear(hidden, hidden)
        self.out_proj = nn.Linear(hidden, hidden)

    def forward(self, x, mask=None):
        batch, length, hidden = x.shape

        def split(t):
            return t.view(batch, length, self.heads, self.head_dim).transpose(1, 2)

        q, k, v = split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) * self.scale
        if mask is not None:
            scores = scores + mask
        weights = torch.softmax(scores, dim=-1)
        out = torch.matmul(weights, v).transpose(1, 2).reshape(batch, length, hidden)
        return self.out_proj(out)


class Mlp(nn.Module):
    def __init__(self, hidden, intermediate, act):
        super().__init__()
        self.act = activation(act)
        self.fc1 = nn.Linear(hidden, intermediate)
        self.fc2 = nn.Linear(intermediate, hidden)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class EncoderLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        hidden = cfg["hidden_size"]
        self.self_attn = Attention(hidden, cfg["num_attention_heads"])
        self.layer_norm1 = nn.LayerNorm(hidden, eps=cfg["layer_norm_eps"])
        self.mlp = Mlp(hidden, cfg["intermediate_size"], cfg["hidden_act"])
        self.layer_norm2 = nn.LayerNorm(hidden, eps=cfg["layer_norm_eps"])

    def forward(self, x, mask=None):
        x = x + self.self_attn(self.layer_norm1(x), mask)
        return x + self.mlp(self.layer_norm2(x))


class Encoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layers = nn.ModuleList([EncoderLayer(cfg) for _ in range(cfg["num_hidden_layers"])])

    def forward(self, x, mask=None):
        for layer in self.layers:
            x = layer(x, mask)
        return x


class VisionEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        hidden, patch = cfg["hidden_size"], cfg["patch_size"]
        self.image_size = cfg["image_size"]
        self.class_embedding = nn.Parameter(torch.zeros(hidden))
        self.patch_embedding = nn.Conv2d(cfg["num_channels"], hidden, kernel_size=patch, stride=patch, bias=False)
        positions = (self.image_size // patch) ** 2 + 1
        self.position_embedding = nn.Embedding(positions, hidden)
        # Not persistent in current HF; the fixtures add it to some files by hand.
        self.register_buffer("position_ids", torch.arange(positions).expand((1, -1)), persistent=False)

    def forward(self, pixels):
        batch, _, height, width = pixels.shape
        if height != self.image_size or width != self.image_size:
            raise ValueError("image is %dx%d, the model takes %d" % (height, width, self.image_size))
        patches = self.patch_embedding(pixels.to(self.patch_embedding.weight.dtype)).flatten(2).transpose(1, 2)
        cls = self.class_embedding.expand(batch, 1, -1)
        return torch.cat([cls, patches], dim=1) + self.position_embedding(self.position_ids)


class VisionTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        hidden = cfg["hidden_size"]
        self.embeddings = VisionEmbeddings(cfg)
        self.pre_layrnorm = nn.LayerNorm(hidden, eps=cfg["layer_norm_eps"])
        self.encoder = Encoder(cfg)
        self.post_layernorm = nn.LayerNorm(hidden, eps=cfg["layer_norm_eps"])

    def forward(self, pixels):
        x = self.encoder(self.pre_layrnorm(self.embeddings(pixels)))
        return self.post_layernorm(x[:, 0, :])


class TextEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.token_embedding = nn.Embedding(cfg["vocab_size"], cfg["hidden_size"])
        self.position_embedding = nn.Embedding(cfg["max_position_embeddings"], cfg["hidden_size"])
        self.register_buffer("position_ids", torch.arange(cfg["max_position_embeddings"]).expand((1, -1)),
                             persistent=False)

    def forward(self, ids):
        length = ids.shape[-1]
        return self.token_embedding(ids) + self.position_embedding(self.position_ids[:, :length])


class TextTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.eos_token_id = cfg["eos_token_id"]
        self.embeddings = TextEmbeddings(cfg)
        self.encoder = Encoder(cfg)
        self.final_layer_norm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])

    def forward(self, ids):
        x = self.embeddings(ids)
        length = ids.shape[-1]
        mask = torch.full((length, length), float("-inf"), dtype=x.dtype).triu(1)[None, None]
        x = self.final_layer_norm(self.encoder(x, mask))
        rows = torch.arange(x.shape[0])
        if self.eos_token_id == 2:
            pool = ids.to(torch.int).argmax(dim=-1)  # legacy: the highest id, the end-of-text token
        else:
            pool = (ids.to(torch.int) == self.eos_token_id).int().argmax(dim=-1)  # first eos
        return x[rows, pool]


class ClipModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        vision, text = config["vision_config"], config.get("text_config")
        if text is not None:
            self.text_model = TextTransformer(text)
        self.vision_model = VisionTransformer(vision)
        self.visual_projection = nn.Linear(vision["hidden_size"], config["projection_dim"], bias=False)
        if text is not None:
            self.text_projection = nn.Linear(text["hidden_size"], config["projection_dim"], bias=False)
            self.logit_scale = nn.Parameter(torch.tensor(float(config["logit_scale_init_value"])))

    def image_features(self, pixels):
        return self.visual_projection(self.vision_model(pixels))

    def text_features(self, ids):
        return self.text_projection(self.text_model(ids))

    def logits_per_image(self, image_features, text_features):
        image = image_features / image_features.norm(dim=-1, keepdim=True)
        text = text_features / text_features.norm(dim=-1, keepdim=True)
        return self.logit_scale.exp() * image @ text.t()


def hf_key_order(config):
    """The key order of HF CLIPModel.state_dict(): text_model, vision_model, visual_projection, text_projection,
    logit_scale. Our module registers the same order."""
    return list(ClipModel(config).state_dict().keys())


def randomise(model, generator):
    """Random weights with every bias and LayerNorm parameter non-trivial (a zero bias would hide a loader or
    engine that drops it). Scales keep activations O(1) through the layers."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name == "logit_scale":
                p.fill_(4.2)  # differs from logit_scale_init_value on purpose: the checkpoint value must win
            elif "layer_norm" in name or "layrnorm" in name or "layernorm" in name:
                if name.endswith("weight"):
                    p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=generator))
                else:
                    p.copy_(0.1 * torch.randn(p.shape, generator=generator))
            elif name.endswith("bias"):
                p.copy_(0.05 * torch.randn(p.shape, generator=generator))
            elif p.dim() >= 2:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=generator) / math.sqrt(fan_in))
            else:
                p.copy_(0.5 * torch.randn(p.shape, generator=generator))
        if hasattr(model, "text_model"):
            model.text_model.embeddings.token_embedding.weight.mul_(0.5)
            model.text_model.embeddings.position_embedding.weight.mul_(0.2)
        model.vision_model.embeddings.position_embedding.weight.mul_(0.2)
    return model


def state_dict_of(model):
    """The float32 state dict (plain tensors, HF key order, no buffers), contiguous and each in its own storage.
    It keeps the `_metadata` attribute of Module.state_dict(), which torch.save pickles with a BUILD opcode."""
    original = model.state_dict()
    sd = OrderedDict((k, v.detach().to(torch.float32).contiguous().clone()) for k, v in original.items())
    sd._metadata = getattr(original, "_metadata", OrderedDict())
    return sd


def with_position_ids(sd, config):
    """Adds the int64 position_ids buffers where older HF versions put them (inside the embeddings)."""
    out = OrderedDict()
    for key, value in sd.items():
        out[key] = value
        if key == "text_model.embeddings.position_embedding.weight":
            out["text_model.embeddings.position_ids"] = torch.arange(
                config["text_config"]["max_position_embeddings"]).expand((1, -1)).contiguous()
        if key == "vision_model.embeddings.position_embedding.weight":
            out["vision_model.embeddings.position_ids"] = torch.arange(value.shape[0]).expand((1, -1)).contiguous()
    out._metadata = getattr(sd, "_metadata", OrderedDict())
    return out


def build_model(config, seed):
    generator = torch.Generator().manual_seed(seed)
    model = ClipModel(config)
    randomise(model, generator)
    return model.eval()


def load_weights(model, sd):
    buffers = {k for k in sd if k.endswith("position_ids")}
    missing, unexpected = model.load_state_dict(OrderedDict((k, v) for k, v in sd.items() if k not in buffers),
                                                strict=False)
    if missing or unexpected:
        raise ValueError("missing %s, unexpected %s" % (missing, unexpected))
    return model


# ----------------------------------------------------------------------------------------------------------------
# safetensors (written and read here: the `safetensors` package is not a Debian package)
# ----------------------------------------------------------------------------------------------------------------

_ST_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64",
              torch.int32: "I32", torch.float64: "F64"}
_ST_NUMPY = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32, "F64": np.float64}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    array = t.numpy()
    return array.astype(array.dtype.newbyteorder("<")).tobytes()


def write_safetensors(path, tensors, metadata=None):
    header = OrderedDict()
    if metadata is not None:
        header["__metadata__"] = metadata
    blobs, offset = [], 0
    for name, t in tensors.items():
        data = tensor_bytes(t)
        header[name] = {"dtype": _ST_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * ((8 - len(encoded) % 8) % 8)  # the reference writer pads the header to 8 bytes with spaces
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length), object_pairs_hook=OrderedDict)
        data = f.read()
    out = OrderedDict()
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = data[start:end]
        if info["dtype"] == "BF16":
            t = torch.from_numpy(np.frombuffer(raw, dtype="<i2").copy()).view(torch.bfloat16)
        else:
            t = torch.from_numpy(np.frombuffer(raw, dtype=np.dtype(_ST_NUMPY[info["dtype"]]).newbyteorder("<"))
                                 .astype(_ST_NUMPY[info["dtype"]]))
        out[name] = t.reshape(info["shape"])
    return out


def write_sharded(folder, tensors, shard_count, metadata):
    names = list(tensors.keys())
    per_shard = (len(names) + shard_count - 1) // shard_count
    weight_map, total = OrderedDict(), 0
    for index in range(shard_count):
        shard_name = "model-%05d-of-%05d.safetensors" % (index + 1, shard_count)
        part = OrderedDict((n, tensors[n]) for n in names[index * per_shard:(index + 1) * per_shard])
        write_safetensors(os.path.join(folder, shard_name), part, metadata)
        for n, t in part.items():
            weight_map[n] = shard_name
            total += t.numel() * t.element_size()
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
        f.write("\n")


def load_model_folder(folder):
    """Loads config.json + model.safetensors (or sharded, or pytorch_model.bin) from an HF-style folder."""
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    single = os.path.join(folder, "model.safetensors")
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(single):
        sd = read_safetensors(single)
    elif os.path.exists(index):
        with open(index) as f:
            weight_map = json.load(f)["weight_map"]
        sd = OrderedDict()
        for shard in sorted(set(weight_map.values())):
            sd.update(read_safetensors(os.path.join(folder, shard)))
    else:
        sd = torch.load(os.path.join(folder, "pytorch_model.bin"), map_location="cpu")
    sd = OrderedDict((k, v.to(torch.float32) if v.is_floating_point() else v) for k, v in sd.items())
    return config, sd


# ----------------------------------------------------------------------------------------------------------------
# Inputs and expected outputs
# ----------------------------------------------------------------------------------------------------------------


def random_pixels(config, count, generator):
    size = config["vision_config"]["image_size"]
    pixels = torch.randn((count, config["vision_config"]["num_channels"], size, size), generator=generator)
    return pixels.clamp(-1.8, 2.2)  # the range of CLIP-normalised [0,1] pixels is about [-1.79, 2.15]


def random_input_ids(text_config, bos, eos, rows, generator, context=None):
    """Rows of bos, random tokens, eos, then padding. Row 0 pads with eos (as HF's CLIP tokenizer does), row 1
    with 0 (as OpenAI's clip.tokenize does), row 2 is the empty text (bos eos), the last row fills the whole context
    (eos at the last position). Ordinary tokens are drawn below bos and include the id 2, so an engine that pools at
    "first id == eos_token_id (2)" instead of the legacy argmax rule gets a different answer."""
    context = context or text_config["max_position_embeddings"]
    ids = torch.zeros((rows, context), dtype=torch.int64)
    for r in range(rows):
        if r == 2:
            length = 0
        elif r == rows - 1:
            length = context - 2
        else:
            length = int(torch.randint(3, context // 3, (1,), generator=generator))
        tokens = torch.randint(0, bos, (length,), generator=generator)
        if length > 2:
            tokens[length // 2] = 2
        pad = eos if r % 2 == 0 else 0
        ids[r, :] = pad
        ids[r, 0] = bos
        ids[r, 1:1 + length] = tokens
        ids[r, 1 + length] = eos
    return ids


@torch.no_grad()
def reference_outputs(model, pixels, ids):
    """Runs the model in float64 (weights widened exactly from float32) and returns float32 numpy arrays."""
    model64 = ClipModel(model.config)
    model64.load_state_dict(model.state_dict())
    model64 = model64.double().eval()
    image = model64.image_features(pixels.double())
    out = {"image_features": image.float().numpy()}
    if ids is not None and hasattr(model64, "text_model"):
        text = model64.text_features(ids)
        out["text_features"] = text.float().numpy()
        out["logits_per_image"] = model64.logits_per_image(image, text).float().numpy()
    return out


def save_expected(folder, pixels, ids, outputs, suffix=""):
    os.makedirs(folder, exist_ok=True)
    np.save(os.path.join(folder, "pixel_values.npy"), pixels.numpy().astype(np.float32))
    if ids is not None:
        np.save(os.path.join(folder, "input_ids.npy"), ids.numpy().astype(np.int64))
    for name, array in outputs.items():
        np.save(os.path.join(folder, name + suffix + ".npy"), array.astype(np.float32))


def gse_checkpoint(sd):
    """The layout of the GSE release: the CLIPModel state dict under model_state_dict, beside training state."""
    return {
        "model_state_dict": sd,
        "epoch": 3,
        "step": 2 ** 40 + 7,  # pickled as LONG1
        "loss": 0.4321,  # BINFLOAT
        "best": True,
        "note": None,
        "optimizer_state_dict": {
            "state": {},
            "param_groups": [{"lr": 1e-5, "betas": (0.9, 0.98), "eps": 1e-6, "weight_decay": 0.2,
                              "amsgrad": False, "params": list(range(5))}],
        },
        "config": {"base": "openai/clip-vit-large-patch14", "batch_size": 32},
    }


# ----------------------------------------------------------------------------------------------------------------
# Pickle fixtures
# ----------------------------------------------------------------------------------------------------------------


def write_malicious(path):
    """A torch zip checkpoint whose data.pkl is GLOBAL os.system + REDUCE("true"): loading it with plain pickle
    would run a shell command. It is built from raw opcodes; nothing here executes it."""
    payload = (b"\x80\x02"  # PROTO 2
               b"cos\nsystem\n"  # GLOBAL os.system
               b"q\x00"  # BINPUT 0
               b"X\x04\x00\x00\x00true"  # BINUNICODE "true"
               b"\x85"  # TUPLE1
               b"R"  # REDUCE
               b".")  # STOP
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in (("malicious/data.pkl", payload), ("malicious/version", b"3\n")):
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)


def write_pickle_fixtures(folder):
    os.makedirs(folder, exist_ok=True)
    write_malicious(os.path.join(folder, "malicious.pt"))

    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) * 0.5 - 3.0
    other = torch.arange(12, dtype=torch.float32).reshape(3, 4) + 100.0
    half = (torch.arange(6, dtype=torch.float32) / 3.0).to(torch.float16)
    views = OrderedDict([
        ("offset_rows", base[1:3]),  # storage offset 6, contiguous
        ("transposed", base.t()),  # strides (1, 6)
        ("column", base[:, 2]),  # offset 2, stride 6
        ("whole", base),  # shares the storage with the three above
        ("other", other),
        ("scalar", torch.tensor(1.5)),
        ("half", half),
        ("long", torch.arange(5, dtype=torch.int64).reshape(1, 5)),
    ])
    torch.save(views, os.path.join(folder, "strided.pt"))
    write_safetensors(os.path.join(folder, "strided_expected.safetensors"),
                      OrderedDict((k, v.contiguous().to(torch.float32)) for k, v in views.items()))

    # The legacy format embeds object ids, so it differs on every run: keep an existing file.
    legacy_path = os.path.join(folder, "legacy.pt")
    if not os.path.exists(legacy_path):
        legacy = OrderedDict([("weight", torch.ones(2, 2))])
        torch.save(legacy, legacy_path, _use_new_zipfile_serialization=False)


def write_dtype_fixture(path):
    """F16 and BF16 tensors holding normal, subnormal, signed-zero, infinite and NaN values, each next to torch's
    own float32 widening of it, so the Java reader can be compared with PyTorch bit for bit."""
    values = torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 6.1035156e-05, 5.9604645e-08, 1e-7, 3.14159265,
                           -1234.5678, float("inf"), float("-inf"), float("nan"), 0.1, 1e30, -3e-39])
    f16 = values.to(torch.float16)
    bf16 = values.to(torch.bfloat16)
    generator = torch.Generator().manual_seed(7)
    rand = torch.randn((3, 5), generator=generator) * 10
    write_safetensors(path, OrderedDict([
        ("special_f16", f16),
        ("special_f16_as_f32", f16.to(torch.float32)),
        ("special_bf16", bf16),
        ("special_bf16_as_f32", bf16.to(torch.float32)),
        ("random_f16", rand.to(torch.float16)),
        ("random_f16_as_f32", rand.to(torch.float16).to(torch.float32)),
        ("random_bf16", rand.to(torch.bfloat16)),
        ("random_bf16_as_f32", rand.to(torch.bfloat16).to(torch.float32)),
        ("ids_i64", torch.arange(6, dtype=torch.int64).reshape(2, 3)),
    ]), metadata={"format": "pt", "purpose": "dtype widening fixture"})


# ----------------------------------------------------------------------------------------------------------------
# Commands
# ----------------------------------------------------------------------------------------------------------------


def write_model_files(folder, config, model, metadata, pixels, ids, extra_layouts):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    sd = state_dict_of(model)
    write_safetensors(os.path.join(folder, "model.safetensors"), sd, metadata)
    torch.save(gse_checkpoint(sd), os.path.join(folder, "gse.pt"))
    expected = os.path.join(folder, "expected")
    save_expected(expected, pixels, ids, reference_outputs(model, pixels, ids))
    if extra_layouts:
        half = OrderedDict((k, v.to(torch.float16)) for k, v in sd.items())
        write_safetensors(os.path.join(folder, "model.fp16.safetensors"), half, metadata)
        rounded = build_model(config, 0)
        load_weights(rounded, OrderedDict((k, v.to(torch.float32)) for k, v in half.items()))
        np.save(os.path.join(expected, "image_features_fp16.npy"),
                reference_outputs(rounded, pixels, None)["image_features"])
        sharded = os.path.join(folder, "sharded")
        os.makedirs(sharded, exist_ok=True)
        with open(os.path.join(sharded, "config.json"), "w") as f:
            json.dump(config, f, indent=2)
            f.write("\n")
        write_sharded(sharded, with_position_ids(sd, config), 2, metadata)
        torch.save(with_position_ids(sd, config), os.path.join(folder, "pytorch_model.bin"))
    return sd


def command_tiny(args):
    config = TINY_CONFIG
    folder = args.out or os.path.join(REPO, "src/test/resources/clip/tiny")
    model = build_model(config, seed=20240601)
    generator = torch.Generator().manual_seed(11)
    pixels = random_pixels(config, 3, generator)
    ids = random_input_ids(config["text_config"], TINY_BOS, TINY_EOS, 4, generator)
    metadata = {"format": "pt", "generator": "tools/clip_reference.py --tiny"}
    sd = write_model_files(folder, config, model, metadata, pixels, ids, extra_layouts=True)
    # Self-check: every layout written above reads back to the same float32 tensors.
    for path in ["model.safetensors", "sharded", "pytorch_model.bin", "gse.pt"]:
        full = os.path.join(folder, path)
        if path == "sharded":
            _, loaded = load_model_folder(full)
        else:
            loaded = torch.load(full, map_location="cpu") if not path.endswith("safetensors") else read_safetensors(full)
            loaded = loaded.get("model_state_dict", loaded)
        loaded = OrderedDict((k, v) for k, v in loaded.items() if not k.endswith("position_ids"))
        assert list(loaded) == list(sd), path
        for k in sd:
            assert torch.equal(loaded[k], sd[k]), (path, k)
    resources = os.path.dirname(os.path.dirname(folder)) if args.out is None else folder
    write_pickle_fixtures(os.path.join(resources, "pickle") if args.out is None else os.path.join(folder, "pickle"))
    write_dtype_fixture(os.path.join(resources, "safetensors", "dtypes.safetensors") if args.out is None
                        else os.path.join(folder, "safetensors", "dtypes.safetensors"))
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder) for f in fs)
    print(json.dumps({"folder": folder, "parameters": sum(v.numel() for v in sd.values()), "bytes": total}))


def command_shape(args):
    config = SHAPES[args.shape]()
    folder = args.out
    if folder is None:
        raise SystemExit("--shape needs --out DIR (use a folder under target/, it is large)")
    torch.set_num_threads(args.threads)
    model = build_model(config, seed=args.seed)
    generator = torch.Generator().manual_seed(args.seed + 1)
    pixels = random_pixels(config, args.images, generator)
    ids = random_input_ids(config["text_config"], 49406, 49407, args.texts, generator)
    metadata = {"format": "pt", "generator": "tools/clip_reference.py --shape " + args.shape}
    start = time.time()
    sd = write_model_files(folder, config, model, metadata, pixels, ids, extra_layouts=False)
    print(json.dumps({"folder": folder, "shape": args.shape, "parameters": sum(v.numel() for v in sd.values()),
                      "seconds": round(time.time() - start, 1)}))


@torch.no_grad()
def command_bench(args):
    torch.set_num_threads(args.threads)
    if args.model:
        config, sd = load_model_folder(args.model)
        model = load_weights(ClipModel(config), sd).eval()
    else:
        config = SHAPES[args.shape or "vit-b-32"]()
        model = build_model(config, seed=args.seed)
    size = config["vision_config"]["image_size"]
    # Other processes on the machine distort this badly (2 OpenMP threads on a busy 2-core machine run slower than
    # 1): the load average is reported so that a reader can judge the numbers.
    result = {"engine": "pytorch-eager-reference", "torch": torch.__version__, "threads": torch.get_num_threads(),
              "load_average_before": [round(x, 2) for x in os.getloadavg()],
              "model": args.model or (args.shape or "vit-b-32"), "image_size": size, "image": {}, "text": {}}
    generator = torch.Generator().manual_seed(5)
    for batch in args.batches:
        pixels = random_pixels(config, batch, generator)
        model.image_features(pixels)  # warm-up
        runs, start = 0, time.perf_counter()
        while runs < 2 or time.perf_counter() - start < args.seconds:
            model.image_features(pixels)
            runs += 1
        elapsed = time.perf_counter() - start
        result["image"][str(batch)] = {"images_per_second": round(runs * batch / elapsed, 3),
                                       "ms_per_batch": round(1000 * elapsed / runs, 3), "runs": runs}
    if "text_config" in config and args.text:
        ids = random_input_ids(config["text_config"], config["text_config"]["vocab_size"] - 2,
                               config["text_config"]["vocab_size"] - 1, 32, generator)
        model.text_features(ids)
        runs, start = 0, time.perf_counter()
        while runs < 2 or time.perf_counter() - start < args.seconds:
            model.text_features(ids)
            runs += 1
        elapsed = time.perf_counter() - start
        result["text"]["32"] = {"texts_per_second": round(runs * 32 / elapsed, 3), "runs": runs}
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--tiny", action="store_true", help="regenerate the committed tiny fixtures")
    mode.add_argument("--bench", action="store_true", help="time the plain PyTorch forward, print JSON")
    parser.add_argument("--shape", choices=sorted(SHAPES), help="generate a full-size random model of this shape")
    parser.add_argument("--out", help="output folder (for --shape; defaults to the test resources for --tiny)")
    parser.add_argument("--model", help="for --bench: an HF-style folder to time instead of a random model")
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--images", type=int, default=4, help="for --shape: reference images")
    parser.add_argument("--texts", type=int, default=4, help="for --shape: reference texts")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--seconds", type=float, default=5.0, help="for --bench: minimum time per measurement")
    parser.add_argument("--text", action="store_true", help="for --bench: also time the text tower at batch 32")
    args = parser.parse_args(sys.argv[1:] if len(sys.argv) > 1 else ["--help"])
    if args.tiny:
        command_tiny(args)
    elif args.bench:
        command_bench(args)
    elif args.shape:
        command_shape(args)
    else:
        parser.error("choose --tiny, --bench or --shape NAME --out DIR")


if __name__ == "__main__":
    main()
