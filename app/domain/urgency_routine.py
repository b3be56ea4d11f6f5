"""``soon`` (1–3 days) and ``non_urgent`` (administrative) matters, for the urgency engine: data only.

The red flags and their words are :mod:`app.domain.urgency_lexicon`; this module adds the
matters that can wait a day or three and the clearly administrative ones (SPEC §7), in the same
shapes (term syntax and rule syntax are documented there). ``LEXICON`` entries are *added* to the concept of that name
(a concept may already exist in the red-flag lexicon), ``RULES`` run after the red flags' rules.

``soon``: the common Finnish primary-care criteria for an assessment within 1–3 days (cystitis
without fever, ear ache, sore throat with fever, long sinus pain or cough, erythema migrans, a
sprain, back pain, conjunctivitis, a wound or skin infection, lasting diarrhoea, a minor fever).
Their red-flag and same-day versions (fever with flank pain, back pain with leg weakness, a limb
bearing no weight …) are other modules' rules; the engine keeps the most urgent level.

``non_urgent``: prescription renewal, cancelling or moving an appointment, certificates, lab
results, vaccination booking, referral status. **Safety**: an administrative flag is raised only
when the text reports no symptom: every non_urgent rule has ``unless="SYMPTOM"`` with a window
wider than any message, and ``SYMPTOM`` (emitted below from every symptom concept) counts only
the mentions the patient reports now — the engine ignores a denied ("ei kuumetta", "no fever")
or remote-past mention in a non_urgent rule's ``unless`` (see :mod:`app.domain.urgency`). A
symptom no rule grades therefore leaves the matter ``unassessed`` for the nurse, never
``non_urgent``. "oireita", "symptoms" themselves are not symptoms ("ei oireita" is no report);
feeling unwell is one ("olo on tosi huono", "mår dåligt", "I feel terrible").
"""

from __future__ import annotations

from app.domain.urgency_types import Rule

SOON_FLAGS = ("urinary_symptoms", "ear_pain", "sore_throat_fever", "sinusitis", "long_cough",
              "tick_bite_rash", "sprain", "back_pain", "eye_infection", "skin_infection",
              "diarrhoea", "minor_fever")
NON_URGENT_FLAGS = ("prescription_renewal", "appointment_change", "certificate", "lab_results",
                    "vaccination", "referral")
LEVEL_FLAGS: dict[str, tuple[str, ...]] = {"soon": SOON_FLAGS, "non_urgent": NON_URGENT_FLAGS}

FLAG_LABELS: dict[str, dict[str, str]] = {
    "urinary_symptoms": {"fi": "virtsaoireet ilman kuumetta", "sv": "urinvägsbesvär utan feber",
                         "en": "urinary symptoms without fever"},
    "ear_pain": {"fi": "korvakipu", "sv": "öronvärk", "en": "ear ache"},
    "sore_throat_fever": {"fi": "kurkkukipu ja kuume", "sv": "halsont och feber", "en": "sore throat with fever"},
    "sinusitis": {"fi": "poskiontelo-oireet", "sv": "bihålebesvär", "en": "sinus symptoms"},
    "long_cough": {"fi": "pitkittynyt yskä", "sv": "långvarig hosta", "en": "lasting cough"},
    "tick_bite_rash": {"fi": "punkin purema ja punoitus", "sv": "fästingbett och rodnad",
                       "en": "tick bite with redness"},
    "sprain": {"fi": "nyrjähdys tai turvonnut nivel", "sv": "stukning eller svullen led",
               "en": "sprain or swollen joint"},
    "back_pain": {"fi": "selkäkipu", "sv": "ryggvärk", "en": "back pain"},
    "eye_infection": {"fi": "silmätulehduksen oireet", "sv": "symtom på ögoninflammation",
                      "en": "signs of an eye infection"},
    "skin_infection": {"fi": "haava- tai ihotulehdus", "sv": "sår- eller hudinfektion",
                       "en": "wound or skin infection"},
    "diarrhoea": {"fi": "pitkittynyt ripuli", "sv": "långvarig diarré", "en": "lasting diarrhoea"},
    "minor_fever": {"fi": "kuume", "sv": "feber", "en": "fever"},
    "prescription_renewal": {"fi": "reseptin uusinta", "sv": "receptförnyelse", "en": "prescription renewal"},
    "appointment_change": {"fi": "ajan peruminen tai siirto", "sv": "avbokning eller ombokning",
                           "en": "cancelling or moving an appointment"},
    "certificate": {"fi": "todistus tai lausunto", "sv": "intyg", "en": "certificate"},
    "lab_results": {"fi": "laboratoriotulokset", "sv": "provsvar", "en": "test results"},
    "vaccination": {"fi": "rokotusasia", "sv": "vaccination", "en": "vaccination"},
    "referral": {"fi": "lähete", "sv": "remiss", "en": "referral"},
}

FLAG_REASONS: dict[str, dict[str, str]] = {
    "urinary_symptoms": {
        "fi": "Kirvely tai tihentynyt virtsaamistarve ilman kuumetta: virtsatieinfektion arvio 1–3 päivässä.",
        "sv": "Sveda eller täta trängningar utan feber: bedömning av urinvägsinfektion inom 1–3 dagar.",
        "en": "Burning or frequent urination without fever: assess for cystitis within 1–3 days."},
    "ear_pain": {
        "fi": "Korvakipu ilman yleistilan laskua: arvio 1–3 päivässä (välikorvatulehdus).",
        "sv": "Öronvärk utan nedsatt allmäntillstånd: bedömning inom 1–3 dagar (öroninflammation).",
        "en": "Ear ache without a poor general condition: assess within 1–3 days (otitis media)."},
    "sore_throat_fever": {
        "fi": "Kurkkukipu ja kuume: streptokokkiangiinan arvio 1–3 päivässä.",
        "sv": "Halsont och feber: bedömning av streptokockhalsfluss inom 1–3 dagar.",
        "en": "Sore throat with fever: assess for strep throat within 1–3 days."},
    "sinusitis": {
        "fi": "Yli viikon jatkunut poskiontelokipu: arvio 1–3 päivässä.",
        "sv": "Bihålevärk i över en vecka: bedömning inom 1–3 dagar.",
        "en": "Sinus pain lasting over a week: assess within 1–3 days."},
    "long_cough": {
        "fi": "Viikkoja jatkunut yskä ilman hengitysvaikeutta: arvio 1–3 päivässä.",
        "sv": "Hosta i flera veckor utan andningssvårigheter: bedömning inom 1–3 dagar.",
        "en": "A cough lasting weeks without breathing difficulty: assess within 1–3 days."},
    "tick_bite_rash": {
        "fi": "Punoitus tai rengas punkin pureman ympärillä voi olla borrelioosi: arvio 1–3 päivässä.",
        "sv": "Rodnad eller ring kring ett fästingbett kan vara borrelia: bedömning inom 1–3 dagar.",
        "en": "Redness or a ring around a tick bite may be Lyme disease: assess within 1–3 days."},
    "sprain": {
        "fi": "Nyrjähdys tai turvonnut nivel, joka kantaa: arvio 1–3 päivässä.",
        "sv": "Stukning eller svullen led som bär: bedömning inom 1–3 dagar.",
        "en": "A sprain or swollen joint that bears weight: assess within 1–3 days."},
    "back_pain": {
        "fi": "Selkäkipu ilman hälytysmerkkejä: arvio 1–3 päivässä.",
        "sv": "Ryggvärk utan varningstecken: bedömning inom 1–3 dagar.",
        "en": "Back pain without warning signs: assess within 1–3 days."},
    "eye_infection": {
        "fi": "Rähmivä, punoittava tai kutiava silmä ilman näön muutosta: arvio 1–3 päivässä.",
        "sv": "Kladdigt, rött eller kliande öga utan synpåverkan: bedömning inom 1–3 dagar.",
        "en": "A sticky, red or itchy eye without vision change: assess within 1–3 days."},
    "skin_infection": {
        "fi": "Punoittava, lämmin tai märkivä haava tai hitaasti leviävä ihomuutos: arvio 1–3 päivässä.",
        "sv": "Rodnat, varmt eller varigt sår eller långsamt spridande hudförändring: bedömning inom 1–3 dagar.",
        "en": "A red, warm or oozing wound or a slowly spreading skin change: assess within 1–3 days."},
    "diarrhoea": {
        "fi": "Päiviä jatkunut ripuli aikuisella, joka juo: arvio 1–3 päivässä.",
        "sv": "Diarré i flera dagar hos en vuxen som dricker: bedömning inom 1–3 dagar.",
        "en": "Diarrhoea lasting days in an adult who drinks: assess within 1–3 days."},
    "minor_fever": {
        "fi": "Kuume ilman hälytysmerkkejä: arvio 1–3 päivässä, tarkista lämpö ja yleistila.",
        "sv": "Feber utan varningstecken: bedömning inom 1–3 dagar, kontrollera temp och allmäntillstånd.",
        "en": "A fever without warning signs: assess within 1–3 days; check the temperature and condition."},
    "prescription_renewal": {
        "fi": "Reseptin uusinta, ei oireita mainittu: hallinnollinen asia.",
        "sv": "Receptförnyelse utan nämnda symtom: administrativt ärende.",
        "en": "Prescription renewal, no symptom mentioned: administrative."},
    "appointment_change": {
        "fi": "Ajan peruminen tai siirto, ei oireita mainittu: hallinnollinen asia.",
        "sv": "Av- eller ombokning utan nämnda symtom: administrativt ärende.",
        "en": "Cancelling or moving an appointment, no symptom mentioned: administrative."},
    "certificate": {
        "fi": "Todistus- tai lausuntopyyntö, ei oireita mainittu: hallinnollinen asia.",
        "sv": "Begäran om intyg utan nämnda symtom: administrativt ärende.",
        "en": "A certificate request, no symptom mentioned: administrative."},
    "lab_results": {
        "fi": "Kysymys laboratoriotuloksista, ei oireita mainittu: hallinnollinen asia.",
        "sv": "Fråga om provsvar utan nämnda symtom: administrativt ärende.",
        "en": "A question about test results, no symptom mentioned: administrative."},
    "vaccination": {
        "fi": "Rokotusasia, ei oireita mainittu: hallinnollinen asia.",
        "sv": "Vaccinationsärende utan nämnda symtom: administrativt ärende.",
        "en": "A vaccination matter, no symptom mentioned: administrative."},
    "referral": {
        "fi": "Kysymys lähetteestä, ei oireita mainittu: hallinnollinen asia.",
        "sv": "Fråga om remiss utan nämnda symtom: administrativt ärende.",
        "en": "A question about a referral, no symptom mentioned: administrative."},
}

LEXICON: dict[str, tuple[str, ...]] = {
    # --- additions to red-flag concepts ------------------------------------------------------
    # a painkiller is not a pain ("kipulääkkeen resepti"): blocks the pain reading of the token
    "PAIN": ("-*kipulääk", "-*särkylääk", "-*smärtstill", "-värktablet", "-*kipugeel", "-*kipulaastar"),
    # --- soon --------------------------------------------------------------------------------
    "PEE": ("kisar$",),  # "kissar" typed with one s (a doubled letter is the commonest typo)
    "FEVER": ("-fever<hay",),  # hay fever is an allergy
    "BURN": ("kirvel", "*kirvel", "kirvely", "polttel", "poltta", "=sveda", "=sveder", "=svider",
             "=bränn", "burn$", "burns$", "burning$", "sting$", "stings$", "stinging$"),
    "FREQUENT": ("tihe", "usein$", "jatkuvast", "alvariinsa", "=ofta$", "=jämt$",
                 "frequent", "often$", "constantly", "all$", "hela$", "koko$", "trängning", "urge$",
                 "urges$", "pakko$", "=kissnödig"),
    "UTI_TERM": ("virtsatieinf", "*virtsatieinf", "virtsatietuleh", "*virtsatietuleh", "rakkotuleh",
                 "*rakkotuleh", "kystiit", "*kystiit", "cystit", "uti$", "utis$", "=urinvägsinf",
                 "*urinvägsinf", "blåskatarr", "*blåskatarr", "*blåsinfekt", "bladder$",
                 "=virtsaamisvai", "*virtsaamisvai", "=virtsavai"),
    "EAR": ("=korva$", "=korvan$", "=korvaan$", "=korvassa$", "=korvasta$", "=korvaa$", "=korvat$",
            "=korviin$", "=korvissa$", "=korvani", "=korvassani", "=korvaani", "=korvista", "=korvia$",
            "=korvis", "=öra$", "=örat$", "=öron$", "=öronen", "ear$", "ears$"),
    "ACHE": ("pakott", "jomott", "kolott", "=särke", "=bultar", "=dunkar", "=värker", "throbb", "aching"),
    "EAR_TERM": ("*korvakip", "*korvakiv", "*korvasärk", "*korvatuleh", "*korvatuleh", "*korvakipe",
                 "=öronvärk", "=*öronvärk", "=öroninflam", "=*öroninflam", "=öronont", "earache",
                 "*earache", "otit", "*otit"),
    "INFECTION": ("tuleh", "*tuleh", "infekt", "*infekt", "infektoitu", "inflam", "*inflam", "infect",
                  "-tulehdusarvo", "-*tulehdusarvo", "-*tulehduskipulääk"),
    "STREP_TERM": ("angiin", "*angiin", "streptok", "*streptok", "strep$", "=halsflus", "*halsflus",
                   "tonsillit", "nielutuleh", "*nielutuleh", "*nielurisatuleh", "*risatuleh"),
    "WHITE_SPOTS": ("=vaalea", "valkoi", "valkea", "=vita$", "=vit$", "white$", "=beläg", "peite",
                    "=katte", "pus$", "märk"),
    "SINUS": ("poskiontel", "*poskiontel", "sivuontel", "*sivuontel", "=bihål", "*bihål", "sinus$",
              "sinuses$", "sinusit"),
    "COUGH": ("yskä", "*yskä", "yski", "*yski", "ysko", "yskit", "=host", "*hosta", "cough"),
    "LONG": ("viiko", "viikko", "viikon", "*viikkois", "kuukau", "kauan", "pitkään", "pitkitt",
             "=vecka$", "=veckan$", "=veckor", "=månad", "länge$", "långvarig", "week$", "weeks$",
             "month", "persist", "chronic", "kroonin", "kronisk", "lingering", "still$", "edelleen",
             "vieläkin", "=fortfarande"),
    "GO_AWAY": ("ohi$", "parane", "helpota", "=över$", "=bättre$", "away$", "better$", "improv",
                "=går$"),
    "DAYS": ("päivä", "vuorokau", "=dagar$", "=dag$", "=dygn", "day$", "days$", "=eilen", "eilis",
             "toissapäiv", "=igår$", "yesterday", "since$", "lähtien", "=sedan$"),
    "TICK": ("punki", "*punki", "puutia", "*puutia", "=fästing", "*fästing", "tick$", "ticks$",
             "tickbite"),
    "BORRELIA": ("borreli", "*borreli", "borrel", "lyme", "migrans", "vaeltava"),
    "RED": ("punai", "punot", "*punot", "punoit", "*punoit", "=röd$", "=röda$", "=rött$", "rodnad",
            "*rodnad", "rodna", "red$", "redness", "reddish", "rengas", "renka", "=ringen",
            "bullseye"),
    "SPRAIN_TERM": ("nyrjäh", "*nyrjäh", "nyrjä", "nyrjäy", "nyrjäytin", "venähd", "*venähd",
                    "venäht", "venäyt", "revähd", "revähti", "nivelside", "=stuka", "*stukat", "=vrick", "*vrick", "=vrid",
                    "sprain", "sprained", "twisted", "rolled$", "stukning", "jammed$", "=stukade"),
    "JOINT": ("nilkka", "nilka", "nilkan", "*nilkka", "polvi", "polve", "ranne", "rantee", "kyynär",
              "olkapä", "sormi", "sormen", "varvas", "varpa", "=fotled", "*fotled", "=knä", "*knä",
              "=handled", "armbåg", "=axel", "=finger", "=tå$", "=tån$", "ankle", "knee", "wrist",
              "elbow", "shoulder", "finger", "toe$"),
    "INJURY_EVENT": ("kaatu", "kaadu", "liukast", "kompast", "astui", "astuin", "urheil", "pelis",
                     "=föll$", "=ramlade", "halkade", "snubbl", "=trillade", "fell$", "fall$",
                     "slipped", "tripped", "landed", "playing", "football", "jalkapall", "fotboll"),
    "BACK": ("selkä", "=selän$", "=selässä", "=selkään", "=selkää$", "=selästä", "ristisel",
             "=rygg", "back$<call|get|come|ring|phone|text|write|went|go|soon|bring|called|got|came",
             "lowerback", "=korsrygg", "-ryggsäck"),
    "PUT": ("put$", "putting$", "threw$", "thrown$", "throw$"),  # "put my back out"
    "STRAIN": ("tweak", "pulled$", "strained$", "wrenched$", "=revähd", "=venäyt", "=venäht"),
    "BACK_TERM": ("*selkäkip", "*selkäkiv", "*selkäsärk", "*selkävai", "noidannuol", "lumbago", "iskias",
                  "ischias", "sciatica", "=ryggskott", "=*ryggvärk", "=ryggvärk", "=*ryggont", "backache",
                  "*backache", "backpain"),
    "EYE": ("silmä", "*silmä", "silmi", "=öga$", "=ögat$", "=ögon", "=ögonen", "eye$", "eyes$",
            "eyelid", "-silmälas", "-*silmälääk", "-silmälääk", "-silmänpohj", "-ögonläk",
            "-eye>test|tests|exam|doctor|drops|glasses|appointment|check"),
    "DISCHARGE": ("rähm", "*rähm", "erit", "märk", "*märk", "=kladd", "=gegg",
                  "=var$>kan|ska|är|finns|jag|det|du|ni|man|han|hon|vi|de|inte|hittar|bor|nog|för|mitt|min|hos|ligger|får|bra|bara|lite|så|en|ett", "=varig",
                  "=varar", "discharge", "gunk", "goo$", "goopy", "crust", "sticky", "=klibb",
                  "stuck$", "liimaut", "kiinni$", "=ihop$"),
    "ITCH": ("kutia", "kutin", "kutis", "kutit", "=klåd", "=kliar", "=klia", "itch", "gritty",
             "roskan", "skav"),
    "EYE_TERM": ("silmätuleh", "*silmätuleh", "sidekalvotuleh", "*sidekalvo", "konjunktiv", "=ögoninflam",
                 "*ögoninflam", "conjunctiv", "pinkeye", "näärännäp", "=vagel", "stye$"),
    "SKIN_TERM": ("=ruusu$", "=ruusua$", "=ruusun$", "ruusutuleh", "erysipel", "cellulit", "selluliit",
                  "paise", "*paise", "=böld", "abscess", "boil$", "boils$", "impetig", "märkärup",
                  "=svinkopp", "=rosfeber", "kynsivallintuleh"),
    "WOUND_INF": ("=haava", "=haavan", "=haavas", "=haavat", "haavau", "*haava", "tikit", "ompele",
                  "=sår$", "=såret$", "=stygn", "wound", "stitches", "cut$", "scratch", "bite$",
                  "bitten$", "purema", "*purema", "naarmu", "=bett$", "=bettet$", "=skråma"),
    "WARM": ("lämmin", "lämpim", "kuuma$", "kuumott", "kuumotta", "=varm$", "=varmt$", "warm$", "hot$"),
    "SPREAD": ("levi", "laajen", "kasva", "suurene", "=sprid", "=växer", "större", "spread",
               "growing", "bigger$", "larger$"),
    # Swedish "var" is pus, but mostly "where" / "was" ("var kan jag …", "det var")
    "PUS": ("märk", "*märk", "märkii", "=var$>kan|ska|är|finns|jag|det|du|ni|man|han|hon|vi|de|inte|hittar|bor|nog|för|mitt|min|hos|ligger|får|bra|bara|lite|så|en|ett", "=varig", "pus$", "oozing", "ooze", "weeping$"),
    "LOOSE": ("=lös$", "=lösa$", "loose$", "löysä"),  # "lös mage": diarrhoea
    "DIARRHOEA": ("ripuli", "*ripuli", "löysä", "vetinen", "vatsatau", "=diarr", "*diarr",
                  "=magsjuk", "diarrh", "runs$", "loose$"),
    # --- symptoms in general: any of these, reported now, sets an administrative flag aside ---
    "SYMPTOM_TERM": ("nuha", "*nuha", "snuva", "=snorig", "runny", "tukkoi", "tukossa", "täppt",
                     "pahoinvoi", "=illamå", "nause", "huima", "*huima", "=yrsel", "=yr$", "=yra$",
                     "=yrt$", "dizz", "vertigo", "kutina", "klåda", "itch", "turvo", "=svull",
                     "swell", "swollen", "väsy", "=trött", "exhaust", "fatigue", "mustelm",
                     "blåmär", "bruise", "kyhmy", "=knöl", "lump", "tykyt", "hjärtklapp",
                     "palpitat", "masennu", "depressi", "ahdistu", "ångest", "anxiety", "panic",
                     "paniik", "unetto", "sömnlös", "insomn", "oksent", "=kräk", "vomit",
                     "*ripuli", "ripuli", "diarr", "ummetus", "förstopp", "constipat", "hiert",
                     "hiertä", "chafe", "chafing", "=skav", "ihottu", "*ihottu", "utslag", "rash",
                     "=haava", "=*haava", "=sår$", "wound", "vuoto", "*vuoto", "=blöd", "=*blöd",
                     "bleed", "=*värk", "kramp", "kourist", "cramp", "sairastu", "=flunss",
                     "*flunss", "influenssa", "-influenssarok", "-*influenssarok",
                     "-influensavacc", "-*influensavacc",
                     "-flu>vaccine|vaccination|jab|jabs|shot|shots",
                     "-covid>vaccine|vaccination|booster|jab|shot|test|tests|testing",
                     "-korona>rokote|rokotus|testi", "-corona>vaccine|test", "-*rokot", "-*vaccin",
                     "-*vaksin", "=förkyl",
                     "=influens", "cold$", "flu$", "infektio", "*infektio", "infection", "virus",
                     "korona", "corona", "covid", "mahatau", "vatsatau", "=magsjuk", "=magont",
                     "=huvudvärk", "heikotta", "heikko", "=yskä", "=yskä", "sneez", "aivastel",
                     "=nys", "hoarse", "käheä", "=hes$", "allergia", "allergi", "=rokko",
                     "=*rokko", "=koppor", "chickenpox", "fainted", "pyörty", "=svimm", "kuumeil",
                     "=jomotta", "=kolottaa", "stiff$", "jäykk", "=stel$", "=ont$", "lump$",
                     "tinnitus", "humin", "=sus$", "=susar", "=ringning", "urtikar", "nokkos",
                     "hives", "=besvär", "=*besvär", "=vaiva", "sumea", "sumen", "sumeu",
                     "kiprist", "=vääntää$", "=vääntelee", "nipist", "=suddig", "blurr", "heikent",
                     "=försämr", "=vaivaa", "=*vaiva", "problem$<no", "problems$<no"),
    # feeling unwell is a report too ("olo on tosi huono", "mår jättedåligt", "I feel terrible")
    "UNWELL": ("unwell", "poorly", "huonovoin", "*huonovoin", "=*dålig", "ill$", "sick$", "=sairas"),
    # --- non_urgent --------------------------------------------------------------------------
    "RX": ("resepti", "*resepti", "=reseptin", "reseptiä", "lääkemääräy", "=recept", "*recept",
           "prescript", "*prescript", "refill", "repeat$"),
    "RX_TERM": ("reseptinuus", "*reseptinuus", "reseptiuus", "receptförny", "*receptförny",
                "=förnya", "=förnyel", "renewal", "renew", "uusinta", "*uusinta", "uusinna",
                "uusintaa"),
    "RENEW": ("=uusi", "=uusia", "=uusin", "=uusim", "=uusit", "=uusis", "=uusitt", "=uusiminen",
              "=jatka", "=jatko", "=förläng", "=förnya", "renew", "extend", "refill", "repeat",
              "continu", "=kirjoit", "renewed$"),
    "NEED": ("saisin", "saisinko", "=tarvitsen", "=tarvitsisin", "=tarvis", "=tarviin", "=behöver",
             "need$", "needs$", "new$", "more$", "=uuden$", "=ny$", "=nytt$", "get$", "have$"),
    "RUN_OUT": ("loppu", "lopu", "loppum", "lopuss", "=slut$", "=tar$", "out$", "=ut$", "running$", "ran$",
                "expire", "vanhen"),
    "APPOINTMENT": ("=aika$", "=aikani$", "=aikaa$", "=ajan$", "=ajanvar", "=ajalle", "=ajalla$",
                    "*aikani$", "*aika$", "*vastaanottoaik", "=tid$", "=tiden$", "=tider", "*tid$",
                    "*tiden$", "bokning", "*bokning", "=besök", "appointment", "appt$", "booking",
                    "visit$", "käynti", "käynnin", "kontroll", "checkup", "vastaanot",
                    "*vastaanot", "*tapaami", "=tapaami", "=*kontroll"),
    "CANCEL": ("=peru", "=peruu", "=peruut", "=peruutt", "=siirt", "=siirr", "=vaihta", "=vaihdet",
               "=muuttaa$", "=avbok", "=omboka", "=ombok", "=flytta", "=ändra", "cancel", "reschedul",
               "move$", "moved$", "postpon", "rearrang", "change$", "changed$", "=annulle", "=flyttas$", "=ändras$"),
    "REACH": ("=pääse", "=ehdi", "=hinner", "=hinna", "=komma$", "=kommer$", "make$", "attend",
              "come$", "=tule$", "=tulla$", "=pysty"),
    "CERT_TERM": ("todistu", "*todistu", "=lausunto", "=*lausunto", "=lausunnon", "=*lausunnon",
                  "=intyg", "=*intyg", "certific", "*certific", "sairauslom", "*sairauslom",
                  "=sjukskriv", "=*sjukskriv", "sickleave", "sjukledig", "=*sjukintyg", "=läkarintyg",
                  "poissaolo", "=frånvaro", "*frånvaroint", "=utlåtande", "=*utlåtande"),
    "SICKISH": ("sick$", "fit$", "doctors$", "doctor$", "medical$", "gps$", "absence$", "driving$"),
    "NOTE": ("note$", "notes$", "leave$", "licence$", "license$", "letter$"),
    # who asks for the paper ("a note for school", "todistus työnantajalle")
    "INSTITUTION": ("school", "work$", "employer", "=koulu", "*koulu", "=työnantaj", "=työpaik", "=päiväkot",
                    "=skola", "=skolan", "=arbetsgivar", "=jobbet$", "=dagis", "kela$", "=fpa$",
                    "insurance", "vakuutu", "=försäkr"),
    # an explicit cancel with a day or a "can't come" ("can't make it tomorrow, please cancel")
    "CANCEL_VERB": ("=peru", "=peruu", "=peruut", "=avbok", "cancel"),
    "WHEN": ("huomen", "=tänään", "ylihuom", "maanantai", "tiistai", "keskiviik", "torstai", "perjanta",
             "=imorgon", "=idag$", "=måndag", "=tisdag", "=onsdag", "=torsdag", "=fredag", "tomorrow",
             "today$", "monday", "tuesday", "wednesday", "thursday", "friday", "=klo$", "=kl$"),
    "BOOK_SV": ("=boka$", "=bokar$", "=bokade$"),
    "OM_SV": ("=om$",),
    "SHOT": ("shot$", "shots$"),
    "SHOT_FOR": ("flu$", "covid", "corona", "tetanus", "booster", "hpv$", "pneumo", "=mmr$", "travel",
                 "hepatit", "rabies", "tbe$", "tick$"),
    "LAB": ("laborator", "*laborator", "=labra", "=*labra", "=labb", "=*labb", "lab$", "labs$",
            "=verikoe", "=verikokee", "=*verikoke", "=*verikoe", "=verikoke", "=blodprov", "=*blodprov",
            "test$", "tests$", "=testi", "=*testi", "bloodwork", "=prov$", "=proven$", "=provet$",
            "=proverna", "*provet$", "=näyte", "=näytte", "=*näyte", "=*näytte", "=kokeen", "=kokeet",
            "=kokeiden", "=koetulo", "=*koetulo", "sample", "cholesterol", "kolesterol", "crp$",
            "=röntgen", "=*röntgen", "xray", "scan$", "ecg", "ekg", "=sydänfilm", "=*kuvau",
            "=magneett", "mri$", "=ultraääni"),
    "RESULT": ("tulos", "tuloks", "tulok", "=*tulok", "=*tulos", "vastau", "vastaus", "=svar$", "=svaret",
               "=svaren$", "*svar$", "=*svaret", "=resultat", "=*resultat", "result", "*result",
               "finding", "report$", "=löydö", "*arvo", "arvot$", "*värde", "=värden", "=värdet",
               "level$", "levels$", "=nivå", "rsult", "reslut", "resutl", "=näkyi", "=näkyy", "=visade",
               "=visar$", "show$", "showed$", "shows$"),
    # "onko labrat tullut", "har proverna kommit", "are my labs back": the results, by another word
    "ARRIVED": ("=tullut$", "=tullu$", "=tulleet$", "=tulivat$", "=valmiina$", "=valmiit", "=kommit$",
                "=klara$", "=färdiga$", "back$", "ready$", "=in$"),
    "LAB_RESULT_TERM": ("laboratoriotulo", "*labratulo", "labratulo", "=provsvar", "=*provsvar",
                        "=labbsvar", "=*labbsvar", "=provresultat", "testresult", "=labbresultat"),
    "VACCINE": ("rokot", "*rokot", "=rokote", "=*rokote", "vaccin", "*vaccin", "vaccination",
                "=vaxin", "booster", "*tehoste", "tehoste", "immunis", "immuniz", "jab$", "jabs$",
                "=vacc", "vaksin"),
    "REFERRAL": ("=lähete$", "=lähettee", "*lähete$", "=*lähettee", "=lähetettä$", "=remiss",
                 "=*remiss", "referral", "*referral", "referred", "=lähetteeni"),
}

TYPO_CONCEPTS: frozenset[str] = frozenset({
    "BURN", "EAR_TERM", "SINUS", "COUGH", "TICK", "SPRAIN_TERM", "BACK_TERM", "EYE_TERM", "DIARRHOEA",
    "SKIN_TERM", "UTI_TERM", "STREP_TERM", "RX", "RX_TERM", "CERT_TERM", "VACCINE", "REFERRAL",
    "LAB_RESULT_TERM",
})

NEG = "NEG_FI|NEG_SV|NEG_EN"
# any symptom word; the engine counts only the ones reported now against an administrative flag
_SYMPTOM_CONCEPTS = ("SYMPTOM_TERM|PAIN|FEVER|VOMIT|RASH|SWELL|BLOOD|NUMB|WEAK|CONFUSED|DROWSY|"
                     "HEADACHE_TOKEN|WHEEZE|DYSPNEA|BREATHLESS_MILD|SEIZURE_WEAK|SEIZURE_STRONG|"
                     "COUGH|DIARRHOEA|BURN|ITCH|DISCHARGE|EAR_TERM|EYE_TERM|BACK_TERM|SPRAIN_TERM|"
                     "SKIN_TERM|UTI_TERM|STREP_TERM|SINUS|INFECTION|CHOKE|CYANOSIS|SPEECH_BAD|"
                     "STROKE_TERM|UNCONSCIOUS_TERM|HIVES|LIMP_TERM|RETENTION_TERM|SUICIDE_TERM|"
                     "POISON_TERM|BORRELIA|HEART_ATTACK_TERM|ANAPH_TERM|RED|PUS")
# Large enough to cover any message: an administrative flag needs the *whole* text symptom-free.
_WHOLE_TEXT = 100_000

RULES: tuple[Rule, ...] = (
    # derived concepts
    Rule(None, _SYMPTOM_CONCEPTS, 0, emit="SYMPTOM"),
    Rule(None, "FEEL BAD|UNWELL", 3, emit="SYMPTOM"),
    Rule(None, f"{NEG}|NEGCAN GO_AWAY", 3, emit="LONG"),  # "ei mene ohi", "går inte över", "won't go away"
    Rule(None, f"{NEG}|NEGCAN REACH", 2, emit="CANCEL"),  # "en pääse", "kan inte komma", "can't make it"
    Rule(None, f"{NEG}|NEGCAN REACH", 2, emit="NOT_COMING"),
    Rule(None, "SICKISH NOTE", 1, emit="CERT_TERM", ordered=True),  # "sick note", "driving licence"
    Rule(None, "NOTE INSTITUTION", 4, emit="CERT_TERM"),  # "a note for school"
    Rule(None, "BOOK_SV OM_SV", 1, emit="CANCEL", ordered=True),  # "boka om" (rebook)
    Rule(None, "SHOT_FOR SHOT", 1, emit="VACCINE", ordered=True),  # "flu shot", not "shot"
    Rule(None, "LOOSE ABDOMEN", 1, emit="DIARRHOEA"),  # "lös mage", "loose stomach"
    # soon
    Rule("urinary_symptoms", "PEE BURN|PAIN|FREQUENT|BLOOD", 4),
    Rule("urinary_symptoms", "UTI_TERM", 0),
    Rule("urinary_symptoms", "DYSURIA", 0),
    Rule("ear_pain", "EAR PAIN|INFECTION|DISCHARGE|ACHE", 3),
    Rule("ear_pain", "EAR_TERM", 0),
    Rule("sore_throat_fever", "THROAT PAIN|INFECTION FEVER", 8),
    Rule("sore_throat_fever", "STREP_TERM", 0),
    Rule("sore_throat_fever", "TONSIL WHITE_SPOTS|PUS|FEVER", 4),
    Rule("sinusitis", "SINUS", 0),
    Rule("long_cough", "COUGH LONG", 6),
    Rule("tick_bite_rash", "TICK RED|RASH|SWELL|SPREAD|FEVER", 8),
    Rule("tick_bite_rash", "BORRELIA", 0),
    Rule("sprain", "SPRAIN_TERM", 0),
    Rule("sprain", "JOINT SWELL", 3),
    Rule("sprain", "JOINT PAIN INJURY_EVENT", 6),
    Rule("back_pain", "BACK PAIN|STIFF|PRESSURE", 3),
    Rule("back_pain", "BACK_TERM", 0),
    Rule("back_pain", "BACK KILL", 2),  # "my back is killing me"
    Rule("back_pain", "PUT BACK OUT", 3, ordered=True),  # "put my back out"
    Rule("back_pain", "STRAIN BACK", 2, ordered=True),  # "pulled my back", "venäytin selän"
    Rule("eye_infection", "EYE DISCHARGE|RED|ITCH|PAIN|INFECTION|PUS", 3),
    Rule("eye_infection", "EYE_TERM", 0),
    Rule("skin_infection", "SKIN_TERM", 0),
    Rule("skin_infection", "WOUND_INF|WOUND RED|WARM|SWELL|PUS|INFECTION|SPREAD", 4, unless="TICK", unless_window=8),
    Rule("skin_infection", "RASH|RED SPREAD", 4),
    Rule("skin_infection", "RASH LONG", 4),
    Rule("skin_infection", "RASH ITCH", 4),  # a new itchy rash: seen within days
    Rule("diarrhoea", "DIARRHOEA DAYS|LONG", 6),
    # a fever with nothing else named; with a throat, an ear, infant, ≥ 40 … the other flag tells
    Rule("minor_fever", "FEVER", 0,
         unless="THROAT|TONSIL|EAR|EAR_TERM|PEE|UTI_TERM|TICK|COUGH|SINUS|INFANT|INFANT_YOUNG|NUM_HIGH",
         unless_window=8),
    # non_urgent: only when no symptom is reported anywhere in the text
    Rule("prescription_renewal", "RX_TERM", 0, unless="SYMPTOM", unless_window=_WHOLE_TEXT),
    Rule("prescription_renewal", "RX RENEW|NEED|RUN_OUT", 4, unless="SYMPTOM", unless_window=_WHOLE_TEXT),
    Rule("prescription_renewal", "SUBSTANCE RUN_OUT|RENEW", 3, unless="SYMPTOM", unless_window=_WHOLE_TEXT),
    Rule("appointment_change", "APPOINTMENT CANCEL", 4, unless="SYMPTOM", unless_window=_WHOLE_TEXT),
    Rule("appointment_change", "CANCEL_VERB WHEN|NOT_COMING", 6, unless="SYMPTOM", unless_window=_WHOLE_TEXT),
    Rule("certificate", "CERT_TERM", 0, unless="SYMPTOM", unless_window=_WHOLE_TEXT),
    Rule("lab_results", "LAB RESULT", 4, unless="SYMPTOM", unless_window=_WHOLE_TEXT),
    Rule("lab_results", "LAB_RESULT_TERM", 0, unless="SYMPTOM", unless_window=_WHOLE_TEXT),
    Rule("lab_results", "LAB ARRIVED", 3, unless="SYMPTOM", unless_window=_WHOLE_TEXT),
    Rule("vaccination", "VACCINE", 0, unless="SYMPTOM", unless_window=_WHOLE_TEXT),
    Rule("referral", "REFERRAL", 0, unless="SYMPTOM", unless_window=_WHOLE_TEXT),
)
