"""Urgency (HTA) support: read what the patient wrote and raise red flags at once.

Pure: text + pre-form answers + language → :class:`Assessment` (level, stable flag ids, a short
explanation for the nurse, the fragments that triggered). Rules only *suggest*; the professional
decides (SPEC §7). Missing an emergency is the worst error this product can make, so every design
choice below prefers recall of ``emergency`` over quiet inboxes.

How a text is read
==================
1. **Tokens.** The text is NFC-normalised and split into words and numbers; ``. ! ? ;`` and line
   breaks end a sentence (they add distance, so concepts in different sentences rarely combine),
   ``,`` and ``:`` end a clause (they stop the scope of a negation). Function words (``the, of,
   my, on, ja, että, och, att`` …) do not count in distances: "pain in the middle of my chest" is
   as close as "chest pain".
2. **Normalisation of every token and every lexicon term, the same way** (:func:`fold`):
   case-folded, diacritics stripped (``ä→a``, ``ö→o``, ``å→a``; a text typed without a Finnish
   keyboard matches too), runs of one letter collapsed (``sattuu → satu``, ``henkee → henke``,
   ``kurkku → kurku``; doubled letters are also the commonest typo). Colloquial forms are mapped
   to standard ones (``mulla/mul → minulla``, ``itteni → itseni``, ``henkee → henkeä``, ``kipee
   → kipeä``). Where folding makes two common words collide (``pää`` head / ``paha`` bad, ``saa``
   gets / ``sä`` you, ``lääke`` medicine / ``lääkäri`` doctor, ``dö`` die / ``do``, ``svårt``
   hard / ``svart`` black), the lexicon names the raw (unfolded) form instead.
3. **Concepts, not sentences.** The lexicon maps *stems* (matched as prefixes, so every Finnish /
   Swedish / English inflection that keeps the stem matches), *compound heads* (anywhere in, or
   at the end of, a token: ``rinta|kipu``, ``nenä|veren|vuoto``, ``bröst|smärta``, ``head|ache``),
   exact forms, and Snowball stems (fi/sv/en; ``~eläm`` matches ``elämä/elämään/elämäni`` but not
   the compound ``elämäntapa``) to language-neutral concepts: CHEST, PAIN, PRESSURE, BREATH,
   INABILITY, FACE, DROOP, LIMB, … Finnish consonant gradation is covered by listing both grades
   (``rinta/rinnan``, ``kipu/kivut``, ``äiti/äidillä``).
4. **Typos**, only for the symptom words themselves (never for context or function words): a
   stem of 4–7 letters forgives one transposition of neighbouring letters (``hnegitys``,
   ``siezure``, ``ritnakipu``), a stem of 8+ letters also one substitution, insertion or deletion
   (``unconcious``, ``kourstelee``) or a missing last letter; a compound tail after a recognised
   first part gets the same treatment (``rintakpiu``). Real words one typo away from a symptom
   stem (``pian``, ``send``, ``version``, ``levyt`` …, found by running the 40,000 most frequent
   Finnish, Swedish and English words through the matcher) are listed as KNOWN_WORD and never
   match by typo.
5. **Rules** combine concepts within a small window of words, in any order unless the rule says
   otherwise: CHEST + PAIN|PRESSURE (``puristaa rinnassa``, ``har ont i bröstet``, ``crushing
   chest pain``), INABILITY + BREATH (``ei saa henkee``, ``kan inte andas``, ``can't breathe``),
   FACE + DROOP, LIMB + NOT + WORKS, SPEECH + STRANGE, HEADACHE + SUDDEN|WORST, BLOOD +
   HEAVY|NOT-STOPPING, SWELLING + THROAT|TONGUE|LIPS, WANT → DIE (ordered), … Derived concepts
   (INABILITY = NOT + CAN, NOT-STOPPING, HEADACHE = HEAD + PAIN, …) are rules too. Each flag
   has one level.
6. **Traps** are handled by *blockers* (``rintaliivit``, ``rintasyöpä``, ``verikoe``,
   ``verenpaine``, ``hengitysharjoitukset``, ``blodprov``, ``heartburn`` do not count as CHEST /
   BLOOD / BREATH), by neighbour blockers (``blood test``, ``breathing exercises``, ``food
   poisoning``, ``fit note``) and by rule exceptions (``unless``): ``kouristus`` / ``kramp`` next
   to a muscle word (``lihaskouristus``, ``kouristus pohkeessa``, ``kramp i vaden``) is a muscle
   cramp, not a seizure — but ``kouristelee``, ``kouristuskohtaus``, ``kuumekouristus`` or cramps
   with jerking, stiffness or unconsciousness always raise ``seizure``; "can't talk" next to
   *now / at work / phone* is not a speech disorder; "doesn't answer" next to *doctor / messages*
   is not unconsciousness; swollen *tonsils* are not a swollen throat; a *stroke* in the history
   (``kuntoutus aivoinfarktin jälkeen``) is not a new one. A plain headache (``päänsärky``) raises
   nothing; it needs *sudden* or *worst ever*.

Negation (decision)
===================
A negated mention **still raises the flag at its full level**; the explanation says the mention
was negated: ``ei rintakipua`` → 'Punainen lippu: rintakipu ("ei rintakipua") — mainittu
kieltomuodossa, tarkista'. Reasons: recall comes first; the symptoms themselves are often phrased
with a negation (``ei saa henkeä``, ``ei herää``, ``käsi ei toimi``, ``kan inte andas``), and
"not" in real messages is often not a denial (``ei oo ikinä ollut näin kovaa rintakipua`` — *never
had such chest pain*). A flag counts as negated only when *every* mention of it is denied: a
negator (``ei, eikä, ilman, inte, ej, ingen, utan, no, not, don't, without`` …) within three words
before it in the same clause, or "… ei ole" right after it — and the negator is not part of the
rule itself. The cost is measured: the corpus labels such texts as routine and counts them as
false alarms.

Levels
======
Emergency flags: ``chest_pain, stroke, breathing, unconscious, seizure, thunderclap_headache,
bleeding, anaphylaxis, suicidal, general_condition, meningitis, poisoning, head_injury``.
Urgent flags: ``breathlessness`` (winded, wheezing, fast breathing), ``severe_pain`` (sudden or
unbearable pain), ``infant_fever``, ``high_fever`` (≥ 40 °C), ``urinary_retention``,
``dehydration`` (a child or an old person not drinking). An urgent sign that is only part of an
emergency mention is not listed separately. No text and no answers → ``unassessed``; text without
any flag → ``unassessed`` as well: the engine does not grade routine matters (``soon`` /
``non_urgent`` are the nurse's decision), and an unassessed matter is ranked before the assessed
routine ones in the inbox.

Answers from the pre-information form: a key that is a flag id (the chat form's question ids are
flag ids) with a *yes* (``True``, ``"yes"``, ``"kyllä"``, ``"ja"``, ``"joo"`` …) raises that flag
by itself; any other string answer is read as text too. ``lang`` (``fi``/``sv``/``en``, or a tag
like ``sv-FI``) only picks the language of the explanation (unknown → Finnish); all three
lexicons are matched on every text, because patients mix languages.

Speed: the per-word analysis is cached (``lru_cache``), so a typical 300-character message takes
about 0.1 ms once its words have been seen and about 1 ms when none have.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

import msgspec
import snowballstemmer


class RedFlag(msgspec.Struct, frozen=True):
    id: str
    level: str  # the level this flag raises (one of Urgency)


class Assessment(msgspec.Struct, frozen=True):
    level: str  # one of Urgency
    flags: tuple[str, ...]  # stable flag ids, sorted, no duplicates
    explanation: str  # short, in the language asked
    matched: tuple[str, ...] = ()  # the text fragments that triggered, for the nurse


_EMERGENCY = (
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
_URGENT = ("breathlessness", "severe_pain", "infant_fever", "high_fever", "urinary_retention", "dehydration")

FLAGS: dict[str, RedFlag] = {
    **{f: RedFlag(f, "emergency") for f in _EMERGENCY},
    **{f: RedFlag(f, "urgent") for f in _URGENT},
}
FLAG_IDS: tuple[str, ...] = tuple(FLAGS)
LANGS: tuple[str, ...] = ("fi", "sv", "en")

FLAG_LABELS: dict[str, dict[str, str]] = {
    "chest_pain": {"fi": "rintakipu", "sv": "bröstsmärta", "en": "chest pain"},
    "stroke": {"fi": "aivoverenkiertohäiriön oire", "sv": "strokesymtom", "en": "stroke signs"},
    "breathing": {"fi": "hengitysvaikeus", "sv": "andningssvårigheter", "en": "difficulty breathing"},
    "unconscious": {"fi": "tajunnan menetys", "sv": "medvetslöshet", "en": "loss of consciousness"},
    "seizure": {"fi": "kouristelu", "sv": "kramper", "en": "seizure"},
    "thunderclap_headache": {
        "fi": "äkillinen kova päänsärky",
        "sv": "plötslig svår huvudvärk",
        "en": "sudden severe headache",
    },
    "bleeding": {"fi": "runsas verenvuoto", "sv": "kraftig blödning", "en": "heavy bleeding"},
    "anaphylaxis": {
        "fi": "vaikea allerginen reaktio",
        "sv": "svår allergisk reaktion",
        "en": "severe allergic reaction",
    },
    "suicidal": {"fi": "itsetuhoisuus", "sv": "självmordstankar", "en": "suicidal thoughts"},
    "general_condition": {
        "fi": "heikentynyt yleistila",
        "sv": "nedsatt allmäntillstånd",
        "en": "very poor general condition",
    },
    "meningitis": {
        "fi": "aivokalvontulehduksen merkit",
        "sv": "tecken på hjärnhinneinflammation",
        "en": "signs of meningitis",
    },
    "poisoning": {"fi": "myrkytys", "sv": "förgiftning", "en": "poisoning"},
    "head_injury": {
        "fi": "päävamma ja vaaranmerkit",
        "sv": "huvudskada med varningstecken",
        "en": "head injury with warning signs",
    },
    "breathlessness": {"fi": "hengästyneisyys", "sv": "andfåddhet", "en": "breathlessness"},
    "severe_pain": {
        "fi": "äkillinen tai sietämätön kipu",
        "sv": "plötslig eller outhärdlig smärta",
        "en": "sudden or unbearable pain",
    },
    "infant_fever": {
        "fi": "kuume pienellä vauvalla",
        "sv": "feber hos spädbarn",
        "en": "fever in a young infant",
    },
    "high_fever": {"fi": "korkea kuume", "sv": "hög feber", "en": "high fever"},
    "urinary_retention": {"fi": "virtsaumpi", "sv": "urinstopp", "en": "urinary retention"},
    "dehydration": {
        "fi": "ei juo (nestehukan vaara)",
        "sv": "dricker inte (risk för uttorkning)",
        "en": "not drinking (risk of dehydration)",
    },
}

_TEXTS: dict[str, dict[str, str]] = {
    "fi": {
        "emergency1": "Punainen lippu",
        "emergencyN": "Punaiset liput",
        "urgent1": "Kiireellisyyden merkki",
        "urgentN": "Kiireellisyyden merkit",
        "negated": "mainittu kieltomuodossa, tarkista",
        "form": "esitiedoissa kyllä",
        "none": "Ei hälytysmerkkejä tekstissä; hoitaja arvioi kiireellisyyden.",
        "empty": "Ei tietoja arvioitavaksi; hoitaja arvioi kiireellisyyden.",
    },
    "sv": {
        "emergency1": "Röd flagga",
        "emergencyN": "Röda flaggor",
        "urgent1": "Tecken på brådska",
        "urgentN": "Tecken på brådska",
        "negated": "nämnt med negation, kontrollera",
        "form": "ja i förhandsuppgifterna",
        "none": "Inga varningstecken i texten; vårdaren bedömer brådskan.",
        "empty": "Inga uppgifter att bedöma; vårdaren bedömer brådskan.",
    },
    "en": {
        "emergency1": "Red flag",
        "emergencyN": "Red flags",
        "urgent1": "Urgent sign",
        "urgentN": "Urgent signs",
        "negated": "mentioned as negated, check",
        "form": "yes on the pre-form",
        "none": "No red flags found in the text; a nurse assesses urgency.",
        "empty": "Nothing to assess; a nurse assesses urgency.",
    },
}

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "ł": "l", "đ": "d", "ı": "i"})
_RUNS = re.compile(r"(.)\1+")
_APOS = re.compile(r"['’´`ʼ]")


@lru_cache(maxsize=8192)
def fold(word: str) -> str:
    """Case-fold, strip diacritics, collapse runs of one letter. Applied to text and lexicon alike."""
    s = unicodedata.normalize("NFKD", word.casefold().translate(_SPECIAL))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = _APOS.sub("", s)
    return _RUNS.sub(r"\1", s)


def _raw(word: str) -> str:
    return _APOS.sub("", unicodedata.normalize("NFC", word.casefold()))


# Colloquial Finnish (and a few chat spellings) → the standard form, as an extra reading.
_COLLOQUIAL: dict[str, str] = {
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

# --------------------------------------------------------------------------------------------
# Lexicon.  Term syntax (all forms are folded like the text unless raw):
#   "stem"    prefix of the token            "stem$"  the whole token
#   "~stem"   a Snowball stem (fi/sv/en) of the token: "~eläm" = elämä, elämään, elämäni …
#   "*head"   anywhere in the token (compound heads)   "*head$"  at the end of the token
#   "=raw"    raw (unfolded) prefix          "=raw$"  raw whole token     "=*raw" raw, anywhere
#   "-stem" / "-*head"  blocker: a token matching it does NOT carry this concept
#   "term>a|b" the next token must not start with a or b;  "term<a|b" same for the previous token
# --------------------------------------------------------------------------------------------

_LEXICON: dict[str, tuple[str, ...]] = {
    # --- negation, ability ------------------------------------------------------------------
    "NEG_FI": ("ei$", "en$", "et$", "emme$", "ette$", "eivät$", "eikä$", "enkä$", "eikai$",
               "ettei$", "jottei$", "ettet$", "etten$"),
    "NEG_SV": ("inte$", "ej$", "icke$", "ingen$", "inga$", "inget$"),
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
    "STOPPING": ("pysähty", "pysähd", "=lakka", "=lakkas", "=lakann", "lopu$", "loppu$", "lopunut",
                 "lopui$", "tyrehd", "tyreht", "asetu", "=stanna", "slutat", "slutar", "slutade",
                 "sluta$", "stop$", "stops$", "stoped$", "stoping$", "arest$"),
    # --- body --------------------------------------------------------------------------------
    "CHEST": ("rinta", "=rinnan", "=rinnas", "=rinnoi", "=rinnoist", "rintoj", "rintakeh",
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
             "=*smärt", "*smarta$", "*smartor$", "*smartan$", "*smartorna$", "=värk", "=*värk",
             "*varkar$", "=sveder", "=sveda", "=hugger$", "=huggande$", "=hugg$", "=sticker$",
             "=bränner$", "=brännande$", "=bränn$", "=pain$", "=pains$", "=painful", "chestpain",
             "=hurt", "ache$", "aches$", "*ache$", "*aches$", "aching", "sore", "stab$", "stabbing",
             "stabs$", "burning", "discomfort", "agony", "-hurt>myself|himself|herself"),
    "PRESSURE": ("purist", "puristu", "paina$", "painaa", "painav", "paine$", "paineen", "painett",
                 "paineentun", "ahdist", "kirist", "kiristä", "tiuka", "=tiili", "weight$",
                 "painon$", "istuis", "sitting$", "=sitter$", "sits$", "=kramas$", "=pressas",
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
               "luften$", "breath", "air$", "andning", "*andnings", "-hengitysharjoit",
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
    "FAST": ("tihe", "tiheä", "nopea", "snabb", "rapid", "fast$", "quick"),
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
             "heiko", "*heiko", "heikot", "tunnot", "förlam", "svag", "weak", "paraly", "limp$",
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
                         "unconscious", "unrespons", "unrous", "unarous", "fainted", "fainting",
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
                       "convuls", "epilepsiakoht", "-seizure>medication|medicine|meds|tablets"),
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
    "RASH": ("ihottum", "*ihottum", "täplä", "pilku", "petek", "utslag", "prick", "rash", "spots",
             "petech"),
    "FADE": ("=haalist", "=vaalen", "häviä", "bleknar", "blekna", "fade$", "fades$", "fading$",
             "blanch"),
    # --- bleeding -----------------------------------------------------------------------------
    "BLOOD": ("veri", "vere", "=verta$", "*verenvuo", "*kahvinporo", "kaffesump", "verin", "veris",
              "=blöd", "blod", "*blöd", "bleed", "bleding", "bled$", "blody", "hemorag", "haemorag",
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
    "HEAVY": ("runsa", "runsas", "runsaa", "paljo", "lentä", "ruisku", "roisku", "tulvi", "kova$",
              "kovaa$", "kovasti", "valtav", "hirve", "tolkut", "lätäk", "pulpu", "suihku", "jatku",
              "lakkaamat", "mycket", "kraftig", "riklig", "masor", "sprut", "fortsät", "forsar",
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
    "CLOSING": ("umpe", "umpeen", "kiinni$", "tuko", "tukko", "kurout", "slut$", "sluter",
                "closing", "closes", "closed", "close$", "=snör", "kurist", "tighten"),
    "ALLERGEN": ("allerg", "*allerg", "alerg", "ampiai", "mehiläi", "pistiäi", "ötökk", "hyönteis",
                 "pisto$", "piston$", "pistosta$", "pistoksen$", "pähkin", "*pähkin", "maapähk",
                 "äyriäi", "rokot", "antibiot", "geting", "=bi$", "nötter", "jordnöt", "=nöt",
                 "skaldjur", "vaccin", "sting", "stung", "wasp", "=bee$", "=bees$", "hornet",
                 "peanut", "=nut$", "=nuts$", "walnut", "hazelnut", "shellfish", "vaccine", "jab$",
                 "-siitepöl", "-siitepol", "-pollen", "-*pollen", "-hösnuv", "-heinänuh"),
    "HIVES": ("nokosihot", "nokkosihot", "urtikar", "nässelutsl", "hives", "welts", "kuprul"),
    "EPIPEN": ("epipen", "adrenalin", "jext$", "adrenalinpen", "*adrenalin"),
    "USE": ("pistin", "pistettiin", "annoin", "annettiin", "käytin", "käytettiin", "laitoin",
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
    "TAKE": ("=ta$", "=tar$", "=tog$", "take", "taking", "=took$"),
    "LIFE": ("livet$", "liv$", "life$", "henkeni$", "elämäni$", "elämäsi$", "elämänsä$", "päiväni$",
             "päivänsä$"),
    "BETTER": ("parempi", "paremp", "bättre", "better"),
    # --- general condition --------------------------------------------------------------------
    "GENERAL_STRONG": ("yleisvoint", "*yleisvoint", "yleistil", "yleiskun", "allmäntil",
                       "*allmäntil", "allmäntilstånd"),
    "BAD": ("huono", "heiko", "heikent", "kurja", "surkea", "romaht", "laskenut", "dålig", "sämre",
            "försämr", "poor$", "bad$", "worse", "terrible", "awful", "deteriorat", "poorly$",
            "declin", "dreadful"),
    "FEEL": ("vointi", "*vointi", "=olo$", "olon$", "oloa$", "olotila", "kunto", "kunos", "kunoss",
             "=mår$", "mående", "condition", "=feel", "=felt$", "state$"),
    "COLLAPSE_COND": ("romaht", "romahd", "romahtanut", "rasahti", "kollaps", "collaps", "plummet",
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
    "HIT": ("=löi$", "lyönyt", "lyöny", "iski$", "kolaut", "kopaut", "=slog$", "slagit", "hit$",
            "bang$", "banged", "bumped", "knocked", "struck"),
    "ANTICOAG": ("verenohen", "*verenohen", "marevan", "warfarin", "eliquis", "xarelto", "lixiana",
                 "pradaxa", "blodförtun", "*blodförtun", "thinner", "anticoag", "antikoag"),
    "BE": ("ole$", "olleet$", "ollut$", "=oo$", "finns$", "present$"),
    "SENSATION": ("tunto", "tunnon", "tuntoa", "feeling$", "känsel", "känseln", "sensation"),
    "ANSWER": ("vasta$", "vastanut$", "vastaile", "=svarar$", "=svara$", "=svarade$", "answer$",
               "answering$", "answers$"),
    "CONTACT": ("kontakt", "contact", "yhteyt"),
    "ANYMORE": ("enää$", "ena$", "längre$", "mer$", "igen$", "anymore$", "again$", "ever$",
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
    "DRINK": ("juo$", "juonut$", "juoda$", "=dricker$", "drick", "drink", "drinking$",
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
                   "ösregn", "brinnand", "posion"),
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
                  "*nappiparist", "kemikaal", "myrky", "medicin", "medication", "medicine",
                  "battery", "batteries", "bleach", "detergent", "chemical", "parasetamol",
                  "paracetamol", "panadol", "burana", "ibuprofe", "sömntablet", "unilääk",
                  "tvättmed", "klor$", "dishwasher", "-lääkär"),
    "SWALLOW": ("nielaisi", "nielais", "nieli$", "niellyt", "svalde", "swallowed"),
    "TOOK": ("joi$", "juonut", "drack", "druckit", "drank$", "drunk$", "otti$", "otin$", "ottanut",
             "=söi$", "=söin$", "syönyt", "nielaisi", "=tog$", "tagit", "=åt$", "=ätit$", "=took$",
             "taken$", "=ate$", "swallowed"),
    "TOO": ("liian$", "=för$", "=too$"),
    "MANY": ("monta$", "paljon$", "många$", "mycket$", "many$", "much$", "lot$", "whole$", "koko$",
             "hela$"),
    "TOO_MANY_TERM": ("=liikaa$", "ylimäär", "koko$", "hela$", "whole$", "kaikki$", "all$",
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
            "=kissar", "urine", "urinat", "urinera", "=pee$", "=peeing", "=wee$", "=weeing",
            "-virtsanäyt", "-virtsakoe", "-virtsatie", "-urinprov", "-virtsaviljel",
            "-urine>test|sample|culture"),
    "RETENTION_TERM": ("virtsaumpi", "*virtsaump", "umpirakko", "urinstop", "urinretent",
                       "retention"),
}

# --------------------------------------------------------------------------------------------
# Rules: (flag or None, emit concept or None, parts, window, unless, unless_window)
# a part is "A|B" (any of these concepts).  Rules run in order; an emitted concept can be used
# by later rules.
# --------------------------------------------------------------------------------------------


class _Rule(NamedTuple):
    flag: str | None
    emit: str | None
    parts: tuple[frozenset[str], ...]
    window: int
    unless: frozenset[str] = frozenset()
    unless_window: int = 2
    ordered: bool = False  # the parts must appear in this order ("haluan kuolla", "want to die")


def _r(flag: str | None, parts: str, window: int = 3, emit: str | None = None,
       unless: str = "", unless_window: int = 2, ordered: bool = False) -> _Rule:
    ps = tuple(frozenset(p.split("|")) for p in parts.split())
    return _Rule(flag, emit, ps, window, frozenset(unless.split("|")) if unless else frozenset(),
                 unless_window, ordered)


_NEG = "NEG_FI|NEG_SV|NEG_EN"

_RULES: tuple[_Rule, ...] = (
    # derived concepts
    _r(None, "NEG_FI CAN_FI", 2, emit="INAB"),
    _r(None, "NEG_SV CAN_SV", 2, emit="INAB"),
    _r(None, "NEG_EN CAN_EN", 2, emit="INAB"),
    _r(None, "NEGCAN", 0, emit="INAB"),
    _r(None, f"{_NEG} STOPPING", 2, emit="NOT_STOP"),
    _r(None, "SHORT BREATH", 2, emit="DYSPNEA"),
    _r(None, "HEAD PAIN", 2, emit="HEADACHE_TOKEN"),
    _r(None, "ONE SIDE", 1, emit="ONE_SIDE_TOKEN"),
    _r(None, f"{_NEG} RECOGNIZE", 2, emit="CONFUSED"),
    _r(None, f"{_NEG} SENSE", 2, emit="CONFUSED"),
    _r(None, f"{_NEG}|NEGCAN UNDERSTAND", 2, emit="CONFUSED"),
    _r(None, "HEART ATTACK", 1, emit="HEART_ATTACK_TERM"),
    _r(None, "COLD SWEAT", 1, emit="COLD_SWEAT"),
    _r(None, "NECK STIFF", 2, emit="NECK_STIFF"),
    _r(None, "NECK INAB BEND", 7, emit="NECK_STIFF"),
    _r(None, "TOO MANY", 1, emit="TOO_MANY_TERM"),
    _r(None, "ALL TIME", 1, emit="HEAVY", ordered=True),
    _r(None, "PASS OUT", 1, emit="UNCONSCIOUS_TERM"),
    _r(None, "HIT HEAD", 2, emit="HEAD_HIT"),
    _r(None, "LOSS SENSATION", 2, emit="NUMB"),
    _r(None, f"INAB|{_NEG} SENSE_VERB LIMB|FACE|SIDE|ONE", 4, emit="NO_FEELING", ordered=True),
    # chest pain
    _r("chest_pain", "CHEST|HEART PAIN|PRESSURE", 4),
    _r("chest_pain", "HEART_ATTACK_TERM", 0),
    _r("chest_pain", "HEART STOPPING", 2),
    _r("chest_pain", "RADIATE JAW", 4),
    _r("chest_pain", "RADIATE LEFT ARM", 4),
    # breathing (emergency) — also emits BREATH_PROBLEM for the allergy rules
    _r("breathing", "INAB BREATH", 3, emit="BREATH_PROBLEM"),
    _r("breathing", "DIFFICULT BREATH", 4, emit="BREATH_PROBLEM"),
    _r("breathing", "DYSPNEA", 0, emit="BREATH_PROBLEM"),
    _r("breathing", "CHOKE", 0, emit="BREATH_PROBLEM"),
    _r("breathing", "CYANOSIS", 0, emit="BREATH_PROBLEM"),
    _r("breathing", "BLUE LIPS|FACE", 3, emit="BREATH_PROBLEM"),
    _r("breathing", "CYANOSIS BREATH", 6, emit="BREATH_PROBLEM"),
    _r("breathing", "BLUE BREATH", 2, emit="BREATH_PROBLEM"),
    _r("breathing", "BREATH STOPPING", 2, emit="BREATH_PROBLEM"),
    _r("breathing", "GASP", 0, emit="BREATH_PROBLEM"),
    _r("breathing", "NEG_FI BREATH_VERB_FI", 1, emit="BREATH_PROBLEM"),
    _r("breathing", "NEG_SV BREATH_VERB_SV", 1, emit="BREATH_PROBLEM"),
    _r("breathing", "NEG_EN BREATH_VERB_EN", 1, emit="BREATH_PROBLEM"),
    _r("breathing", f"BREATH {_NEG} FLOW", 2, emit="BREATH_PROBLEM"),
    # breathlessness (urgent)
    _r("breathlessness", "BREATHLESS_MILD", 0),
    _r("breathlessness", "WHEEZE", 0),
    _r("breathlessness", "BREATH FAST", 2),
    # stroke
    _r("stroke", "STROKE_TERM", 0, unless="HISTORY", unless_window=3),
    _r("stroke", "HAVE|ATTACK|SUDDEN TIA", 2, unless="HISTORY", unless_window=3),
    _r("stroke", "FACE DROOP", 3),
    _r("stroke", "LIMB WEAK", 3),
    _r("stroke", f"LIMB {_NEG}|NEGCAN FUNCTION", 3),
    _r("stroke", "LIMB INAB LIFT", 3),
    _r("stroke", "SPEECH_BAD", 0),
    _r("stroke", "SPEECH STRANGE", 3),
    _r("stroke", "SPEECH DIFFICULT_CORE", 2, unless="THROAT", unless_window=4),
    _r("stroke", "SPEECH INAB", 3, unless="PHONE_CONTEXT", unless_window=3),
    _r("stroke", "ONE_SIDE_TOKEN WEAK|NUMB|DROOP|FACE", 4),
    _r("stroke", "SUDDEN LIMB|FACE NUMB|WEAK", 6),
    _r("stroke", "NO_FEELING", 0),
    _r("stroke", "VISION LOSS", 2),
    _r("stroke", f"{_NEG}|INAB VISION SUDDEN", 4),
    _r("stroke", "SUDDEN VISION|DOUBLE_VISION", 4),
    # unconscious
    _r("unconscious", "UNCONSCIOUS_TERM", 0),
    _r("unconscious", f"{_NEG} WAKE", 2, unless="WANT", unless_window=1),
    _r("unconscious", "INAB WAKE", 3),
    _r("unconscious", f"{_NEG}|NEGCAN REACT", 2),
    _r("unconscious", f"{_NEG}|NEGCAN ANSWER", 1, unless="COMMS", unless_window=3),
    _r("unconscious", "INAB CONTACT", 3, unless="COMMS", unless_window=4),
    _r("unconscious", "CONSCIOUSNESS LOSS", 3),
    _r("unconscious", f"{_NEG} CONSCIOUS_STATE", 2),
    # seizure
    _r("seizure", "SEIZURE_STRONG", 0),
    _r("seizure", "SEIZURE_WEAK", 0, unless="MUSCLE", unless_window=2),
    _r("seizure", "SEIZURE_WEAK JERK|UNCONSCIOUS_TERM|STIFF|WHOLE_BODY|EPI|FEVER|INFANT", 5),
    _r("seizure", "JERK WHOLE_BODY|UNCONSCIOUS_TERM|STIFF", 4),
    _r("seizure", "EPI ATTACK|SEIZURE_WEAK|JERK", 3),
    _r("seizure", "HAVE FIT", 2),
    # headache
    _r("thunderclap_headache", "HEADACHE_TOKEN SUDDEN|WORST", 6),
    _r("thunderclap_headache", "THUNDERCLAP", 0),
    # meningitis
    _r("meningitis", "NECK_STIFF FEVER|HEADACHE_TOKEN|RASH", 8),
    _r("meningitis", f"RASH {_NEG} FADE", 4),
    # bleeding
    _r("bleeding", "BLOOD HEAVY|NOT_STOP", 4),
    _r("bleeding", "VOMIT BLOOD", 2),
    _r("bleeding", "VOMIT COFFEE GROUND", 3),
    _r("bleeding", "WOUND BLEED_FI HEAVY|NOT_STOP", 4),
    _r("bleeding", "BLEED_FI BLOOD HEAVY|NOT_STOP", 4),
    # anaphylaxis
    _r("anaphylaxis", "ANAPH_TERM", 0),
    _r("anaphylaxis", "SWELL THROAT|TONGUE|LIPS", 3, unless="TONSIL", unless_window=4),
    _r("anaphylaxis", "SWELL|HIVES FACE ALLERGEN", 8),
    _r("anaphylaxis", "ALLERGEN BREATH_PROBLEM", 8),
    _r("anaphylaxis", "HIVES BREATH_PROBLEM|SWELL|UNCONSCIOUS_TERM", 8),
    _r("anaphylaxis", "EPIPEN USE", 3),
    _r("anaphylaxis", "THROAT CLOSING", 4, unless="TONSIL", unless_window=3),
    _r("anaphylaxis", "ALLERGY SHOCK", 2),
    # suicidal
    _r("suicidal", "SUICIDE_TERM", 0),
    _r("suicidal", "KILL SELF", 3),
    _r("suicidal", "WANT DIE", 3, ordered=True),
    _r("suicidal", "WANT_SV DIE_SV", 2, ordered=True),
    _r("suicidal", f"{_NEG}|INAB WANT|COPE LIVE", 3),
    _r("suicidal", f"LIVE {_NEG}|NEG_ANNOT_EXTRA WORTH", 4),
    _r("suicidal", "HARM SELF", 3),
    _r("suicidal", "WANT HURT SELF", 4),
    _r("suicidal", "HURT WRIST", 3),
    _r("suicidal", "END ALL", 2, ordered=True),
    _r("suicidal", "TAKE|END LIFE", 3, ordered=True),
    _r("suicidal", "BETTER DIE", 3, ordered=True),
    _r("suicidal", "JUMP HEIGHT", 4),
    _r("suicidal", f"{_NEG} WANT WAKE ANYMORE", 5),
    _r("suicidal", f"BETTER {_NEG} LIVE", 5),
    _r("suicidal", "WANT END IT", 3),
    # poisoning
    _r("poisoning", "POISON_TERM", 0),
    _r("poisoning", "SWALLOW SUBSTANCE", 4),
    _r("poisoning", "TOOK TOO_MANY_TERM SUBSTANCE", 5, unless="USUAL", unless_window=6),
    _r("poisoning", "CHILD TOOK|SWALLOW SUBSTANCE", 5),
    # general condition
    _r("general_condition", "GENERAL_STRONG BAD", 3),
    _r("general_condition", "FEEL BAD SUDDEN", 4),
    _r("general_condition", "FEEL COLLAPSE_COND", 3),
    _r("general_condition", "VERY BAD CONDITION", 3),
    _r("general_condition", "PALE BAD|WEAK|LIMP_TERM|DROWSY", 4),
    _r("general_condition", "VERY UNWELL_TOKEN", 1),
    _r("general_condition", "LIMP_TERM", 0),
    _r("general_condition", "LIMP_WEAK PERSON|CHILD|INFANT", 4),
    _r("general_condition", "DROWSY VERY|CONFUSED|SUDDEN|LIMP_TERM|FEVER|VOMIT", 6),
    _r("head_injury", "HEAD_HIT ANTICOAG|VOMIT|DROWSY|CONFUSED|UNCONSCIOUS_TERM|SEIZURE_STRONG", 12),
    _r("general_condition", "DIFFICULT_CORE WAKE", 2),
    _r("general_condition", "CONFUSED SUDDEN|PERSON|FEVER|ELDERLY", 8, unless="ABOUT", unless_window=2),
    _r("general_condition", "COLD_SWEAT PAIN|PRESSURE|PALE|BAD", 6),
    _r("general_condition", "PALE SWEAT|LIMP_TERM", 3),
    # urgent
    _r("infant_fever", "FEVER INFANT|INFANT_YOUNG", 8),
    _r(None, f"{_NEG} DRINK", 2, emit="NOT_DRINKING"),
    _r("dehydration", "NOT_DRINKING INFANT|CHILD|ELDERLY|PERSON|LIMP_TERM|DROWSY", 6),
    _r("severe_pain", "PAIN UNBEARABLE|SUDDEN", 3),
    _r("urinary_retention", "INAB PEE", 3),
    _r("urinary_retention", f"{_NEG} PEE", 3),
    _r("urinary_retention", "RETENTION_TERM", 0),
)

_NEGATORS_ANNOT = frozenset({"NEG_FI", "NEG_SV", "NEG_EN", "NEG_ANNOT_EXTRA"})
_NOT_ANNOT_NEGATORS = frozenset({"en", "for", "nor"})  # Swedish article "en"; not denials

# --------------------------------------------------------------------------------------------
# Compilation
# --------------------------------------------------------------------------------------------


class _Term(NamedTuple):
    concept: str
    ctx_next: tuple[str, ...]
    ctx_prev: tuple[str, ...]


class _Lex(NamedTuple):
    prefix: dict[int, dict[str, list[_Term]]]  # folded prefix by length
    exact: dict[str, list[_Term]]  # folded whole token
    infix: list[tuple[str, _Term]]  # folded, anywhere in the token
    raw_prefix: dict[int, dict[str, list[_Term]]]
    raw_exact: dict[str, list[_Term]]
    stem: dict[str, list[_Term]]  # folded Snowball stem (fi/sv/en) of the token
    raw_infix: list[tuple[str, _Term]]
    suffix: list[tuple[str, _Term]]  # folded, at the end of the token


def _parse_term(concept: str, spec: str) -> tuple[str, str, _Term]:
    ctx_next: tuple[str, ...] = ()
    ctx_prev: tuple[str, ...] = ()
    if ">" in spec:
        spec, rest = spec.split(">", 1)
        ctx_next = tuple(fold(x) for x in rest.split("|"))
    if "<" in spec:
        spec, rest = spec.split("<", 1)
        ctx_prev = tuple(fold(x) for x in rest.split("|"))
    if spec.startswith("~"):
        return "stem", fold(spec[1:]), _Term(concept, ctx_next, ctx_prev)
    raw = spec.startswith("=")
    if raw:
        spec = spec[1:]
    infix = spec.startswith("*")
    if infix:
        spec = spec[1:]
    exact = spec.endswith("$")
    if exact:
        spec = spec[:-1]
    if raw and infix:
        kind, key = "raw_infix", _raw(spec)
    elif raw:
        kind, key = ("raw_exact" if exact else "raw_prefix"), _raw(spec)
    elif infix and exact:
        kind, key = "suffix", fold(spec)
    elif infix:
        kind, key = "infix", fold(spec)
    else:
        kind, key = ("exact" if exact else "prefix"), fold(spec)
    return kind, key, _Term(concept, ctx_next, ctx_prev)


def _compile(entries: Mapping[str, Iterable[str]]) -> tuple[_Lex, _Lex]:
    pos = _Lex({}, {}, [], {}, {}, {}, [], [])
    neg = _Lex({}, {}, [], {}, {}, {}, [], [])
    for concept, terms in entries.items():
        for spec in terms:
            lex = pos
            if spec.startswith("-"):
                lex, spec = neg, spec[1:]
            kind, key, term = _parse_term(concept, spec)
            if not key:
                continue
            if kind == "prefix":
                lex.prefix.setdefault(len(key), {}).setdefault(key, []).append(term)
            elif kind == "exact":
                lex.exact.setdefault(key, []).append(term)
            elif kind == "infix":
                lex.infix.append((key, term))
            elif kind == "stem":
                lex.stem.setdefault(key, []).append(term)
            elif kind == "raw_infix":
                lex.raw_infix.append((key, term))
            elif kind == "suffix":
                lex.suffix.append((key, term))
            elif kind == "raw_prefix":
                lex.raw_prefix.setdefault(len(key), {}).setdefault(key, []).append(term)
            else:
                lex.raw_exact.setdefault(key, []).append(term)
    return pos, neg


_POS, _NEGLEX = _compile(_LEXICON)

# Only the symptom words themselves are matched despite a typo; context words (who, when, how
# much, function words) never are: too many real words are one edit away from them.
_FUZZY_CONCEPTS = frozenset({
    "CHEST", "PAIN", "PRESSURE", "BREATH", "DYSPNEA", "CHOKE", "CYANOSIS", "STROKE_TERM",
    "SPEECH_BAD", "UNCONSCIOUS_TERM", "SEIZURE_STRONG", "SEIZURE_WEAK", "HEADACHE_TOKEN", "BLOOD",
    "SWELL", "THROAT", "TONGUE", "ANAPH_TERM", "SUICIDE_TERM", "POISON_TERM", "HEART_ATTACK_TERM",
    "LIMP_TERM", "LIMP_WEAK", "CONFUSED", "DROOP", "NUMB", "WEAK", "HIVES", "GENERAL_STRONG", "DIFFICULT",
    "WHEEZE", "BREATHLESS_MILD", "RETENTION_TERM",
})
# Typo tolerance. Keys of 4..7 letters forgive one transposition of neighbouring letters
# ("hnegitys", "siezure", "rintakpiu"); keys of 8+ letters also one substitution, insertion or
# deletion ("unconcious", "kourstelee"); keys of 7+ letters also a forgotten last letter
# ("seizur", "headach").
# Shorter keys and function words never match by typo: too many real words are one edit away.
_FUZZY_MIN = 4
_FUZZY_FULL_EDIT = 8
_FZ_TRANS: dict[int, dict[str, list[tuple[_Term, bool]]]] = {}
_FZ_FULL: dict[str, list[tuple[str, bool, _Term]]] = {}
_FZ_TRUNC: dict[str, list[_Term]] = {}
_FZ_INFIX: dict[int, dict[str, list[_Term]]] = {}


def _fuzzy_index() -> None:
    keyed: list[tuple[str, bool, _Term]] = [
        (k, False, t) for bucket in _POS.prefix.values() for k, ts in bucket.items() for t in ts
    ] + [(k, True, t) for k, ts in _POS.exact.items() for t in ts]
    for key, exact, term in keyed:
        if term.concept not in _FUZZY_CONCEPTS or len(key) < _FUZZY_MIN or not key.isalpha():
            continue
        if len(key) < _FUZZY_FULL_EDIT:
            _FZ_TRANS.setdefault(len(key), {}).setdefault(key, []).append((term, exact))
        else:
            _FZ_FULL.setdefault(key[0], []).append((key, exact, term))
        if not exact and len(key) >= 7:
            _FZ_TRUNC.setdefault(key[:-1], []).append(term)
    for key, term in _POS.infix:
        if term.concept in _FUZZY_CONCEPTS and _FUZZY_MIN <= len(key) < _FUZZY_FULL_EDIT:
            _FZ_INFIX.setdefault(len(key), {}).setdefault(key, []).append(term)


_fuzzy_index()
_STEMMERS = tuple(snowballstemmer.stemmer(n) for n in ("finnish", "swedish", "english"))
_STEM_PREFIXES = frozenset(k[:2] for k in _POS.stem)


def _transpositions(p: str) -> list[str]:
    return [p[:i] + p[i + 1] + p[i] + p[i + 2:] for i in range(len(p) - 1) if p[i] != p[i + 1]]


def _within_one(a: str, b: str) -> bool:
    """Damerau–Levenshtein distance of exactly one between a and b."""
    la, lb = len(a), len(b)
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff if len(diff) == 2 else (0, 0)
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    if abs(la - lb) != 1:
        return False
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def _fuzzy_whole(f0: str) -> list[_Term]:
    """Concepts a token that matched no stem may carry because of one typo."""
    out: list[_Term] = []
    for lk, bucket in _FZ_TRANS.items():
        if lk <= len(f0):
            for v in _transpositions(f0[:lk]):
                for term, exact in bucket.get(v, ()):
                    if not exact or lk == len(f0):
                        out.append(term)
    out.extend(_FZ_TRUNC.get(f0, ()))
    for key, exact, term in _FZ_FULL.get(f0[0], ()):
        lk = len(key)
        if exact:
            if abs(len(f0) - lk) <= 1 and _within_one(f0, key):
                out.append(term)
            continue
        for n in (lk, lk - 1, lk + 1):
            if 0 < n <= len(f0) and _within_one(f0[:n], key) and not (n == lk + 1 and f0[:lk] == key):
                out.append(term)
                break
    return out


def _fuzzy_tail(f0: str, starts: Iterable[int]) -> list[_Term]:
    """Compound heads with a typo after a recognised first part: "rinta|kpiu"."""
    out: list[_Term] = []
    for start in starts:
        tail = f0[start:]
        for lk, bucket in _FZ_INFIX.items():
            if len(tail) >= lk:
                for v in _transpositions(tail[:lk]):
                    out.extend(bucket.get(v, ()))
    return out


@lru_cache(maxsize=65536)
def _token_concepts(raw: str) -> tuple[_Term, ...]:
    """Concept terms one token carries (before neighbour context checks). Cached per word."""
    forms_raw = [raw]
    coll = _COLLOQUIAL.get(raw)
    if coll:
        forms_raw.append(coll)
    elif raw.endswith("ee") and len(raw) > 4:
        forms_raw.append(raw[:-1] + "ä")  # henkee → henkeä, kipee → kipeä
    folds = [fold(f) for f in forms_raw]
    prefix_lengths: list[int] = []

    def collect(lex: _Lex) -> tuple[list[_Term], list[_Term]]:
        """(anchored terms: raw/prefix/exact/stem, compound heads found inside the token)."""
        out: list[_Term] = []
        heads: list[_Term] = []
        for r in forms_raw:
            for n, bucket in lex.raw_prefix.items():
                if len(r) >= n:
                    out.extend(bucket.get(r[:n], ()))
            out.extend(lex.raw_exact.get(r, ()))
            heads.extend(term for key, term in lex.raw_infix if key in r)
        for f in folds:
            for n, bucket in lex.prefix.items():
                if len(f) >= n:
                    hit = bucket.get(f[:n])
                    if hit:
                        out.extend(hit)
                        prefix_lengths.append(n)
            out.extend(lex.exact.get(f, ()))
            heads.extend(term for key, term in lex.infix if key in f)
            heads.extend(term for key, term in lex.suffix if f.endswith(key))
        if lex.stem and folds[0][:2] in _STEM_PREFIXES:
            for r in forms_raw:
                for st in _STEMMERS:
                    out.extend(lex.stem.get(fold(st.stemWord(r)), ()))
        return out, heads

    anchored, heads = collect(_POS)
    found = anchored + heads
    blocked_anchored, blocked_heads = collect(_NEGLEX)
    blocked_terms = blocked_anchored + blocked_heads
    blocked = {t.concept for t in blocked_terms if not t.ctx_next and not t.ctx_prev}
    found = [t for t in found if t.concept not in blocked]
    # neighbour-conditioned blockers become neighbour conditions on the positive terms
    cond_block = [t for t in blocked_terms if t.ctx_next or t.ctx_prev]
    if cond_block:
        found = [
            _Term(t.concept,
                  t.ctx_next + tuple(x for b in cond_block if b.concept == t.concept for x in b.ctx_next),
                  t.ctx_prev + tuple(x for b in cond_block if b.concept == t.concept for x in b.ctx_prev))
            for t in found
        ]
    f0 = folds[0]
    if not blocked_terms and f0.isalpha() and len(f0) >= _FUZZY_MIN:
        have = {t.concept for t in found}
        extra = [] if anchored else _fuzzy_whole(f0)
        if len(f0) >= 7 and prefix_lengths:
            extra += _fuzzy_tail(f0, {n + k for n in prefix_lengths for k in range(4)})
        found += [t for t in extra if t.concept not in have]
    return tuple(dict.fromkeys(found))


# --------------------------------------------------------------------------------------------
# Reading a text
# --------------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"(?P<w>[^\W\d_]+(?:['’´`ʼ][^\W\d_]+)*)|(?P<n>\d+(?:[.,]\d+)?(?:/10)?)|(?P<s>[.!?;\n]+)|(?P<c>[,:()\-–—/])"
)
_SENTENCE_GAP = 3
# Function words do not count in the distance between concepts ("pain in the middle of my
# chest" is as close as "chest pain"); they still are tokens (a negation, a pronoun).
_STOP = frozenset(fold(w) for w in (
    "a an the of in on at to into onto my his her their our your its it is are was were be been "
    "being this that and or i im me he she they we you just also "
    "i på av en ett och att det den som har är var min mitt mina hans hennes jag han hon vi de "
    "med till sig så "
    "on oli ole oo ollu ja että kuin niin se sen hän minä mä mulla minulla hänellä ihan aivan vähän myös "
    "vain jo kun ku olis olisi ollut sitä tämä tuo"
).split())


class _Tok(NamedTuple):
    raw: str
    fold: str
    pos: int
    start: int
    end: int
    clause: int


class _Occ(NamedTuple):
    lo: int  # position (for windows)
    hi: int
    tlo: int  # token indexes (for fragments and negation)
    thi: int


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    clause = 0
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind == "s":
            pos += _SENTENCE_GAP
            clause += 1
        elif kind == "c":
            clause += 1
        else:
            raw = _raw(m.group())
            f = fold(raw)
            toks.append(_Tok(raw, f, pos, m.start(), m.end(), clause))
            if f not in _STOP:
                pos += 1
    return toks


def _occurrences(toks: list[_Tok]) -> dict[str, list[_Occ]]:
    occ: dict[str, list[_Occ]] = {}
    n = len(toks)
    for i, tok in enumerate(toks):
        if tok.fold.replace(",", "").replace(".", "").replace("/", "").isdigit():
            _numeric(toks, i, occ)
            continue
        for term in _token_concepts(tok.raw):
            if term.ctx_next and i + 1 < n and toks[i + 1].fold.startswith(term.ctx_next):
                continue
            if term.ctx_prev and i > 0 and toks[i - 1].fold.startswith(term.ctx_prev):
                continue
            lst = occ.setdefault(term.concept, [])
            if not lst or lst[-1].tlo != i:
                lst.append(_Occ(tok.pos, tok.pos, i, i))
    return occ


_SHORT_UNITS = ("vi", "vk", "vec", "vek", "we", "wk", "pa", "vuo", "dag", "day", "dyg")  # weeks, days


def _numeric(toks: list[_Tok], i: int, occ: dict[str, list[_Occ]]) -> None:
    tok = toks[i]
    text = tok.raw
    if text.endswith("/10"):
        if text in ("9/10", "10/10"):
            occ.setdefault("UNBEARABLE", []).append(_Occ(tok.pos, tok.pos, i, i))
        return
    if len(text) > 8:
        return  # a phone number, an id: not a temperature, an age or a count
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return
    o = _Occ(tok.pos, tok.pos, i, i)
    # "30 paracetamol", "20 tablettia": a count of pills is an overdose candidate
    if value >= 10 and value == int(value) and i + 1 < len(toks) and any(
        t.concept == "SUBSTANCE" for t in _token_concepts(toks[i + 1].raw)
    ):
        occ.setdefault("TOO_MANY_TERM", []).append(o)
    if 40.0 <= value <= 44.0:
        occ.setdefault("NUM_HIGH", []).append(o)
    # "3 kk", "6 viikon ikäinen", "2 months old": a young infant's age, the unit after the number
    if 0 < value <= 12 and value == int(value) and i + 1 < len(toks):
        unit = toks[i + 1]
        if any(t.concept == "MONTHS" for t in _token_concepts(unit.raw)):
            short_unit = unit.fold.startswith(_SHORT_UNITS)
            young = value <= 12 if short_unit else value <= 3
            near = {t.concept for x in toks[i + 1: i + 4] for t in _token_concepts(x.raw)}
            if young and (near & {"AGE_WORD", "INFANT"} or unit.fold in ("kk", "k")):
                occ.setdefault("INFANT_YOUNG", []).append(_Occ(tok.pos, unit.pos, i, i + 1))


def _find(rule: _Rule, occ: dict[str, list[_Occ]]) -> list[_Occ]:
    lists: list[list[_Occ]] = []
    for part in rule.parts:
        merged: list[_Occ] = []
        for c in part:
            merged.extend(occ.get(c, ()))
        if not merged:
            return []
        merged.sort()
        lists.append(merged)
    unless: list[_Occ] = []
    for c in rule.unless:
        unless.extend(occ.get(c, ()))
    unless.sort()
    w = rule.window
    anchor = min(range(len(lists)), key=lambda k: len(lists[k]))
    found: list[_Occ] = []
    seen: set[tuple[int, int]] = set()
    for a in lists[anchor]:
        cands: list[list[_Occ]] = []
        for k, lst in enumerate(lists):
            if k == anchor:
                cands.append([a])
                continue
            lo = bisect_left(lst, (a.lo - w - 4,))
            sel = []
            for o in lst[lo:]:
                if o.lo > a.hi + w:
                    break
                sel.append(o)
            if not sel:
                break
            cands.append(sel[:12])
        else:
            best = _best_combo(cands, w, unless, rule.unless_window, rule.ordered)
            if best is not None and (best.tlo, best.thi) not in seen:
                seen.add((best.tlo, best.thi))
                found.append(best)
    return found


def _best_combo(cands: list[list[_Occ]], w: int, unless: list[_Occ], uw: int,
                ordered: bool = False) -> _Occ | None:
    """The tightest combination whose parts lie within ``w`` words of each other."""
    best: _Occ | None = None

    def rec(k: int, lo: int, hi: int, maxlo: int, minhi: int, tlo: int, thi: int, last: int = -1) -> None:
        nonlocal best
        if maxlo - minhi > w:
            return
        if k == len(cands):
            if unless:
                i = bisect_left(unless, (lo - uw,))
                if i < len(unless) and unless[i].lo <= hi + uw:
                    return
            if best is None or hi - lo < best.hi - best.lo:
                best = _Occ(lo, hi, tlo, thi)
            return
        for o in cands[k]:
            if ordered and o.tlo <= last:
                continue
            rec(k + 1, min(lo, o.lo), max(hi, o.hi), max(maxlo, o.lo), min(minhi, o.hi),
                min(tlo, o.tlo), max(thi, o.thi), o.thi)

    for o in cands[0]:
        rec(1, o.lo, o.hi, o.lo, o.hi, o.tlo, o.thi, o.thi)
    return best


def _negation(m: _Occ, toks: list[_Tok], negators: set[int], be: set[int]) -> tuple[int, int] | None:
    """The token span of a denial of this mention ("ei rintakipua", "no chest pain",
    "rintakipua ei ole"), or None when the mention is not denied."""
    if any(m.tlo <= i <= m.thi for i in negators):
        return None  # the negation is part of the symptom ("ei saa henkeä", "käsi ei toimi")
    clause = toks[m.tlo].clause
    for i in range(m.tlo - 1, max(-1, m.tlo - 4), -1):
        if toks[i].clause != clause:
            break
        if i in negators:
            return (i, m.thi)
    after = [i for i in (m.thi + 1, m.thi + 2) if i < len(toks) and toks[i].clause == toks[m.thi].clause]
    if len(after) == 2 and any(i in negators for i in after) and any(i in be for i in after):
        return (m.tlo, after[-1])
    return None


class _Hit(NamedTuple):
    start: int  # character offsets of the triggering fragment
    end: int
    negated: bool


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

_YES = frozenset({"yes", "y", "true", "1", "kyllä", "kylla", "joo", "on", "ja", "k", "j"})
_NO = frozenset({"no", "n", "false", "0", "ei", "nej", "e", ""})
_LEVEL_ORDER = {"emergency": 0, "urgent": 1}
_MAX_FRAGMENT = 80


def _lang(lang: str | None) -> str:
    code = (lang or "fi").strip().lower()[:2]
    return code if code in LANGS else "fi"


def _answer_is_yes(value: object) -> bool | None:
    if value is True:
        return True
    if value is False or value is None:
        return False
    if isinstance(value, str):
        v = value.strip().casefold().rstrip(".!")
        if v in _YES:
            return True
        if v in _NO:
            return False
    return None


_HIGH_FEVER_RULE = _r("high_fever", "FEVER NUM_HIGH", 3)


def _read(text: str) -> dict[str, list[_Hit]]:
    """flag → the mentions that raised it, for one text."""
    toks = _tokenize(text)
    if not toks:
        return {}
    occ = _occurrences(toks)
    negators = {
        o.tlo for c in _NEGATORS_ANNOT for o in occ.get(c, ()) if toks[o.tlo].fold not in _NOT_ANNOT_NEGATORS
    }
    be = {o.tlo for o in occ.get("BE", ())}
    found: dict[str, list[tuple[_Occ, tuple[int, int] | None]]] = {}
    for rule in (*_RULES, _HIGH_FEVER_RULE):
        matches = _find(rule, occ)
        if not matches:
            continue
        if rule.emit:
            lst = occ.setdefault(rule.emit, [])
            lst.extend(matches)
            lst.sort()
        if rule.flag:
            for m in matches:
                found.setdefault(rule.flag, []).append((m, _negation(m, toks, negators, be)))
    hits: dict[str, list[_Hit]] = {}
    for flag, matches in found.items():
        for m, neg in matches:
            a, b = neg if neg else (m.tlo, m.thi)
            hits.setdefault(flag, []).append(_Hit(toks[a].start, toks[b].end, neg is not None))
    # an urgent sign that is only part of an emergency mention adds nothing ("pahin päänsärky")
    spans = [(h.start, h.end) for f, hs in hits.items() if FLAGS[f].level == "emergency" for h in hs]
    for flag in [f for f in hits if FLAGS[f].level != "emergency"]:
        if all(any(h.start < e and s < h.end for s, e in spans) for h in hits[flag]):
            del hits[flag]
    return hits


def _fragment(text: str, h: _Hit) -> str:
    frag = " ".join(text[h.start:h.end].split())
    return frag if len(frag) <= _MAX_FRAGMENT else frag[: _MAX_FRAGMENT - 1] + "…"


def assess(text: str | None, answers: Mapping[str, bool | str] | None = None, lang: str = "fi") -> Assessment:
    """Suggest an urgency level for a contact. Pure, deterministic, never raises on text."""
    lg = _lang(lang)
    texts: list[str] = []
    if text and text.strip():
        texts.append(text)
    form_flags: list[str] = []
    for key, value in (answers or {}).items():
        yes = _answer_is_yes(value)
        if key in FLAGS and yes:
            form_flags.append(key)
        elif yes is None and isinstance(value, str) and value.strip():
            texts.append(value)
    if not texts and not form_flags:
        return Assessment("unassessed", (), _TEXTS[lg]["empty"])

    frags: dict[str, list[str]] = {}
    negated: dict[str, bool] = {}
    for t in texts:
        for flag, hits in _read(t).items():
            lst = frags.setdefault(flag, [])
            negated[flag] = negated.get(flag, True) and all(h.negated for h in hits)
            for h in hits:
                frag = _fragment(t, h)
                if not any(frag in x for x in lst):
                    lst[:] = [x for x in lst if x not in frag] + [frag]
    for f in form_flags:
        frags.setdefault(f, [])
        negated[f] = False  # a "yes" on the form is never a negation

    if not frags:
        return Assessment("unassessed", (), _TEXTS[lg]["none"])

    flags = tuple(sorted(frags))
    level = min((FLAGS[f].level for f in flags), key=lambda lv: _LEVEL_ORDER[lv])
    matched: list[str] = []
    for f in flags:
        matched.extend(x for x in frags[f] if x not in matched)
    return Assessment(level, flags, _explain(flags, frags, negated, form_flags, lg), tuple(matched))


def _explain(flags: tuple[str, ...], frags: dict[str, list[str]], negated: dict[str, bool],
             form_flags: list[str], lg: str) -> str:
    """'Punainen lippu: rintakipu ("puristaa rinnassa")' — short, in the language asked."""
    t = _TEXTS[lg]
    parts: list[str] = []
    for level in ("emergency", "urgent"):
        fl = [f for f in flags if FLAGS[f].level == level]
        if not fl:
            continue
        items = []
        for f in fl:
            evidence = [f'"{x}"' for x in frags[f][:2]]
            if f in form_flags:
                evidence.append(t["form"])
            item = FLAG_LABELS[f][lg] + (f" ({', '.join(evidence)})" if evidence else "")
            if negated.get(f):
                item += f" — {t['negated']}"
            items.append(item)
        head = t[f"{level}{'1' if len(fl) == 1 else 'N'}"]
        parts.append(f"{head}: " + "; ".join(items))
    return ". ".join(parts)


__all__ = ["Assessment", "FLAGS", "FLAG_IDS", "FLAG_LABELS", "LANGS", "RedFlag", "assess", "fold"]
