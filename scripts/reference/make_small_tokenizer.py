"""Trains the small default model's byte-level BPE vocabulary on SceneForge's prompt corpus (dev-only).

The corpus is the project's own scene data: every anomaly type's name, description and English/Chinese
prompt fragments, every built-in layout's name, description and box texts, the app styles' descriptions
(SceneForgeSynth/BuiltInStyles.swift), and the training prompts the Swift trainer builds from them
(TrainingData.swift, TrainingPrompts: "[<style>. ]<layout name>. <prompt_en>" and "[<style>. ]<prompt_zh>").
Output: Sources/SceneForgeTraining/Data/tokenizer/{tokenizer.json, tokenizer_config.json, chat_template.jinja},
a Qwen2Tokenizer folder that SceneForgeText.BPETokenizer(folder:) reads. Run:
    /tmp/refvenv/bin/python scripts/reference/make_small_tokenizer.py
"""

import glob
import json
import os
import re
import sys
import tomllib

sys.path.insert(0, os.path.dirname(__file__))
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers  # noqa: E402
from transformers import Qwen2Tokenizer  # noqa: E402

from zimage_tiny_pipeline import CHAT_TEMPLATE, QWEN2_SPLIT, SPECIAL_TOKENS  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "Sources", "SceneForgeScenes", "Data")
STYLES = os.path.join(ROOT, "Sources", "SceneForgeSynth", "BuiltInStyles.swift")
OUT = os.path.join(ROOT, "Sources", "SceneForgeTraining", "Data", "tokenizer")
CASES = os.path.join(ROOT, "Tests", "Fixtures", "training", "tokenizer_cases.json")
VOCAB_SIZE = 2048


def corpus():
    with open(os.path.join(DATA, "anomalies.toml"), "rb") as f:
        anomalies = {a["id"]: a for a in tomllib.load(f)["anomalies"]}
    with open(STYLES, encoding="utf-8") as f:
        styles = re.findall(r'resembles: "([^"]+)"', f.read())
    lines = list(styles)
    for a in anomalies.values():
        lines += [a["name"], a["description"], a["prompt_en"], a["prompt_zh"], a["expected_action_description"]]
    for path in sorted(glob.glob(os.path.join(DATA, "layouts", "*.toml"))):
        with open(path, "rb") as f:
            layout = tomllib.load(f)
        anomaly = anomalies[layout["anomaly"]]
        lines += [layout["name"], layout.get("description", "")]
        lines += [b["text"] for b in layout.get("boxes", []) if b.get("text")]
        # The exact prompts the trainer uses (keep in sync with TrainingPrompts.swift).
        english, chinese = f"{layout['name']}. {anomaly['prompt_en']}", anomaly["prompt_zh"]
        lines += [english, chinese]
        lines += [f"{style}. {text}" for style in styles for text in (english, chinese)]
    return [line for line in lines if line]


def main():
    text = corpus()
    tok = Tokenizer(models.BPE(unk_token=None, fuse_unk=False, byte_fallback=False))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2_SPLIT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, special_tokens=SPECIAL_TOKENS, min_frequency=2,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(text, trainer=trainer)
    vocab = tok.get_vocab(with_added_tokens=False)
    merges = [tuple(m) if isinstance(m, (tuple, list)) else tuple(m.split(" "))
              for m in json.loads(tok.to_str())["model"]["merges"]]
    hf = Qwen2Tokenizer(vocab=vocab, merges=merges, unk_token=None, bos_token=None,
                        eos_token="<|im_end|>", pad_token="<|endoftext|>")
    hf.add_special_tokens({"additional_special_tokens": ["<|im_start|>", "<|im_end|>"]})
    hf.chat_template = CHAT_TEMPLATE
    hf.model_max_length = 131072
    os.makedirs(OUT, exist_ok=True)
    hf.save_pretrained(OUT)
    for extra in ("special_tokens_map.json", "vocab.json", "merges.txt", "added_tokens.json"):
        path = os.path.join(OUT, extra)
        if os.path.exists(path):
            os.remove(path)
    # Reference ids (transformers' Qwen2Tokenizer on the saved folder) for the Swift tokenizer test.
    saved = Qwen2Tokenizer.from_pretrained(OUT)
    probes = [text[-1], text[-2], "Toast in the lower third. a dark toast", "Unseen words: Zürich 東京 42!"]
    cases = [{"text": t, "ids": saved(t)["input_ids"]} for t in probes]
    os.makedirs(os.path.dirname(CASES), exist_ok=True)
    with open(CASES, "w", encoding="utf-8") as f:
        json.dump({"vocab_size": len(saved), "cases": cases}, f, ensure_ascii=False, indent=1)
    sample = text[-1]
    print(f"{len(text)} corpus lines, vocab {len(hf)}; '{sample}' -> {len(hf(sample)['input_ids'])} tokens")


if __name__ == "__main__":
    main()
