"""The join page's words in the kiosk's four languages (the page is customer-facing).

`?lang=` picks one (the kiosk's QR carries the language on screen); anything else is
English. Placeholders are filled after escaping, by refserver.join_page.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Get your stamp card",
        "lead": "Join {shop} in a few seconds. Your card opens right here.",
        "first_name": "First name",
        "email": "E-mail (optional)",
        "phone": "Phone number (optional, with country code, e.g. +372 5123 4567)",
        "consent": "I agree that {shop} keeps my first name and the contact I give for my stamp card.",
        "submit": "Create my card",
        "err_name": "Please give your first name (up to 80 characters).",
        "err_email": "This does not look like an e-mail address (up to 200 characters).",
        "err_phone": "Please give the number with its country code, e.g. +372 5123 4567.",
        "err_consent": "Please tick the box to agree, or we cannot keep your card.",
        "err_too_long": "That was too much text. Please try again.",
        "replayed_title": "This form was already sent",
        "replayed_body": "Your card was created the first time. Open it from that page.",
        "expired_title": "This form has expired",
        "expired_body": "Please open the join page again.",
        "again": "Start again",
        "card_title": "Welcome, {name}!",
        "card_lead": "This is your {program} card. Show this code at the kiosk to collect stamps.",
        "stamps": "{stamps} of {goal} stamps",
        "keep": "Keep this page (bookmark it or add it to your home screen): it is your card.",
        "wallet": (
            "Add to Apple Wallet / Save to Google Wallet would be offered here by a loyalty "
            "cloud that holds the issuer certificates; this reference server offers the web card."
        ),
        "not_found": "No such page.",
    },
    "ko": {
        "title": "스탬프 카드 만들기",
        "lead": "몇 초 만에 {shop}에 가입하세요. 카드는 바로 여기에서 열립니다.",
        "first_name": "이름",
        "email": "이메일 (선택)",
        "phone": "전화번호 (선택, 국가 번호 포함, 예: +82 10 1234 5678)",
        "consent": "{shop}이(가) 스탬프 카드를 위해 제 이름과 연락처를 보관하는 데 동의합니다.",
        "submit": "카드 만들기",
        "err_name": "이름을 입력해 주세요 (최대 80자).",
        "err_email": "이메일 주소가 올바르지 않습니다 (최대 200자).",
        "err_phone": "국가 번호와 함께 입력해 주세요. 예: +82 10 1234 5678.",
        "err_consent": "동의란에 체크해 주세요. 그렇지 않으면 카드를 보관할 수 없습니다.",
        "err_too_long": "입력한 내용이 너무 깁니다. 다시 시도해 주세요.",
        "replayed_title": "이미 제출된 양식입니다",
        "replayed_body": "카드는 처음 제출할 때 만들어졌습니다. 그 페이지에서 카드를 여세요.",
        "expired_title": "양식이 만료되었습니다",
        "expired_body": "가입 페이지를 다시 열어 주세요.",
        "again": "다시 시작",
        "card_title": "환영합니다, {name}님!",
        "card_lead": "{program} 카드입니다. 키오스크에서 이 코드를 보여 주고 스탬프를 모으세요.",
        "stamps": "스탬프 {stamps}/{goal}",
        "keep": "이 페이지를 보관하세요 (북마크 또는 홈 화면에 추가): 이것이 당신의 카드입니다.",
        "wallet": (
            "발급 인증서를 가진 로열티 클라우드라면 여기에서 Apple Wallet / Google Wallet "
            "추가를 제공합니다. 이 참조 서버는 웹 카드를 제공합니다."
        ),
        "not_found": "페이지가 없습니다.",
    },
    "zh": {
        "title": "领取您的集章卡",
        "lead": "几秒钟即可加入{shop}。您的卡就在这里打开。",
        "first_name": "名字",
        "email": "电子邮件（可选）",
        "phone": "电话号码（可选，含国家代码，例如 +86 138 0013 8000）",
        "consent": "我同意{shop}为我的集章卡保存我的名字和我提供的联系方式。",
        "submit": "创建我的卡",
        "err_name": "请填写您的名字（最多 80 个字符）。",
        "err_email": "这不像是电子邮件地址（最多 200 个字符）。",
        "err_phone": "请填写含国家代码的号码，例如 +86 138 0013 8000。",
        "err_consent": "请勾选同意框，否则我们无法保存您的卡。",
        "err_too_long": "输入的内容太长，请重试。",
        "replayed_title": "此表单已提交过",
        "replayed_body": "您的卡在第一次提交时已创建。请从那个页面打开它。",
        "expired_title": "此表单已过期",
        "expired_body": "请重新打开加入页面。",
        "again": "重新开始",
        "card_title": "欢迎，{name}！",
        "card_lead": "这是您的{program}卡。在自助机上出示此码即可集章。",
        "stamps": "{stamps} / {goal} 个印章",
        "keep": "请保存此页面（加入书签或添加到主屏幕）：它就是您的卡。",
        "wallet": (
            "持有发行证书的会员云会在这里提供“添加到 Apple 钱包 / 保存到 Google 钱包”；"
            "本参考服务器提供网页卡。"
        ),
        "not_found": "没有此页面。",
    },
    "et": {
        "title": "Võta oma templikaart",
        "lead": "Liitu {shop} kliendiprogrammiga mõne sekundiga. Kaart avaneb siinsamas.",
        "first_name": "Eesnimi",
        "email": "E-post (valikuline)",
        "phone": "Telefoninumber (valikuline, suunakoodiga, nt +372 5123 4567)",
        "consent": "Olen nõus, et {shop} hoiab minu templikaardi jaoks mu eesnime ja antud kontakti.",
        "submit": "Loo minu kaart",
        "err_name": "Palun sisesta eesnimi (kuni 80 märki).",
        "err_email": "See ei paista e-posti aadressina (kuni 200 märki).",
        "err_phone": "Palun sisesta number koos suunakoodiga, nt +372 5123 4567.",
        "err_consent": "Palun märgi nõusoleku kast, muidu ei saa me su kaarti hoida.",
        "err_too_long": "Seda teksti oli liiga palju. Palun proovi uuesti.",
        "replayed_title": "See vorm on juba saadetud",
        "replayed_body": "Su kaart loodi esimesel korral. Ava see sealt lehelt.",
        "expired_title": "See vorm on aegunud",
        "expired_body": "Palun ava liitumisleht uuesti.",
        "again": "Alusta uuesti",
        "card_title": "Tere tulemast, {name}!",
        "card_lead": "See on sinu {program} kaart. Näita seda koodi kioskis, et templeid koguda.",
        "stamps": "{stamps} templit {goal}-st",
        "keep": "Hoia see leht alles (järjehoidja või avaekraanile): see on sinu kaart.",
        "wallet": (
            "Lisa Apple Walletisse / Salvesta Google Walletisse pakuks siin väljastaja "
            "sertifikaate omav püsikliendipilv; see viiteserver pakub veebikaarti."
        ),
        "not_found": "Sellist lehte pole.",
    },
}


def words(lang: str | None) -> dict[str, str]:
    return WORDS.get(lang or "en", WORDS["en"])
