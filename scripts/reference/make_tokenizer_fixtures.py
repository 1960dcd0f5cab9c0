#!/usr/bin/env python3
"""Make the SceneForgeText parity fixtures (dev-only; CI never runs this).

Oracle: Hugging Face `tokenizers` (Rust) for encode/decode, `transformers` for
apply_chat_template and padding/truncation, exactly the calls diffusers'
ZImagePipeline._encode_prompt makes.

Writes Tests/Fixtures/text/:
  tokenizer/tokenizer.json         small byte-level BPE, configured like Qwen2/Qwen3's
  tokenizer/tokenizer_config.json  Qwen3's added tokens, pad token and chat template
  encode_cases.json                500+ strings -> ids, decode, decode(skip_special_tokens)
  chat_template_cases.json         message lists/flags -> rendered text (jinja2 via transformers)
  zimage_prompt_cases.json         prompts -> templated text, ids and attention mask (padding=max_length)

Run: /tmp/refvenv/bin/python scripts/reference/make_tokenizer_fixtures.py
"""
import json
import random
from pathlib import Path

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import AutoTokenizer

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "text"
TOKENIZER_DIR = OUT / "tokenizer"
TEMPLATE = (Path(__file__).parent / "qwen3_chat_template.jinja").read_text()

# The Qwen2/Qwen3 pre-tokenizer pattern (transformers' models/qwen2/tokenization_qwen2.py).
QWEN2_PATTERN = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""

# Qwen3's added tokens, in Qwen3's order; (content, special).
ADDED = [
    ("<|endoftext|>", True), ("<|im_start|>", True), ("<|im_end|>", True),
    ("<|object_ref_start|>", True), ("<|object_ref_end|>", True), ("<|box_start|>", True),
    ("<|box_end|>", True), ("<|quad_start|>", True), ("<|quad_end|>", True),
    ("<|vision_start|>", True), ("<|vision_end|>", True), ("<|vision_pad|>", True),
    ("<|image_pad|>", True), ("<|video_pad|>", True),
    ("<tool_call>", False), ("</tool_call>", False), ("<|fim_prefix|>", False), ("<|fim_middle|>", False),
    ("<|fim_suffix|>", False), ("<|fim_pad|>", False), ("<|repo_name|>", False), ("<|file_sep|>", False),
    ("<tool_response>", False), ("</tool_response>", False), ("<think>", False), ("</think>", False),
]

APPS_ZH = ["美团外卖", "饿了么", "京东到家", "瑞幸咖啡", "携程旅行", "去哪儿", "铁路12306", "淘宝", "京东", "拼多多",
           "哔哩哔哩", "腾讯视频", "微信支付", "支付宝"]
APPS_EN = ["Meituan", "Ele.me", "JD Daojia", "Luckin Coffee", "Ctrip", "Qunar", "China Railway 12306", "Taobao",
           "JD", "Pinduoduo", "Bilibili", "Tencent Video", "WeChat Pay", "Alipay"]
PAGES_ZH = ["店铺页面", "首页", "订单详情页", "支付页面", "搜索结果页", "购物车", "个人中心", "商品详情页", "车票列表"]
PAGES_EN = ["store page", "home page", "order details", "payment page", "search results", "cart", "profile page",
            "product page", "ticket list"]
ANOMALIES_ZH = ["优惠券弹窗遮挡下单按钮", "定位权限请求对话框", "网络异常，请稍后重试", "加载超时，页面一直转圈",
                "余额不足，支付失败", "价格已变更，请确认", "暂无搜索结果", "图片加载失败", "底部悬浮广告横幅",
                "提示：网络不稳定", "按钮置灰无法点击", "重复的商品条目"]
ANOMALIES_EN = ["promotional coupon popup covering the order button", "location permission dialog",
                "network error page with a retry button", "spinner stuck over the list", "insufficient balance dialog",
                "price changed notice", "no results found", "broken image placeholder", "floating banner at the bottom",
                "toast saying network unstable", "greyed-out checkout button", "duplicate list entries"]
JA = ["クーポンのポップアップが注文ボタンを隠しています", "ネットワークエラーが発生しました", "位置情報の許可を求めるダイアログ"]
KO = ["쿠폰 팝업이 주문 버튼을 가리고 있습니다", "네트워크 오류가 발생했습니다", "위치 권한 요청 대화상자"]


def training_corpus(rng):
    lines = []
    for _ in range(3000):
        i = rng.randrange(len(APPS_ZH))
        lines.append(f"{APPS_ZH[i]} {rng.choice(PAGES_ZH)}，{rng.choice(ANOMALIES_ZH)}")
        lines.append(f"{APPS_EN[i]} {rng.choice(PAGES_EN)}, {rng.choice(ANOMALIES_EN)}. "
                     f"It's {rng.randint(1, 999)} yuan; we'll retry in {rng.randint(1, 60)}s.")
        lines.append(rng.choice(JA) + " " + rng.choice(KO))
    lines.append("The quick brown fox jumps over the lazy dog. I'm sure they've done it; you'd know.")
    return lines


def build_tokenizer(rng):
    tok = Tokenizer(models.BPE(unk_token=None, fuse_unk=False, byte_fallback=False))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=256 + 3000, min_frequency=2, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(training_corpus(rng), trainer=trainer)
    tok.add_tokens([AddedToken(c, special=s, normalized=False, lstrip=False, rstrip=False, single_word=False)
                    for c, s in ADDED])
    return tok


def tokenizer_config(tok):
    decoder = {}
    for content, special in ADDED:
        decoder[str(tok.token_to_id(content))] = {
            "content": content, "lstrip": False, "normalized": False, "rstrip": False,
            "single_word": False, "special": special}
    return {
        "add_bos_token": False, "add_prefix_space": False, "added_tokens_decoder": decoder,
        "additional_special_tokens": [c for c, s in ADDED[1:14]], "bos_token": None,
        "chat_template": TEMPLATE, "clean_up_tokenization_spaces": False, "eos_token": "<|im_end|>",
        "errors": "replace", "model_max_length": 131072, "pad_token": "<|endoftext|>",
        "split_special_tokens": False, "tokenizer_class": "Qwen2Tokenizer", "unk_token": None,
    }


def random_unicode(rng):
    pools = [
        (0x20, 0x7E), (0xA0, 0xFF), (0x100, 0x17F), (0x370, 0x3FF), (0x400, 0x4FF), (0x600, 0x64A),
        (0x660, 0x669), (0x900, 0x939), (0x4E00, 0x9FA5), (0x3041, 0x3096), (0x30A1, 0x30FA), (0xAC00, 0xD7A3),
        (0x1F300, 0x1F5FF), (0x1F600, 0x1F64F), (0x300, 0x36F), (0xFF10, 0xFF19), (0x2160, 0x2188),
        (0x2070, 0x2079), (0x2000, 0x200A),
    ]
    singles = ["\t", "\n", "\r\n", "\r", " ", "  ", "\u3000", "\u00a0", "\u2028", "\u0085", "\u000b", "\u000c",
               "'", "'s", "'LL", "\u200d", "\ufe0f"]
    out = []
    for _ in range(rng.randint(1, 24)):
        if rng.random() < 0.2:
            out.append(rng.choice(singles))
        else:
            lo, hi = rng.choice(pools)
            out.append(chr(rng.randint(lo, hi)))
    return "".join(out)


def encode_strings(rng):
    fixed = [
        "", " ", "  ", "\t", "\n", "\r\n", "a", "hello world", "Hello World!", "  leading spaces", "trailing   ",
        "美团外卖 店铺页面，优惠券弹窗遮挡下单按钮", "饿了么首页：网络异常，请稍后重试。", "支付宝 余额不足，支付失败！",
        "クーポンのポップアップが注文ボタンを隠しています", "쿠폰 팝업이 주문 버튼을 가리고 있습니다",
        "I'm here, you're there, they've gone, we'll see, he'd know, it's ok, don't", "I'M HERE, YOU'RE, IT'S",
        "12306", "price 1234567890 yuan", "３２１ fullwidth", "Ⅻ roman ½ ¾ ²³", "٠١٢٣ arabic digits",
        "emoji 😀🎉👍🏽", "👨‍👩‍👧‍👦 family", "🏳️‍🌈 flag", "🇨🇳🇺🇸🇯🇵 flags", "❤️ red heart", "a\u0301 combining",
        "e\u0301 vs é", "Ǆ title", "Straße", "ﬁ ligature", "Ｈｅｌｌｏ", "tabs\tand\tmore\t\ttabs", "line1\nline2\n\nline3",
        "crlf\r\nline\r\n\r\n", "mixed \t \n \r\n  spaces", "   \n   ", "end with space ", "x  y   z    w",
        "<|im_start|>user\n你好<|im_end|>\n<|im_start|>assistant\n", "<think>\n\n</think>\n\n", "text<|endoftext|>more",
        "<|im_end|><|im_end|>", "<|im_start|> spaced <|im_end|>", "<tool_call>{\"a\": 1}</tool_call>",
        "partial <|im_start no end", "<|im_start|", "<<|im_end|>>", "<|vision_start|><|image_pad|><|vision_end|>",
        "foo.bar(baz, 'qux')", "http://example.com/path?x=1&y=2", "snake_case camelCase kebab-case",
        "!!!???...", "...\n\n", "a\n\n\nb", "$100.00 → ¥720", "—em dash– en dash", "«quotes» “smart” ‘single’",
        "Ω≈ç√∫˜µ≤≥÷", "𝕳𝖊𝖑𝖑𝖔 math bold", "\u200b zero width", "\ufeffBOM", "控件：「确定」按钮",
        "价格从 ¥29.9 变为 ¥39.9", "剩余0张票", "已售罄 SOLD OUT", "混合mixed文字text123数字", "한국어와 English 섞기",
        "ひらがなとカタカナとKanji漢字", "Ünïcödé ñ ç", "Ελληνικά κείμενο", "Русский текст", "עברית", "العربية",
        "हिन्दी पाठ", "ไทย ภาษา", "'", "''", "'s", "x's", "'sx", "don't'll", "ſ'ſ 'ſ",
    ]
    strings = list(fixed)
    for _ in range(150):
        i = rng.randrange(len(APPS_ZH))
        strings.append(rng.choice([
            f"{APPS_ZH[i]} {rng.choice(PAGES_ZH)}，{rng.choice(ANOMALIES_ZH)}",
            f"{APPS_EN[i]} {rng.choice(PAGES_EN)}, {rng.choice(ANOMALIES_EN)}",
            f"{APPS_ZH[i]}: {rng.choice(ANOMALIES_EN)} ({rng.randint(0, 99999)})",
            f"{rng.choice(JA)}\n{rng.choice(KO)}\r\n{rng.choice(ANOMALIES_ZH)}",
            f"<|im_start|>user\n{rng.choice(ANOMALIES_ZH)}<|im_end|>\n<|im_start|>assistant\n",
        ]))
    while len(strings) < 560:
        strings.append(random_unicode(rng))
    return strings


def chat_cases():
    tools = [{"description": "Close the popup", "name": "close_popup",
              "parameters": {"properties": {"id": {"type": "string"}}, "required": ["id"], "type": "object"}}]
    call = {"function": {"arguments": {"id": "coupon"}, "name": "close_popup"}}
    u = lambda c: {"role": "user", "content": c}
    a = lambda c: {"role": "assistant", "content": c}
    s = lambda c: {"role": "system", "content": c}
    t = lambda c: {"role": "tool", "content": c}
    convs = [
        [u("美团外卖 店铺页面，优惠券弹窗遮挡下单按钮")], [u("")], [u("hello")], [s("You are helpful."), u("hi")],
        [u("a"), a("b"), u("c")], [u("q"), a("<think>\nreason\n</think>\n\nanswer")],
        [u("q"), a("<think>\nr1\n</think>\n\nA1"), u("q2"), a("<think>r2</think>A2")],
        [u("q"), {"role": "assistant", "content": "ans", "reasoning_content": "because"}],
        [s("sys"), u("q"), a("x"), s("late system"), u("y")],
        [u("<tool_response>\nok\n</tool_response>")], [u("q"), a(""), t("result 1"), t("result 2")],
        [u("q"), {"role": "assistant", "content": "", "tool_calls": [call]}, t("{\"closed\": true}"), a("done")],
        [u("q"), {"role": "assistant", "content": "calling", "tool_calls": [call, call]}, t("r")],
        [u("q"), {"role": "assistant", "content": "", "tool_calls": [{"arguments": "{\"raw\": 1}", "name": "f"}]}],
        [u("  spaces  \n"), a("\n\nleading newlines")], [u("emoji 👨‍👩‍👧 and 'quotes' \"double\"")],
    ]
    cases = []
    for i, messages in enumerate(convs):
        flags = [(True, None), (False, None), (True, True), (True, False)] if i < 6 else [(True, True)]
        for gen, thinking in flags:
            cases.append({"messages": messages, "add_generation_prompt": gen, "enable_thinking": thinking})
    cases.append({"messages": [s("with tools"), u("close it")], "add_generation_prompt": True,
                  "enable_thinking": True, "tools": tools})
    cases.append({"messages": [u("close it")], "add_generation_prompt": False, "enable_thinking": None,
                  "tools": tools})
    return cases


def main():
    rng = random.Random(20260126)
    TOKENIZER_DIR.mkdir(parents=True, exist_ok=True)
    tok = build_tokenizer(rng)
    tok.save(str(TOKENIZER_DIR / "tokenizer.json"))
    (TOKENIZER_DIR / "tokenizer_config.json").write_text(json.dumps(tokenizer_config(tok), ensure_ascii=False,
                                                                     indent=2))
    tok = Tokenizer.from_file(str(TOKENIZER_DIR / "tokenizer.json"))

    cases = []
    for text in encode_strings(rng):
        ids = tok.encode(text).ids
        cases.append({"text": text, "ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False),
                      "decoded_skip_special": tok.decode(ids, skip_special_tokens=True)})
    (OUT / "encode_cases.json").write_text(json.dumps(cases, ensure_ascii=False))

    hf = AutoTokenizer.from_pretrained(str(TOKENIZER_DIR))
    rendered = []
    for case in chat_cases():
        kwargs = {} if case["enable_thinking"] is None else {"enable_thinking": case["enable_thinking"]}
        text = hf.apply_chat_template(case["messages"], tools=case.get("tools"), tokenize=False,
                                      add_generation_prompt=case["add_generation_prompt"], **kwargs)
        rendered.append({**case, "rendered": text})
    (OUT / "chat_template_cases.json").write_text(json.dumps(rendered, ensure_ascii=False, indent=1))

    # The exact calls of diffusers' ZImagePipeline._encode_prompt, with a small max_length to keep it short.
    prompts = ["美团外卖 店铺页面，优惠券弹窗遮挡下单按钮", "",
               "Meituan store page, promotional coupon popup covering the order button. " * 3]
    templated = [hf.apply_chat_template([{"role": "user", "content": p}], tokenize=False,
                                        add_generation_prompt=True, enable_thinking=True) for p in prompts]
    batches = []
    for max_length in (24, 64):
        enc = hf(templated, padding="max_length", max_length=max_length, truncation=True)
        batches.append({"max_length": max_length, "input_ids": enc["input_ids"],
                        "attention_mask": enc["attention_mask"]})
    longest = hf(templated, padding="longest", max_length=40, truncation=True)
    (OUT / "zimage_prompt_cases.json").write_text(json.dumps({
        "prompts": prompts, "templated": templated, "padding_side": hf.padding_side,
        "pad_token_id": hf.pad_token_id, "max_length_batches": batches,
        "longest_max40": {"input_ids": longest["input_ids"], "attention_mask": longest["attention_mask"]},
    }, ensure_ascii=False))
    print(f"{len(cases)} encode cases, {len(rendered)} chat cases, vocab {tok.get_vocab_size()}")


if __name__ == "__main__":
    main()
