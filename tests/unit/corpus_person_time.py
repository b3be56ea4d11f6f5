"""Labelled phrasings about negation, time and person: denied mentions, resolved or remote
history, and third-person reports (text, lang, level, kind), as in tests/unit/corpus_same_day.py.
A denied or historic mention is labelled with the level of what the message reports *now*
(``routine`` where no level is clinically due: anything but emergency/urgent is then right).

Written before the scope was tuned (issue 12, held-out round): colloquial spellings, missing
commas, typos and mixed languages on purpose. ``negated`` entries labelled ``emergency`` deny
one thing and report a real emergency (or the negation *is* the symptom: "ei herää").
"""

from __future__ import annotations

EM = "emergency"
RO = "routine"

PERSON_TIME_CORPUS: list[tuple[str, str, str, str]] = [
    # ------------------------------------------------------------------ Finnish, denied
    ("mulla ei oo rintakipuu, yskä vaan vaivaa", "fi", RO, "negated"),
    ("ei mitään hengenahdistusta, nenä vaan tukossa", "fi", RO, "negated"),
    ("ei kuumetta eikä rintakipua, selkä on jumissa", "fi", RO, "negated"),
    ("ei kuumetta, yskää tai rintakipua, tarvitsisin vain sairauslomatodistuksen", "fi", RO, "negated"),
    ("en ole ajatellut itsemurhaa, mutta väsyttää koko ajan", "fi", RO, "negated"),
    ("ei ole ollut kouristuksia eikä tajunnan menetyksiä", "fi", RO, "negated"),
    ("rintaan ei satu, kysyisin vain kolesterolilääkkeestä", "fi", RO, "negated"),
    ("ei oo ollu mitään rintakipuja, haluun vaan labrat", "fi", RO, "negated"),
    ("ei rintakiupua, flunssaa vaan", "fi", RO, "negated"),
    ("Rintakipu: ei. Hengenahdistus: ei. Yskä: kyllä", "fi", RO, "negated"),
    ("en tiedä onko tää rintakipua mutta puristaa rinnassa", "fi", EM, "negated"),
    ("ei kuumetta rintakipua on ollut aamusta asti", "fi", EM, "negated"),
    ("ei kuumetta, mutta nyt ei saa happea kunnolla ja huulet sinertää", "fi", EM, "negated"),
    ("en pysty nukkumaan kun rintaan sattuu niin kovasti", "fi", EM, "negated"),
    ("kipu ei hellitä rinnassa vaikka otin nitron", "fi", EM, "negated"),
    # Finnish, history
    ("rintakipu tutkittiin eilen päivystyksessä eikä löytynyt mitään, nyt kysyn sairauslomaa", "fi", RO, "history"),
    ("sain aivoinfarktin 5 vuotta sitten, tarvitsen ajokorttitodistuksen", "fi", RO, "history"),
    ("lapsella oli kuumekouristus pari vuotta sitten, kysyisin rokotuksista", "fi", RO, "history"),
    ("rintakipu meni ohi viime viikolla, haluaisin silti kontrolliajan", "fi", RO, "history"),
    ("nuorena mulla oli epilepsiakohtauksia, nyt tarviin todistuksen", "fi", RO, "history"),
    ("sain anafylaktisen reaktion ampiaisesta kauan sitten, haluan uuden adrenaliinikynän reseptin", "fi", RO, "history"),
    ("rintakipu meni ohi tunti sitten, mutta hikoilen vieläkin", "fi", EM, "history"),
    ("viime vuonna oli rintakipua ja nyt samanlaista taas", "fi", EM, "history"),
    # Finnish, third person
    ("isällä on kova rintakipu ja hän hikoilee", "fi", EM, "third_person"),
    ("äidilläni roikkuu suupieli ja puhe sammaltaa", "fi", EM, "third_person"),
    ("miehellä ei oo rintakipua mutta hän ei herää kunnolla", "fi", EM, "third_person"),
    ("vaimo ei saa henkee ja on ihan sininen", "fi", EM, "third_person"),
    ("mun pojalla on 38 kuumetta, ei kouristellut eikä ole veltto", "fi", RO, "third_person"),
    ("isoäiti kaatui mutta ei lyönyt päätä, kysyisin kotiavusta", "fi", RO, "third_person"),
    ("tyttäreni sanoo ettei hänellä ole itsetuhoisia ajatuksia, haluaisimme terapiaan", "fi", RO, "third_person"),
    ("isäni sai aivoverenvuodon vuosia sitten ja nyt tarvitaan kuntoutusta", "fi", RO, "third_person"),
    ("pappa kouristelee lattialla eikä vastaa", "fi", EM, "third_person"),
    ("veljelläni on tosi kova päänsärky joka alkoi äkkiä, pahin ikinä", "fi", EM, "third_person"),
    ("poikaa ampiainen pisti ja kurkku turpoaa", "fi", EM, "third_person"),
    # ------------------------------------------------------------------ Swedish, denied
    ("ingen feber, hosta eller bröstsmärta, behöver bara ett intyg", "sv", RO, "negated"),
    ("jag har ingen andnöd alls, bara täppt näsa", "sv", RO, "negated"),
    ("bröstet gör inte ont, undrar bara om kolesterolet", "sv", RO, "negated"),
    ("inga krampanfall och ingen medvetslöshet, bara yrsel ibland", "sv", RO, "negated"),
    ("jag är inte självmordsbenägen men mår dåligt", "sv", RO, "negated"),
    ("inga andnigssvårigheter, bara ont i halsen", "sv", RO, "negated"),
    ("har inte haft nån bröstsmärta, vill förnya receptet", "sv", RO, "negated"),
    ("jag vet inte om det är bröstsmärta men det trycker över bröstet", "sv", EM, "negated"),
    ("ingen feber bröstsmärta sen i morse", "sv", EM, "negated"),
    ("ingen hosta, men han kan inte andas ordentligt", "sv", EM, "negated"),
    ("smärtan i bröstet släpper inte trots nitro", "sv", EM, "negated"),
    # Swedish, history
    ("min bröstsmärta undersöktes igår och de hittade ingenting, behöver sjukintyg", "sv", RO, "history"),
    ("hade en stroke för tio år sedan, behöver intyg för körkortet", "sv", RO, "history"),
    ("bröstsmärtan gick över förra veckan, vill ändå ha en kontrolltid", "sv", RO, "history"),
    ("som barn hade jag feberkramper, undrar om vaccinet", "sv", RO, "history"),
    ("jag fick anafylaxi av nötter för länge sedan, behöver ny adrenalinpenna", "sv", RO, "history"),
    ("bröstsmärtan gick över för en timme sedan men jag svettas fortfarande", "sv", EM, "history"),
    ("förra året hade jag bröstsmärta och nu har den kommit tillbaka igen", "sv", EM, "history"),
    # Swedish, third person
    ("min man har tryck över bröstet och kallsvettas", "sv", EM, "third_person"),
    ("min pappa kan inte andas ordentligt", "sv", EM, "third_person"),
    ("mormor svarar inte och går inte att väcka", "sv", EM, "third_person"),
    ("min fru har plötsligt sluddrigt tal och hängande mungipa", "sv", EM, "third_person"),
    ("min son krampar och är blå om läpparna", "sv", EM, "third_person"),
    ("min dotter säger att hon vill dö", "sv", EM, "third_person"),
    ("min mamma har ingen bröstsmärta men är väldigt trött", "sv", RO, "third_person"),
    ("pappa fick en stroke för fem år sedan, vi vill boka en kontroll", "sv", RO, "third_person"),
    ("min bror har inte förlorat medvetandet, han har bara ont i knät", "sv", RO, "third_person"),
    ("farfar har inga andningsbesvär, bara hosta sedan en vecka", "sv", RO, "third_person"),
    ("min man slog i huvudet och kräks nu och är förvirrad", "sv", EM, "third_person"),
    ("min dotter svullnar i halsen efter jordnötter", "sv", EM, "third_person"),
    # ------------------------------------------------------------------ English, denied
    ("No fever, cough or chest pain, just need a sick note", "en", RO, "negated"),
    ("she denies any chest pain or shortness of breath", "en", RO, "negated"),
    ("I'm not suicidal, just struggling with sleep", "en", RO, "negated"),
    ("my chest doesn't hurt, I only want my statins renewed", "en", RO, "negated"),
    ("havent had any seizures or blackouts, asking about driving", "en", RO, "negated"),
    ("no chest pian, only a cold", "en", RO, "negated"),
    ("nothing serious, no chest pain or breathing problems, just tired", "en", RO, "negated"),
    ("Chest pain: no. Shortness of breath: no. Cough: yes", "en", RO, "negated"),
    ("I don't know if this is chest pain but it feels tight and heavy in my chest", "en", EM, "negated"),
    ("no fever chest pain since this morning", "en", EM, "negated"),
    ("I can't sleep because of the crushing chest pain", "en", EM, "negated"),
    ("never had chest pain like this before", "en", EM, "negated"),
    # English, history
    ("my chest pain was checked yesterday and they found nothing, I need a work certificate", "en", RO, "history"),
    ("the chest pain went away last month, I'd like a follow-up", "en", RO, "history"),
    ("had a stroke ten years ago, need a form for my driving licence", "en", RO, "history"),
    ("I had anaphylaxis to peanuts a long time ago and need a new epipen prescription", "en", RO, "history"),
    ("as a teenager I had suicidal thoughts, now I'd like to talk about anxiety", "en", RO, "history"),
    ("the chest pain went away an hour ago but I'm still sweaty and sick", "en", EM, "history"),
    ("had chest pain years ago and now the same crushing pain is back again", "en", EM, "history"),
    # English, third person
    ("my father has crushing chest pain and is sweating", "en", EM, "third_person"),
    ("my daughter can't breathe properly and her lips are blue", "en", EM, "third_person"),
    ("my husband's face is drooping and he can't lift his arm", "en", EM, "third_person"),
    ("my mum won't wake up", "en", EM, "third_person"),
    ("my son is having a fit and won't stop shaking", "en", EM, "third_person"),
    ("my grandma took 30 paracetamol tablets", "en", EM, "third_person"),
    ("my wife says she wants to kill herself", "en", EM, "third_person"),
    ("my father had a heart attack years ago, he needs his prescriptions renewed", "en", RO, "third_person"),
    ("my daughter has a rash but no fever and no breathing trouble", "en", RO, "third_person"),
    ("my son hit his head but didn't lose consciousness, he is playing normally", "en", RO, "third_person"),
    ("my mother has no chest pain, only swollen ankles", "en", RO, "third_person"),
    # mixed languages
    ("ei rintakipua, just a cough", "fi", RO, "negated"),
    ("isällä chest pain ja hikoilee", "fi", EM, "third_person"),
    ("ingen bröstsmärta, only a cold", "sv", RO, "negated"),
]
