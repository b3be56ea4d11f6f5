"""The red-flag lexicon of the urgency engine (:mod:`app.domain.urgency`): data only.

Everything here is declarative: flag ids and levels, the nurse-facing labels and texts, the
words, stems and phrases of each concept, and the rules that combine concepts into flags. The
engine compiles it once at import. The lexicon is matched in Finnish, Swedish and English on
every text (patients mix languages); labels and texts exist in all three (``LANGS``).

Adding a phrase
    Find the concept (``CHEST``, ``PAIN``, ``BREATH`` …) in ``LEXICON`` and add the term, in
    the term syntax below, for each language the phrase needs: Finnish (both consonant grades,
    ``rinta/rinnan``), Swedish and English. A term that makes a harmless word match (``verikoe``
    is not BLOOD) gets a ``-`` blocker in the same concept. Add the phrase, and a trap it must
    not raise, to ``tests/unit/urgency_corpus.py``. Concepts in ``TYPO_CONCEPTS`` forgive one
    typo; a real word one typo away from a new stem goes into ``KNOWN_WORD``.
Adding a flag
    Put its id in ``EMERGENCY_FLAGS`` or ``URGENT_FLAGS``, its label and one-line reason in
    fi/sv/en in ``FLAG_LABELS`` and ``FLAG_REASONS`` (:mod:`app.domain.urgency_texts`), and at
    least one ``Rule`` raising it in ``RULES`` (over concepts of
    ``LEXICON``, new ones with terms in all three languages). Add an example in each language
    to ``FLAG_EXAMPLES`` in ``tests/unit/test_urgency.py``. ``tests/unit/test_urgency_lexicon.py``
    checks that the tables fit together. An everyday (urgent same-day, soon, administrative) flag
    goes into :mod:`app.domain.urgency_same_day` or :mod:`app.domain.urgency_routine` instead,
    with its labels, reasons, words and rules there.

Term syntax (all forms are folded like the text — case, diacritics, runs of a letter — unless raw):
    ``"stem"``   prefix of the token            ``"stem$"``  the whole token
    ``"~stem"``  a Snowball stem (fi/sv/en) of the token: ``"~eläm"`` = elämä, elämään, elämäni …
    ``"*head"``  anywhere in the token (compound heads)   ``"*head$"``  at the end of the token
    ``"=raw"``   raw (unfolded) prefix    ``"=raw$"`` raw whole token    ``"=*raw"`` raw, anywhere
    ``"-stem"`` / ``"-*head"``  blocker: a token matching it does NOT carry this concept
    ``"term>a|b"`` the next token must not start with a or b; ``"term<a|b"`` same for the previous

Rules: ``Rule(flag or None, parts, window, emit=…, unless=…, unless_window=…, ordered=…)``. A
part is ``"A|B"`` (any of these concepts); the parts lie within ``window`` words of each other
(function words do not count). Rules run in order; an ``emit`` concept can be used by later
rules. ``unless`` concepts within ``unless_window`` words cancel the match. Besides the
concepts here, the engine's number reader adds ``NUM_HIGH`` (40–44), ``INFANT_YOUNG`` (``3 kk``),
``UNBEARABLE`` (``9/10``) and ``TOO_MANY_TERM`` (``30 tablettia``).
"""

from __future__ import annotations

from app.domain.urgency_texts import FLAG_LABELS, FLAG_REASONS, TEXTS  # noqa: F401  (re-exported)
from app.domain.urgency_types import LEVEL_ORDER, Finding, RedFlag, Rule  # noqa: F401  (re-exported)


# --------------------------------------------------------------------------------------------
# Flags, labels and texts
# --------------------------------------------------------------------------------------------

EMERGENCY_FLAGS = (
    "chest_pain",
    "stroke",
    "breathing",
    "unconscious",
    "seizure",
    "thunderclap_headache",
    "bleeding",
    "anaphylaxis",
    "suicidal",
    "general_condition",
    "meningitis",
    "poisoning",
    "head_injury",
)
URGENT_FLAGS = (
    "breathlessness",
    "severe_pain",
    "infant_fever",
    "high_fever",
    "urinary_retention",
    "dehydration",
)

FLAGS: dict[str, RedFlag] = {
    **{f: RedFlag(f, "emergency") for f in EMERGENCY_FLAGS},
    **{f: RedFlag(f, "urgent") for f in URGENT_FLAGS},
}
FLAG_IDS: tuple[str, ...] = tuple(FLAGS)
LANGS: tuple[str, ...] = ("fi", "sv", "en")

# Answers on the pre-information form (compared after strip, casefold and a trailing ". !")
YES_ANSWERS = frozenset({"yes", "y", "true", "1", "kyllä", "kylla", "joo", "on", "ja", "k", "j"})
NO_ANSWERS = frozenset({"no", "n", "false", "0", "ei", "nej", "e", ""})


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------

# Colloquial Finnish (and a few chat spellings) → the standard form, as an extra reading.
COLLOQUIAL: dict[str, str] = {
    "mul": "minulla",
    "mulla": "minulla",
    "mulle": "minulle",
    "multa": "minulta",
    "mä": "minä",
    "mää": "minä",
    "mun": "minun",
    "mua": "minua",
    "mut": "minut",
    "sä": "sinä",
    "sun": "sinun",
    "sul": "sinulla",
    "sulla": "sinulla",
    "ite": "itse",
    "itte": "itse",
    "itteni": "itseni",
    "itteäni": "itseäni",
    "ittensä": "itsensä",
    "henkee": "henkeä",
    "kipee": "kipeä",
    "kipeet": "kipeät",
    "oo": "ole",
    "ku": "kun",
    "tuu": "tule",
    "pysty": "pysty",
    "haluun": "haluan",
    "haluisin": "haluaisin",
    "oon": "olen",
    "meil": "meillä",
}


# Function words do not count in the distance between concepts ("pain in the middle of my
# chest" is as close as "chest pain"); they still are tokens (a negation, a pronoun). Folded by
# the engine.
STOP_WORDS: dict[str, tuple[str, ...]] = {
    "fi": (
        "on", "oli", "ole", "oo", "ollu", "ja", "että", "kuin", "niin", "se", "sen", "hän", "minä",
        "mä", "mulla", "minulla", "hänellä", "ihan", "aivan", "vähän", "myös", "vain", "jo", "kun",
        "ku", "olis", "olisi", "ollut", "sitä", "tämä", "tuo",
    ),
    "sv": (
        "i", "på", "av", "en", "ett", "och", "att", "det", "den", "som", "har", "är", "var", "min",
        "mitt", "mina", "hans", "hennes", "jag", "han", "hon", "vi", "de", "med", "till", "sig",
        "så",
    ),
    "en": (
        "a", "an", "the", "of", "in", "on", "at", "to", "into", "onto", "my", "his", "her", "their",
        "our", "your", "its", "it", "is", "are", "was", "were", "be", "been", "being", "this",
        "that", "and", "or", "i", "im", "me", "he", "she", "they", "we", "you", "just", "also",
    ),
}


# Age units after a number, as folded prefixes: with one of these (weeks, days) an age up to 12
# is a young infant; with months ("kk", "months") up to 3. After "kk" / "k" no age word is needed.
SHORT_AGE_UNITS = ("vi", "vk", "vec", "vek", "we", "wk", "pa", "vuo", "dag", "day", "dyg")
MONTH_ABBREVIATIONS = ("kk", "k")


# --------------------------------------------------------------------------------------------
# Concepts
# --------------------------------------------------------------------------------------------

LEXICON: dict[str, tuple[str, ...]] = {
    # --- negation, ability ------------------------------------------------------------------
    "NEG_FI": ("ei$", "en$", "et$", "emme$", "ette$", "eivät$", "eikä$", "enkä$", "eikai$",
               "ettei$", "jottei$", "ettet$", "etten$"),
    "NEG_SV": ("inte$", "ej$", "icke$", "ingen$", "inga$", "inget$", "varken$"),
    "NEG_EN": ("not$", "dont$", "doesnt$", "didnt$", "isnt$", "arent$", "wasnt$", "werent$",
               "hasnt$", "havent$", "hadnt$", "wont$", "cant$", "cannot$", "couldnt$", "wouldnt$",
               "nor$"),
    "NEG_ANNOT_EXTRA": ("no$", "denies$", "negative$", "ingenting$", "without$", "ilman$", "utan$"),
    "CAN_FI": ("pysty", "voi$", "voida$", "voinut$", "voineet$", "kykene", "=saa$", "=saada$",
               "=saanut$", "=saaneet$", "=saisi$", "=sais$", "=saan$", "jaksa", "onnistu"),
    "CAN_SV": ("kan$", "kunde$", "kunna$", "orkar$", "orka$", "=får$", "=fick$", "lyckas", "=går$",
               "gick$", "klarar$", "klara$"),
    "CAN_EN": ("can$", "could$", "able$", "manage", "get$", "getting$"),
    "NEGCAN": ("cant$", "cannot$", "couldnt$", "unable$", "wont$", "incapable", "kykenemätön"),
    "DIFFICULT": ("vaikea", "vaikeu", "vaikeas", "vaikeam", "*vaikeu", "*vaikea", "työlä", "ahdist",
                  "huonosti$", "raskas", "raskal", "tukala", "hankala", "ongelm", "*ongelm",
                  "=svårt$", "=svår$", "=svåra$", "=svårig", "*ningsvårig", "tungt$", "tung$",
                  "jobbig", "*besvär", "difficult", "hard$", "harder$", "trouble", "struggl",
                  "laboured", "labored", "barely", "hardly", "knappt", "tuskin", "heavy$", "problem"),
    "DIFFICULT_CORE": ("vaikea", "vaikeu", "vaikeas", "vaikeam", "*vaikeu", "*vaikea", "hankal",
                       "=svårt$", "=svår$", "=svårig", "difficult", "hard$", "trouble", "struggl"),
    "STOPPING": ("pysähty", "pysähd", "=lakka", "=lakkas", "=lakann", "lopu$", "loppu$", "lopunu",
                 "lopui$", "tyrehd", "tyreht", "asetu", "=stanna", "slutat", "slutar", "slutade",
                 "sluta$", "stop$", "stops$", "stoped$", "stoping$", "arest$"),
    # --- body --------------------------------------------------------------------------------
    "CHEST": ("rinta", "rintk", "=rinnan", "=rinnas", "=rinnoi", "=rinnoist", "rintoj", "rintakeh",
              "rintalast", "bröst", "chest", "sternum", "breastbone", "rib$", "ribs$", "-rintaliiv",
              "-rintasyöp", "-rintasyöv", "-rintaruok", "-rintamaito", "-rintapump", "-rintauint",
              "-rintaimplant", "-rintaprotee", "-rintatasku", "-rintarauha", "-rintakuv",
              "-rinnakkai", "-rinnalla", "-rinnalle", "-rinnast", "-rintaman", "-rintama$",
              "-rintala$", "-bröstcancer", "-bröstmjölk", "-bröstpump", "-bröstsim", "-bröstvårt",
              "-brösthållar", "-bröstförstor", "-bröstoperation", "-chestnut", "-chester",
              "-chest>x|xray|xrays|ray|infection"),
    "HEART": ("=sydä", "sydan$", "sydamen$", "sydameen$", "sydamesa$", "sydamesta$", "sydanta$",
              "hjärt", "heart", "cardiac", "-sydänfilm", "-sydänlääk", "-sydänään", "-hjärtmedicin",
              "-heart>rate|beat|murmur|medication|medicine|failure", "-heartburn", "-hjärtklapp",
              "-sydämentykyty", "-hjärtlig", "-hjärtans"),
    "ATTACK": ("kohtau", "attack", "anfall", "infarkt", "infarct"),
    "HEART_ATTACK_TERM": ("sydänkohtau", "*sydäninfarkt", "hjärtinfarkt", "hjärtattack",
                          "*hjärtattack", "myocardial", "stemi$", "sepelvaltimokohtau",
                          "heartattack"),
    "PAIN": ("kipu", "*kipu", "kivu", "*kivu", "kipe", "*kipe", "=sattu", "=satuu$", "-sattuma",
             "koskee$", "koski$", "koskis$", "kolot", "jomot", "=särk", "=särj", "särky", "*särky",
             "särki", "särke", "*särke", "särje", "*särje", "pistä$", "pistää$", "=pistel",
             "pistävä", "vihlo", "viiltävä", "polta", "poltav", "tykyt", "ont$", "onda$", "=smärt",
             "=*smärt", "*stmärt", "*kpu", "*smarta$", "*smartor$", "*smartan$", "*smartorna$", "=värk", "=*värk",
             "*varkar$", "=sveder", "=sveda", "=hugger$", "=huggande$", "=hugg$", "=sticker$",
             "=bränner$", "=brännande$", "=bränn$", "=pain$", "=pains$", "=painful", "chestpain",
             "=hurt", "ache$", "aches$", "*ache$", "*aches$", "aching", "sore", "stab$", "stabbing",
             "stabs$", "burning", "discomfort", "agony", "-hurt>myself|himself|herself"),
    "PRESSURE": ("purist", "puristu", "paina$", "painaa", "painav", "paine$", "paineen", "painett",
                 "paineentun", "ahdist", "kirist", "kiristä", "tiuka", "=tiili", "weight$",
                 "painon$", "istuis", "sitting$", "=sitter$", "sits$", "=kramas$", "=kramar$", "=pressas",
                 "=snörs", "kurist", "jumi", "=vanne", "band$", "bandet$", "clamp", "raskas",
                 "raskal", "tryck", "=kläm", "tyngd", "tungt$", "=snör", "=ångest", "pressure",
                 "tight", "squeez", "crush", "heavy", "heaviness", "vice$", "elephant",
                 "-ahdistuneisuus", "-tryckt$", "-raskau", "-raskaan", "-raskaana"),
    "RADIATE": ("säteil", "säteily", "strål", "radiat", "spread"),
    "JAW": ("leuka", "leuan", "leuo", "käke", "käken", "jaw", "jaws"),
    "LEFT": ("vasen", "vasem", "vänster", "vänstra", "left$"),
    "ARM": ("=käsi$", "=käsivar", "=käsiin$", "=käsissä$", "=käsistä$", "=käde", "=kätt", "=kätee",
            "kasi$", "kadet$", "kadesa$", "kateen$", "kasivar", "arm$", "armen$", "armar", "arms$",
            "olkavar", "olkapä"),
    "SWEAT": ("hiki$", "=hikeä", "hikoil", "hikin", "hies", "hiesä", "=svett", "sweat", "clamy",
              "kylmänhik", "kalsvet"),
    "COLD": ("kylm", "=kall$", "=kallt$", "=kalla$", "cold$"),
    "PALE": ("kalpe", "=harmaa", "=blek", "=grå$", "=gråa$", "=grått$", "=pale$", "grey$", "gray$",
             "ashen"),
    # --- breathing -------------------------------------------------------------------------
    "BREATH": ("hengit", "hengity", "henke", "hengä", "henki$", "ilma$", "ilmaa$", "=happea$",
               "=hapen$", "=happi$", "andas", "andn", "andet", "andhämt", "andan$", "luft$",
               "luften$", "breath", "breth", "-brethren", "air$", "andning", "*andnings", "-hengitysharjoit",
               "-hengitystie", "-hengityslait", "-hengityskone", "-hengitysliit", "-hengityssuoj",
               "-hengitysilma", "-andningsövning", "-andningsväg", "-andningsskydd", "-hengenvaar",
               "-*andningsöv", "-breath>test|freshener|mint|mints|alcohol",
               "-breathing>exercise|exercises|technique|techniques|test",
               "-air>pods|port|line|bnb|fryer|conditioning|conditioner|purifier|quality"),
    "BREATH_VERB_FI": ("hengitä$", "hengittänyt$", "hengitä"),
    "BREATH_VERB_SV": ("andas$", "andades$", "andats$"),
    "BREATH_VERB_EN": ("breathing$", "breathe$", "breathes$"),
    "DYSPNEA": ("hengenahd", "*hengenahd", "hengitysahdist", "andnöd", "*andnöd", "*andningssvår",
                "*andningsbesvär", "*andningsprobl", "dyspn", "breathless", "hengitysvaik"),
    "SHORT": ("short", "shortnes", "kort$", "korta$"),
    "CHOKE": ("tukeht", "tukehd", "tukeh", "kvävs$", "kvävas", "kvävning", "kvävd", "kväver$",
              "choking", "choke", "suffocat", "salpautu", "-tukehtumisvaar"),
    "CYANOSIS": ("sinert", "syano", "cyano", "sinipun", "=blåakt", "=blålila", "=blåfärg", "bluish",
                 "blueish"),
    "BLUE": ("sinin", "sinis", "sininen", "=blå$", "=blåa$", "=blått$", "=blåakt", "blue$",
             "purple", "=lila$", "violet", "=harmaa", "=grå$", "=gråa$", "grey$", "gray$"),
    "GASP": ("haukkoo$", "haukkoi$", "haukkova$", "haukkoen$", "kippar$", "kippade$", "kippande",
             "gasp"),
    "FLOW": ("kulje", "kulke", "kulk", "kulj", "riitä", "räck", "enough"),
    "BREATHLESS_MILD": ("hengästy", "*hengästy", "hengästyt", "andfåd", "puffed", "winded"),
    "WHEEZE": ("vinku", "pihis", "rohis", "korise", "korisev", "rosslar", "rosslig", "rosslande",
               "rattling", "rattly", "gurgl", "=väser", "=väsande", "=väsning", "pipande", "pipig",
               "wheez", "stridor"),
    "FAST": ("tihe", "tiheä", "nopea", "snabb", "fort$", "jättefort$", "rapid", "fast$", "quick"),
    "WALK": ("kävel", "=gå$", "=gåt$", "promen", "walk"),
    "SHIVER": ("vilunvär", "*vilunvär", "horka", "=frossa", "=frossbry", "shiver", "rigor", "chills$"),
    # --- stroke ----------------------------------------------------------------------------
    "STROKE_TERM": ("halvau", "*halvau", "aivoinfark", "aivoveren", "*aivoveren", "aivohalva",
                    "aivotapahtum", "avh$", "tia-kohtau", "slaganfal", "hjärninfarkt", "hjärnblödn",
                    "stroke", "ministroke"),
    "FACE": ("kasvot", "kasvoj", "kasvoil", "kasvois", "kasvon", "kasvoni", "kasvoa$", "*kasvot",
             "=naama", "suupiel", "=suu$", "=suun$", "=suuta$", "poski", "posk", "=huul", "ansikt",
             "mungip", "munen$", "face", "facial", "mouth", "lip$", "lips$", "cheek", "smile",
             "-kasvohoi", "-kasvovoi", "-facebo", "-facetim", "-face>book|time|mask"),
    "DROOP": ("roiku", "roikku", "lerpa", "lerp", "vino$", "vinos", "vinoon", "vinot", "notkahta",
              "vääristy", "väänty", "toispuol", "=häng", "=hänger", "sned", "sneda", "snet",
              "sjunk", "=droop", "=sag$", "=sags$", "=sagged", "=sagging", "crooked", "uneven",
              "lopsid", "hang$", "hangs$", "hanging$", "fallen"),
    "LIMB": ("=käsi$", "=käsivar", "=käsiin$", "=käsissä$", "=käsistä$", "=käde", "=kätt", "=kätee",
             "kasi$", "kadet$", "kadesa$", "kadesta$", "kateen$", "kasivar", "jalka", "jalko",
             "jaloi", "jalat", "jalas", "jalan$", "=raaj", "=raajo", "arm$", "armen$", "armar",
             "arms$", "=ben$", "=benet$", "=benen", "hand$", "handen$", "hands$", "händer", "leg$",
             "legs$", "limb", "sormet", "finger"),
    "WEAK": ("halvaant", "halvant", "lamaant", "lamant", "voimaton", "voimatom", "voimatomuu",
             "heiko", "*heiko", "heikot", "tunnot", "förlam", "svag", "kraftlö", "weak", "paraly", "limp$",
             "floppy"),
    "NUMB": ("=puutu", "=puutun", "tunnot", "=pistel", "kihelm", "domn", "numb$", "numbnes",
             "numbed$", "tingl", "*puutum"),
    "FUNCTION": ("toimi", "tottele", "totele", "liiku", "liikku", "liiku", "nouse", "nous", "pysty",
                 "fungera", "lyd", "=rör", "lyft", "work$", "works$", "working$", "move", "moving",
                 "lift", "obey", "respond"),
    "LIFT": ("nost", "ylös", "ylos", "upp$", "lyft", "lift", "raise", "up$"),
    "SPEECH": ("puhe", "puhu", "sanoja$", "sanat$", "sanaa$", "sana$", "sanotu", "sanoa$",
               "=talet$", "prata", "=tala$", "=talar$", "=talade$", "ord$", "orden$", "speech",
               "speak$", "speaks$", "speaking$", "talk", "talking", "words$", "-puhelin", "-puhelu",
               "-puhepost", "-puheterap", "-puheenj", "-puhelim"),
    "SPEECH_BAD": ("=sammal", "puuroutu", "puroutu", "puurois", "purois", "=sössöt", "=sönkk",
                   "=sönkä", "sluddr", "sludr", "slurred$", "slurring$", "slur$", "slurs$", "garbl",
                   "afasi", "aphasi", "sekapuhe"),
    "STRANGE": ("outo", "oudo", "oudost", "sekav", "sekais", "epäsel", "epasel", "konstig", "otydl",
                "osammanhäng", "incoheren", "wrong$", "=väärin", "gibberish", "weird", "strange",
                "=odd$", "oddly", "unclear", "jumbl", "nonsens", "funny"),
    # "can't talk right now / at work": not a speech disorder
    "PHONE_CONTEXT": ("nyt$", "tällä$", "=töis", "työpaik", "puhelim", "telefon", "nu$", "jobb",
                      "möte", "now$", "moment$", "work$", "phone", "later", "meeting", "myöhemm",
                      "senare", "palaveri", "kokous"),
    # "doesn't answer my messages / can't get through to the clinic": not unconsciousness
    "COMMS": ("puhelim", "telefon", "phone", "soit", "call", "ring", "viest", "*viest", "messag",
              "meddeland", "sähköpost", "email", "mail", "kirje", "letter", "lääkär", "doctor",
              "läkare", "clinic", "vastaanot", "terveysas", "hälsocentral", "vårdcentral", "hoitaj",
              "nurse", "sjuksköt", "office", "ajanvara", "=tid$", "appointment", "surgery$", "gp$",
              "omalääk", "puhelu", "sms", "chat", "kysymyks", "question", "frågor", "frågan",
              "kela", "=fk$", "försäkring", "vakuut", "insurance", "apotek", "pharmac"),
    "ONE_SIDE_TOKEN": ("toispuol", "ensidig", "halvsid", "hemipar"),
    "ONE": ("toinen", "toise", "vasen", "vasem", "oikea", "oikean", "oikeal", "=ena$", "ensidig",
            "vänster", "höger", "one$", "left$", "right$"),
    "SIDE": ("puoli$", "puolel", "puoli", "puole", "sida$", "sidan$", "side$", "sided$", "sides$",
             "kehon", "kropp"),
    "SUDDEN": ("äkil", "äkis", "äkkiä$", "=äkkiä", "äkkinäi", "yhtäkkiä", "yhtäkiä", "yhtäkkinen",
               "yhtäkinen", "ylät", "yllät", "salama", "räjäht", "nopeasti", "=plöts", "hastig",
               "blixt", "sudden", "suddenly", "abrupt", "instant", "nowhere", "rapidly", "quickly",
               "snabbt$"),
    "VISION": ("näkö", "näkökent", "-näköjä", "-näköi", "-näkökul", "-näköal", "-näkyv", "=syn$",
               "=synen$", "synfält", "sight$", "vision$", "eyesight", "=näe$", "=näkee$", "näen$"),
    "LOSS": ("lähti", "=meni$", "=menett", "=menetin", "=menetti", "katos", "katoa", "=hävi",
             "pimen", "pimeä", "sammu", "förlor", "borta", "försvan", "lost$", "loss$", "gone$",
             "went$", "sokeu", "blind"),
    "DOUBLE_VISION": ("kaksoiskuv", "dubbelsee", "dubbelsyn", "double"),
    # --- consciousness -----------------------------------------------------------------------
    "UNCONSCIOUS_TERM": ("tajut", "tajuton", "tajuto", "pyörty", "pyörtyi", "pyörtyil", "lyyhist",
                         "lyhist", "eloton", "svim", "medvetslö", "medvetslos", "tupade",
                         "pyörryi", "unconscious", "unrespons", "unrous", "unarous", "fainted", "fainting",
                         "faints$", "blacked", "blackout", "collaps", "kollaps", "romahti$",
                         "sydänpysäh", "hjärtstop", "elvyt", "hlr$", "cpr$", "-tajuton$<ei|en",
                         "-tajuta$"),
    "WAKE": ("=herä", "=heräs", "=herät", "herei", "hereil", "=väck", "väcka", "vakna", "wake",
             "waking", "woke", "rous", "-herätys", "-herätyskel"),
    "REACT": ("reagoi", "reager", "respond", "responding", "reacting"),
    "CONSCIOUSNESS": ("taju$", "tajunt", "tajunan", "medvetande", "consciousnes"),
    "CONSCIOUS_STATE": ("tajuis", "tajuiss", "medveten", "medvetande$", "conscious$", "awake$"),
    "PASS": ("passed$", "passing$", "pases$", "pass$", "blacked$"),
    "OUT": ("out$",),
    # --- seizure --------------------------------------------------------------------------------
    "SEIZURE_STRONG": ("kouristel", "*kouristel", "kouristuskoht", "*kouristuskoht", "kuumekourist",
                       "kuumekramp", "krampanfal", "*krampanfal", "seizure", "seizing", "seized$",
                       "convuls", "epilepsiakoht", "epilepsianfal", "*epilepsianfal", "-seizure>medication|medicine|meds|tablets"),
    "SEIZURE_WEAK": ("kourist", "*kourist", "kramp", "*kramp", "kouristu", "-lihaskourist",
                     "-pohjekourist", "-jalkakourist", "-vatsakourist", "-kuukautiskourist",
                     "-menskramp", "-mensvärk", "-magkramp", "-vadkramp", "-benkramp",
                     "-muskelkramp", "-lihaskramp", "-suonenvet"),
    "MUSCLE": ("lihas", "pohje", "pohke", "pohkee", "sääri", "sääre", "reisi", "reide", "varvas",
               "varpa", "vatsa", "maha", "kuukautis", "jalka$", "jalkaa$", "jalasa$", "jalan$",
               "jalkaan$", "jalkan", "=vad$", "=vaden$", "=vaderna", "=ben$", "=benet$", "=foten",
               "=fot$", "=tå$", "=tårna", "magen", "mage$", "muskel", "=lår", "nacke", "niska",
               "=mens", "calf", "muscle", "stomach", "period", "toe$", "toes$", "foot", "leg$",
               "thigh", "yöllä", "öisin", "natten", "night"),
    "JERK": ("nyki", "nyky", "nytky", "nytkä", "tempoi", "=täris", "=tärin", "ryck", "skak",
             "sprattl", "jerk", "twitch", "shaking", "shakes", "shook", "thrash", "spasm"),
    "WHOLE_BODY": ("koko$", "kokonaan", "hela$", "all$", "whole$", "over$", "kroppen", "body",
                   "kehoa", "kehon", "keho$", "=raajat", "=raajoj", "=kädet$", "jalat$", "armar",
                   "arms$", "legs$", "limbs"),
    "STIFF": ("jäykist", "jäyk", "*jäyk", "jayk", "kankea", "kange", "=stel$", "=stelt$", "=stela$",
              "=stelnade", "stiff$", "stiffnes", "stiffened", "rigid"),
    "EPI": ("epilep", "epileps", "epileptic"),
    "HAVE": ("have$", "having$", "had$", "has$"),
    "FIT": ("fit$", "fits$", "-fit>note|notes|test"),
    "FITTING": ("fitting$", "-fitting<a|the|her|his|my|for|dress|room"),
    # --- headache, meningitis -----------------------------------------------------------------
    "HEAD": ("=pää$", "=pään$", "=päätä$", "=päähän$", "=päässä$", "=pääni$", "=päätäni$",
             "=päähäni$", "=päässäni$", "=pääs$", "=päänsä$", "=päätään$", "=päähänsä$", "=paa$",
             "=paahan$", "=paassa$", "=paata$", "=paansa$", "=paahansa$", "huvud", "huvet$",
             "head$", "skull$", "ohimo", "takarai"),
    "HEADACHE_TOKEN": ("*pänsärk", "*pänsärj", "*päänsärk", "*päänsärj", "*päkipu", "*päkivu",
                       "*pänkipu", "huvudvärk", "*huvudvärk", "headache", "*headache", "migreen",
                       "=migrän$", "=migränen$", "=migränanfal", "migraine"),
    "WORST": ("pahin", "pahim", "ikinä", "ikina", "koskaan", "kosana", "elämäni", "sietämät",
              "sietämät", "hirvein", "kamalin", "räjähtäv", "räjäyt", "värst", "outhärdl", "aldrig",
              "worst", "ever$", "never$", "unbearabl", "excruciat", "explod", "10/10",
              "thunderclap", "ukkosen"),
    "THUNDERCLAP": ("thunderclap", "ukkosenjyrähdys"),
    "NECK": ("niska", "nacke", "nacken", "neck"),
    "FEVER": ("kuume", "*kuume", "kume", "*kume", "-*dokum", "feber", "*feber", "febri", "fever",
              "*fever", "temperatur", "temp$", "=lämpö", "=lämmö"),
    "RASH": ("ihottum", "*ihottum", "täplä", "pilku", "pistei", "läikk", "läiki", "=fläck", "*fläck", "blotch",
             "petek", "utslag", "prick", "rash", "spots",
             "petech"),
    "FADE": ("=haalist", "=vaalen", "häviä", "bleknar", "blekna", "fade$", "fades$", "fading$",
             "blanch"),
    # --- bleeding -----------------------------------------------------------------------------
    "BLOOD": ("veri", "vere", "=verta$", "*verenvuo", "*kahvinporo", "kaffesump", "verin", "veris",
              "=blöd", "blod", "*blöd", "bleed", "*bleed", "bleding", "bled$", "blody", "hemorag", "haemorag",
              "hemorrhag", "haemorrhag", "-verikoe", "-veriko", "-verenpain", "-verensoker",
              "-veriarvo", "-verenohen", "-verenluovut", "-veriryhm", "-verisuon", "-verenkuv",
              "-verikok", "-verinäyt", "-verilöy", "-veritulp", "-verenkier", "-verisok",
              "-verenkiert", "-verkko", "-verif", "-verizon", "-verinen$<ei", "-blodprov",
              "-blodtryck", "-blodsocker", "-blodvärd", "-blodförtun", "-blodgrupp", "-blodkärl",
              "-blodgiv", "-blodprop", "-blodbild", "-blodtryckmed", "-blodcirkul", "-bloodwork",
              "-veren>paine|paineen|paineet|sokeri|sokerit|kuva|arvot|ohennus|luovutus|ryhmä",
              "-blood>test|tests|pressure|sugar|sugars|result|results|work|count|counts|thinner|thinners|type|donation|donor|vessel|vessels|glucose|level|levels|panel|draw|sample|samples|clot|clots|cell|cells|group|bank|orange"),
    "BLEED_FI": ("vuota", "vuoti$", "vuoto", "vuodo", "*vuoto", "-vuoteen", "-vuotee", "-vuotia",
                 "-*vuotia"),
    "HEAVY": ("runsa", "runsas", "runsaa", "paljo", "lentä", "ruisku", "roisku", "tulvi", "valtoim", "kova$",
              "kovaa$", "kovasti", "valtav", "hirve", "tolkut", "lätäk", "pulpu", "suihku", "jatku",
              "lakkaamat", "mycket", "kraftig", "riklig", "masor", "sprut", "fortsät", "forsar", "=pumpar$", "=pumpade$", "pumping$", "pumppa",
              "heavy", "heavily", "lot$", "lots$", "profus", "severe", "spurt", "gush", "pour",
              "soak", "everywhere", "keeps$", "continu", "nonstop", "stopping$", "loads"),
    "VOMIT": ("oksen", "*oksenus", "oksent", "yski", "ysko", "=kräk", "=spyr", "=spy$", "=hostar",
              "=hostade", "=hosta$", "vomit", "cough", "throwing", "puke", "puking"),
    "WOUND": ("=haava", "=haavan", "=haavas", "=haavat", "=haavoj", "haavau", "viilto", "=sår$",
              "=såret$", "cut$", "wound", "lacerat", "gash", "amput", "irti$"),
    # --- allergy -------------------------------------------------------------------------------
    "ANAPH_TERM": ("anafyl", "*anafyl", "anaphyl", "*anaphyl", "anafylakt", "anafylaks"),
    "SWELL": ("turpo", "turvo", "turvot", "ajettu", "svul", "svull", "=svälld", "=svällt", "swel",
              "swol", "swollen", "puffy", "-turvotus$"),
    "THROAT": ("kurku", "kurkun", "*kurku", "nielu", "=hals$", "halsen", "strup", "svalg", "throat",
               "airway", "windpipe", "-nielurisa", "-nielemis", "-nieleminen"),
    "TONGUE": ("kieli$", "kielen$", "kieleni$", "kielesä$", "kieleen$", "kieltä$", "tunga",
               "tungan", "tongue"),
    "LIPS": ("huuli", "huule", "=läpp", "lapar$", "lip$", "lips$"),
    "TONSIL": ("nielurisa", "kitarisa", "risat$", "risoja$", "mandl", "tonsil", "imusolm", "lymf",
               "lymph", "gland", "körtl", "rauhas"),
    "CLOSING": ("umpe", "umpeen", "kiinni$", "tuko", "tukko", "kurout", "slut$", "sluter", "=stängs$", "=stängas$",
                "closing", "closes", "closed", "close$", "=snör", "kurist", "tighten"),
    "ALLERGEN": ("allerg", "*allerg", "alerg", "ampiai", "mehiläi", "pistiäi", "ötökk", "hyönteis",
                 "pisto$", "piston$", "pistosta$", "pistoksen$", "pähkin", "*pähkin", "maapähk",
                 "äyriäi", "rokot", "antibiot", "geting", "=bi$", "nötter", "jordnöt", "=nöt",
                 "skaldjur", "vaccin", "sting", "stung", "wasp", "=bee$", "=bees$", "hornet",
                 "peanut", "=nut$", "=nuts$", "walnut", "hazelnut", "shellfish", "vaccine", "jab$",
                 "-siitepöl", "-siitepol", "-pollen", "-*pollen", "-hösnuv", "-heinänuh"),
    "HIVES": ("nokosihot", "nokkosihot", "urtikar", "nässelutsl", "hives", "welts", "kuprul"),
    "EPIPEN": ("epipen", "adrenalin", "jext$", "adrenalinpen", "*adrenalin"),
    "USE": ("pistin", "pistettiin", "pistää$", "pistetty", "pistänyt", "käyttänyt", "annoin", "annettiin", "käytin", "käytettiin", "laitoin",
            "gav$", "tog$", "gavs", "använd", "used$", "gave$", "given$", "injected", "administ"),
    "ALLERGY": ("allerg", "*allerg"),
    "SHOCK": ("sokki", "shoki", "chock", "shock"),
    # --- suicidality ---------------------------------------------------------------------------
    "SUICIDE_TERM": ("itsemurh", "*itsemurh", "itsetuho", "*itsetuho", "självmord", "*självmord",
                     "suicid", "*suicid", "självskad", "*självskad", "viiltel", "viltel",
                     "-itsemurhaseul"),
    "KILL": ("=tappaa", "=tappais", "=tappama", "=tappamis", "=tapan$", "=tapoi", "=tapettu",
             "=döda", "kill$", "kills$", "killing$", "killed$", "murder", "hirt", "=hänga",
             "=hang$", "=hanging$", "hukut", "dränk", "drown", "shoot$", "skjuta"),
    "SELF": ("itse", "=itte", "=ite$", "mig$", "själv$", "själva$", "myself", "himself", "herself",
             "themselves", "yourself", "self$"),
    "WANT": ("halua", "haluis", "halus", "tahdo", "tahto", "toivo", "vill$", "ville$", "want",
             "wana", "wanna", "wish", "wished", "rather", "going$", "gona$", "plan", "aion$",
             "aikoo$", "aikova", "aikomu", "tänker$", "=ska$", "=skall$", "intend"),
    "WANT_SV": ("vill$", "ville$", "önskar"),
    "DIE": ("kuolla$", "kuola$", "kuolisin$", "kuolisi$", "kuolis$", "kuolen$", "kuolema$",
            "kuolemaa$", "kuolemaan$", "die$", "dying$", "dead$", "death$"),
    "DIE_SV": ("=dö$", "do$", "död$", "döden$", "dödd"),
    "LIVE": ("~elä", "~eläm", "~elämis", "elämä$", "leva$", "lever$", "livet$", "live$", "living$",
             "life$", "alive$", "olemassa$", "exist", "existera", "finnas$", "here$"),
    "COPE": ("jaksa", "orka", "orkar"),
    "WORTH": ("arvo", "=värt$", "=värd$", "worth", "point$", "reason$", "järkeä", "mening", "syy$",
              "syytä$", "syitä$", "anledning", "reasons$"),
    "HARM": ("vahingoit", "skada", "skadar", "harm$", "harming$", "harmed$"),
    "HURT": ("satuta", "satutta", "hurt", "hurting", "cut$", "cuts$", "cutting", "=skära", "=skär$",
             "=skar$", "=skurit", "=viilsin", "=viilsi", "viilto", "viilt", "slashed", "slit$"),
    "WRIST": ("ranne", "rantee", "rantei", "=handled$", "=handleden", "=handlederna", "wrist"),
    "SENSE_VERB": ("=feel$", "=tunne$", "=tunnu$", "=tunnen$", "=känner$", "=känna$"),
    "END": ("=lopett", "=lopeta", "=päättä", "=päätän$", "=päätt", "end$", "ending$", "ends$"),
    "ALL": ("kaiken$", "kaikki$", "koko$", "hela$", "all$", "allt$", "alt$", "everything$"),
    "TAKE": ("=ta$", "=tar$", "=tog$", "take", "taking", "=took$", "=ottaa$", "=ottais", "=otan$"),
    # ruminating on an act ("olen miettinyt että ottaisin …", "har funderat på att …")
    "THINK": ("miettin", "mietin$", "mietti$", "ajattel", "harkitse", "harkinn", "=funder", "=överväg",
              "thinking$", "considering", "contemplat", "tempted"),
    "LIFE": ("livet$", "liv$", "life$", "henkeni$", "elämäni$", "elämäsi$", "elämänsä$", "päiväni$",
             "päivänsä$"),
    "BETTER": ("parempi", "paremp", "bättre", "better"),
    # --- general condition --------------------------------------------------------------------
    "GENERAL_STRONG": ("yleisvoint", "*yleisvoint", "yleistil", "yleiskun", "allmäntil",
                       "*allmäntil", "allmäntilstånd"),
    "BAD": ("huono", "heiko", "heikent", "kurja", "surkea", "romaht", "laskenut", "dålig", "sämre",
            "försämr", "=rasat$", "=rasar$", "=rasade$", "downhill", "poor$", "bad$", "worse", "terrible", "awful", "deteriorat", "poorly$",
            "declin", "dreadful"),
    "FEEL": ("vointi", "*vointi", "=olo$", "olon$", "oloa$", "olotila", "kunto", "kunos", "kunoss",
             "=mår$", "mående", "condition", "=feel", "=felt$", "state$"),
    "COLLAPSE_COND": ("romaht", "romahd", "romahtanut", "rasahti", "=rasat$", "=rasade$", "kollaps", "collaps",
                      "plummet", "downhill",
                      "crashed"),
    "VERY": ("todella", "tosi$", "erittäin", "hyvin$", "aivan$", "väldigt", "mycket", "=jätte",
             "very$", "extremely", "really$", "seriously", "gravely"),
    "UNWELL_TOKEN": ("unwell", "=ill$", "huonovoint", "dålig$", "sjuk$"),
    "LIMP_TERM": ("veltto", "velto", "velttona", "lerppu", "=slö$", "=slöa$", "apaatt", "apatisk",
                  "floppy", "letharg", "listless"),
    "LIMP_WEAK": ("=slapp$", "=slappt$", "limp$", "flacid", "slack$"),
    "CONFUSED": ("sekav", "*sekav", "sekais", "sekavuu", "desorient", "disorient", "förvir",
                 "confus", "delir", "harhail", "=hallusin", "hallucin"),
    "RECOGNIZE": ("tunnista", "tunne$", "tunnistanut", "känner$", "recogni", "recogniz"),
    "ABOUT": ("about$", "regarding", "om$", "över$", "asia", "ohje", "kanssa$", "lasku", "by$",
              "with$", "instructions", "bill", "appointment"),
    "PERSON": ("=isä", "=äiti", "=äidi", "=aidi", "isä$", "isälä", "isalla", "aiti$", "mumo",
               "mumi", "isoäi", "isoisä", "=pappa", "=vaari", "=ukki", "mummu", "mies$", "miehe",
               "vaimo", "puoliso", "lapsi", "lapse", "vauva", "poika", "pojan", "tytö", "tyttö",
               "dad$", "mum$", "mom$", "mother", "father", "grandm", "grandf", "grandpa", "husband",
               "wife", "partner", "=son$", "daughter", "baby", "child", "kid$", "mama", "papa",
               "farmor", "mormor", "farfar", "morfar", "=maken$", "frun", "barnet", "barn$",
               "dotter", "=sonen", "bebis", "han$", "hon$", "hän$", "he$", "she$"),
    "CHILD": ("lapsi", "lapse", "lapsel", "taapero", "vauva", "*vauva", "poika", "pojan", "tytö",
              "tyttö", "barn$", "barnet", "bebis", "child", "kid$", "kids$", "toddler", "baby",
              "=son$", "daughter", "dotter", "=sonen"),
    "HISTORY": ("kuntout", "*kuntout", "rehab", "seuranta", "follow", "jälkitark", "sairastan",
                "sairastet", "sitten$", "ago$", "aikaisemp", "previous", "tidigare", "history",
                "historia", "anamnes", "sairaskertom", "rehabiliter"),
    "DROWSY": ("uneli", "tokkur", "horok", "horoks", "horteis", "dåsig", "drowsy", "somnolen",
               "sleepy", "groggy", "unine$", "uninen$"),
    "SENSE": ("sense$",),
    "UNDERSTAND": ("ymmärrä", "ymmärtä", "=förstår", "understand"),
    "IT": ("it$",),
    "TIA": ("tia$",),
    "HIT": ("=löi$", "=löin$", "=löit$", "lyönyt", "lyöny", "iski$", "kolaut", "kopaut", "=slog$", "slagit", "hit$",
            "bang$", "banged", "bumped", "knocked", "struck"),
    "ANTICOAG": ("verenohen", "*verenohen", "marevan", "warfarin", "eliquis", "xarelto", "lixiana",
                 "pradaxa", "blodförtun", "*blodförtun", "thinner", "anticoag", "antikoag"),
    "BE": ("ole$", "olleet$", "ollut$", "=oo$", "finns$", "present$"),
    "SENSATION": ("tunto", "tunnon", "tuntoa", "feeling$", "känsel", "känseln", "sensation"),
    "ANSWER": ("vasta$", "vastanut$", "vastaile", "=svarar$", "=svara$", "=svarade$", "answer$",
               "answering$", "answers$"),
    "CONTACT": ("kontakt", "contact", "yhteyt"),
    "ANYMORE": ("enää$", "ena$", "längre$", "mer$", "igen$", "anymore$", "again$", "ever$", "huomenna$", "=imorgon$", "=morgon$", "tomorrow$",
                "never$", "koskaan$"),
    "USUAL": ("tavalli", "tavanomai", "normaali", "normaalist", "ohjeen", "ohjeiden", "määrätty",
              "vanligt", "vanlig", "normalt", "ordinerat", "usual", "normally", "prescribed",
              "directed"),
    "BEND": ("taivut", "koukist", "=käänt", "böja", "böj", "bend", "touch$", "move$"),
    "JUMP": ("hypä", "hyppä", "hoppa", "jump"),
    "HEIGHT": ("silal", "silasta$", "silan$", "junan$", "juna$", "junaan", "parvek", "katol",
               "kerrok", "=bro$", "=bron$", "=tåg", "balkong", "=tak$", "=taket$", "bridge",
               "train$", "balcony", "roof", "building", "cliff"),
    "COFFEE": ("kahvi", "coffee", "kaffe"),
    "GROUND": ("poro", "ground$", "grounds$", "sump"),
    "CONDITION": ("kunto", "kunos", "kunoss", "yleisvoint", "yleistil", "condition$", "skick$",
                  "tilstånd", "shape$"),
    "DRINK": ("juo$", "juonut$", "juoda$", "=dricker$", "drick", "=druckit$", "drink", "drinking$", "drunk$",
              "-drinking>alcohol|alkohol"),
    # Real words one typo away from a symptom stem (found by running the 40,000 most frequent
    # Finnish, Swedish and English words through the typo matcher): they never match by typo.
    "KNOWN_WORD": ("adnan", "allmänbild", "allmänt", "apin", "astu", "avvik", "barley", "bold",
                   "borst", "brott", "bröts", "bullish", "halvan", "heaviest", "ineligib", "ister",
                   "jaet", "kalmar", "koriste", "kruk", "kurs", "labourer", "lepros", "levy",
                   "liima", "lima", "limma", "lämna", "neil", "niille", "nile", "overdo$", "pani",
                   "pian", "pitsa", "rbis", "riian", "rion$", "röst", "seend", "send", "sent",
                   "säkring", "sist$", "tikku", "tuont", "paint", "=päinv", "uppfyll", "varsity",
                   "vernis", "versio", "viholli", "vinson", "vrak", "vräk", "väen$", "yleisil",
                   "ösregn", "brinnand", "posion",
                   "pyörryt"),  # pyörryttää: feels faint, not "pyörtyi"
    "TIME": ("ajan$", "tiden$", "time$"),
    "ELDERLY": ("iäkä", "vanhus", "äldre", "elderly", "gamal", "*vuotias"),
    # --- poisoning -------------------------------------------------------------------------------
    "POISON_TERM": ("myrkyt", "*myrkyt", "yliannost", "*yliannost", "förgift", "*förgift",
                    "överdos", "overdos", "poison", "=häkä", "häkämyrk", "monoxid", "monoksid",
                    "-ruokamyrk", "-matförgift", "-salmonel", "-poison<food"),
    "SUBSTANCE": ("=lääke", "=lääkk", "=lääkettä", "=lääkkeitä", "*lääke", "tablet", "*tablet",
                  "piler", "=pill$", "=pills$", "pesuain", "*pesuain", "*pesunest", "*liuotin",
                  "lipeä", "*lipeä", "*valkaisu", "*jäänesto", "*tuholais", "metanol", "*metanol",
                  "bensiin", "lampolj", "spolarvätsk", "antifreez", "petrol", "paristo",
                  "*nappiparist", "*knappcell", "kemikaal", "myrky", "medicin", "medication", "medicine",
                  "battery", "batteries", "bleach", "detergent", "chemical", "parasetamol",
                  "paracetamol", "panadol", "burana", "ibuprofe", "sömntablet", "unilääk",
                  "tvättmed", "klor$", "dishwasher", "-lääkär"),
    "SWALLOW": ("nielaisi", "nielais", "nieli$", "niellyt", "svalde", "=svalt$", "swallowed"),
    "TOOK": ("joi$", "juonut", "drack", "druckit", "drank$", "drunk$", "otti$", "otin$", "ottanut",
             "=söi$", "=söin$", "syönyt", "nielaisi", "=tog$", "tagit", "=åt$", "=ätit$", "=took$",
             "taken$", "=ate$", "swallowed"),
    # non-medicinal poisons: drinking one at all is a poisoning ("joi jäähdytinnestettä")
    "TOXIC": ("*pesuain", "*pesunest", "*liuotin", "lipeä", "*lipeä", "*valkaisu", "*jäänesto", "*tuholais",
              "*jäähdytinnest", "*pakkasnest", "*lasinpesu", "metanol", "*metanol", "glykol", "*glykol",
              "bensiin", "lampolj", "*spolarvätsk", "*kylarvätsk", "*frostskydd", "*tvättmed",
              "*rengöringsmed", "klor$", "antifreez", "bleach", "detergent", "methanol", "weedkiller",
              "pesticid", "*ogräsmed", "*rikkaruohomyrk", "petrol", "kemikaal", "chemical"),
    "MELENA": ("tervamai", "*tervamai", "tervaulost", "=tjärlik", "*tjärlik", "=tjärfärg", "*tjärfärg",
               "tarry$", "melena", "melaena", "meleena"),
    "COFFEE_GROUNDS_TERM": ("kaffesump", "*kaffesump", "kahvinporo", "*kahvinporo"),
    "PREGNANT": ("raskaana$", "raskau", "*raskau", "=gravid", "pregnan"),
    # how to take a medicine (not an overdose): times of day, doses, "should I"
    "DOSING": ("aamul", "illal", "aamuisin", "iltaisin", "päivisin", "=morgon", "=kväll", "morning", "evening",
               "night", "annos", "=dos$", "=dosen$", "dose$", "doses$", "pitäisikö", "pitääkö", "kannattaako",
               "=bör$", "should$", "disposal", "hävit", "kassera", "recycl"),
    "EAT": ("syö$", "syönyt", "syöny$", "=ätit$", "=äter$", "=äta$", "eaten$", "eating$", "eat$", "ate$"),
    "LYING": ("makaa$", "makasi$", "makoile", "=ligger$", "=låg$", "lies$", "lying$", "bedbound", "vuodepo"),
    "BARELY": ("knappt$", "=knappast$", "barely", "hardly", "tuskin$", "=tuskin"),
    "HOARSE": ("käheä", "kähe", "=hes$", "hesa$", "heshet", "hoarse"),
    "PURPLE": ("=lila$", "=lilla$", "purple", "violet", "sinipun", "tummanpun", "purppura", "*purppura"),
    "RETRACT": ("indrag", "*indrag", "sucking$", "retraction", "retracting", "sisäänpäin", "kuopalle"),
    "RIBS": ("revben", "*revben", "ribs$", "rib$", "kylkiluu", "kylkiväl", "rintakeh", "kaulakuop"),
    "FAINT": ("pyörryt", "huimaa$", "huimau", "=svimfärd", "=yr$", "=yrsel", "faint$", "lightheaded", "dizzy"),
    "DRANK": ("joi$", "juonut", "juoneet", "drack", "druckit", "drank$", "drunk$", "ingest"),
    "EARLY": ("aikais", "aikas", "varhai", "kello$", "klo$", "=tidigt$", "klockan", "early", "alarm"),
    "ACCIDENT": ("onnettomuu", "*onnettomuu", "kolari", "*kolari", "törmä", "olyck", "*olyck", "krock",
                 "*krock", "accident", "crash$", "crashed$", "collision", "-olycklig", "-*olycklig",
                 "-*vakuut", "-*försäkr"),
    "GET_UP": ("nousta$", "nousemaan$", "ylös$", "sängy", "sänky", "vuotee", "=säng$", "=sängen$", "=resa$",
               "=stiga$", "=upp$", "bed$"),
    "TOO": ("liian$", "=för$", "=too$"),
    "MANY": ("monta$", "paljon$", "många$", "mycket$", "many$", "much$", "lot$", "whole$", "koko$",
             "hela$"),
    "TOO_MANY_TERM": ("=liikaa$", "ylimäär", "koko$", "hela$", "whole$", "kaikki$", "all$", "massa$",
                      "=massor$", "loads$", "handful", "kourallis", "bunch$",
                      "=alla$", "every$"),
    # --- urgent ---------------------------------------------------------------------------------
    "INFANT": ("vauva", "*vauva", "imeväi", "vastasynt", "bebis", "spädbarn", "nyfödd", "nyföd",
               "infant", "newborn", "baby", "babies", "-vauvauin", "-vauvaperhe", "-vauvaneuvol"),
    "MONTHS": ("kk$", "k$", "kuukau", "kuukaud", "kuukaut", "månad", "=mån$", "month", "months",
               "mo$", "viiko", "vko$", "viikon", "veck", "week", "weeks", "wk$", "wks$", "päivä",
               "vuorokau", "dagar", "day$", "days$", "dygn"),
    "AGE_WORD": ("ikäi", "*ikäi", "ikäne", "vanha", "=old$", "gamal", "old$", "aged$", "born"),
    "UNBEARABLE": ("sietämät", "sietämätön", "hirveä", "kamala", "outhärd", "olidl", "unbearabl",
                   "excruciat", "worst", "agony", "pahin", "10/10"),
    "PEE": ("virtsa", "*virtsa", "=pissa", "=pissi", "=pisu", "=kusi$", "=kusta$", "=kissa$",
            "=kissar", "urine", "urinat", "urinera", "=pee$", "=peeing", "=peed$", "=kiss$", "=kisset$", "=kissade$", "=wee$", "=weeing",
            "-virtsanäyt", "-virtsakoe", "-virtsatie", "-urinprov", "-virtsaviljel",
            "-urine>test|sample|culture"),
    # the urine that does not come ("pissa ei tule", "kisset kommer inte")
    "URINE_COMES": ("=tule$", "=tulee$", "=tullu$", "=tullut$", "=kommer$", "=kommit$", "=komma$", "=come$", "=comes$",
                    "=coming$", "=ulos$", "=out$"),
    "RETENTION_TERM": ("virtsaumpi", "*virtsaump", "umpirakko", "urinstop", "urinretent",
                       "retention"),
}


# Only the symptom words themselves are matched despite a typo; context words (who, when, how
# much, function words) never are: too many real words are one edit away from them.
TYPO_CONCEPTS = frozenset({
    "CHEST", "PAIN", "PRESSURE", "BREATH", "DYSPNEA", "CHOKE", "CYANOSIS", "STROKE_TERM",
    "SPEECH_BAD", "UNCONSCIOUS_TERM", "SEIZURE_STRONG", "SEIZURE_WEAK", "HEADACHE_TOKEN", "BLOOD",
    "SWELL", "THROAT", "TONGUE", "ANAPH_TERM", "SUICIDE_TERM", "POISON_TERM", "HEART_ATTACK_TERM",
    "LIMP_TERM", "LIMP_WEAK", "CONFUSED", "DROOP", "NUMB", "WEAK", "HIVES", "GENERAL_STRONG", "DIFFICULT",
    "WHEEZE", "BREATHLESS_MILD", "RETENTION_TERM",
})


# Concepts whose tokens count as a denial for the negation note (NEG_ANNOT_EXTRA: "no",
# "without" … deny but are not part of rules' NEG), and folded tokens that never do.
NEGATOR_CONCEPTS = frozenset({"NEG_FI", "NEG_SV", "NEG_EN", "NEG_ANNOT_EXTRA"})
NOT_DENIALS = frozenset({"en", "for", "nor"})  # Swedish article "en"; not denials


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------

NEG = "NEG_FI|NEG_SV|NEG_EN"

RULES: tuple[Rule, ...] = (
    # derived concepts
    Rule(None, "NEG_FI CAN_FI", 2, emit="INAB"),
    Rule(None, "NEG_SV CAN_SV", 2, emit="INAB"),
    Rule(None, "NEG_EN CAN_EN", 2, emit="INAB"),
    Rule(None, "NEGCAN", 0, emit="INAB"),
    Rule(None, f"{NEG} STOPPING", 2, emit="NOT_STOP"),
    Rule(None, "SHORT BREATH", 2, emit="DYSPNEA"),
    Rule(None, "HEAD PAIN", 2, emit="HEADACHE_TOKEN"),
    Rule(None, "ONE SIDE", 1, emit="ONE_SIDE_TOKEN"),
    Rule(None, f"{NEG} RECOGNIZE", 2, emit="CONFUSED"),
    Rule(None, f"{NEG} SENSE", 2, emit="CONFUSED"),
    Rule(None, f"{NEG}|NEGCAN UNDERSTAND", 2, emit="CONFUSED"),
    Rule(None, "HEART ATTACK", 1, emit="HEART_ATTACK_TERM"),
    Rule(None, "COLD SWEAT", 1, emit="COLD_SWEAT"),
    Rule(None, "NECK STIFF", 2, emit="NECK_STIFF"),
    Rule(None, "NECK INAB BEND", 7, emit="NECK_STIFF"),
    Rule(None, "TOO MANY", 1, emit="TOO_MANY_TERM"),
    Rule(None, "ALL TIME", 1, emit="HEAVY", ordered=True),
    Rule(None, "PASS OUT", 1, emit="UNCONSCIOUS_TERM"),
    Rule(None, "HIT HEAD", 2, emit="HEAD_HIT"),
    Rule(None, "LOSS SENSATION", 2, emit="NUMB"),
    Rule(None, f"INAB|{NEG} SENSE_VERB LIMB|FACE|SIDE|ONE", 4, emit="NO_FEELING", ordered=True),
    # chest pain
    Rule("chest_pain", "CHEST|HEART PAIN|PRESSURE", 4),
    Rule("chest_pain", "HEART_ATTACK_TERM", 0),
    Rule("chest_pain", "HEART STOPPING", 2),
    Rule("chest_pain", "RADIATE JAW", 4),
    Rule("chest_pain", "RADIATE LEFT ARM", 4),
    # breathing (emergency) — also emits BREATH_PROBLEM for the allergy rules
    Rule("breathing", "INAB BREATH", 3, emit="BREATH_PROBLEM"),
    Rule("breathing", "DIFFICULT BREATH", 4, emit="BREATH_PROBLEM"),
    Rule("breathing", "DYSPNEA", 0, emit="BREATH_PROBLEM"),
    Rule("breathing", "CHOKE", 0, emit="BREATH_PROBLEM"),
    Rule("breathing", "CYANOSIS", 0, emit="BREATH_PROBLEM"),
    Rule("breathing", "BLUE LIPS|FACE", 3, emit="BREATH_PROBLEM"),
    Rule("breathing", "CYANOSIS BREATH", 6, emit="BREATH_PROBLEM"),
    Rule("breathing", "BLUE BREATH", 2, emit="BREATH_PROBLEM"),
    Rule("breathing", "BREATH STOPPING", 2, emit="BREATH_PROBLEM"),
    Rule("breathing", "GASP", 0, emit="BREATH_PROBLEM"),
    # the skin between the ribs sucked in with each breath (a child's laboured breathing)
    Rule("breathing", "RETRACT RIBS", 4, emit="BREATH_PROBLEM"),
    Rule("breathing", "NEG_FI BREATH_VERB_FI", 1, emit="BREATH_PROBLEM"),
    Rule("breathing", "NEG_SV BREATH_VERB_SV", 1, emit="BREATH_PROBLEM"),
    Rule("breathing", "NEG_EN BREATH_VERB_EN", 1, emit="BREATH_PROBLEM"),
    Rule("breathing", f"BREATH {NEG} FLOW", 2, emit="BREATH_PROBLEM"),
    # breathlessness (urgent)
    Rule("breathlessness", "BREATHLESS_MILD", 0),
    Rule("breathlessness", "WHEEZE", 0),
    Rule(None, "BREATH FAST", 2, emit="FAST_BREATHING"),
    Rule("breathlessness", "BREATH FAST", 2),
    # too breathless to walk to the toilet: severe
    Rule("breathing", "FAST_BREATHING|WHEEZE INAB WALK", 6),
    # stroke
    Rule("stroke", "STROKE_TERM", 0, unless="HISTORY", unless_window=3),
    Rule("stroke", "HAVE|ATTACK|SUDDEN TIA", 2, unless="HISTORY", unless_window=3),
    Rule("stroke", "FACE DROOP", 3),
    Rule("stroke", "LIMB WEAK", 3),
    Rule("stroke", f"LIMB {NEG}|NEGCAN FUNCTION", 3),
    Rule("stroke", "LIMB INAB LIFT", 3),
    Rule("stroke", "SPEECH_BAD", 0),
    Rule("stroke", "SPEECH STRANGE", 3),
    Rule("stroke", "SPEECH DIFFICULT_CORE", 2, unless="THROAT", unless_window=4),
    Rule("stroke", "SPEECH INAB", 3, unless="PHONE_CONTEXT", unless_window=3),
    Rule("stroke", "ONE_SIDE_TOKEN WEAK|NUMB|DROOP|FACE", 4),
    Rule("stroke", "SUDDEN LIMB|FACE NUMB|WEAK", 6),
    Rule("stroke", "NO_FEELING", 0),
    Rule("stroke", "VISION LOSS", 2),
    Rule("stroke", f"{NEG}|INAB VISION SUDDEN", 4),
    Rule("stroke", "SUDDEN VISION|DOUBLE_VISION", 4),
    # unconscious
    Rule("unconscious", "UNCONSCIOUS_TERM", 0),
    Rule("unconscious", f"{NEG} WAKE", 2, unless="WANT", unless_window=1),
    Rule("unconscious", "INAB WAKE", 3),
    Rule("unconscious", "BARELY WAKE", 3),
    Rule("unconscious", f"{NEG}|NEGCAN REACT", 2),
    Rule("unconscious", f"{NEG}|NEGCAN ANSWER", 1, unless="COMMS", unless_window=3),
    Rule("unconscious", "INAB CONTACT", 3, unless="COMMS", unless_window=4),
    Rule("unconscious", "CONSCIOUSNESS LOSS", 3),
    Rule("unconscious", f"{NEG} CONSCIOUS_STATE", 2),
    # seizure
    Rule("seizure", "SEIZURE_STRONG", 0),
    Rule("seizure", "SEIZURE_WEAK", 0, unless="MUSCLE", unless_window=2),
    Rule("seizure", "SEIZURE_WEAK JERK|UNCONSCIOUS_TERM|STIFF|WHOLE_BODY|EPI|FEVER|INFANT", 5),
    Rule("seizure", "JERK WHOLE_BODY|UNCONSCIOUS_TERM|STIFF", 4),
    Rule("seizure", "EPI ATTACK|SEIZURE_WEAK|JERK", 3),
    Rule("seizure", "HAVE FIT", 2),
    Rule("seizure", "PERSON|CHILD|INFANT FITTING", 2, ordered=True),
    # headache
    Rule("thunderclap_headache", "HEADACHE_TOKEN SUDDEN|WORST", 6),
    Rule("thunderclap_headache", "THUNDERCLAP", 0),
    # meningitis
    Rule("meningitis", "NECK_STIFF FEVER|HEADACHE_TOKEN|RASH", 8),
    Rule("meningitis", f"RASH {NEG} FADE", 4),
    Rule("meningitis", "FEVER PURPLE RASH", 6),
    # bleeding
    Rule("bleeding", "BLOOD HEAVY|NOT_STOP", 4),
    Rule("bleeding", "VOMIT BLOOD", 2),
    Rule("bleeding", "VOMIT COFFEE GROUND", 6),
    Rule("bleeding", "VOMIT COFFEE_GROUNDS_TERM", 6),
    # black tarry stools with faintness or pallor: a bleeding gut
    Rule("bleeding", "MELENA FAINT|PALE|WEAK", 8),
    # bleeding with pain in pregnancy (ectopic pregnancy, placental abruption)
    Rule("bleeding", "PREGNANT BLOOD|BLEED_FI PAIN", 8),
    Rule("bleeding", "WOUND BLEED_FI HEAVY|NOT_STOP", 4),
    Rule("bleeding", "BLEED_FI BLOOD HEAVY|NOT_STOP", 4),
    # heavy bleeding with faintness ("kuukautisvuoto on runsasta … ja pyörryttää")
    Rule("bleeding", "BLEED_FI|BLOOD HEAVY FAINT", 8),
    # anaphylaxis
    Rule("anaphylaxis", "ANAPH_TERM", 0),
    Rule("anaphylaxis", "SWELL THROAT|TONGUE|LIPS", 3, unless="TONSIL", unless_window=4),
    Rule("anaphylaxis", "SWELL|HIVES FACE ALLERGEN", 8),
    Rule("anaphylaxis", "ALLERGEN BREATH_PROBLEM", 8),
    # a sting or food in the throat with a hoarse voice or wheeze: the airway is swelling
    Rule("anaphylaxis", "ALLERGEN THROAT|TONGUE|LIPS WHEEZE|HOARSE", 8),
    Rule("anaphylaxis", "HIVES BREATH_PROBLEM|SWELL|UNCONSCIOUS_TERM", 8),
    Rule("anaphylaxis", "EPIPEN USE", 3),
    Rule("anaphylaxis", "THROAT CLOSING", 4, unless="TONSIL", unless_window=3),
    Rule("anaphylaxis", "ALLERGY SHOCK", 2),
    # suicidal
    Rule("suicidal", "SUICIDE_TERM", 0),
    Rule("suicidal", "KILL SELF", 3),
    Rule("suicidal", "WANT DIE", 3, ordered=True),
    Rule("suicidal", "WANT_SV DIE_SV", 2, ordered=True),
    Rule("suicidal", f"{NEG}|INAB WANT|COPE LIVE", 3),
    Rule("suicidal", f"LIVE {NEG}|NEG_ANNOT_EXTRA WORTH", 4),
    Rule("suicidal", "HARM SELF", 3),
    Rule("suicidal", "WANT HURT SELF", 4),
    Rule("suicidal", "HURT WRIST", 3),
    Rule("suicidal", "END ALL", 2, ordered=True),
    Rule("suicidal", "TAKE|END LIFE", 3, ordered=True),
    Rule("suicidal", "BETTER DIE", 3, ordered=True),
    Rule("suicidal", "JUMP HEIGHT", 4),
    Rule("suicidal", "THINK TAKE TOO_MANY_TERM SUBSTANCE", 6, unless="USUAL|DOSING|COMMS", unless_window=6),
    Rule("suicidal", f"{NEG} WANT WAKE ANYMORE", 5, unless="EARLY", unless_window=3),
    Rule("suicidal", f"BETTER {NEG} LIVE", 5),
    Rule("suicidal", "WANT END IT", 3),
    # poisoning
    Rule("poisoning", "POISON_TERM", 0),
    Rule("poisoning", "SWALLOW SUBSTANCE", 4),
    Rule("poisoning", "TOOK TOO_MANY_TERM SUBSTANCE", 5, unless="USUAL", unless_window=6),
    Rule("poisoning", "CHILD TOOK|SWALLOW SUBSTANCE", 5),
    Rule("poisoning", "DRANK|SWALLOW|DRINK TOXIC", 4),
    # general condition
    Rule("general_condition", "GENERAL_STRONG BAD", 3),
    Rule("general_condition", "FEEL BAD SUDDEN", 4),
    Rule("general_condition", "FEEL COLLAPSE_COND", 3),
    Rule("general_condition", "VERY BAD CONDITION", 3),
    Rule("general_condition", "PALE BAD|WEAK|LIMP_TERM|DROWSY", 4),
    Rule("general_condition", "VERY UNWELL_TOKEN", 1),
    Rule("general_condition", "LIMP_TERM", 0),
    Rule("general_condition", "LIMP_WEAK PERSON|CHILD|INFANT", 4),
    Rule("general_condition", "DROWSY VERY|CONFUSED|SUDDEN|LIMP_TERM|FEVER|VOMIT", 6),
    Rule("head_injury", "HEAD_HIT ANTICOAG|VOMIT|DROWSY|CONFUSED|UNCONSCIOUS_TERM|SEIZURE_STRONG", 12),
    Rule("head_injury", "ACCIDENT CONFUSED|DROWSY|UNCONSCIOUS_TERM|SEIZURE_STRONG", 8, unless="ABOUT",
         unless_window=2),
    # sepsis-like: fast breathing with a fever or shivers, and confusion or a sense of dying
    Rule("general_condition", "FAST_BREATHING FEVER|SHIVER DIE|DIE_SV|CONFUSED|DROWSY", 8),
    Rule("general_condition", "DIFFICULT_CORE WAKE", 2),
    Rule("general_condition", "CONFUSED SUDDEN|PERSON|FEVER|ELDERLY", 8, unless="ABOUT", unless_window=2),
    Rule("general_condition", "COLD_SWEAT PAIN|PRESSURE|PALE|BAD|CONFUSED|DROWSY", 6),
    Rule("general_condition", "PALE SWEAT|LIMP_TERM", 3),
    # urgent
    Rule("infant_fever", "FEVER INFANT|INFANT_YOUNG", 8),
    Rule(None, f"{NEG} DRINK", 2, emit="NOT_DRINKING"),
    Rule(None, f"{NEG} EAT DRINK", 3, emit="NOT_DRINKING", ordered=True),  # "varken ätit eller druckit"
    Rule("dehydration", "NOT_DRINKING INFANT|CHILD|ELDERLY|PERSON|LIMP_TERM|DROWSY", 6),
    # too weak to get out of bed and not drinking: a collapse of the general condition
    Rule("general_condition", "INAB GET_UP NOT_DRINKING", 8),
    Rule("general_condition", "NOT_DRINKING ELDERLY|PERSON LYING", 8),
    Rule("severe_pain", "PAIN UNBEARABLE|SUDDEN", 3),
    Rule("urinary_retention", "INAB PEE", 3),
    # No urine: a denial before it ("ei oo pissannu", "har inte kissat"), or after it only with the
    # urine's coming ("pissa ei tule"), in one clause — "kirvelee pissatessa, ei kuumetta" and
    # "svider när jag kissar men ingen feber" deny the fever, not the urine
    Rule(None, f"{NEG} PEE", 3, emit="NO_URINE", ordered=True),
    Rule(None, f"PEE {NEG} URINE_COMES", 3, emit="NO_URINE"),
    Rule("urinary_retention", "NO_URINE", 0),
    Rule("urinary_retention", "RETENTION_TERM", 0),
    # the number reader's NUM_HIGH (40–44 °C); runs last, as it always has
    Rule("high_fever", "FEVER NUM_HIGH", 3),
)


# --------------------------------------------------------------------------------------------
# The everyday levels, merged in: same-day criteria (urgent) and soon / non_urgent matters are
# declared in their own data modules, in this module's shapes; the engine sees one lexicon. A
# concept named in several modules gets every module's terms; their rules run after the red
# flags' (emergency rules stay first).
# --------------------------------------------------------------------------------------------

from app.domain import urgency_routine, urgency_same_day  # noqa: E402  (they import only urgency_types)

for _part in (urgency_same_day, urgency_routine):
    for _level, _ids in _part.LEVEL_FLAGS.items():
        assert _level in LEVEL_ORDER, _level
        FLAGS.update({_f: RedFlag(_f, _level) for _f in _ids})
    FLAG_LABELS.update(_part.FLAG_LABELS)
    FLAG_REASONS.update(_part.FLAG_REASONS)
    for _concept, _terms in _part.LEXICON.items():
        LEXICON[_concept] = LEXICON.get(_concept, ()) + tuple(_terms)
    RULES = RULES + tuple(_part.RULES)
    TYPO_CONCEPTS = TYPO_CONCEPTS | frozenset(_part.TYPO_CONCEPTS)
FLAG_IDS = tuple(FLAGS)
RED_FLAG_LEVELS = ("emergency", "urgent")  # the levels whose flags a case keeps as red_flags

