"""Same-day (``urgent``) criteria of Finnish primary care, for the urgency engine: data only.

The red flags and their words are :mod:`app.domain.urgency_lexicon`; this module adds the
everyday matters a nurse assesses within hours (SPEC §7), in the same shapes (term syntax and
rule syntax are documented there). ``LEXICON`` entries are *added* to the concept of that name
(a concept may already exist in the red-flag lexicon), ``RULES`` run after the red flags' rules.

The criteria follow the common Finnish same-day guidance (Päivystysapu / Terveyskylä): a fever
that medicine does not bring down or that has lasted three days or more, a high fever in a small
child or an old person, severe abdominal pain (or right lower abdominal pain: appendicitis),
a urinary infection with fever or flank pain (pyelonephritis), back pain with a weak or numb leg
or saddle numbness (nerve root / cauda equina), an injured limb that bears no weight or looks
deformed, and a painful red eye with blurred vision or light sensitivity.

Why these shapes: each flag needs the *combination* ("kuume" + "ei laske", "vatsakipu" +
"kova", "kirvelee pissatessa" + "kuumetta"); one word alone is a ``soon`` matter at most, and
the ``soon`` / ``non_urgent`` lexicon (:mod:`app.domain.urgency_routine`) takes those. A denied
fever next to a urinary symptom ("kirvelee pissatessa, ei kuumetta") cancels the combination:
the negation would otherwise lie *inside* the match, which the engine reads as the symptom.

Numbers come from the engine's number reader: ``NUM_FEVER`` (39.x), ``NUM_DAYS`` ("4 päivää"),
``AGE_CHILD`` / ``AGE_OLD`` ("3-vuotias", "87 v" with a ``YEAR_UNIT`` after the number).

Known limits: a weak or numb leg is also a stroke sign in the red-flag rules, so "selkäkipu ja
jalka heikko" is suggested as an emergency (over-triage, accepted); an age without a unit is read
only after a relative and a verb ("my dad is 85", "mamma är 88"); raw (``=``) terms forgive no
typo ("svidr när jag kisar").
"""

from __future__ import annotations

from app.domain.urgency_types import Rule

LEVEL_FLAGS: dict[str, tuple[str, ...]] = {
    "urgent": (
        "fever_not_responding",
        "fever_vulnerable",
        "severe_abdominal_pain",
        "urinary_infection_fever",
        "back_pain_weakness",
        "no_weight_bearing",
        "red_eye_vision",
    ),
}

FLAG_LABELS: dict[str, dict[str, str]] = {
    "fever_not_responding": {
        "fi": "kuume ei laske lääkkeellä tai on jatkunut yli 3 päivää",
        "sv": "feber som inte sjunker med medicin eller pågått över 3 dagar",
        "en": "fever not responding to medicine or lasting 3+ days",
    },
    "fever_vulnerable": {
        "fi": "korkea kuume lapsella tai iäkkäällä",
        "sv": "hög feber hos barn eller äldre",
        "en": "high fever in a child or an older person",
    },
    "severe_abdominal_pain": {"fi": "kova vatsakipu", "sv": "svår buksmärta", "en": "severe abdominal pain"},
    "urinary_infection_fever": {
        "fi": "virtsatieoire ja kuume tai kylkikipu",
        "sv": "urinvägsbesvär med feber eller flanksmärta",
        "en": "urinary symptoms with fever or flank pain",
    },
    "back_pain_weakness": {
        "fi": "selkäkipu ja jalan heikkous tai puutuminen",
        "sv": "ryggsmärta med svaghet eller domning i benet",
        "en": "back pain with leg weakness or numbness",
    },
    "no_weight_bearing": {
        "fi": "raajavamma: ei kanna painoa tai virheasento",
        "sv": "skada: kan inte belasta eller felställning",
        "en": "injured limb: no weight bearing or deformity",
    },
    "red_eye_vision": {
        "fi": "kipeä punainen silmä ja näköoire",
        "sv": "rött smärtsamt öga med synpåverkan",
        "en": "painful red eye with vision change",
    },
}

FLAG_REASONS: dict[str, dict[str, str]] = {
    "fever_not_responding": {
        "fi": "Kuume, joka ei laske kuumelääkkeellä tai on jatkunut 3 päivää, vaatii arvion samana päivänä.",
        "sv": "Feber som inte sjunker med febernedsättande eller pågått i 3 dagar ska bedömas samma dag.",
        "en": "A fever that antipyretics do not bring down, or lasting 3 days, needs assessment the same day.",
    },
    "fever_vulnerable": {
        "fi": "Korkea kuume pienellä lapsella tai iäkkäällä voi olla vakava infektio: arvio samana päivänä.",
        "sv": "Hög feber hos ett litet barn eller en äldre kan vara en allvarlig infektion: bedöm samma dag.",
        "en": "A high fever in a small child or an older person may be a serious infection: assess the same day.",
    },
    "severe_abdominal_pain": {
        "fi": "Kova tai oikean alavatsan kipu voi olla umpilisäke tai muu kirurginen syy: arvio muutaman tunnin sisällä.",
        "sv": "Svår smärta eller smärta i höger nedre buk kan vara blindtarm eller annan kirurgisk orsak: bedöm inom timmar.",
        "en": "Severe or right lower abdominal pain may be appendicitis or another surgical cause: assess within hours.",
    },
    "urinary_infection_fever": {
        "fi": "Virtsatieoire ja kuume tai kylkikipu viittaa munuaisaltaan tulehdukseen: arvio samana päivänä.",
        "sv": "Urinvägsbesvär med feber eller flanksmärta tyder på njurbäckeninflammation: bedöm samma dag.",
        "en": "Urinary symptoms with fever or flank pain suggest a kidney infection: assess the same day.",
    },
    "back_pain_weakness": {
        "fi": "Selkäkipu ja jalan heikkous, puutuminen tai virtsanpidätysongelma voi olla hermopinne (cauda equina): arvio tänään.",
        "sv": "Ryggsmärta med svaghet, domning eller blåsbesvär kan vara nervrotspåverkan (cauda equina): bedöm i dag.",
        "en": "Back pain with leg weakness, numbness or bladder trouble may be nerve compression (cauda equina): assess today.",
    },
    "no_weight_bearing": {
        "fi": "Vamman jälkeen raaja ei kanna tai on virheasennossa: murtuman epäily, röntgen samana päivänä.",
        "sv": "Efter en skada bär benet inte eller är felställt: misstänkt fraktur, röntgen samma dag.",
        "en": "After an injury the limb bears no weight or looks deformed: possible fracture, X-ray the same day.",
    },
    "red_eye_vision": {
        "fi": "Kipeä punainen silmä ja näön sumeneminen tai valonarkuus voi olla iriitti tai glaukooma: arvio tänään.",
        "sv": "Rött smärtsamt öga med dimsyn eller ljuskänslighet kan vara irit eller glaukom: bedöm i dag.",
        "en": "A painful red eye with blurred vision or light sensitivity may be iritis or glaucoma: assess today.",
    },
}

LEXICON: dict[str, tuple[str, ...]] = {
    # --- words added to the red-flag lexicon's concepts ------------------------------------
    "PAIN": ("magont", "ryggont", "jätteont", "=ögonont", "kirvel", "*kirvel"),
    # "useita päiviä": a duration (see SEVERAL); "3 vrk", "fjärde dagen", "fem dar" (raw: not "där")
    "MONTHS": ("=päivi", "paivi", "vrk$", "=dagen$", "=dar$"),
    "BLOOD": ("-verest", "-*verest"),  # "silmä verestää" (bloodshot) is not bleeding
    "SEIZURE_WEAK": ("-*jäykkäkourist", "-*stelkramp"),  # tetanus (jäykkäkouristus, stelkramp): a vaccine
    "TONSIL": ("*mandl",),  # "halsmandlar"
    "KNOWN_WORD": ("kirveen", "kirvees"),
    # --- fever ------------------------------------------------------------------------------
    "FEVER": ("fevr", "feaver", "fevor", "fiever", "=febr$"),  # common misspellings
    "FALL": ("lask", "alene", "alen", "=laantu", "hellit", "=sjunk", "=sjönk", "=ner$", "=down$",
             "=lower", "=break$", "=breaking$", "alas$", "drop", "budge", "subsid", "respond", "reagoi", "reager"),
    "HELP": ("=hjälper$", "=hjälpt$", "=hjälpte$", "=biter$", "auta$", "auttanut", "=auttaneet",
             "=auttaa$", "=helped$", "=helping$", "=helps$", "=help$", "=works$", "=worked$",
             "=working$", "tehoa", "tehonnut", "tehoo", "=touching$", "=touches$"),
    "ANTIPYRETIC": ("kuumelääk", "*kuumelääk", "=lääke", "=lääkk", "*lääke", "parasetam", "paracetam",
                    "panadol", "burana", "ibuprofe", "ibumax", "pamol", "alvedon", "=ipren", "calpol",
                    "tylenol", "=advil", "=nurofen", "febernedsät", "*febernedsät", "=medicin",
                    "medicine", "medication", "meds$", "antipyret", "tabl", "tablet", "antibiot",
                    "antibiotik", "*antibiot", "-lääkär"),
    "DESPITE": ("vaikka$", "huolimat", "=trots$", "despite", "=even$", "still$", "=yhä$", "edelleen",
                "=fortfarande", "=ändå$", "vielä$"),
    # Finland-Swedish colloquial "int" (inte): read only in these rules, not as a general denial
    "NEG_SV_COLLOQ": ("=int$",),
    # a fever that has lasted a week or more ("kuumetta jo viikon", "feber i två veckor")
    "WEEKS": ("viiko", "viikko", "viikon", "=vecka", "=veckan", "=veckor", "week$", "weeks$",
              "kuukau", "=månad", "month$", "months$", "-viikonlop", "-*viikonlop"),
    # "viikko sitten", "förra veckan", "last week" is over; "viime viikosta asti", "since last week" is not
    "CAME": ("came$", "come$"),
    "OFF": ("off$",),
    "PUT_DOWN": ("put$", "=sätta$", "=ställa$"),
    "DOWN": ("down$", "=ner$", "=ned$"),
    "AGO": ("sitten$", "ago$", "päästä$", "viime$", "=förra$", "=för$", "last$"),
    "SINCE": ("asti$", "lähtien$", "alkaen$", "since$"),
    # a fever that comes back up after the medicine ("nousee taas", "går upp igen", "comes back up")
    # ("kastar upp igen", "threw up again" are vomiting: English "up" only in "back up")
    "RISE": ("nouse", "nousi", "nousu", "=stiger", "=steg$", "=upp$<kast|kräk|spy", "spike", "rise$",
             "rises$", "rising$", "climb"),
    "AGAIN": ("taas$", "uudelleen", "jälleen", "=igen$", "again$"),
    "BACK_WORD": ("back$",),
    "UP_WORD": ("up$",),
    "SEVERAL": ("kolme$", "kolmatta$", "kolmas$", "neljä$", "neljättä$", "viisi$", "viidettä$", "useita$",
                "useamman$", "monta$", "tre$", "tredje$", "fyra$", "fjärde$", "fem$", "femte$", "flera$",
                "three$", "third$", "four$", "fourth$", "five$", "fifth$", "several$"),
    "HIGH": ("korkea", "korkean", "kova$", "kovaa$", "kovan$", "=hög$", "=höga$", "=högt$", "high$",
             "raging$"),
    "OLD_PERSON": ("iäkä", "vanhus", "vanhuks", "mummo", "mummu", "=ukki", "vaari", "isoäi", "isoisä",
                   "eläkeläi", "=äldre", "farmor", "mormor", "farfar", "morfar", "pensionär", "=gammal$",
                   "elderly", "grandma", "grandpa", "grandmother", "grandfather", "granny", "pensioner",
                   "grandad", "granddad",
                   "vanhainkod", "hoivakod", "=äldreboend", "care$"),
    "YOUNG_CHILD": ("lapsi", "lapse", "lapsel", "taapero", "poika", "pojal", "pojan", "tytö", "tyttö",
                    "=barn$", "=barnet", "=bebis", "=son$", "=sonen", "=dotter", "child", "kid$", "kids$",
                    "toddler", "daughter", "boy$", "boys$", "girl$", "=pojke", "=flick", "=tjej",
                    "=lillen$", "=lillebror", "=lillasyster", "=lillkill", "=lilltjej", "pikkuinen",
                    "pienokai", "=pikkuve", "=pikkusis", "kiddo"),
    "YEAR_UNIT": ("v$", "vuot", "=år$", "=åring", "=års$", "year", "years", "yrs$", "yr$", "yo$"),
    "NO_FEVER_WORD": ("kuumeeton", "kuumeton", "feberfri", "afebril", "afebrile"),
    # --- abdomen -----------------------------------------------------------------------------
    "ABDOMEN": ("vatsa", "*vatsa", "maha$", "mahaa$", "mahaan$", "mahan$", "mahas", "mahako", "mahaki",
                "mahakiv", "mahavai", "=mage$", "=magen$", "magont", "*magsmärt", "*magvärk", "=buk$",
                "=buken$", "*buksmärt", "=navan", "=napa$", "=naveln", "navel", "stomach", "tummy", "belly", "abdom", "-vatsatau", "-*vatsatau"),
    "RIGHT_LOWER": ("oikea", "oikeal", "oikean", "=höger", "right$", "=nedre", "lower$", "alavats",
                    "*alavats", "=alaosa"),
    "APPENDIX_TERM": ("umpisuol", "*umpisuol", "umpilisäk", "*umpilisäk", "blindtarm", "*blindtarm",
                      "appendi", "appendix"),
    "INTENSE": ("kova", "kovaa", "kovasti", "kovia", "hirve", "hirvi", "kauhe", "kamala", "järkyttäv",
                "tosi$", "todella", "erittäin", "=älyt", "valtava", "sietämät", "kestämät",
                "=svår$", "=svåra$", "=svårt$", "kraftig", "hemsk", "fruktansv", "=jätte", "väldig",
                "extrem", "olidl", "=mycket$", "severe", "terrible", "awful", "horribl", "excruciat",
                "intense", "extreme", "unbearabl", "agony", "=killing$", "=really$", "=badly$", "=pahasti$",
                "voimak", "=rajusti", "=rajun", "=jatte", "=sjukt$", "=grymt$", "sevre", "=sever$", "severly",
                "severley", "paljon$<kuinka|miten|ei", "much$<how|too|as|not", "lot$"),
    # pain that keeps one from standing, walking or sitting is severe ("can barely stand")
    "BARELY": ("tuskin", "=töin$", "=knappt", "=knappast", "barely", "hardly"),
    "SIT": ("istu", "liiku", "=sitta", "=sitter", "=ligga", "=röra", "sit$", "sitting", "move$", "moving",
            "straight$", "=rak$", "=suoraan"),
    "SURGERY": ("leikat", "poistet", "operer", "=tagit$", "removed", "remove", "out$"),
    # --- urinary -----------------------------------------------------------------------------
    "BURN": ("kirvel", "*kirvel", "=sveder", "=sveda", "=svider", "=bränn", "burn", "sting"),
    "UTI_TERM": ("virtsatietulehd", "*virtsatietulehd", "virtsatieinf", "rakkotulehd", "*rakkotulehd",
                 "=urinvägsinf", "*urinvägsinf", "blåskatar", "cystit", "uti$", "utis$",
                 "munuaisaltaantul", "*munuaisaltaantul", "pyelonef", "njurbäckeninf", "=pyelit",
                 "=virtsaamisvai", "*virtsaamisvai", "=virtsavai"),
    "KIDNEY_INFECTION": ("munuaisaltaantul", "*munuaisaltaantul", "pyelonef", "njurbäckeninf", "=pyelit"),
    "URINARY": ("urinary$", "bladder$", "virtsarakko", "=urinblås", "=urinvägs", "=virtsatie$", "=virtsatiet"),
    "INFECTION": ("infection", "infektio", "tulehdu", "inflammat"),
    "FLANK": ("kylki", "kylje", "kylke", "*kylki", "munuai", "=flank", "=sidan$", "=sida$", "side$",
              "sides$", "kidney", "=njure", "=njurar", "loin"),
    # --- back -----------------------------------------------------------------------------------
    "BACK": ("selka", "*selka", "=selä", "selan$", "selasa$", "selasta$", "alaselk", "=rygg", "=*rygg",
             "ländrygg", "back$<cal|cam|com|get|got|go|went|ring|phon|be"
             "|brin|brou|writ|wro|sen|text|hear|way|pay|give|gave", "lumbar",
             "spine", "-ryggsäck", "-*ryggsäck"),
    "LEG": ("jalka", "jalko", "jalat", "jalas", "jalan$", "jaloi", "jalkater", "reisi", "reide", "pohje",
            "pohke", "sääri", "sääre", "=ben$", "=benet$", "=benen", "=benen$", "=fot$", "=foten", "=vad$",
            "=vaden", "=lår$", "=låret", "leg$", "legs$", "foot", "feet", "thigh", "calf", "jalal", "jalkaa$",
            "jalkaan$", "jalkoja$", "varvas", "varpa", "=tår$", "=tårna", "toe$", "toes$"),
    # ("benen är kraftlösa": a same-day word only; WEAK is the stroke sign)
    "GIVE_WAY": ("pettä", "petti", "=viker", "=vek$", "buckl", "gives$", "gave$", "giving$",
                 "=kraftlös", "=*domna", "=*domnat"),
    "OBEY": ("=totel", "=tottel", "=lyder$", "=lyda$", "obey"),  # "jalka ei tottele"
    "BACK_PAIN_TERM": ("noidannuol", "lumbago", "ryggskot", "*ryggskot", "ryggont", "iskias", "ischias",
                       "sciatic", "backache", "*backache", "=ryggvärk", "=*ryggvärk"),
    "SADDLE": ("haarov", "*haarov", "=peräaukk", "=pakara", "=pakaro", "alapää", "sukuelim", "=ljumsk",
               "=underliv", "=skrev$", "=skrevet", "saddle", "groin", "genital", "buttock", "between$"),
    "CONTINENCE_LOSS": ("karkaa", "karkasi", "karkailee", "pidätä", "pidättä", "inkontin", "*inkontin",
                        "läck", "=kissat$", "=hålla$", "=håller$", "incontin", "wet$", "wetting", "leaking",
                        "control$", "hold$"),
    "CHRONIC": ("kuukausia", "kuukausi$", "vuosia", "vuoden$", "pitkään", "pitkäaikai", "krooni",
                "=länge$", "månader", "=år$", "=kronisk", "months$", "years$", "ages$", "chronic", "chronically"),
    # --- injury ---------------------------------------------------------------------------------
    "INJURY": ("nyrjä", "*nyrjä", "nyrjäh", "kaatu", "kaadu", "liukast", "kompast", "putos", "putosi",
               "=vääntyi", "=väänsi", "=vääntä", "=venäh", "=törmä", "kolari", "=stukad", "=stukat",
               "=vrick", "=vred", "=föll$", "=fallit", "=ramlade", "=ramlat", "=halkade", "=snubblade",
               "=trillade", "sprain", "twist", "=fell$", "=fall$", "fallen$", "slipped", "tripped",
               "rolled$", "landed$", "injur", "=vamma", "*vamma", "=skad", "=krock", "crash", "accident",
               "onnettomuu", "olyck", "=fallet$"),
    "JOINT": ("nilkka", "nilkan", "nilko", "polvi", "polve", "lonkka", "lonkan", "=ranne", "=rantee",
              "olkapä", "olkap", "=fotled", "=knä$", "=knät$", "=knäet", "=höft", "=handled", "=axel",
              "=axeln", "ankle", "knee", "hip$", "hips$", "wrist", "shoulder", "*nilkka", "*polvi"),
    "BEAR": ("varaam", "varata$", "varaten$", "astu", "astum", "kävel", "kävell", "seiso", "=stödja", "=stöda", "=stöder", "belast",
             "=stå$", "=gå$", "weight$", "walk", "stand", "bear$", "step", "=paino$", "=painoa$"),
    "CAST": ("kipsi", "kipsin", "kipsiä", "=gips", "cast$", "kontrolli", "=kontroll", "check", "follow",
             "poisto", "removal", "ompel", "tikit", "=stygn", "stitches", "jälkeen$", "=efter$", "after$"),
    "BOOKING": ("aika$", "aikaa$", "ajan$", "aikoja$", "aikani$", "=tid$", "=tider$", "appointment",
                "booking"),
    "DEFORM": ("vino", "vinos", "=vääntyn", "=epämuodost", "väärässä$", "väärin$", "=virheasen", "=kummallise",
               "oudossa$", "=outo",
               "=sned", "=snett$", "=felställ", "=fel$", "=väärän$", "konstig", "deform", "=bent$", "=angle", "=crooked",
               "sticking$", "=wrong$", "=weird$"),
    "FRACTURE": ("murtu", "*murtu", "=murtum", "=poikki$", "=katke", "fraktur", "*fraktur", "=bruten",
                 "=brutit", "=bröt$", "fracture", "=broken$", "=broke$"),
    # --- eye --------------------------------------------------------------------------------------
    "EYE": ("silmä", "silma", "silmi", "*silmä", "=öga", "=ögat", "=ögon", "*ögat", "eye$", "eyes$",
            "eyeball", "-silmälas", "-silmälääk", "-silmälaa", "-silmätipp", "-eyeglas", "-eyedrop",
            "-eye>drops|test|exam|doctor|appointment"),
    "RED": ("punai", "punoit", "punot", "verest", "*verest", "=röd$", "=rött$", "=röda$", "=rodn",
            "=blodsprängd", "red$", "reddish", "bloodshot", "inflamed"),
    "BLUR": ("sume", "sumu", "*sume", "epätark", "hämär", "samea", "utuin", "utuis", "=dimsyn", "*dimsyn", "=suddig",
             "=dimmig", "=grumlig", "blur", "*blur", "hazy", "foggy", "cloudy", "halos$", "halo$", "=kehä",
             "=ringar"),
    "LIGHT_SENS": ("valonark", "*valonark", "valoherk", "=ljuskäns", "=ljusskygg", "photophob", "light$", "=ljuset$", "=valo$",
                   "=valoa$"),
    "VISION_WORD": ("näkö", "näe$", "näen$", "=näke", "=syn$", "=synen$", "vision", "sight", "see$"),
}

TYPO_CONCEPTS: frozenset[str] = frozenset({"FALL", "INJURY"})

NEG = "NEG_FI|NEG_SV|NEG_EN"

RULES: tuple[Rule, ...] = (
    # derived concepts
    Rule(None, "SEVERAL MONTHS", 1, emit="NUM_DAYS", ordered=True),
    Rule(None, f"{NEG}|NEG_ANNOT_EXTRA FEVER", 2, emit="NO_FEVER", ordered=True),
    Rule(None, f"FEVER {NEG} BE", 2, emit="NO_FEVER", ordered=True),
    Rule(None, "NO_FEVER_WORD", 0, emit="NO_FEVER"),
    Rule(None, f"ANTIPYRETIC {NEG}|NEGCAN HELP", 3, emit="MED_NOT_HELPING"),
    Rule(None, "PAIN|BURN PEE", 3, emit="DYSURIA"),
    Rule(None, "UTI_TERM", 0, emit="DYSURIA"),
    Rule(None, "URINARY INFECTION", 2, emit="DYSURIA"),
    Rule(None, "FLANK PAIN", 3, emit="FLANK_PAIN"),
    Rule(None, "BACK PAIN", 3, emit="BACK_PAIN"),
    Rule(None, "BACK_PAIN_TERM", 0, emit="BACK_PAIN"),
    Rule(None, "ABDOMEN PAIN", 4, emit="ABDOMINAL_PAIN"),
    Rule(None, "BURN LIFT", 1, emit="FEVER", ordered=True),  # "burning up"
    Rule(None, "PEE INFECTION", 1, emit="DYSURIA"),  # "virtsatulehdus", "urine infection"
    Rule(None, "BAD BACK", 1, emit="BACK_PAIN", ordered=True),  # "bad back", "huono selkä"
    Rule(None, "RISE AGAIN", 2, emit="RISES_AGAIN"),
    Rule(None, "BACK_WORD UP_WORD", 1, emit="RISES_AGAIN", ordered=True),  # "it comes back up"
    Rule(None, f"{NEG} OBEY", 3, emit="GIVE_WAY"),  # the denial is the symptom
    Rule(None, "HIGH FEVER", 1, emit="FEVER_HIGH"),  # "kova kuume", not "kova yskä ja kuumetta"
    Rule(None, "FEVER NUM_FEVER|NUM_HIGH", 3, emit="FEVER_HIGH"),
    # fever that medicine does not bring down, or that has lasted 3 days or more
    # (the denial must come before the falling: "kuume laski eikä noussut" is not one)
    Rule("fever_not_responding", f"FEVER {NEG}|NEGCAN|INAB FALL", 4, ordered=True),
    Rule("fever_not_responding", f"{NEG}|NEGCAN|INAB FEVER FALL", 3, ordered=True),
    Rule("fever_not_responding", f"{NEG}|NEGCAN|INAB FALL FEVER", 3, ordered=True),
    Rule("fever_not_responding", "FEVER FALL NEG_SV", 2, ordered=True),  # "febern sjunker inte"
    Rule("fever_not_responding", "FEVER NEG_SV_COLLOQ FALL", 4, ordered=True),  # "febern går int ner"
    Rule("fever_not_responding", "FEVER ANTIPYRETIC RISES_AGAIN", 14, unless="NO_FEVER"),
    # a week or more of it ("kuumetta jo viikon"; not "viikko sitten")
    Rule("fever_not_responding", "FEVER WEEKS", 4, unless="NO_FEVER|AGO|INFANT|AGE_WORD", unless_window=3),
    Rule("fever_not_responding", "FEVER SINCE WEEKS", 5, unless="NO_FEVER|INFANT|AGE_WORD", unless_window=3),
    Rule("fever_not_responding", "FEVER MED_NOT_HELPING", 10, unless="NO_FEVER"),
    Rule("fever_not_responding", "FEVER DESPITE ANTIPYRETIC", 6, unless="FALL", unless_window=1),
    # "vauva 5 viikkoa": an infant's age, not a duration (infant_fever takes it)
    Rule("fever_not_responding", "FEVER NUM_DAYS", 6, unless="NO_FEVER|INFANT|AGE_WORD|FALL"),
    # a high fever in a small child or an old person (≥ 40 °C is high_fever for everyone)
    Rule("fever_vulnerable", "FEVER_HIGH YOUNG_CHILD|CHILD|OLD_PERSON|AGE_CHILD|AGE_OLD", 8, unless="NO_FEVER"),
    # severe abdominal pain; right lower abdominal pain or a suspected appendicitis
    # a denial inside the words ("vatsakipu ei ole kova") is not the symptom here
    Rule("severe_abdominal_pain", "ABDOMINAL_PAIN INTENSE|UNBEARABLE", 4, unless=NEG, unless_window=0),
    Rule("severe_abdominal_pain", "RIGHT_LOWER ABDOMINAL_PAIN", 4),
    Rule("severe_abdominal_pain", "ABDOMINAL_PAIN INAB|BARELY BEAR|SIT", 6, ordered=True),
    Rule("severe_abdominal_pain", "APPENDIX_TERM", 0, unless="SURGERY|HISTORY", unless_window=4),
    # urinary infection with fever or flank pain (pyelonephritis)
    Rule("urinary_infection_fever", "DYSURIA FEVER", 10, unless="NO_FEVER", unless_window=3),
    Rule("urinary_infection_fever", "DYSURIA FLANK_PAIN", 10),
    Rule("urinary_infection_fever", "KIDNEY_INFECTION", 0),
    # back pain with a weak or numb leg, saddle numbness or loss of bladder control
    # (months of it is a matter for the physiotherapist, not for today)
    Rule("back_pain_weakness", "BACK_PAIN LEG|LIMB WEAK|NUMB|GIVE_WAY", 8, unless="CHRONIC", unless_window=8),
    Rule("back_pain_weakness", "BACK_PAIN SADDLE NUMB", 10),
    Rule("back_pain_weakness", "BACK_PAIN CONTINENCE_LOSS PEE|URINARY", 10),
    Rule("back_pain_weakness", "BACK_PAIN INAB BEAR", 6, unless="CHRONIC", unless_window=8),
    Rule("back_pain_weakness", "BACK_PAIN INAB LIFT|SIT LEG", 8, unless="CHRONIC", unless_window=8),
    # an injured limb that bears no weight or looks deformed
    # ("en pysty varaamaan aikaa" is booking; "for months" is not an injury of today)
    Rule(None, "CAME OFF", 1, emit="INJURY", ordered=True),  # "came off my bike"
    Rule(None, "PUT_DOWN DOWN", 2, emit="BEAR", ordered=True),  # "kan inte sätta ner foten"
    Rule(None, f"INAB|{NEG}|NEG_SV_COLLOQ BEAR", 3, emit="CANT_BEAR", unless="BOOKING", unless_window=3),
    Rule("no_weight_bearing", "CANT_BEAR LEG|JOINT|INJURY", 6, unless="CHRONIC", unless_window=8),
    Rule("no_weight_bearing", "INJURY LEG|JOINT|LIMB DEFORM", 6),
    Rule("no_weight_bearing", "FRACTURE LEG|JOINT|LIMB|INJURY", 6, unless="HISTORY|CAST", unless_window=4),
    # a painful red eye with blurred vision or light sensitivity
    Rule("red_eye_vision", "EYE RED|PAIN BLUR|LIGHT_SENS", 8),
    Rule("red_eye_vision", "EYE RED|PAIN VISION_WORD BAD", 8),
)
