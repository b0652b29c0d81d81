"""Words copy may use without the product's text holding them: they connect, invite or
praise, and state nothing a shopper could find false about the product.

A content word (noun, adjective, verb, adverb) outside this list and outside the
product's own text is a claim the gate cannot verify. The list is short on purpose:
every word added here is a word the generator may use freely, so a property word
("soft", "durable", "waterproof") never belongs here. Chosen by reading the `tune`
split of `bench/data/copy_gate` (the blocked `ok` items), never the `untuned` one.
"""

from __future__ import annotations

CONNECTING = frozenset("""
look looks style styles styling day days everyday time times moment way ways thing things
piece pieces pick picks choice choices option options item items product products range
model models rating support room note size inside pack brand setup
collection addition essential essentials staple staples must must-have go-to favourite
favorite favourites favorites fan fans lover lovers need needs want wants taste tastes
wardrobe outfit outfits occasion occasions moment moments life lifestyle routine routines
shop store cart basket today tonight now week weekend year gift gifts treat
detail details touch design designs part
people everyone anyone someone you yours yourself kind sort lot lots bit
great good perfect ideal lovely nice wonderful fantastic beautiful gorgeous stunning
stylish chic classy cool fun simple ready right own sure happy special
new little whole same other another different many much more most few several such certain
everyday daily trendy elegant
get gets meet meets say says discover discovers find finds shop shops grab grabs choose
chooses pick love loves enjoy enjoys make makes keep keeps go goes come comes bring
brings give gives add adds need want take takes wear wears carry carries pair pairs team
teams style look see try tries stay stays let lets step steps update updates refresh
complete completes elevate elevates upgrade upgrades buy buys order orders own owns use
uses suit suits match matches help helps put puts show shows turn turns check checks
explore explores browse welcome welcomes add know knows think thinks feel feels deserve
deserves like likes treat yourself introduce introducing presenting meet say hello ready set
just now today also always here there so too very really even still more most well
right up out away back together ever never only simply truly absolutely definitely
perfectly beautifully
""".split())

# Number words, as claims: "four wheels" must be a number the product's text holds.
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "thousand": 1000,
    "double": 2, "dual": 2, "twin": 2, "triple": 3, "single": 1,
    "thirteen": 13, "fourteen": 14, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    # ordinals ("the complete fifth season" of "The Complete Sixth Season"); not "first"
    # or "second", which copy says of a shopper's own first time or a second look
    "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20,
}

# Chinese copy: words (jieba's) that connect, frame or praise without stating a
# property. Colours, materials, fits, effects on the wearer and seasons never belong.
CJK_CONNECTING = frozenset("""
配以 配色 带点 这样 使得 售价
这款 这件 这条 这一 一款 一件 一条 整体 款式 设计 风格 图案 衣身 裙身 带有 采用
配有 饰有 点缀 装饰 之中 之间 个性 时尚 时髦 格调 韵味 甜美 俏皮 浪漫 优雅 气质
大方 精致 别致 耐看 端庄 独特 女人味 活力 青春 可爱 潮流 潮流感 有型 不错 很有
一点 显得 更显 尽显 彰显 展现 增添 增加 打造 看起来 感觉 美感 层次感 设计感 细节
亮点 搭配 配合 结合 融入 带来 带着 透着 十分 非常 更加 更是 又是 既有 同时 让人
让你 你的 我们 满满 几分 一丝 简单 元素 造型 视觉 上身 穿着 穿上 选择 适合 百搭
面料 裙摆 下摆 领口 袖口 饰以 唯美 女生 对于 吸引 版型 修饰 气息 女性 经典 轻松
效果 凸显 魅力 大气 加上 自然 起来 能够 不会 具有 充满 美观 营造 迷人 不失 完美
灵动 丰富 随性 柔美 衬托 少女 身上 质感 利落 美丽 漂亮 好看 出众 惊艳 吸睛 亮眼
独具 匠心 别具 风情 品味 魅惑 动人 优美 俏丽 清新 知性 干练 帅气 个性化 休闲感
时尚感 高级感 舒心 喜爱 青睐 首选 必备 单品 衣橱 可以 就是 而是 还有 以及 并且
而且 特别 很是 十足 满足 喜欢
一种 不仅 展现出 凸显出 衬托出 打造出 呈现出 呈现 加入 富有 有着 打破 拥有 运用 体现
还是 瞬间 整个 作为 塑造 各种 更好 一个 出来 驾驭 作用 透露 起到 不同 一样 自己 更为
此款 变得 极具 比较 恰到好处 形成 感受 微微 诠释 日常 散发出 散发 赋予 进行 这是 整件
过于 部分 属于 装点 看上去 更能 一定 兼具 但是 形象 展示 呼应 一般 加以 容易 场合 添加
宝贝 这个 看点 美好 一些 仿佛 每个 一份 之后 一股 注入 一面 平添 方式 无论是 成为 一眼
显出 别样 在于 眼前一亮 一抹 时候 真的 这种 融合 加之 或者 一直 其中 使用 格外 更添 出彩
满满的 处理 选用 体验 视觉效果 女人 女孩 女神 勾勒 比例 身形 身姿 气场 味道 范儿 风范
腔调 有范 之余 配上 设有 兼顾 走动 行走 整一件 看起来 穿搭
身材 曲线 腰部 颈部 腿部 肩部 手臂 脖颈 肌肤 锁骨 脸型 双腿 身体 后背 臀部 腰间 胸前
身后 两侧 腰身 腰线
精美 曼妙 温柔 温婉 典雅 雅致 低调 洋气 摩登 靓丽 素雅 淡雅 洒脱 潇洒 率性 不羁 张扬
妩媚 名媛 自信 青春活力 活泼 与众不同 新颖 贴心 趣味 动感 前卫 良好 仙气 仙气十足
推荐 为你推荐 值得 入手 新品 上新 上架 得体 简洁 淑女 出街 减龄 仙女 基调 路线 细腻 裤身 底色
""".split())

# Units, as copy writes them out and as catalogues abbreviate them: "16 inches" is what
# the data's '16"' or "16 in" says. A short form counts in the data only after a number.
UNITS = {
    "inch": ("inch", "inches", "in", '"', "″", "''"),
    "foot": ("foot", "feet", "ft", "′"),
    "ounce": ("ounce", "ounces", "oz", "fl", "fluid"),
    "pound": ("pound", "pounds", "lb", "lbs"),
    "millimetre": ("millimetre", "millimetres", "millimeter", "millimeters", "mm"),
    "centimetre": ("centimetre", "centimetres", "centimeter", "centimeters", "cm"),
    "metre": ("metre", "metres", "meter", "meters", "m", "mtr"),
    "gram": ("gram", "grams", "gramme", "g", "gm", "gms", "gr"),
    "kilogram": ("kilogram", "kilograms", "kilo", "kilos", "kg", "kgs"),
    "millilitre": ("millilitre", "millilitres", "milliliter", "milliliters", "ml"),
    "litre": ("litre", "litres", "liter", "liters", "l", "ltr"),
    "gallon": ("gallon", "gallons", "gal"),
    "yard": ("yard", "yards", "yd", "yds"),
}
UNIT_OF = {form: unit for unit, forms in UNITS.items() for form in forms if form.isalpha()}

# Paraphrases a catalogue and a copywriter use for the same thing (a claim in one is
# the other's): kept to words with one meaning in a shop
PARAPHRASES = {
    "tee": ("t-shirt", "tshirt", "tee"), "tees": ("t-shirt", "tshirt", "tees"),
    "scent": ("fragrance", "perfume", "scent"), "stretchy": ("stretchable", "stretch"),
    "stretchable": ("stretchy", "stretch"), "fragrance": ("scent", "perfume", "fragrance"),
    "eau": ("edt", "edp"), "toilette": ("edt",), "parfum": ("edp",),  # "Blue Edt 50 ml"
}

# Things a set is made of: a title "Top with Dhoti Pants & Ethnic Jacket" sells all three
# ("Mixer Grinder with 4 Jars" sells a grinder; its jars are not another garment)
SET_PARTS = frozenset("""
skirt skirts shorts trousers pants pant jeans jacket jackets dupatta dupattas leggings legging
palazzos palazzo churidar salwar sharara shrug waistcoat nehru dhoti joggers track trackpants
top tops shirt shirts t-shirt tshirt kurta kurti blouse dress dresses sweater cardigan pyjamas
pajamas capris tights shawl stole cap bottom bottoms lehenga choli saree jogger blazer vest
""".split())
