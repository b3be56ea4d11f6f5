"""What the urgency engine says to a professional about the red flags, in fi / sv / en: each
flag's label, the one-line reason it raises its level, and the explanation's fixed phrases.

Data only, kept apart from the words patients write (:mod:`app.domain.urgency_lexicon`). The
everyday levels' flags bring their own labels and reasons (:mod:`app.domain.urgency_same_day`,
:mod:`app.domain.urgency_routine`); the lexicon merges them into these tables at import.
"""

from __future__ import annotations

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

# One line per flag, in the professional's language: why the flag raises its level (shown with the
# matched words in the case view and the API). Written for a nurse, not for the patient.
FLAG_REASONS: dict[str, dict[str, str]] = {
    "chest_pain": {
        "fi": "Rintakipu tai puristus voi olla sydäninfarkti: arvioi heti, tarvittaessa 112.",
        "sv": "Bröstsmärta eller tryck kan vara en hjärtinfarkt: bedöm genast, vid behov 112.",
        "en": "Chest pain or pressure may be a heart attack: assess at once, 112 if needed.",
    },
    "stroke": {
        "fi": "Kasvojen, raajan tai puheen äkillinen oire viittaa aivoverenkiertohäiriöön: aika on aivoja, 112.",
        "sv": "Plötsligt symtom i ansikte, arm eller tal tyder på stroke: tid är hjärna, 112.",
        "en": "A sudden face, limb or speech symptom suggests a stroke: time is brain, 112.",
    },
    "breathing": {
        "fi": "Vaikea hengitysvaikeus on hengenvaarallinen: arvioi heti, tarvittaessa 112.",
        "sv": "Svåra andningssvårigheter är livshotande: bedöm genast, vid behov 112.",
        "en": "Severe difficulty breathing is life-threatening: assess at once, 112 if needed.",
    },
    "unconscious": {
        "fi": "Tajunnan menetys tai reagoimattomuus vaatii ensihoidon: 112.",
        "sv": "Medvetslöshet eller att inte reagera kräver akutvård: 112.",
        "en": "Loss of consciousness or no response needs emergency care: 112.",
    },
    "seizure": {
        "fi": "Kouristelu, etenkin pitkittynyt tai ensimmäinen, vaatii kiireellisen arvion: 112.",
        "sv": "Kramper, särskilt långvariga eller första gången, kräver akut bedömning: 112.",
        "en": "A seizure, above all a long or first one, needs emergency assessment: 112.",
    },
    "thunderclap_headache": {
        "fi": "Äkillinen, elämän pahin päänsärky voi olla aivoverenvuoto: 112.",
        "sv": "Plötslig, livets värsta huvudvärk kan vara en hjärnblödning: 112.",
        "en": "A sudden, worst-ever headache may be a brain haemorrhage: 112.",
    },
    "bleeding": {
        "fi": "Runsas tai lakkaamaton verenvuoto tai veren oksentaminen vaatii heti hoitoa.",
        "sv": "Kraftig eller oupphörlig blödning eller blodiga kräkningar kräver vård genast.",
        "en": "Heavy or unstoppable bleeding or vomiting blood needs care at once.",
    },
    "anaphylaxis": {
        "fi": "Turvotus nielussa tai hengitysoire allergeenin jälkeen voi olla anafylaksia: adrenaliini, 112.",
        "sv": "Svullnad i svalget eller andningsbesvär efter ett allergen kan vara anafylaxi: adrenalin, 112.",
        "en": "Throat swelling or breathing trouble after an allergen may be anaphylaxis: adrenaline, 112.",
    },
    "suicidal": {
        "fi": "Itsetuhoiset ajatukset: ota yhteys heti, älä jätä odottamaan.",
        "sv": "Självmordstankar: ta kontakt genast, låt inte vänta.",
        "en": "Suicidal thoughts: reach the person at once, do not leave them waiting.",
    },
    "general_condition": {
        "fi": "Nopeasti heikentynyt yleistila tai äkillinen sekavuus vaatii heti arvion.",
        "sv": "Snabbt försämrat allmäntillstånd eller plötslig förvirring kräver bedömning genast.",
        "en": "A rapidly failing general condition or sudden confusion needs assessment at once.",
    },
    "meningitis": {
        "fi": "Niskajäykkyys kuumeen tai ihottuman kanssa voi olla aivokalvontulehdus: 112.",
        "sv": "Nackstelhet med feber eller utslag kan vara hjärnhinneinflammation: 112.",
        "en": "A stiff neck with fever or a rash may be meningitis: 112.",
    },
    "poisoning": {
        "fi": "Myrkytys tai yliannostus: Myrkytystietokeskus 0800 147 111, oireisena 112.",
        "sv": "Förgiftning eller överdos: Giftinformationscentralen 0800 147 111, med symtom 112.",
        "en": "Poisoning or overdose: Poison Information Centre 0800 147 111, 112 with symptoms.",
    },
    "head_injury": {
        "fi": "Päävamma ja oksentelu, uneliaisuus, sekavuus tai verenohennus: arvio heti.",
        "sv": "Huvudskada med kräkningar, dåsighet, förvirring eller blodförtunnande: bedöm genast.",
        "en": "A head injury with vomiting, drowsiness, confusion or blood thinners: assess at once.",
    },
    "breathlessness": {
        "fi": "Hengästyneisyys tai vinkuna ilman hätämerkkejä: arvio saman päivän aikana.",
        "sv": "Andfåddhet eller väsande andning utan akuta tecken: bedömning samma dag.",
        "en": "Breathlessness or wheezing without emergency signs: assessment the same day.",
    },
    "severe_pain": {
        "fi": "Äkillinen tai sietämätön kipu: arvio muutaman tunnin sisällä.",
        "sv": "Plötslig eller outhärdlig smärta: bedömning inom några timmar.",
        "en": "Sudden or unbearable pain: assessment within hours.",
    },
    "infant_fever": {
        "fi": "Alle 3 kk vauvan kuume on aina arvioitava samana päivänä.",
        "sv": "Feber hos ett spädbarn under 3 månader ska alltid bedömas samma dag.",
        "en": "Fever in an infant under 3 months always needs assessment the same day.",
    },
    "high_fever": {
        "fi": "Yli 40 asteen kuume: arvio saman päivän aikana.",
        "sv": "Feber över 40 grader: bedömning samma dag.",
        "en": "A fever over 40 °C: assessment the same day.",
    },
    "urinary_retention": {
        "fi": "Virtsaumpi on kivulias ja vaatii hoitoa muutaman tunnin sisällä.",
        "sv": "Urinstopp är smärtsamt och kräver vård inom några timmar.",
        "en": "Urinary retention is painful and needs care within hours.",
    },
    "dehydration": {
        "fi": "Lapsi tai iäkäs ei juo: nestehukan vaara, arvio saman päivän aikana.",
        "sv": "Ett barn eller en äldre dricker inte: risk för uttorkning, bedömning samma dag.",
        "en": "A child or an older person not drinking: risk of dehydration, assess the same day.",
    },
}

TEXTS: dict[str, dict[str, str]] = {
    "fi": {
        "soon1": "Arvio 1–3 päivässä",
        "soonN": "Arvio 1–3 päivässä",
        "non_urgent1": "Hallinnollinen asia",
        "non_urgentN": "Hallinnolliset asiat",
        "history": "aiempi, ei nyt, tarkista",
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
        "soon1": "Bedömning inom 1–3 dagar",
        "soonN": "Bedömning inom 1–3 dagar",
        "non_urgent1": "Administrativt ärende",
        "non_urgentN": "Administrativa ärenden",
        "history": "tidigare, inte nu, kontrollera",
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
        "soon1": "Assessment within 1–3 days",
        "soonN": "Assessment within 1–3 days",
        "non_urgent1": "Administrative matter",
        "non_urgentN": "Administrative matters",
        "history": "in the past, not now, check",
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
