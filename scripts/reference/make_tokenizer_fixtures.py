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
# Common Chinese characters, so the trained merges cover more than the fixed phrases.
COMMON_ZH = "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵硬麦蒋操耶阻订彩抽赞魔纷沿喊违妹浪汇币丰蓝殊献桌啦瓦莱援译夺汽烧距裁偏符勇触课敬哭懂墙袭召罚侠厅拜巧侧韩冒债曼融惯享戴童犹乘挂奖绍厚纵障讯涉彻刊丈爆乌役描洗玛患妙镜唱烦签仙彼弗症仿倾牌陷鸟轰咱菜闭奋庆撤泪茶疾缘播朗杜奶季丹狗尾仪偷奔珠虫驻孔宜艾桥淡翼恨繁寒伴叹旦愈潮粮缩罢聚径恰挑袋灰捕徐珍幕映裂泰隔启尖忠累炎暂估泛荒偿横拒瑞忆孤鼻闹羊呆厉衡胞零穷舍码赫婆魂灾洪腿胆津俗辩胸晓劲贫仁偶辑邦恢赖圈摸仰润堆碰艇稍迟辆废净凶署壁御奉旋冬矿抬蛋晨伏吹鸡倍糊秦盾杯租骑乏隆诊奴摄丧污渡旗甘耐凭扎抢绪粗肩梁幻菲皆碎宙叔岩荡综爬荷悉蒂返井壮薄悄扫敏碍殖详迪矛霍允幅撒剩凯颗骂赏液番箱贴漫酸郎腰舒眉忧浮辛恋餐吓挺励辞艘键伍峰尺昨黎辈贯侦滑券崇扰宪绕趋慈乔阅汗枝拖墨胁插箭腊粉泥氏彭拔骗凤慧媒佩愤扑龄驱惜豪掩兼跃尸肃帕驶堡届欣惠册储飘桑闲惨洁踪勃宾频仇磨递邪撞拟滚奏巡颜剂绩贡疯坡瞧截燃焦殿伪柳锁逼颇昏劝呈搜勤戒驾漂饮曹朵仔柔俩孟腐幼践籍牧凉牲佳娜浓芳稿竹"
KO = ["쿠폰 팝업이 주문 버튼을 가리고 있습니다", "네트워크 오류가 발생했습니다", "위치 권한 요청 대화상자"]


def training_corpus(rng):
    lines = []
    for _ in range(3000):
        i = rng.randrange(len(APPS_ZH))
        lines.append(f"{APPS_ZH[i]} {rng.choice(PAGES_ZH)}，{rng.choice(ANOMALIES_ZH)}")
        lines.append(f"{APPS_EN[i]} {rng.choice(PAGES_EN)}, {rng.choice(ANOMALIES_EN)}. "
                     f"It's {rng.randint(1, 999)} yuan; we'll retry in {rng.randint(1, 60)}s.")
        lines.append(rng.choice(JA) + " " + rng.choice(KO))
    words = ("open close cancel confirm retry loading network error payment failed coupon popup banner toast "
             "dialog button order cart checkout search result empty sold out ticket train hotel flight coffee "
             "delivery store menu price total balance insufficient permission location camera notification allow "
             "deny update later install download video play pause like share comment follow message profile "
             "setting account login logout register password verify code phone email address time date").split()
    for _ in range(4000):
        lines.append(" ".join(rng.choice(words) for _ in range(rng.randint(3, 12))))
        lines.append("".join(rng.choice(COMMON_ZH) for _ in range(rng.randint(4, 16))))
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


# Small templates for the Jinja constructs chat templates use, each rendered with a few variable sets.
JINJA_TEMPLATES = [
    "{% for m in messages %}{{ loop.index0 }}/{{ loop.index }}:{{ m.role }}{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %}|{% endfor %}",
    "{% if n > 2 %}big{% elif n == 2 %}two{% else %}small{% endif %}",
    "{%- set ns = namespace(count=0, seen='') -%}\n{%- for m in messages -%}\n  {%- set ns.count = ns.count + 1 -%}\n  {%- set ns.seen = ns.seen ~ m.role[0] -%}\n{%- endfor -%}\n{{ ns.count }} {{ ns.seen }}",
    "{% for m in messages %}\n  {% if m.role == 'user' %}\n    U: {{ m.content }}\n  {% endif %}\n{% endfor %}\nend\n",
    "  {{- text -}}  \n{# comment #}\n  {%- if true %} yes {% endif -%}  \n after",
    "{{ text | trim }}|{{ text | length }}|{{ messages | length }}|{{ n | string }}|{{ text | upper }}",
    "{{ messages | tojson }}|{{ {'b': 1, 'a': [1, 2.5, none, true, 'x\"y']} | tojson }}|{{ messages[0] | tojson(indent=2) }}",
    "{{ x is defined }} {{ y is defined }} {{ text is string }} {{ n is number }} {{ none is none }} {{ n is not string }} {{ flag is false }}",
    "{{ text.startswith('  he') }} {{ text.endswith('d ') }} {{ text.split(' ') }} {{ text.strip() }}|{{ text.lstrip() }}|{{ text.rstrip() }}|{{ 'a,b,,c'.split(',') }} {{ '--x--'.strip('-') }}",
    "{{ messages[::-1] | map(attribute='role') | join(',') }} {{ messages[-1].content }} {{ text[1:4] }} {{ text[::-1] }} {{ [1,2,3,4,5][1::2] }}",
    "{{ 'a' in text }} {{ 'zz' not in text }} {{ 'user' in messages | map(attribute='role') | list }} {{ 'k' in {'k': 1} }}",
    "{{ 'x' ~ n ~ none }} {{ n + 1 }} {{ n * 2 }} {{ n / 2 }} {{ n // 2 }} {{ n % 2 }} {{ -n }} {{ 2 ** 3 }}",
    "{{ (n > 1 and text) or 'no' }} {{ not flag }} {{ n >= 2 }} {{ n != 3 }} {{ 'b' < 'a' }} {{ 'yes' if flag else 'no' }}",
    "{% for m in messages if m.role != 'system' %}{{ m.role }}{% else %}none{% endfor %}",
    "{% set greeting %}Hi {{ text | trim }}!{% endset %}{{ greeting }}",
    "{% for i in range(n) %}{% if i == 1 %}{% continue %}{% endif %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}",
    "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}{{ messages[0].get('missing', 'dflt') }}",
    "{{ messages[0].content.split('</think>')[-1].lstrip('\\n') }}|{{ text | default('d') }}|{{ y | default('d') }}",
]
JINJA_VARIABLES = [
    {"messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi <think>x</think>\nanswer"}],
     "text": "  hello world ", "n": 3, "flag": True, "x": 1},
    {"messages": [{"role": "user", "content": "只有一条"}], "text": "a", "n": 2, "flag": False},
    {"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": "é"}, {"role": "user", "content": "q"}],
     "text": "  混合 text\t", "n": 0, "flag": False, "x": None},
]


def sorted_keys(value):
    """Dicts with sorted keys: the Swift test reads JSON with Foundation, which loses key order."""
    if isinstance(value, dict):
        return {k: sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [sorted_keys(v) for v in value]
    return value


def jinja_cases():
    from transformers.utils.chat_template_utils import _compile_jinja_template
    cases = []
    for source in JINJA_TEMPLATES:
        for variables in map(sorted_keys, JINJA_VARIABLES):
            cases.append({"template": source, "variables": variables,
                          "rendered": _compile_jinja_template(source).render(**variables)})
    return cases


def main():
    rng = random.Random(20260126)
    TOKENIZER_DIR.mkdir(parents=True, exist_ok=True)
    tok = build_tokenizer(rng)
    tok.save(str(TOKENIZER_DIR / "tokenizer.json"), pretty=False)
    (TOKENIZER_DIR / "tokenizer_config.json").write_text(json.dumps(tokenizer_config(tok), ensure_ascii=False,
                                                                     indent=2))
    tok = Tokenizer.from_file(str(TOKENIZER_DIR / "tokenizer.json"))

    cases = []
    for text in encode_strings(rng):
        ids = tok.encode(text).ids
        # The pre-tokenizer alone (regex Split + ByteLevel), on the raw text: checks the hand-written scanner.
        pieces = [piece for piece, _ in tok.pre_tokenizer.pre_tokenize_str(text)]
        cases.append({"text": text, "ids": ids, "pieces": pieces, "decoded": tok.decode(ids, skip_special_tokens=False),
                      "decoded_skip_special": tok.decode(ids, skip_special_tokens=True)})
    # Escape U+FEFF: swift-corelibs-foundation's JSONSerialization drops a literal BOM at a string's start.
    (OUT / "encode_cases.json").write_text(json.dumps(cases, ensure_ascii=False).replace("\ufeff", "\\ufeff"))

    # Added-token options Qwen does not use (lstrip, rstrip, single_word, normalized): the Swift test appends
    # the same tokens to added_tokens of its copy of tokenizer.json and compares ids.
    extra_tok = Tokenizer.from_file(str(TOKENIZER_DIR / "tokenizer.json"))
    options = [
        {"content": "[MASK]", "special": True, "lstrip": True, "rstrip": False, "single_word": False, "normalized": False},
        {"content": "<pad>", "special": True, "lstrip": False, "rstrip": True, "single_word": False, "normalized": False},
        {"content": "zebra", "special": False, "lstrip": False, "rstrip": False, "single_word": True, "normalized": False},
        {"content": "Café", "special": False, "lstrip": False, "rstrip": False, "single_word": False, "normalized": True},
    ]
    extra_tok.add_tokens([AddedToken(o["content"], special=o["special"], lstrip=o["lstrip"], rstrip=o["rstrip"],
                                     single_word=o["single_word"], normalized=o["normalized"]) for o in options])
    added_texts = ["a [MASK] b", "a   [MASK]b", "[MASK]", "x <pad>   y", "<pad>\n\nz", "word", "a word here", "swordfish",
                   "zebra", "a zebra here", "szebrafish", "zebra_x", "zebras", "(zebra)", "zebra zebra", "Cafe\u0301 au lait", "Café", "<|im_start|>[MASK] <pad> zebra<|im_end|>"]
    added_cases = [{"text": t, "ids": extra_tok.encode(t).ids,
                    "decoded_skip_special": extra_tok.decode(extra_tok.encode(t).ids, skip_special_tokens=True)}
                   for t in added_texts]
    for o in options:
        o["id"] = extra_tok.token_to_id(o["content"])
    (OUT / "added_token_cases.json").write_text(json.dumps({"added_tokens": options, "cases": added_cases},
                                                           ensure_ascii=False, indent=1))

    (OUT / "jinja_cases.json").write_text(json.dumps(jinja_cases(), ensure_ascii=False, indent=1))

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
    # Left padding and truncation, as a tokenizer_config.json with padding_side/truncation_side "left" asks.
    hf.padding_side, hf.truncation_side = "left", "left"
    left = hf(templated, padding="max_length", max_length=24, truncation=True)
    (OUT / "zimage_prompt_cases.json").write_text(json.dumps({
        "prompts": prompts, "templated": templated, "padding_side": hf.padding_side,
        "pad_token_id": hf.pad_token_id, "max_length_batches": batches,
        "longest_max40": {"input_ids": longest["input_ids"], "attention_mask": longest["attention_mask"]},
        "left_max24": {"input_ids": left["input_ids"], "attention_mask": left["attention_mask"]},
    }, ensure_ascii=False))
    print(f"{len(cases)} encode cases, {len(rendered)} chat cases, vocab {tok.get_vocab_size()}")


if __name__ == "__main__":
    main()
